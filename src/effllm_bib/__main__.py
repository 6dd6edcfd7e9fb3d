"""`python -m effllm_bib` runs the command line."""

from .cli import main

main()

"""effllm-bib: the bibliography of *Efficient Large Language Models: A Survey* as a canonical database."""

__version__ = "0.1.0"

"""Where effllm-bib keeps caches: HTTP responses, parsed databases, formatted entries."""

from __future__ import annotations

import os
from pathlib import Path


def cache_root() -> Path:
    """``$EFFLLM_BIB_CACHE_DIR``, else the user cache directory of effllm-bib (platformdirs)."""
    override = os.environ.get("EFFLLM_BIB_CACHE_DIR")
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("effllm-bib"))

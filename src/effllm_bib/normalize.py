"""Small pure transforms: arXiv ids, DOIs, titles, venues. One job per function.

Person names are parsed in :mod:`effllm_bib.names` only."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

# Defined in vocab; re-exported here for the modules that import it from normalize.
from .vocab import ARXIV_DOI_PREFIX as ARXIV_DOI_PREFIX

# --- arXiv -----------------------------------------------------------------------------------

_NEW_ID = r"(?P<id>\d{4}\.\d{4,5})(?P<version>v\d+)?"
_OLD_ID = r"(?P<oldid>[a-z][a-z.-]*/\d{7})(?P<oldversion>v\d+)?"
_ARXIV_URL = re.compile(
    r"(?:arxiv\.org/(?:abs|pdf|html|format)/|doi\.org/10\.48550/arxiv\.|huggingface\.co/papers/)"
    rf"(?:{_NEW_ID}|{_OLD_ID})",
    re.IGNORECASE,
)
_ARXIV_BARE = re.compile(rf"^(?:arxiv:)?(?:{_NEW_ID}|{_OLD_ID})$", re.IGNORECASE)


def arxiv_id_from_url(url: str) -> str | None:
    """The arXiv identifier (without version) a link points to, or None.

    Understands ``/abs/``, ``/pdf/`` (with or without ``.pdf``), ``/html/``, the arXiv DOI and
    Hugging Face paper pages, with or without ``www.`` and version suffixes.
    """
    m = _ARXIV_URL.search(url)
    if not m:
        return None
    return m.group("id") or m.group("oldid").lower()


def normalize_arxiv_id(value: str) -> str | None:
    """``arXiv:2301.00774v2`` -> ``2301.00774``; None when the value is not an arXiv id."""
    value = value.strip()
    m = _ARXIV_BARE.match(value)
    if m:
        return m.group("id") or m.group("oldid").lower()
    return arxiv_id_from_url(value)


def arxiv_year(arxiv_id: str) -> int | None:
    """The year an arXiv id of the new scheme was issued (``2301.00774`` -> 2023)."""
    m = re.match(r"^(\d{2})\d{2}\.", arxiv_id)
    return 2000 + int(m.group(1)) if m else None


# --- DOI -------------------------------------------------------------------------------------

_DOI = re.compile(r"(10\.\d{4,9}/\S+)", re.IGNORECASE)


def normalize_doi(value: str) -> str | None:
    """Strip ``https://doi.org/``, ``doi:`` and the like; None when no DOI is present."""
    m = _DOI.search(value.strip())
    if not m:
        return None
    return m.group(1).rstrip(".,;")


# --- pages -----------------------------------------------------------------------------------


def normalize_pages(value: str) -> str:
    """A page range with BibTeX's ``--``: ``4582-4597``, ``4582–4597`` -> ``4582--4597``."""
    return re.sub(r"\s*[-\u2010-\u2015\u2212]+\s*", "--", value.strip())


# --- text and titles ---------------------------------------------------------------------------

_LATEX_ESCAPES = {r"\&": "&", r"\%": "%", r"\$": "$", r"\#": "#", r"\_": "_"}


def latex_to_plain(value: str) -> str:
    """A light LaTeX-to-text conversion for comparing values (not for display)."""
    for latex, plain in _LATEX_ESCAPES.items():
        value = value.replace(latex, plain)
    value = re.sub(r"\\[a-zA-Z]+\s*", "", value)
    return value.replace("{", "").replace("}", "")


def fold(value: str) -> str:
    """Lower-case ASCII letters and digits only, single-spaced: the key for comparing titles."""
    value = re.sub(r"['’‘`]", "", latex_to_plain(value))  # "Don’t" and "Dont" fold alike
    value = unicodedata.normalize("NFKD", value)
    value = "".join(c for c in value if not unicodedata.combining(c))
    value = re.sub(r"[^a-z0-9]+", " ", value.lower())
    return value.strip()


def clean_text(value: str) -> str:
    """Collapse white space and strip."""
    return re.sub(r"\s+", " ", value).strip()


def fix_doubled_prefix(title: str) -> str:
    """``OmniQuant: OmniQuant: Omnidirectionally ...`` -> ``OmniQuant: Omnidirectionally ...``."""
    m = re.match(r"^\s*([^:]{1,40}):\s*\1:\s*", title)
    if m:
        return f"{m.group(1)}: {title[m.end() :]}"
    return title


_LATEX_SPECIALS = re.compile(r"(?<!\\)([&%$#_])")
_CARET_TILDE = re.compile(r"(?<!\\)([\^~])(?!\{\})")


def escape_latex(text: str) -> str:
    """Escape the LaTeX specials ``& % $ # _ ^ ~`` that are not escaped yet."""
    text = _LATEX_SPECIALS.sub(r"\\\1", text)
    return _CARET_TILDE.sub(r"\\\1{}", text)


_TOKEN = re.compile(r"[A-Za-z0-9]+")


def needs_protection(token: str) -> bool:
    """A token BibTeX styles would damage by lower-casing: an upper-case letter after the first."""
    return any(c.isupper() for c in token[1:])


def protect_title(title: str) -> str:
    """Escape specials and brace tokens such as ``GPTQ``, ``LoRA``, ``LLMs`` or ``4K``.

    A title that already has braces is taken as curated and only escaped.
    """
    title = escape_latex(title)
    if "{" in title.replace("\\^{}", "").replace("\\~{}", ""):
        return title
    return _TOKEN.sub(
        lambda m: f"{{{m.group(0)}}}" if needs_protection(m.group(0)) else m.group(0), title
    )


def similar_pairs(strings: list[str], cutoff: float) -> list[tuple[int, int, float]]:
    """Index pairs (i < j) whose rapidfuzz ratio is at least ``cutoff``.

    Built on ``process.extract``, not ``process.cdist``: cdist needs numpy, which is not one of
    rapidfuzz's (or our) dependencies.
    """
    from rapidfuzz import fuzz, process

    pairs = []
    for i, s in enumerate(strings):
        for _, score, j in process.extract(
            s, strings, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None
        ):
            if j > i:
                pairs.append((i, j, score))
    return sorted(pairs)


# --- venues ------------------------------------------------------------------------------------


# Where each published entry type names its venue.
VENUE_FIELD = {"article": "journal", "inproceedings": "booktitle"}


@dataclass(frozen=True)
class Venue:
    """A venue as the survey names it, normalised: short name, kind and the full name."""

    short: str
    kind: str  # conference | workshop | journal | preprint | blog | website
    full: str = ""

    @property
    def entry_type(self) -> str:
        return {
            "conference": "inproceedings",
            "workshop": "inproceedings",
            "journal": "article",
        }.get(self.kind, "misc")

    @property
    def venue_field(self) -> str:
        """``booktitle`` or ``journal``: where the full name goes; '' for preprints and blogs."""
        return VENUE_FIELD.get(self.entry_type, "")


_ACL = "Annual Meeting of the Association for Computational Linguistics"
_FINDINGS = "Findings of the Association for Computational Linguistics"
_NAACL = (
    "Conference of the North American Chapter of the Association for Computational "
    "Linguistics: Human Language Technologies"
)

# Keys are fold()ed and have spaces removed, so "NeurIPS-ENLSP", "NeurIPS ENLSP" and
# "neurips_enlsp" all find the same row. Typos seen in the survey's list map to the right venue.
VENUES: dict[str, Venue] = {
    "arxiv": Venue("arXiv", "preprint"),
    "neurips": Venue("NeurIPS", "conference", "Advances in Neural Information Processing Systems"),
    "nips": Venue("NeurIPS", "conference", "Advances in Neural Information Processing Systems"),
    "neurlps": Venue("NeurIPS", "conference", "Advances in Neural Information Processing Systems"),
    "neuripsenlsp": Venue(
        "NeurIPS ENLSP Workshop",
        "workshop",
        "Workshop on Efficient Natural Language and Speech Processing",
    ),
    "neuripsworkshop": Venue("NeurIPS Workshop", "workshop", "NeurIPS Workshop"),
    "iclr": Venue("ICLR", "conference", "International Conference on Learning Representations"),
    "colm": Venue("COLM", "conference", "Conference on Language Modeling"),
    "icml": Venue("ICML", "conference", "International Conference on Machine Learning"),
    "icmlworkshop": Venue("ICML Workshop", "workshop", "ICML Workshop"),
    "acl": Venue("ACL", "conference", f"Proceedings of the {_ACL}"),
    "aclshort": Venue("ACL", "conference", f"Proceedings of the {_ACL} (Short Papers)"),
    "acldemo": Venue("ACL Demo", "conference", f"Proceedings of the {_ACL}: System Demonstrations"),
    "aclsrw": Venue("ACL SRW", "workshop", f"Proceedings of the {_ACL}: Student Research Workshop"),
    "aclfindings": Venue("Findings of ACL", "conference", f"{_FINDINGS}: ACL"),
    "findingsacl": Venue("Findings of ACL", "conference", f"{_FINDINGS}: ACL"),
    "emnlp": Venue(
        "EMNLP",
        "conference",
        "Proceedings of the Conference on Empirical Methods in Natural Language Processing",
    ),
    "emnlpfindings": Venue("Findings of EMNLP", "conference", f"{_FINDINGS}: EMNLP"),
    "findingsemnlp": Venue("Findings of EMNLP", "conference", f"{_FINDINGS}: EMNLP"),
    "naacl": Venue("NAACL", "conference", f"Proceedings of the {_NAACL}"),
    "naaclhlt": Venue("NAACL", "conference", f"Proceedings of the {_NAACL}"),
    "naaclfindings": Venue("Findings of NAACL", "conference", f"{_FINDINGS}: NAACL"),
    # NAACL's name since 2025
    "naaclamericas": Venue(
        "NAACL",
        "conference",
        "Conference of the Nations of the Americas Chapter of the Association for Computational "
        "Linguistics: Human Language Technologies",
    ),
    "coling": Venue(
        "COLING", "conference", "International Conference on Computational Linguistics"
    ),
    "aaclfindings": Venue("Findings of AACL", "conference", f"{_FINDINGS}: AACL-IJCNLP"),
    "eacl": Venue(
        "EACL",
        "conference",
        "Proceedings of the Conference of the European Chapter of the Association for "
        "Computational Linguistics",
    ),
    "deelio": Venue(
        "DeeLIO",
        "workshop",
        "Proceedings of Deep Learning Inside Out (DeeLIO): The Workshop on Knowledge Extraction "
        "and Integration for Deep Learning Architectures",
    ),
    "tmlr": Venue("TMLR", "journal", "Transactions on Machine Learning Research"),
    "tacl": Venue(
        "TACL", "journal", "Transactions of the Association for Computational Linguistics"
    ),
    "jmlr": Venue("JMLR", "journal", "Journal of Machine Learning Research"),
    "tpami": Venue(
        "TPAMI", "journal", "IEEE Transactions on Pattern Analysis and Machine Intelligence"
    ),
    "tmc": Venue("TMC", "journal", "IEEE Transactions on Mobile Computing"),
    "ieeeaccess": Venue("IEEE Access", "journal", "IEEE Access"),
    "aiopen": Venue("AI Open", "journal", "AI Open"),
    "vldb": Venue("VLDB", "journal", "Proceedings of the VLDB Endowment"),
    "aaai": Venue(
        "AAAI", "conference", "Proceedings of the AAAI Conference on Artificial Intelligence"
    ),
    "uai": Venue("UAI", "conference", "Conference on Uncertainty in Artificial Intelligence"),
    "automl": Venue(
        "AutoML", "conference", "International Conference on Automated Machine Learning"
    ),
    "icassp": Venue(
        "ICASSP",
        "conference",
        "IEEE International Conference on Acoustics, Speech and Signal Processing",
    ),
    "mlsys": Venue("MLSys", "conference", "Proceedings of Machine Learning and Systems"),
    "sc": Venue(
        "SC",
        "conference",
        "International Conference for High Performance Computing, Networking, Storage and Analysis",
    ),
    "osdi": Venue(
        "OSDI", "conference", "USENIX Symposium on Operating Systems Design and Implementation"
    ),
    "sosp": Venue("SOSP", "conference", "ACM Symposium on Operating Systems Principles"),
    "nsdi": Venue(
        "NSDI", "conference", "USENIX Symposium on Networked Systems Design and Implementation"
    ),
    "usenixatc": Venue("USENIX ATC", "conference", "USENIX Annual Technical Conference"),
    "eurosys": Venue("EuroSys", "conference", "European Conference on Computer Systems"),
    "ppopp": Venue(
        "PPoPP",
        "conference",
        "ACM SIGPLAN Symposium on Principles and Practice of Parallel Programming",
    ),
    "asplos": Venue(
        "ASPLOS",
        "conference",
        "ACM International Conference on Architectural Support for Programming Languages and "
        "Operating Systems",
    ),
    "isca": Venue("ISCA", "conference", "International Symposium on Computer Architecture"),
    "ipdps": Venue(
        "IPDPS", "conference", "IEEE International Parallel and Distributed Processing Symposium"
    ),
    "icpp": Venue("ICPP", "conference", "International Conference on Parallel Processing"),
    "arith": Venue("ARITH", "conference", "IEEE Symposium on Computer Arithmetic"),
    "blog": Venue("Blog", "blog"),
    "website": Venue("Website", "website"),
}


def venue_lookup_key(name: str) -> str:
    """'Findings of ACL', 'findings-acl' and 'Findings ACL' share one key."""
    return "".join(w for w in fold(name).split() if w not in ("of", "the"))


def lookup_venue(name: str) -> Venue | None:
    """The normalised venue for a name as the survey writes it, or None when unknown."""
    return VENUES.get(venue_lookup_key(name))


_ORDINAL = (r"\b(\d+(st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|"
            r"tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|"
            r"eighteenth|nineteenth|twentieth|thirty \w+|\d{4}|\d+)\b")  # fmt: skip
_FILLER = {"the", "of", "on", "in", "for", "and", "proceedings", "conference", "volume", "long",
           "short", "papers", "main"}  # fmt: skip


def venue_core(name: str) -> str:
    """A venue name without ordinals, years and filler words, for containment tests."""
    words = re.sub(_ORDINAL, " ", fold(name)).split()
    return " ".join(w for w in words if w not in _FILLER)


@functools.cache
def _venue_cores() -> tuple[tuple[str, Venue], ...]:
    """(core, venue) for the table's published venues, most specific (longest core) first."""
    cores = {(venue_core(v.full), v) for v in VENUES.values() if v.full and v.kind != "preprint"}
    return tuple(
        sorted(((c, v) for c, v in cores if c), key=lambda cv: (-len(cv[0]), cv[0], cv[1].short))
    )


@functools.lru_cache(maxsize=4096)
def match_venue(name: str) -> Venue | None:
    """The most specific venue-table row whose full name is contained in ``name`` (a booktitle
    or journal as publishers write it), or None."""
    core = venue_core(name)
    return next((venue for vcore, venue in _venue_cores() if vcore in core), None)


def mistyped_venue(entry_type: str, venue_name: str) -> Venue | None:
    """The venue-table row for ``venue_name`` when it has the other published type (a journal
    filed as @inproceedings, a conference as @article); None when the type fits or is unknown."""
    if entry_type not in VENUE_FIELD or not venue_name:
        return None
    venue = match_venue(venue_name)
    return venue if venue and venue.venue_field and venue.entry_type != entry_type else None


def short_venue(booktitle: str) -> str:
    """The survey's short name for a full venue name (the most specific table row that fits),
    or the name itself: 'Findings of the ACL: ACL 2023' -> 'Findings of ACL'."""
    venue = match_venue(booktitle)
    return venue.short if venue else booktitle

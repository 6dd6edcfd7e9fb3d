"""COinS: an OpenURL 1.0 ContextObject (KEV, Z39.88-2004) per paper, which Zotero's browser
connector reads from ``<span class="Z3988" title="...">``.

The metadata format follows the entry type: a journal article uses the journal format
(``rft.atitle``, ``rft.jtitle``), a conference paper the book format with genre ``proceeding``
(``rft.atitle``, ``rft.btitle``), and preprints, software and web pages the Dublin Core format
(``rft.title``, ``rft.creator``, ``rft.type`` naming the Zotero item type).

Values are form-encoded (space as ``+``, a literal plus as ``%2B``), as KEV allows. Zotero's
parser reads all of it except a literal plus, which it turns into a space whichever way it is
encoded ('LoRA+' arrives as 'LoRA '); nothing on this side can avoid that.
"""

from __future__ import annotations

from urllib.parse import urlencode

from ..export.csljson import page_range
from ..identifiers import strip_tracking
from ..latex import plain
from ..model import Entry
from ..names import csl_names
from ..vocab import arxiv_id, arxiv_url

FORMATS = {
    "journal": "info:ofi/fmt:kev:mtx:journal",
    "book": "info:ofi/fmt:kev:mtx:book",
    "dc": "info:ofi/fmt:kev:mtx:dc",
}
# Dublin Core has no genre; Zotero reads rft.type as its own item type.
_DC_TYPES = {"software": "computerProgram"}
_WEB_TYPES = {"Blog": "blogPost"}


def web_address(value: str) -> str:
    """The value without tracking parameters if it is an http(s) address, else '' (a
    ``javascript:`` URL never becomes a link)."""
    value = value.strip()
    return strip_tracking(value) if value.lower().startswith(("https://", "http://")) else ""


def _creators(entry: Entry, person_key: str) -> list[tuple[str, str]]:
    """One pair per author, in order: ``Family, Given`` (unambiguous for multi-word family
    names such as 'Del Corro'), and an organisation as a corporate author."""
    pairs = []
    for person in csl_names(entry.get("author")):
        if "literal" in person:
            pairs.append(
                ("rft.aucorp" if person_key == "rft.au" else person_key, person["literal"])
            )
        else:
            particle = person.get("non-dropping-particle") or person.get("dropping-particle", "")
            family = " ".join(p for p in (particle, person["family"]) if p)
            given = person.get("given", "")
            pairs.append((person_key, f"{family}, {given}" if given else family))
    return pairs


def _identifiers(entry: Entry) -> list[tuple[str, str]]:
    ids = []
    if entry.get("doi"):
        ids.append(("rft_id", f"info:doi/{entry.get('doi')}"))
    url = web_address(entry.get("url"))
    aid = arxiv_id(entry)
    if not url and aid:
        url = arxiv_url(aid)
    if url:
        ids.append(("rft_id", url))
    return ids


def coins_pairs(entry: Entry) -> list[tuple[str, str]]:
    """The ContextObject as (key, value) pairs, before encoding."""
    title = plain(entry.get("title"))
    pairs: list[tuple[str, str]] = [("ctx_ver", "Z39.88-2004")]
    first, last = page_range(entry)
    if entry.type == "article":
        pairs += [
            ("rft_val_fmt", FORMATS["journal"]),
            ("rft.genre", "article"),
            ("rft.atitle", title),
            ("rft.jtitle", plain(entry.get("journal"))),
        ]
        creators = _creators(entry, "rft.au")
    elif entry.type in ("inproceedings", "incollection"):
        genre = "proceeding" if entry.type == "inproceedings" else "bookitem"
        pairs += [
            ("rft_val_fmt", FORMATS["book"]),
            ("rft.genre", genre),
            ("rft.atitle", title),
            ("rft.btitle", plain(entry.get("booktitle"))),
        ]
        creators = _creators(entry, "rft.au")
    elif entry.type == "book":
        pairs += [("rft_val_fmt", FORMATS["book"]), ("rft.genre", "book"), ("rft.btitle", title)]
        creators = _creators(entry, "rft.au")
    else:
        howpublished = plain(entry.get("howpublished"))
        is_arxiv = arxiv_id(entry) is not None
        kind = _DC_TYPES.get(entry.type) or _WEB_TYPES.get(howpublished)
        kind = kind or ("preprint" if is_arxiv else "webpage")
        pairs += [("rft_val_fmt", FORMATS["dc"]), ("rft.type", kind), ("rft.title", title)]
        if is_arxiv:
            pairs.append(("rft.publisher", "arXiv"))
        creators = _creators(entry, "rft.creator")
    pairs += creators
    if entry.get("year"):
        pairs.append(("rft.date", entry.get("year")))
    if entry.get("volume") and entry.type == "article":
        pairs.append(("rft.volume", entry.get("volume")))
    if entry.get("number") and entry.type == "article":
        pairs.append(("rft.issue", entry.get("number")))
    if first:
        pairs.append(("rft.spage", first))
    if last:
        pairs.append(("rft.epage", last))
    if entry.get("publisher") and entry.type in ("inproceedings", "incollection", "book"):
        pairs.append(("rft.pub", plain(entry.get("publisher"))))
    pairs += _identifiers(entry)
    return [(k, v) for k, v in pairs if v]


def coins(entry: Entry) -> str:
    """The KEV string for the span's ``title`` (URL-encoded; the template escapes ``&``)."""
    return urlencode(coins_pairs(entry))

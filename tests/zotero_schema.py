"""Zotero's item schema and the step that saves a translator's item, for the models of Zotero's
imports (zotero_rdf_import.py, zotero_csl_import.py; zotero_import.py models the BibTeX one).

Facts read from zotero/zotero-schema ``schema.json`` at commit 5eedf4402ea6 (schema version 41,
January 2026): the item types, the fields and creator types of the types an export can give (a
field written ``own<base`` is the type's own name of a base field, the primary creator type comes
first), and the CSL mappings (``csl.types``, ``csl.fields.text``). The ``citationKey`` field came
to every item type, and ``citation-key`` to the CSL mapping, in that repository's commit 55a1312
(December 2025); before it only dataset, preprint and standard had the field.

:func:`from_json` is Zotero's ``Zotero.Item#fromJSON`` (zotero/zotero
``chrome/content/zotero/xpcom/data/item.js`` at commit f2a42bec150f), which
``Zotero.Translate.ItemSaver#_saveItem`` (``xpcom/translation/translate_item.js``) calls on every
item a translator completes, after ``_copyJSONItemForImport`` has dropped ``itemID`` (the
translator's own id: a BibTeX key, an RDF node) and ``notes`` (saved as child notes). Modelled:

- Extra lines ``Type: T`` and ``Field: value`` are read first
  (``Zotero.Utilities.Internal.extractExtraFields``): a type name (Zotero's or a CSL type, not
  ``article``) becomes the item type, a line naming a field the type has and the item does not
  fill becomes that field;
- a field the type has (under its own name or its base field's) is set; any other field goes
  to Extra as ``Title Case Name: value`` (``combineExtraFields``), except the fields of base
  ``type``, which are dropped;
- a creator type the item type lacks becomes the primary one (``Zotero.Item#setCreator``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_TYPE_NAMES = (
    "annotation artwork attachment audioRecording bill blogPost book bookSection case "
    "computerProgram conferencePaper dataset dictionaryEntry document email encyclopediaArticle "
    "film forumPost hearing instantMessage interview journalArticle letter magazineArticle "
    "manuscript map newspaperArticle note patent podcast preprint presentation radioBroadcast "
    "report standard statute thesis tvBroadcast videoRecording webpage"
)
ITEM_TYPE_NAMES = frozenset(_TYPE_NAMES.split())
# item type -> its fields, in the schema's order
FIELDS = {
    "artwork":
        "title abstractNote artworkMedium<medium artworkSize date eventPlace DOI citationKey url "
        "accessDate archive archiveLocation shortTitle language libraryCatalog callNumber rights "
        "extra",
    "audioRecording":
        "title abstractNote audioRecordingFormat<medium seriesTitle volume numberOfVolumes "
        "label<publisher place date runningTime ISBN DOI citationKey url accessDate archive "
        "archiveLocation shortTitle language libraryCatalog callNumber rights extra",
    "blogPost":
        "title abstractNote blogTitle<publicationTitle websiteType<type date DOI citationKey url "
        "accessDate ISSN shortTitle language rights extra",
    "book":
        "title abstractNote series seriesNumber volume numberOfVolumes edition date publisher "
        "place originalDate originalPublisher originalPlace format<medium numPages ISBN DOI "
        "citationKey url accessDate ISSN archive archiveLocation shortTitle language "
        "libraryCatalog callNumber rights extra",
    "bookSection":
        "title abstractNote bookTitle<publicationTitle series seriesNumber volume numberOfVolumes "
        "edition date publisher place originalDate originalPublisher originalPlace format<medium "
        "pages ISBN DOI citationKey url accessDate ISSN archive archiveLocation shortTitle "
        "language libraryCatalog callNumber rights extra",
    "case":
        "caseName<title abstractNote court<authority dateDecided<date docketNumber<number "
        "reporter reporterVolume<volume firstPage<pages history DOI citationKey url accessDate "
        "shortTitle language rights extra",
    "computerProgram":
        "title abstractNote seriesTitle versionNumber date system company<publisher place "
        "programmingLanguage rights citationKey url accessDate DOI ISBN archive archiveLocation "
        "libraryCatalog callNumber shortTitle extra",
    "conferencePaper":
        "title abstractNote proceedingsTitle<publicationTitle conferenceName publisher place date "
        "eventPlace volume issue numberOfVolumes pages series seriesNumber DOI ISBN citationKey "
        "url accessDate ISSN archive archiveLocation shortTitle language libraryCatalog "
        "callNumber rights extra",
    "dataset":
        "title abstractNote identifier<number type versionNumber date repository<publisher "
        "repositoryLocation<place format<medium DOI citationKey url accessDate archive "
        "archiveLocation shortTitle language libraryCatalog callNumber rights extra",
    "document":
        "title abstractNote type date publisher place DOI citationKey url accessDate archive "
        "archiveLocation shortTitle language libraryCatalog callNumber rights extra",
    "encyclopediaArticle":
        "title abstractNote encyclopediaTitle<publicationTitle series seriesNumber volume "
        "numberOfVolumes edition date publisher place pages ISBN DOI citationKey url accessDate "
        "archive archiveLocation shortTitle language libraryCatalog callNumber rights extra",
    "film":
        "title abstractNote distributor<publisher place date genre<type "
        "videoRecordingFormat<medium runningTime DOI citationKey url accessDate archive "
        "archiveLocation shortTitle language libraryCatalog callNumber rights extra",
    "journalArticle":
        "title abstractNote publicationTitle publisher place date volume issue section partNumber "
        "partTitle pages series seriesTitle seriesText journalAbbreviation DOI citationKey url "
        "accessDate PMID PMCID ISSN archive archiveLocation shortTitle language libraryCatalog "
        "callNumber rights extra",
    "letter":
        "title abstractNote letterType<type date eventPlace DOI citationKey url accessDate "
        "archive archiveLocation shortTitle language libraryCatalog callNumber rights extra",
    "manuscript":
        "title abstractNote manuscriptType<type institution<publisher place date numPages number "
        "DOI citationKey url accessDate archive archiveLocation shortTitle language "
        "libraryCatalog callNumber rights extra",
    "patent":
        "title abstractNote place country assignee issuingAuthority<authority patentNumber<number "
        "filingDate pages applicationNumber priorityNumbers issueDate<date "
        "priorityDate<originalDate references legalStatus<status DOI citationKey url accessDate "
        "shortTitle language rights extra",
    "preprint":
        "title abstractNote genre<type repository<publisher archiveID<number place date series "
        "seriesNumber DOI citationKey url accessDate archive archiveLocation shortTitle language "
        "libraryCatalog callNumber rights extra",
    "report":
        "title abstractNote reportNumber<number reportType<type institution<publisher place date "
        "seriesTitle seriesNumber pages DOI ISBN citationKey url accessDate ISSN archive "
        "archiveLocation shortTitle language libraryCatalog callNumber rights extra",
    "standard":
        "title abstractNote organization<authority committee type number versionNumber edition "
        "status date publisher place partNumber partTitle ISBN DOI citationKey url accessDate "
        "archive archiveLocation shortTitle numPages language libraryCatalog callNumber rights "
        "extra",
    "statute":
        "nameOfAct<title abstractNote code codeNumber publicLawNumber<number dateEnacted<date "
        "pages section session history DOI citationKey url accessDate shortTitle language rights "
        "extra",
    "thesis":
        "title abstractNote thesisType<type university<publisher place date series seriesNumber "
        "numPages DOI ISBN citationKey url accessDate ISSN archive archiveLocation shortTitle "
        "language libraryCatalog callNumber rights extra",
    "webpage":
        "title abstractNote websiteTitle<publicationTitle websiteType<type date publisher place "
        "DOI citationKey url accessDate shortTitle language rights extra",
}  # fmt: skip
# item type -> its creator types, the primary one first
CREATOR_TYPES = {
    "artwork": "artist contributor",
    "audioRecording": "performer originalCreator composer wordsBy translator contributor",
    "blogPost": "author translator commenter contributor",
    "book": "author contributor editor translator seriesEditor",
    "bookSection": "author contributor editor bookAuthor translator seriesEditor",
    "case": "author counsel contributor",
    "computerProgram": "programmer contributor",
    "conferencePaper": "author contributor editor translator seriesEditor",
    "dataset": "author contributor",
    "document": "author contributor editor translator reviewedAuthor",
    "encyclopediaArticle": "author contributor editor translator seriesEditor",
    "film": "director producer scriptwriter castMember host guest narrator translator contributor",
    "journalArticle": "author contributor editor translator reviewedAuthor",
    "letter": "author recipient contributor translator",
    "manuscript": "author contributor translator",
    "patent": "inventor attorneyAgent contributor",
    "preprint": "author contributor editor translator reviewedAuthor",
    "report": "author editor contributor translator seriesEditor",
    "standard": "author editor contributor",
    "statute": "author contributor",
    "thesis": "author contributor",
    "webpage": "author contributor translator",
}
# CSL type -> the Zotero item types it stands for (the first is the one an import gives)
CSL_TYPES = {
    "article": ["preprint"], "article-journal": ["journalArticle"],
    "article-magazine": ["magazineArticle"], "article-newspaper": ["newspaperArticle"],
    "bill": ["bill"], "book": ["book"], "broadcast": ["podcast", "tvBroadcast", "radioBroadcast"],
    "chapter": ["bookSection"], "dataset": ["dataset"],
    "document": ["document", "attachment", "note"], "entry-dictionary": ["dictionaryEntry"],
    "entry-encyclopedia": ["encyclopediaArticle"], "graphic": ["artwork"], "hearing": ["hearing"],
    "interview": ["interview"], "legal_case": ["case"], "legislation": ["statute"],
    "manuscript": ["manuscript"], "map": ["map"], "motion_picture": ["film", "videoRecording"],
    "paper-conference": ["conferencePaper"], "patent": ["patent"],
    "personal_communication": ["letter", "email", "instantMessage"], "post": ["forumPost"],
    "post-weblog": ["blogPost"], "report": ["report"], "software": ["computerProgram"],
    "song": ["audioRecording"], "speech": ["presentation"], "standard": ["standard"],
    "thesis": ["thesis"], "webpage": ["webpage"],
}  # fmt: skip
# CSL variable -> the Zotero fields it may fill, in order
CSL_TEXT = {
    "abstract": ["abstractNote"], "archive": ["archive"], "archive_location": ["archiveLocation"],
    "authority": ["authority"], "call-number": ["callNumber", "applicationNumber"],
    "chapter-number": ["session"], "citation-key": ["citationKey"],
    "collection-number": ["seriesNumber"], "collection-title": ["seriesTitle", "series"],
    "container-title": ["publicationTitle", "reporter", "code"],
    "dimensions": ["artworkSize", "runningTime"], "DOI": ["DOI"], "edition": ["edition"],
    "event-place": ["eventPlace"], "event-title": ["meetingName", "conferenceName"],
    "genre": ["type", "programmingLanguage"], "ISBN": ["ISBN"], "ISSN": ["ISSN"],
    "issue": ["issue", "priorityNumbers"], "journalAbbreviation": ["journalAbbreviation"],
    "language": ["language"], "license": ["rights"], "medium": ["medium", "system"],
    "note": ["extra"], "number": ["number"], "number-of-pages": ["numPages"],
    "number-of-volumes": ["numberOfVolumes"], "original-publisher": ["originalPublisher"],
    "original-publisher-place": ["originalPlace"], "part-number": ["partNumber"],
    "part-title": ["partTitle"], "page": ["pages"], "PMID": ["PMID"], "PMCID": ["PMCID"],
    "publisher": ["publisher"], "publisher-place": ["place"],
    "references": ["history", "references"], "scale": ["scale"],
    "section": ["section", "committee"], "shortTitle": ["shortTitle"],
    "source": ["libraryCatalog"], "status": ["status"], "title": ["title"],
    "title-short": ["shortTitle"], "URL": ["url"], "version": ["versionNumber"],
    "volume": ["volume", "codeNumber"],
}  # fmt: skip


class Unmodelled(Exception):
    """Input the models do not cover; the test is then wrong, not the export."""


def fields_of(item_type: str) -> dict[str, str]:
    """A field name, or the base field it stands for, -> the type's own name of it."""
    if item_type not in FIELDS:
        raise Unmodelled(f"item type {item_type}")
    out: dict[str, str] = {}
    for spec in FIELDS[item_type].split():
        own, _, base = spec.partition("<")
        out[own] = own
        if base:
            out[base] = own
    return out


def creator_types(item_type: str) -> list[str]:
    return CREATOR_TYPES[item_type].split()


KNOWN_FIELDS = {name for t in FIELDS for name in fields_of(t)}
# the fields of base `type` (genre, thesisType...), which fromJSON drops rather than file in Extra
TYPE_FIELDS = {
    s.partition("<")[0] for t in FIELDS for s in FIELDS[t].split() if s.endswith("<type")
}


@dataclass
class Saved:
    """An item as Zotero saves it."""

    item_type: str
    fields: dict[str, str]
    creators: list[tuple[str, str, str]]  # (creator type, last name, first name)
    tags: list[str]
    notes: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)  # the lines of the Extra field


def _normalize(key: str) -> str:
    return re.sub(r"[\s_-]", "-", re.sub(r"([a-z])([A-Z])", r"\1-\2", key.strip()).lower())


def _title_case(name: str) -> str:
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", name)
    return spaced[:1].upper() + spaced[1:]


CREATOR_NAMES = {t for types in CREATOR_TYPES.values() for t in types.split()}


def _from_extra(
    item_type: str, extra: str, given: set[str]
) -> tuple[str, dict[str, str], list[str]]:
    """The item type and the fields that Extra's lines name, and the lines left. A line is read
    for the first field its name can mean (a Zotero field's name, then a CSL variable's fields):
    if the type lacks that field or the item gives it, the line stays."""
    candidates: dict[str, list[str]] = {_normalize(n): [n] for n in KNOWN_FIELDS}
    for variable, targets in CSL_TEXT.items():
        candidates.setdefault(_normalize(variable), []).extend(targets)
    kept, fields, typed = [], {}, False
    for line in extra.split("\n") if extra else []:
        m = re.match(r"^([a-z][a-z -_]+):(.+)", line, re.I)
        key, value = (_normalize(m.group(1)), m.group(2).strip()) if m else ("", "")
        skipped = ("note", "attachment", "annotation", "article")
        is_type = value in ITEM_TYPE_NAMES or value in CSL_TYPES
        if key == "type" and not typed and value not in skipped and is_type:
            if value in ITEM_TYPE_NAMES:
                item_type, typed = value, True
            elif item_type not in CSL_TYPES[value]:
                item_type, typed = CSL_TYPES[value][0], True
            continue
        if key in CREATOR_NAMES:
            raise Unmodelled(f"a creator line in Extra: {line!r}")
        first = (candidates.get(key) or [""])[0]
        own = fields_of(item_type)
        if (
            value
            and key != "type"
            and first in own
            and first not in given
            and own[first] not in fields
        ):
            fields[own[first]] = value
            continue
        kept.append(line)
    return item_type, fields, kept


def from_json(
    item_type: str,
    fields: dict[str, str],
    creators: list[tuple[str, str, str]],
    tags: list[str],
    notes: list[str],
) -> Saved:
    """What Zotero saves of a translator's item (see the module's docstring)."""
    if item_type not in ITEM_TYPE_NAMES:
        raise Unmodelled(f"unknown item type {item_type}")
    given = dict(fields)
    extra_text = given.pop("extra", "")
    item_type, from_extra, kept = _from_extra(item_type, extra_text, set(given))
    own = fields_of(item_type)
    saved, invalid = dict(from_extra), {}
    for name, value in given.items():
        if name in own:
            saved[own[name]] = value
        elif name not in TYPE_FIELDS:
            invalid[name] = value
    lines = sorted(f"{_title_case(n)}: {v}" for n, v in invalid.items()) + kept
    primary = creator_types(item_type)
    people = [(t if t in primary else primary[0], last, first) for t, last, first in creators]
    return Saved(item_type, saved, people, tags, notes, lines)

"""A model of Zotero's CSL JSON import, for the rules the export relies on.

Written from zotero/translators ``CSL JSON.js`` (commit 2814370161d0, June 2026:
``detectImport``, ``importNext``) and zotero/utilities ``utilities_item.js``
(``Zotero.Utilities.Item.itemFromCSLJSON``, commit 4051881d59c6, August 2026) with the schema's
CSL mappings (zotero_schema.py), then the saving step of zotero_schema.py. No code is taken.

- Detection: the file is offered to this translator only if every item's ``type`` is one of the
  CSL 1.0.1 types ``detectImport`` lists. ``software`` (CSL 1.0.2) is not among them: a file
  with one program in it is no CSL JSON to Zotero, and no other translator takes it, so the
  import stops with "not in a supported format" (zotero/zotero ``fileInterface.js``).
- The item type: the first Zotero type the schema maps the CSL type to (``article`` is
  ``preprint``), but ``book`` with a ``version`` is ``computerProgram`` (and the other special
  cases of ``itemFromCSLJSON``, which raise ``Unmodelled`` here); an unknown type: ``document``.
- Each text variable fills the first of its fields (``csl.fields.text``) the type has, under
  the type's own name of a base field (``publisher`` is a preprint's ``repository``); a variable
  none of whose fields the type has is dropped. ``citation-key`` is ``citationKey``; ``note``
  is Extra; ``keyword`` is read by nothing, so the import has no tags.
- Names: ``author``, ``editor``, ``translator``, each as that creator type if the item type has
  it, else as the type's primary one; ``family``/``given`` (particles and suffixes are dropped),
  or ``literal`` as a one-field name. Other name variables raise ``Unmodelled``. Dates are not
  modelled (they go to the date field).
- No child notes, and no collections: the format has neither.
"""

from __future__ import annotations

import json
from typing import Any

from .zotero_schema import CSL_TEXT, CSL_TYPES, Saved, Unmodelled, creator_types, fields_of
from .zotero_schema import from_json as save

# CSL JSON.js detectImport's CSL_TYPES.
_DETECTED = (
    "article article-journal article-magazine article-newspaper bill book broadcast chapter "
    "classic collection dataset document entry entry-dictionary entry-encyclopedia event figure "
    "graphic hearing interview legal_case legislation manuscript map motion_picture "
    "musical_score pamphlet paper-conference patent performance personal_communication "
    "periodical post post-weblog regulation report review review-book song speech standard "
    "thesis treaty webpage"
)
DETECTED = frozenset(_DETECTED.split())
NAMES = ("author", "editor", "translator")
# The schema's other CSL name variables (csl.names).
_OTHER_NAMES = (
    "container-author chair performer composer contributor director executive-producer guest "
    "host interviewer narrator original-author organizer producer recipient reviewed-author "
    "series-creator collection-editor script-writer"
)
OTHER_NAMES = set(_OTHER_NAMES.split())
NOT_TEXT = {"id", "type", "issued", "accessed", *NAMES}
SPECIAL = {"bill", "broadcast", "song", "motion_picture"}  # itemFromCSLJSON's other special cases


class NotDetected(Exception):
    """Zotero does not take the file for CSL JSON."""


def _item_type(item: dict[str, Any]) -> str:
    kind = item.get("type") or "article"
    if kind in SPECIAL:
        raise Unmodelled(f"CSL type {kind}")
    if kind == "book" and item.get("version"):
        return "computerProgram"
    return CSL_TYPES[kind][0] if kind in CSL_TYPES else "document"


def csl_item_to_zotero(item: dict[str, Any]) -> tuple[Saved, list[str]]:
    """The saved item, and the variables nothing read."""
    item_type = _item_type(item)
    own = fields_of(item_type)
    fields = {}
    for variable, targets in CSL_TEXT.items():
        name = next((own[t] for t in targets if t in own), None)
        if variable in item and name:
            fields[name] = str(item[variable])
    kinds = creator_types(item_type)
    creators = [
        (variable if variable in kinds else kinds[0], *_name(name))
        for variable in NAMES
        for name in item.get(variable, [])
        if name.get("family") or name.get("given") or name.get("literal")
    ]
    unread = sorted(set(item) - NOT_TEXT - set(CSL_TEXT))
    if set(unread) & OTHER_NAMES:
        raise Unmodelled(f"name variables {sorted(set(unread) & OTHER_NAMES)}")
    return save(item_type, fields, creators, [], []), unread


def _name(name: dict[str, str]) -> tuple[str, str]:
    """(last, first): ``family`` and ``given``, else ``literal`` alone; particles are dropped."""
    if name.get("family") or name.get("given"):
        return name.get("family", ""), name.get("given", "")
    return name["literal"], ""


def import_csl_json(text: str) -> dict[str, tuple[Saved, list[str]]]:
    """What Zotero's CSL JSON import makes of ``text``, by the items' ``id``."""
    items = json.loads(text)
    refused = sorted({str(i.get("type")) for i in items} - DETECTED)
    if refused:
        raise NotDetected(f"types {refused} are not CSL JSON to Zotero")
    return {str(i["id"]): csl_item_to_zotero(i) for i in items}

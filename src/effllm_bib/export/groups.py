"""The taxonomy as JabRef groups, so that one import gives nested collections.

Zotero's built-in BibTeX import (translator ``BibTeX.js``) and JabRef read JabRef's version-3
"explicit groups": each group lists the citation keys of its members. Zotero reads the format
strictly, so this module writes exactly what that reader accepts:

- ``@comment{jabref-meta: groupsversion:3;}``, lower-case, before the tree;
- ``@comment{jabref-meta: groupstree:`` then one line per group, depth first:
  ``LEVEL ExplicitGroup:NAME\\;0\\;KEY1\\;KEY2\\;;`` (``0``: independent of the parent group);
  level 0 is ``0 AllEntriesGroup:;``;
- the level is one digit, so the tree is at most 9 deep below the root;
- the block ends at the first ``}``, so no name or key may hold one; ``;`` and ``\\`` are
  separators and escapes, and sibling groups with the same name are merged by Zotero.

Only nodes with a paper in their subtree are written; each paper is a member of the nodes it
is filed under (its keywords), so Zotero puts it in exactly those collections.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import EffllmBibError
from ..model import Entry
from ..taxonomy import Taxonomy

MAX_LEVEL = 9
# Characters the groups grammar reserves, and what a name shows instead.
_RESERVED = str.maketrans({"{": "(", "}": ")", ";": ",", "\\": "/", "\n": " ", "\r": " "})


def group_name(name: str) -> str:
    """A category name as the groups grammar can carry it (no ``{ } ; \\`` nor line breaks)."""
    return " ".join(name.translate(_RESERVED).split())


def _member(key: str) -> str:
    if any(c in key for c in "{};\\@ \t\n"):
        raise EffllmBibError(
            f"key '{key}' cannot be listed in a JabRef group; rename it (effllm-bib keys rename)."
        )
    return f"{key}\\;"


def filed_papers(
    taxonomy: Taxonomy, entries: Iterable[Entry], within: set[str] | None = None
) -> dict[str, list[str]]:
    """The collections an import makes: every category with a paper filed under it (one of its
    keywords), and their ancestors, in the taxonomy's order, each with the sorted keys of the
    papers filed under it. ``within`` limits them to these categories (an exported subtree)
    and their ancestors."""
    members: dict[str, list[str]] = {}
    for entry in entries:
        for slug in entry.keywords:
            if slug in taxonomy and (within is None or slug in within):
                members.setdefault(slug, []).append(entry.key)
    filled = {s for slug in members for s in (slug, *taxonomy.ancestors(slug))}
    return {s: sorted(members.get(s, [])) for s in taxonomy.walk() if s in filled}


def jabref_groups(
    taxonomy: Taxonomy, entries: Iterable[Entry], within: set[str] | None = None
) -> str:
    """The two ``@comment`` blocks that describe the taxonomy as nested explicit groups.

    ``within`` limits the groups to these categories (an exported subtree) and their ancestors.
    """
    filed = filed_papers(taxonomy, entries, within)
    lines = ["0 AllEntriesGroup:;"]
    for slug, keys_filed in filed.items():
        level = taxonomy.depth(slug) + 1
        if level > MAX_LEVEL:
            raise EffllmBibError(
                f"category '{slug}' is {level} levels deep; JabRef groups "
                f"(and Zotero) allow {MAX_LEVEL}. Flatten the taxonomy."
            )
        name = group_name(taxonomy.get(slug).name)
        keys = "".join(_member(k) for k in keys_filed)
        lines.append(f"{level} ExplicitGroup:{name}\\;0\\;{keys};")
    _refuse_twins(taxonomy, set(filed))
    tree = "\n".join(lines)
    return (
        "@comment{jabref-meta: groupsversion:3;}\n\n"
        f"@comment{{jabref-meta: groupstree:\n{tree}\n}}\n"
    )


def _refuse_twins(taxonomy: Taxonomy, slugs: set[str]) -> None:
    """Zotero merges sibling groups of the same name: refuse rather than mix two categories."""
    seen: dict[tuple[str | None, str], str] = {}
    for slug in sorted(slugs):
        place = (taxonomy.get(slug).parent, group_name(taxonomy.get(slug).name).lower())
        if place in seen:
            raise EffllmBibError(
                f"categories '{seen[place]}' and '{slug}' have the same name "
                "under one parent; rename one in taxonomy.toml."
            )
        seen[place] = slug


def with_groups(
    text: str, taxonomy: Taxonomy, entries: Iterable[Entry], within: set[str] | None = None
) -> str:
    """An exported .bib text with the groups appended after its entries."""
    return f"{text.rstrip()}\n\n{jabref_groups(taxonomy, entries, within)}"

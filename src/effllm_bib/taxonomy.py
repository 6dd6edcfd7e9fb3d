"""The survey's category tree: load, validate, resolve slugs and aliases, select subtrees."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from .errors import TaxonomyError, UnknownCategoryError
from .model import Category

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# How close (rapidfuzz ratio, hyphens and case folded) a keyword must be to a slug to count as
# its typo rather than a keyword of the user's own.
NEAR_MISS = 88


class Taxonomy:
    """A validated tree of categories. Build it with :func:`load_taxonomy` or :meth:`from_nodes`."""

    def __init__(self, nodes: Iterable[Category], source: str = "<taxonomy>") -> None:
        self.source = source
        self._nodes: dict[str, Category] = {}
        self._alias: dict[str, str] = {}
        self._children: dict[str | None, list[str]] = {}
        for node in nodes:
            self._add(node)
        self._validate_tree()

    def _error(self, message: str) -> TaxonomyError:
        return TaxonomyError(self.source, message)

    def _add(self, node: Category) -> None:
        if not _SLUG.match(node.slug):
            raise self._error(
                f"category slug '{node.slug}' must be lower-case words joined by '-'."
            )
        if node.slug in self._nodes:
            raise self._error(
                f"category slug '{node.slug}' is defined twice; slugs must be unique."
            )
        if node.slug in self._alias:
            raise self._error(
                f"category slug '{node.slug}' is already an alias of '{self._alias[node.slug]}'."
            )
        if not node.name.strip():
            raise self._error(f"category '{node.slug}' has no name; add name = \"...\".")
        self._nodes[node.slug] = node
        for alias in node.aliases:
            if not _SLUG.match(alias):
                raise self._error(
                    f"alias '{alias}' of '{node.slug}' must be lower-case words joined by '-'."
                )
            if alias in self._nodes or alias in self._alias:
                owner = alias if alias in self._nodes else self._alias[alias]
                raise self._error(
                    f"alias '{alias}' of '{node.slug}' is already used by '{owner}'; "
                    "aliases must be unique."
                )
            self._alias[alias] = node.slug

    def _validate_tree(self) -> None:
        for node in self._nodes.values():
            if node.parent is not None and node.parent not in self._nodes:
                raise self._error(
                    f"category '{node.slug}' has parent '{node.parent}', which is not defined."
                )
            self._children.setdefault(node.parent, []).append(node.slug)
        for slug in self._nodes:
            seen = {slug}
            parent = self._nodes[slug].parent
            while parent is not None:
                if parent in seen:
                    raise self._error(f"category '{slug}' is its own ancestor (a cycle).")
                seen.add(parent)
                parent = self._nodes[parent].parent

    # --- queries --------------------------------------------------------------------------------

    def __contains__(self, slug: str) -> bool:
        return slug in self._nodes

    def __len__(self) -> int:
        return len(self._nodes)

    def __iter__(self) -> Iterator[Category]:
        """Depth-first, in file order."""
        yield from (self._nodes[s] for s in self.walk())

    def get(self, slug: str) -> Category:
        return self._nodes[slug]

    def children(self, slug: str | None) -> list[str]:
        return list(self._children.get(slug, []))

    def roots(self) -> list[str]:
        return self.children(None)

    def walk(self, start: str | None = None) -> Iterator[str]:
        stack = [start] if start is not None else list(reversed(self.roots()))
        while stack:
            slug = stack.pop()
            yield slug
            stack.extend(reversed(self.children(slug)))

    def depth(self, slug: str) -> int:
        depth = 0
        parent = self._nodes[slug].parent
        while parent is not None:
            depth += 1
            parent = self._nodes[parent].parent
        return depth

    def ancestors(self, slug: str) -> list[str]:
        """Parent first, root last."""
        out = []
        parent = self._nodes[slug].parent
        while parent is not None:
            out.append(parent)
            parent = self._nodes[parent].parent
        return out

    def resolve(self, name: str) -> str:
        """The slug for a slug or alias (case-insensitive); :class:`UnknownCategoryError` if none."""
        key = name.strip().lower()
        if key in self._nodes:
            return key
        if key in self._alias:
            return self._alias[key]
        raise UnknownCategoryError(name, self.suggest(name))

    def suggest(self, name: str, limit: int = 3) -> list[str]:
        """The slugs closest to a mistyped name (aliases count, their slug is suggested)."""
        from rapidfuzz import fuzz, process

        choices = {**{s: s for s in self._nodes}, **self._alias}
        scored = process.extract(name.lower(), list(choices), scorer=fuzz.WRatio, limit=limit * 3)
        out: list[str] = []
        for alias, score, _ in scored:
            slug = choices[alias]
            if score >= 60 and slug not in out:
                out.append(slug)
        return out[:limit]

    def near_miss(self, keyword: str) -> str | None:
        """The slug a keyword that is no category was meant to be, when it is one slip away
        from a slug or alias (``unstructured-prunin``, ``KV Cache``); None for a keyword of
        the user's own (``history``, ``deep learning``)."""
        from rapidfuzz import fuzz, process

        def folded(name: str) -> str:
            return re.sub(r"[\s_-]+", "-", name.strip().lower())

        choices = {folded(s): s for s in self._nodes} | {
            folded(a): s for a, s in self._alias.items()
        }
        best = process.extractOne(folded(keyword), list(choices), scorer=fuzz.ratio)
        return choices[best[0]] if best is not None and best[1] >= NEAR_MISS else None

    def nodes_of(self, keywords: Iterable[str]) -> set[str]:
        """The nodes an entry with these keywords is under: each known keyword and its ancestors."""
        nodes: set[str] = set()
        for kw in keywords:
            if kw in self._nodes:
                nodes.add(kw)
                nodes.update(self.ancestors(kw))
        return nodes

    def subtree(self, slugs: Iterable[str]) -> set[str]:
        """The given categories (slugs or aliases) and all their descendants."""
        out: set[str] = set()
        for name in slugs:
            out.update(self.walk(self.resolve(name)))
        return out

    def match_heading(self, heading: str, parent: str | None) -> str | None:
        """The child of ``parent`` whose name, slug or alias matches a survey heading."""
        from .compare import fold

        key = fold(heading)
        for slug in self.children(parent):
            node = self._nodes[slug]
            names = [node.name, node.slug, *node.aliases]
            if any(fold(n) == key for n in names):
                return slug
        return None

    def find_by_name(self, heading: str) -> list[str]:
        from .compare import fold

        key = fold(heading)
        return [
            n.slug
            for n in self._nodes.values()
            if any(fold(x) == key for x in [n.name, n.slug, *n.aliases])
        ]


TAXONOMY_CACHE_KIND = "taxonomy-1"  # change when the layout of the cached nodes changes


def load_taxonomy(path: Path, cache_dir: Path | None = None) -> Taxonomy:
    """Read and validate a taxonomy TOML file (``[[category]]`` tables with slug, name, parent).

    With ``cache_dir``, the categories read from the file are kept there, keyed by the file's
    bytes, and read back without parsing TOML while the file stays the same (the tree is
    validated either way)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise TaxonomyError(path, "no such taxonomy file; check --db or EFFLLM_BIB_DB.") from None
    except OSError as exc:
        raise TaxonomyError(path, f"cannot read the file ({exc.strerror}).") from None
    if cache_dir is not None:
        from .cache import code_stamp, load_derived

        salt = code_stamp([Path(__file__)])  # the reading below is this module's code
        stored = load_derived(cache_dir, TAXONOMY_CACHE_KIND, data, salt)
        try:
            nodes = [Category(s, n, p, tuple(a), d) for s, n, p, a, d in stored or ()]
        except (TypeError, ValueError):
            nodes = []  # another layout: read afresh
        if nodes:
            return Taxonomy(nodes, str(path))
    nodes = _read_nodes(path, data)
    taxonomy = Taxonomy(nodes, str(path))
    if cache_dir is not None:
        from .cache import code_stamp, store_derived

        salt = code_stamp([Path(__file__)])
        plain = [(c.slug, c.name, c.parent, c.aliases, c.description) for c in nodes]
        store_derived(cache_dir, TAXONOMY_CACHE_KIND, data, plain, salt)
    return taxonomy


def _read_nodes(path: Path, data: bytes) -> list[Category]:
    import tomllib  # imported here: a cached taxonomy needs no TOML parser

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise TaxonomyError(path, "is not valid UTF-8.") from None
    try:
        doc: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # Python < 3.14 reports the position only in the message: "... (at line 3, column 8)".
        m = re.search(r"\(at line (\d+)", str(exc))
        line = int(m.group(1)) if m else None
        message = str(exc).split(" (at ")[0]
        raise TaxonomyError(path, f"invalid TOML: {message}; fix the syntax.", line) from None
    tables = doc.get("category")
    if not isinstance(tables, list) or not tables:
        raise TaxonomyError(path, "no [[category]] tables found; see refs/taxonomy.toml.")
    nodes = []
    for i, table in enumerate(tables, 1):
        slug = table.get("slug")
        if not isinstance(slug, str):
            raise TaxonomyError(path, f'category #{i} has no slug; add slug = "...".')
        unknown = set(table) - {"slug", "name", "parent", "aliases", "description"}
        if unknown:
            raise TaxonomyError(
                path, f"category '{slug}' has unknown key(s) {', '.join(sorted(unknown))}."
            )
        aliases = table.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise TaxonomyError(path, f"aliases of '{slug}' must be a list of strings.")
        name = table.get("name", "")
        parent = table.get("parent")
        if not isinstance(name, str) or (parent is not None and not isinstance(parent, str)):
            raise TaxonomyError(path, f"name and parent of '{slug}' must be strings.")
        nodes.append(
            Category(
                slug=slug,
                name=name,
                parent=parent,
                aliases=tuple(aliases),
                description=str(table.get("description", "")),
            )
        )
    return nodes

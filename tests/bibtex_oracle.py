"""BibTeX itself as the oracle of what a .bib file says: ``bibtex`` runs a tiny style made for
the file (``dump.bst``: every field the file may use is declared, and every entry writes its key,
its type and each field as BibTeX read it), and :func:`ours` says the same of effllm-bib's reading.

What ``write$`` of a field gives is the value after macro expansion and ``#`` concatenation, its
braces kept, its white space as BibTeX keeps it (each run one space, none at either end), and,
for a ``crossref`` child, the fields it lacks copied from the target. :func:`ours` applies these
same rules to what the reader read (its raw values and ``@string`` definitions), so the two
compare value for value. Where BibTeX warns or stops (an undefined macro is empty, an entry
with a syntax error is skipped from there on), :class:`Reading` keeps the line of the message.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from effllm_bib import bibio
from effllm_bib.model import Entry
from effllm_bib.parsed import ParsedBib
from effllm_bib.resolve import MONTH_MACROS, split_parts

# Names a style may declare: BibTeX takes more, but these are the ones its field and entry type
# names are spelt with in practice, and none of them can clash with the style's own words.
_NAME = r"[A-Za-z][A-Za-z0-9_.:+-]*"
_FIELD_LIKE = re.compile(rf"({_NAME})\s*=")
_TYPE_LIKE = re.compile(rf"@\s*({_NAME})\s*[{{(]")
_NOT_TYPES = frozenset({"string", "preamble", "comment"})
_ERROR = re.compile(r"^(.*?)---line (\d+) of file ", re.M)
_WHITE = re.compile(r"[ \t\n]+")

Fields = dict[str, str]


@dataclass
class Reading:
    """What one reader made of a file: key -> type and fields (the first entry of a key)."""

    types: dict[str, str] = field(default_factory=dict)
    fields: dict[str, Fields] = field(default_factory=dict)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, message)


def declared(text: str) -> tuple[list[str], list[str]]:
    """(field names, entry types) a style must declare to read ``text``: every ``name =`` and
    every ``@type{`` in it, lower-cased (a superset: some are words of values)."""
    fields = sorted({m.group(1).lower() for m in _FIELD_LIKE.finditer(text)} | {"crossref"})
    types = sorted({m.group(1).lower() for m in _TYPE_LIKE.finditer(text)} - _NOT_TYPES)
    return fields, [t for t in types if t not in fields]


def dump_style(fields: list[str], types: list[str]) -> str:
    """A style that writes, for every entry, ``@@E key type`` and a line ``@@F name=value`` for
    each field the entry has. ``write$`` each part alone: no string is made per field."""
    months = "".join(f'MACRO {{{name}}} {{"{text}"}}\n' for name, text in MONTH_MACROS.items())
    writes = "".join(
        f'  {name} missing$ \'skip$ {{ "@@F {name}=" write$ {name} write$ newline$ }} if$\n'
        for name in fields
    )
    calls = "".join(f"FUNCTION {{{t}}} {{ dump.entry }}\n" for t in types)
    # crossref is declared by BibTeX itself; a style that names it again is refused
    entry = " ".join(name for name in fields if name != "crossref")
    return (
        f"ENTRY {{ {entry} }} {{}} {{}}\n{months}"
        'FUNCTION {dump.entry} {\n  "@@E " write$ cite$ write$ " " write$ type$ write$ newline$\n'
        f"{writes}}}\n{calls}FUNCTION {{default.type}} {{ dump.entry }}\n"
        "READ\nITERATE {call.type$}\n"
    )


def bibtex_reading(text: str, workdir: Path) -> Reading:
    """What ``bibtex`` reads in ``text``: every entry of the file (``\\citation{*}``)."""
    fields, types = declared(text)
    (workdir / "in.bib").write_text(text, encoding="utf-8")
    (workdir / "dump.bst").write_text(dump_style(fields, types), encoding="utf-8")
    (workdir / "t.aux").write_text("\\citation{*}\n\\bibstyle{dump}\n\\bibdata{in}\n")
    bibtex = shutil.which("bibtex") or "bibtex"
    subprocess.run([bibtex, "-terse", "t"], cwd=workdir, capture_output=True, check=False)
    reading = Reading()
    log = (workdir / "t.blg").read_text(encoding="utf-8", errors="replace")
    reading.errors = [(int(m.group(2)), m.group(1)) for m in _ERROR.finditer(log)]
    bbl = (workdir / "t.bbl").read_text(encoding="utf-8", errors="surrogateescape")
    # BibTeX breaks an output line longer than 79 characters at a space, and indents the rest
    # by two spaces; a value holds no line break of its own, and every line of ours starts "@@"
    current: Fields = {}
    for line in bbl.replace("\n  ", " ").splitlines():
        if line.startswith("@@E "):
            key, _, entry_type = line[4:].partition(" ")
            reading.types[key] = entry_type
            current = reading.fields.setdefault(key, {})
        elif line.startswith("@@F "):
            name, _, value = line[4:].partition("=")
            current[name] = value
    return reading


def bibtex_text(value: str) -> str:
    """A value's white space as BibTeX keeps it: each run one space, none at either end."""
    return _WHITE.sub(" ", value).strip(" ")


def _expand(raw: str, bare: bool, macros: dict[str, str]) -> str:
    """A value as BibTeX expands it: an undefined macro is empty (BibTeX warns)."""
    if not bare:
        return raw
    out = []
    for part in split_parts(raw):
        if len(part) >= 2 and part[0] + part[-1] in ('""', "{}"):
            out.append(part[1:-1])
        elif part.isdigit():
            out.append(part)
        else:
            out.append(macros.get(part.lower(), ""))
    return "".join(out)


def macros_of(parsed: ParsedBib) -> dict[str, str]:
    """The ``@string`` macros of a reading as BibTeX defines them, in file order, after the
    month macros of the style."""
    macros = dict(MONTH_MACROS)
    for extra in parsed.extras:
        name, raw = bibio.string_definition(extra)
        if name:
            macros[name] = _expand(raw, True, macros)
    return macros


def ours(parsed: ParsedBib) -> Reading:
    """effllm-bib's reading as BibTeX's style would write it: macros expanded; a ``crossref``
    child given the fields it lacks from its target, in file order (a target that itself
    inherits has done so when it comes first), its ``crossref`` spelt as the target's key, and
    dropped when no entry has that key (BibTeX warns)."""
    macros = macros_of(parsed)
    first: dict[str, Entry] = {}
    for entry in parsed.entries:
        first.setdefault(entry.key.lower(), entry)
    own = {
        key: {name: _expand(value, name in e.bare, macros) for name, value in e.fields}
        for key, e in first.items()
    }
    reading = Reading()
    for key, entry in first.items():
        fields = own[key]
        if "crossref" in fields:
            target = first.get(fields["crossref"].lower())
            if target is None:
                del fields["crossref"]
            else:
                fields.update({**own[target.key.lower()], **fields, "crossref": target.key})
        reading.types[entry.key] = entry.type.lower()
        reading.fields[entry.key] = {n: bibtex_text(v) for n, v in fields.items()}
    reading.errors = [(p.line, p.code) for p in parsed.problems if p.line]
    # keys equal but for case: BibTeX's "Repeated entry", reported by check (duplicate-key)
    reading.errors += [
        (e.line or 0, "duplicate-key") for e in parsed.entries if first[e.key.lower()] is not e
    ]
    return reading


@dataclass
class Difference:
    """One way BibTeX's reading and ours differ."""

    key: str
    what: str  # "only bibtex", "only ours", "type", or a field name
    bibtex: str = ""
    ours: str = ""


@dataclass
class Comparison:
    """BibTeX's reading of a file against ours, with the differences our reader means."""

    differences: list[Difference]  # none is explained
    commented_out: list[str]  # entries in % lines: BibTeX reads them, biber and we do not
    stopped: list[str]  # entries BibTeX stopped reading at an error (not compared by value)
    unreported: list[str]  # ...of which we report nothing


# An entry's first line as BibTeX finds it, a "%" in front of it or not (biber's comment).
_HEADER = re.compile(r"^[ \t]*(%*)[ \t]*@\s*[^\s\"#%'(),={}]+\s*[{(]\s*([^\s,{}()]*)", re.M)


def _headers(text: str) -> list[tuple[int, str, bool]]:
    """(line, key, commented out with %) of every entry that starts a line."""
    out, line, at = [], 1, 0
    for m in _HEADER.finditer(text):
        line, at = line + text.count("\n", at, m.start()), m.start()
        out.append((line, m.group(2), bool(m.group(1))))
    return out


def compare(text: str, parsed: ParsedBib, workdir: Path) -> Comparison:
    """Run BibTeX on ``text`` and compare its reading with ``parsed`` (ours of ``text``).

    Two things differ by design, as our reader follows biber: an entry in ``%`` lines is no
    entry (BibTeX reads it), and a ``%`` line between fields is skipped (BibTeX stops reading
    the entry there, with an error). An entry BibTeX stops reading at an error is not
    compared value by value: it keeps the fields read before the error, we keep none or all;
    we must report something on it, between its first line and the error's.
    """
    bibtex = bibtex_reading(text, workdir)
    mine = ours(parsed)
    headers = _headers(text)
    commented = {key for _, key, out in headers if out}
    stopped: dict[str, int] = {}  # key -> line of its first line
    for line, _ in bibtex.errors:
        before = [(start, key, out) for start, key, out in headers if start <= line]
        if before and not before[-1][2]:
            stopped.setdefault(before[-1][1], before[-1][0])
    unreported = [
        key
        for key, start in stopped.items()
        if not any(start <= line <= end for end, _ in bibtex.errors for line, _ in mine.errors)
    ]
    fields, _ = declared(text)
    found = [
        d
        for d in _differences(bibtex, mine, fields)
        if d.key not in stopped and not (d.what == "only bibtex" and d.key in commented)
    ]
    commented_out = sorted(commented & (bibtex.fields.keys() - mine.fields.keys()))
    return Comparison(found, commented_out, sorted(stopped), unreported)


def _differences(bibtex: Reading, mine: Reading, names: list[str]) -> list[Difference]:
    out: list[Difference] = []
    for key in sorted(bibtex.fields.keys() - mine.fields.keys()):
        out.append(Difference(key, "only bibtex"))
    for key in sorted(mine.fields.keys() - bibtex.fields.keys()):
        out.append(Difference(key, "only ours"))
    for key in sorted(bibtex.fields.keys() & mine.fields.keys()):
        theirs, own = bibtex.fields[key], mine.fields[key]
        if bibtex.types[key] and bibtex.types[key] != mine.types[key]:
            out.append(Difference(key, "type", bibtex.types[key], mine.types[key]))
        for name in sorted((theirs.keys() | own.keys()) & set(names)):
            if theirs.get(name) != own.get(name):
                out.append(Difference(key, name, theirs.get(name, "-"), own.get(name, "-")))
    return out

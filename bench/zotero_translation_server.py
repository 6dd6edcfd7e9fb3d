"""What Zotero's real import translators make of our exports, through a running Zotero
translation-server (github.com/zotero/translation-server), counted against the database.

    python bench/zotero_translation_server.py --url http://127.0.0.1:1969

The server is not part of the project and is not started here: run one on loopback yourself
(data/lookups/2026-12-06-zotero-translation-server.md says which commits were checked). Each
export of refs/ (zotero-rdf --collections, bibtex, biblatex, csl-json, and csl-json without its
`software` items) is POSTed to the server's ``/import``, which detects the format as Zotero's
File > Import does, runs the translator (RDF.js, BibTeX.js, CSL JSON.js) and answers Zotero API
JSON. Printed per export: the translator, the item types, how many items carry our citation key,
how many have our keywords as tags, child notes, the lines of Extra by label. ``/import`` does
not return collections (the server's item saver keeps none), so they are not counted here.

Items are matched to our entries by citation key, else by title, else by URL; an item matched to
no entry is counted as such. The tests' models of these imports (tests/zotero_*_import.py) claim
the same counts from the translators' source; this is the check against the translators' code.
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from effllm_bib.database import Database  # noqa: E402
from effllm_bib.export.select import ExportRequest, Format, select_export  # noqa: E402

Item = dict[str, Any]
TRANSLATORS = {  # zotero/translators' ids of the import translators met here
    "5e3ad958-ac79-463d-812b-a86a9235c28f": "RDF.js",
    "9cb70025-a888-4a29-a210-93ec52da40d4": "BibTeX.js",
    "bc03b4fe-436d-4a1f-ba59-de4d2d7a63f7": "CSL JSON.js",
}


def norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def exports(db: Database) -> list[tuple[str, str]]:
    """(name, text) of each export sent."""

    def text(fmt: Format, collections: bool = False) -> str:
        return select_export(db, ExportRequest(fmt=fmt, collections=collections)).text()

    csl = text("csl-json")
    without = [i for i in json.loads(csl) if i.get("type") != "software"]
    return [
        ("zotero-rdf --collections", text("zotero-rdf", collections=True)),
        ("bibtex", text("bibtex")),
        ("biblatex", text("biblatex")),
        ("csl-json", csl),
        ("csl-json without software", json.dumps(without, ensure_ascii=False, indent=2)),
    ]


def post(url: str, body: str) -> tuple[int, str, str]:
    """(status, translator id, body) of a POST to /import."""
    request = urllib.request.Request(
        url.rstrip("/") + "/import",
        data=body.encode("utf-8"),
        headers={"Content-Type": "text/plain; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=300) as response:
            translator = response.headers.get("Zotero-Translator-ID", "")
            return response.status, translator, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, "", error.read().decode("utf-8", "replace")


class Matcher:
    """Finds the entry an imported item stands for."""

    def __init__(self, db: Database, csl_text: str) -> None:
        self.keys = set(db.entries)
        self.keywords = {k: sorted(e.keywords) for k, e in db.entries.items()}
        self.by_title: dict[str, str] = {}
        self.by_url: dict[str, str] = {}
        for item in json.loads(csl_text):  # plain-text titles, as the exports write them
            self.by_title[norm(item.get("title", ""))] = item["id"]
            if item.get("URL"):
                self.by_url[item["URL"]] = item["id"]

    def key(self, item: Item) -> str | None:
        if item.get("citationKey") in self.keys:
            return str(item["citationKey"])
        found = self.by_title.get(norm(item.get("title", "")))
        return found or self.by_url.get(item.get("url", ""))


def count(name: str, status: int, translator: str, body: str, match: Matcher) -> None:
    print(f"== {name}")
    if status != 200:
        print(f"   refused: HTTP {status} {body.strip()[:200]}")
        return
    items: list[Item] = json.loads(body)
    notes = [i for i in items if i.get("itemType") == "note"]
    regular = [i for i in items if i.get("itemType") != "note"]
    keys = {id(i): match.key(i) for i in regular}
    with_key = sum(1 for i in regular if i.get("citationKey") and i["citationKey"] == keys[id(i)])
    tagged = sum(
        1
        for i in regular
        if keys[id(i)] is not None
        and sorted(t["tag"] for t in i.get("tags", [])) == match.keywords[str(keys[id(i)])]
    )
    untagged = sum(1 for i in regular if not i.get("tags"))
    extra: Counter[str] = Counter()
    for i in regular:
        for line in str(i.get("extra", "")).splitlines():
            extra[line.split(":", 1)[0] if ":" in line else line] += 1
    types = Counter(str(i.get("itemType")) for i in regular)
    print(f"   translator: {TRANSLATORS.get(translator, '')} {translator}")
    print(f"   items: {len(regular)} {dict(sorted(types.items()))}")
    print(f"   matched to no entry: {sum(1 for k in keys.values() if k is None)}")
    print(f"   distinct entries matched: {len({k for k in keys.values() if k})}")
    print(f"   citationKey = our key: {with_key}")
    print(f"   tags = our keywords: {tagged} (items with no tag: {untagged})")
    print(f"   child notes: {len(notes)}")
    with_extra = sum(1 for i in regular if i.get("extra"))
    print(f"   items with Extra: {with_extra} {dict(sorted(extra.items()))}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:1969", help="translation-server")
    parser.add_argument("--refs", type=Path, default=ROOT / "refs", help="the database")
    args = parser.parse_args()
    db = Database.load(args.refs)
    sent = exports(db)
    match = Matcher(db, dict(sent)["csl-json"])
    print(f"{len(db.entries)} entries in {args.refs}; server {args.url}")
    for name, text in sent:
        status, translator, body = post(args.url, text)
        count(name, status, translator, body, match)
    print("collections: not returned by /import (not counted)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

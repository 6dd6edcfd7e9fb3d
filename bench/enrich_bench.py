"""Benchmark: `effllm-bib enrich --upgrade-preprints` over the whole database against
stand-in services.

A local server plays Crossref, the arXiv API, DBLP's search API and OpenReview's note search
with a fixed latency per request (default 100 ms) and answers from refs/ itself: works by DOI,
arXiv batches, and searches the way the services search, not with the client's own functions:
a record is a hit when it shares the query's words (Crossref ranks by the words it shares, DBLP
and OpenReview want every query word at the start of a title word), so a search returns the
paper among decoys that share its words (other papers, other versions), best first, and the
client must tell which is its paper. DBLP answers in DBLP's JSON (the venue record under the
venue name DBLP uses, and the CoRR record of the arXiv id), OpenReview in API 2's notes. The run starts
from a copy of refs/ with every author list removed and ``--preprints`` published papers of the
field's venues turned back into arXiv preprints, so enrichment has work to do. It runs twice
with the same cache: the second run must send no request.

    python bench/enrich_bench.py [--latency 0.1] [--preprints 40]

Prints, per run and per source, requests sent and the wall time spent on that source (rate
limits included: DBLP allows one request a second), how many turned-back papers got their
venue back, and the second run's request count.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit
from xml.sax.saxutils import escape

from harness import ROOT, footer, header

sys.path.insert(0, str(ROOT / "src"))

from effllm_bib.database import Database  # noqa: E402
from effllm_bib.latex import latex_to_plain  # noqa: E402
from effllm_bib.model import Entry  # noqa: E402
from effllm_bib.names import split_names  # noqa: E402
from effllm_bib.venues import VENUE_FIELD, match_venue  # noqa: E402

# The venue names DBLP gives the venue table's rows (short name -> DBLP's).
DBLP_NAMES = {"ICLR": "ICLR", "NeurIPS": "NeurIPS", "ICML": "ICML", "MLSys": "MLSys",
              "COLM": "COLM", "TMLR": "Trans. Mach. Learn. Res.", "ACL": "ACL (1)",
              "Findings of ACL": "ACL (Findings)", "EMNLP": "EMNLP",
              "Findings of EMNLP": "EMNLP (Findings)"}  # fmt: skip

TYPES = {"inproceedings": "proceedings-article", "article": "journal-article"}
# OpenReview's venue ids, by the venue table's short name (TMLR's id names no year).
OPENREVIEW_IDS = {
    "ICLR": "ICLR.cc/{year}/Conference",
    "NeurIPS": "NeurIPS.cc/{year}/Conference",
    "COLM": "colmweb.org/COLM/{year}/Conference",
    "TMLR": "TMLR",
}
HITS = 10


def words(text: str) -> list[str]:
    """A title's words as a search engine indexes them: lower case, letters and digits."""
    return re.findall(r"[^\W_]+", latex_to_plain(text).lower())


class Index:
    """The stand-in's search: its own word index, nothing of the client's."""

    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries
        self.titles = [words(e.get("title")) for e in entries]

    def all_words(self, query: str) -> list[Entry]:
        """DBLP's and OpenReview's way: every query word begins a title word; shorter titles
        (closer fits) first."""
        terms = words(query)
        hits = [
            (len(t), e)
            for e, t in zip(self.entries, self.titles, strict=True)
            if terms and all(any(w.startswith(q) for w in t) for q in terms)
        ]
        return [e for _, e in sorted(hits, key=lambda h: h[0])][:HITS]

    def shared_words(self, query: str) -> list[Entry]:
        """Crossref's way: every record sharing a word is a hit, ranked by the words shared,
        so the paper comes with its decoys."""
        terms = set(words(query))
        scored = [
            (len(terms & set(t)) / max(len(t), 1), e)
            for e, t in zip(self.entries, self.titles, strict=True)
            if len(terms & set(t)) >= max(2, len(terms) // 2)
        ]
        return [e for _, e in sorted(scored, key=lambda s: -s[0])][:5]


def openreview_note(e: Entry) -> dict[str, Any] | None:
    """The paper's forum note, in API 2's shape, when its venue is on OpenReview."""
    venue = (
        match_venue(e.get(VENUE_FIELD.get(e.type, "booktitle"))) if e.type in VENUE_FIELD else None
    )
    if venue is None or venue.short not in OPENREVIEW_IDS:
        return None
    year = e.get("year")
    people = [
        f"{n.partition(',')[2].strip()} {n.partition(',')[0].strip()}".strip()
        for n in split_names(latex_to_plain(e.get("author")))
    ]
    content = {
        "title": {"value": latex_to_plain(e.get("title"))},
        "authors": {"value": people},
        "venue": {"value": f"{venue.short} {year} poster"},
        "venueid": {"value": OPENREVIEW_IDS[venue.short].format(year=year)},
    }
    pdate = int(time.mktime((int(year or 2024), 6, 1, 0, 0, 0, 0, 0, 0)) * 1000)
    return {"id": f"f{e.key}", "forum": f"f{e.key}", "pdate": pdate, "content": content}


def crossref_work(e: Entry) -> dict[str, Any]:
    people = []
    for name in split_names(e.get("author")):
        family, _, given = name.partition(",")
        people.append({"family": family.strip(), "given": given.strip()})
    return {
        "DOI": e.get("doi"),
        "type": TYPES.get(e.type, "posted-content"),
        "title": [latex_to_plain(e.get("title"))],
        "author": people,
        "container-title": [latex_to_plain(e.get("booktitle") or e.get("journal"))],
        "page": e.get("pages").replace("--", "-"),
        "issued": {"date-parts": [[int(e.get("year") or 0)]]},
    }


def atom(entries: list[Entry]) -> str:
    items = []
    for e in entries:
        authors = "".join(
            f"<author><name>{escape(n.partition(',')[2].strip() + ' ' + n.partition(',')[0])}</name></author>"
            for n in split_names(e.get("author"))
        )
        items.append(
            f"<entry><id>http://arxiv.org/abs/{e.get('eprint')}v1</id>"
            f"<title>{escape(latex_to_plain(e.get('title')))}</title>"
            f"<published>{e.get('year') or '2024'}-01-01T00:00:00Z</published>{authors}</entry>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom" '
        f'xmlns:arxiv="http://arxiv.org/schemas/atom">{"".join(items)}</feed>'
    )


def dblp_people(e: Entry) -> dict[str, Any]:
    names = [
        f"{n.partition(',')[2].strip()} {n.partition(',')[0].strip()}".strip()
        for n in split_names(latex_to_plain(e.get("author")))
    ]
    objs = [{"@pid": f"bench/{i}", "text": n} for i, n in enumerate(names)]
    return {"author": objs[0] if len(objs) == 1 else objs}


def dblp_hits(e: Entry) -> list[dict[str, Any]]:
    """DBLP's records of one paper: its venue record (when published) and its CoRR record."""
    title = latex_to_plain(e.get("title")) + "."
    hits = []
    venue = (
        match_venue(e.get(VENUE_FIELD.get(e.type, "booktitle"))) if e.type in VENUE_FIELD else None
    )
    if venue is not None:
        hits.append(
            {
                "authors": dblp_people(e),
                "title": title,
                "venue": DBLP_NAMES.get(venue.short, venue.short),
                "year": e.get("year"),
                "type": "Conference and Workshop Papers",
                "key": f"conf/bench/{e.key}",
                "ee": f"https://example.org/{e.key}",
            }
        )
    if e.get("eprint"):
        aid = e.get("eprint")
        hits.append(
            {
                "authors": dblp_people(e),
                "title": title,
                "venue": "CoRR",
                "volume": f"abs/{aid}",
                "year": "20" + aid[:2],
                "type": "Informal and Other Publications",
                "key": f"journals/corr/abs-{aid.replace('.', '-')}",
                "doi": f"10.48550/ARXIV.{aid}",
            }
        )
    return [{"@score": "1", "@id": str(i), "info": h} for i, h in enumerate(hits)]


def make_handler(
    db: Database, latency: float, counter: dict[str, int]
) -> type[BaseHTTPRequestHandler]:
    by_doi = {e.get("doi").lower(): e for e in db.entries.values() if e.get("doi")}
    index = Index(sorted(db.entries.values(), key=lambda e: e.key))
    by_arxiv = {e.get("eprint"): e for e in db.entries.values() if e.get("eprint")}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def do_GET(self) -> None:  # noqa: N802
            url = urlsplit(self.path)
            query = parse_qs(url.query)
            source = (
                "arxiv"
                if url.path.startswith("/api/query")
                else "dblp"
                if url.path.startswith(("/search/publ", "/rec/"))
                else "openreview"
                if url.path.startswith("/notes/")
                else "crossref"
            )
            with lock:
                counter[source] = counter.get(source, 0) + 1
            time.sleep(latency)
            if url.path.startswith("/rec/"):  # no BibTeX in the stand-in
                return self.reply("Error 404: Not Found", "text/plain", 404)
            if source == "openreview":
                found = index.all_words(query.get("term", [""])[0])
                notes = [n for n in map(openreview_note, found) if n is not None]
                return self.reply(json.dumps({"notes": notes, "count": len(notes)}))
            if source == "dblp":
                found = index.all_words(query.get("q", [""])[0])
                hits = [h for e in found for h in dblp_hits(e)][:HITS]
                for i, hit in enumerate(hits):
                    hit["@id"] = str(i)
                n = str(len(hits))
                body: dict[str, Any] = {
                    "result": {
                        "status": {"@code": "200", "text": "OK"},
                        "hits": {
                            "@total": n,
                            "@computed": n,
                            "@sent": n,
                            "@first": "0",
                            "hit": hits,
                        },
                    }
                }
                return self.reply(json.dumps(body))
            if url.path.startswith("/api/query"):
                ids = query.get("id_list", [""])[0].split(",")
                return self.reply(
                    atom([by_arxiv[i] for i in ids if i in by_arxiv]), "application/atom+xml"
                )
            if url.path.startswith("/works/"):
                e = by_doi.get(unquote(url.path[len("/works/") :]).lower())
                if e is None:
                    return self.reply("Resource not found.", "text/plain", 404)
                return self.reply(json.dumps({"status": "ok", "message": crossref_work(e)}))
            found = index.shared_words(query.get("query.bibliographic", [""])[0])
            items = [crossref_work(e) for e in found if e.get("doi")]
            answer = {"status": "ok", "message": {"items": items, "total-results": len(items)}}
            return self.reply(json.dumps(answer))

        def reply(self, body: str, ctype: str = "application/json", status: int = 200) -> None:
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            if self.path.startswith("/works"):  # Crossref's polite-pool announcement
                self.send_header("x-rate-limit-limit", "10")
                self.send_header("x-rate-limit-interval", "1s")
                self.send_header("x-concurrency-limit", "3")
            self.end_headers()
            self.wfile.write(data)

    return Handler


def turn_back(db: Database, n: int) -> list[str]:
    """Make ``n`` published papers of the DBLP table's venues arXiv preprints again."""
    chosen: list[str] = []
    for e in sorted(db.entries.values(), key=lambda e: e.key):
        venue = match_venue(e.get(VENUE_FIELD.get(e.type, "booktitle")))
        if len(chosen) < n and e.get("eprint") and venue and venue.short in DBLP_NAMES:
            keep = {
                k: v
                for k, v in e.fields
                if k
                not in ("booktitle", "journal", "volume", "number", "pages", "publisher", "doi")
            }
            db.put(type(e).make(e.key, "misc", keep))
            chosen.append(e.key)
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.1, help="seconds per request")
    parser.add_argument(
        "--preprints", type=int, default=40, help="published papers turned back into preprints"
    )
    args = parser.parse_args()
    source = Database.load(ROOT / "refs")
    counter: dict[str, int] = {}
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(source, args.latency, counter))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "refs"
        shutil.copytree(ROOT / "refs", work)
        db = Database.load(work)
        for e in list(db.entries.values()):
            db.put(e.with_fields(author=""))
        turned = turn_back(db, args.preprints)
        db.save()
        env = {
            "EFFLLM_BIB_CROSSREF_URL": base,
            "EFFLLM_BIB_ARXIV_URL": base + "/api/query",
            "EFFLLM_BIB_DBLP_URL": base,
            "EFFLLM_BIB_OPENREVIEW_URL": base,
            "EFFLLM_BIB_CACHE_DIR": str(Path(tmp) / "cache"),
            "EFFLLM_BIB_MAILTO": "bench@example.org",
            "PATH": os.environ["PATH"],
            "PYTHONPATH": str(ROOT / "src"),
        }  # this checkout's code, not an installed one
        cmd = [
            sys.executable,
            "-m",
            "effllm_bib",
            "--db",
            str(work),
            "enrich",
            "--upgrade-preprints",
        ]
        print(header("enrich --upgrade-preprints, two runs in a row, not alternated"))
        print(
            f"stand-in latency {args.latency * 1000:.0f} ms; {len(source)} entries, "
            f"{len(turned)} turned back into preprints"
        )
        for run in (1, 2):
            before = dict(counter)
            start = time.perf_counter()
            out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
            wall = time.perf_counter() - start
            sources = ("crossref", "arxiv", "dblp", "openreview")
            sent = {k: counter.get(k, 0) - before.get(k, 0) for k in sources}
            lines = [
                ln for ln in out.stdout.splitlines() if ln.startswith(("enrich:", "Crossref:"))
            ]
            print(f"run {run}: {sum(sent.values())} requests, {wall:.1f} s wall")
            print("  stand-in saw: " + ", ".join(f"{k} {v}" for k, v in sent.items()))
            for ln in lines:
                print("  " + ln.replace("; ", "\n  "))
            if out.returncode != 0:
                print(out.stdout[-2000:], out.stderr[-2000:])
                sys.exit(1)
        after = Database.load(work)
        restored = sum(1 for e in after.entries.values() if e.get("author"))
        back = sum(
            1
            for k in turned
            if after.entries[k].get(VENUE_FIELD.get(after.entries[k].type, "booktitle"))
            == source.entries[k].get(VENUE_FIELD.get(source.entries[k].type, "booktitle"))
        )
        print(f"entries with authors after the runs: {restored} (of {len(source)})")
        print(f"turned-back preprints cited at their venue again: {back} (of {len(turned)})")
    server.shutdown()
    print(footer())


if __name__ == "__main__":
    main()

"""Benchmark: `effllm-bib enrich --upgrade-preprints` over the whole database against
stand-in services.

A local server plays Crossref, the arXiv API and DBLP's search API with a fixed latency per
request (default 100 ms) and answers from refs/ itself: works by DOI, bibliographic searches by
title, arXiv batches, and DBLP search answers in DBLP's JSON (the venue record of a published
paper, under the venue name DBLP uses, and the CoRR record of its arXiv id). The run starts
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

from effllm_bib.compare import fold  # noqa: E402
from effllm_bib.database import Database  # noqa: E402
from effllm_bib.enrich.dblp import search_terms  # noqa: E402
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
    by_title = {fold(e.get("title")): e for e in db.entries.values()}
    by_terms = {fold(search_terms(e.get("title"))): e for e in db.entries.values()}
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
                else "crossref"
            )
            with lock:
                counter[source] = counter.get(source, 0) + 1
            time.sleep(latency)
            if url.path.startswith("/rec/"):  # no BibTeX in the stand-in
                return self.reply("Error 404: Not Found", "text/plain", 404)
            if source == "dblp":
                e = by_terms.get(fold(query.get("q", [""])[0]))
                hits = dblp_hits(e) if e is not None else []
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
            terms = fold(query.get("query.bibliographic", [""])[0])
            found = [e for t, e in by_title.items() if t and terms.startswith(t)]
            items = [crossref_work(e) for e in found[:1] if e.get("doi")]
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
            sent = {k: counter.get(k, 0) - before.get(k, 0) for k in ("crossref", "arxiv", "dblp")}
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

"""Benchmark: `effllm-bib enrich` over the whole database against stand-in services.

A local server plays Crossref and the arXiv API with a fixed latency per request (default
100 ms) and answers from refs/ itself (works by DOI, bibliographic searches by title, arXiv
batches), announcing Crossref's polite-pool limits. The run starts from a copy of refs/ with
every author list removed, so enrichment has work to do. It runs twice with the same cache:
the second run must send no request.

    python bench/enrich_bench.py [--latency 0.1]

Prints requests sent, wall time and the second run's request count.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from effllm_bib.database import Database  # noqa: E402
from effllm_bib.normalize import fold, latex_to_plain, split_and  # noqa: E402

TYPES = {"inproceedings": "proceedings-article", "article": "journal-article"}


def crossref_work(e) -> dict:
    people = []
    for name in split_and(e.get("author")):
        family, _, given = name.partition(",")
        people.append({"family": family.strip(), "given": given.strip()})
    return {
        "DOI": e.get("doi"), "type": TYPES.get(e.type, "posted-content"),
        "title": [latex_to_plain(e.get("title"))], "author": people,
        "container-title": [latex_to_plain(e.get("booktitle") or e.get("journal"))],
        "page": e.get("pages").replace("--", "-"), "issued": {"date-parts": [[int(e.get("year") or 0)]]},
    }  # fmt: skip


def atom(entries) -> str:
    items = []
    for e in entries:
        authors = "".join(
            f"<author><name>{escape(n.partition(',')[2].strip() + ' ' + n.partition(',')[0])}</name></author>"
            for n in split_and(e.get("author"))
        )
        items.append(
            f"<entry><id>http://arxiv.org/abs/{e.get('eprint')}v1</id>"
            f"<title>{escape(latex_to_plain(e.get('title')))}</title>"
            f"<published>{e.get('year') or '2024'}-01-01T00:00:00Z</published>{authors}</entry>"
        )
    return ('<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom" '
            f'xmlns:arxiv="http://arxiv.org/schemas/atom">{"".join(items)}</feed>')  # fmt: skip


def make_handler(db: Database, latency: float, counter: list[int]):
    by_doi = {e.get("doi").lower(): e for e in db.entries.values() if e.get("doi")}
    by_title = {fold(e.get("title")): e for e in db.entries.values()}
    by_arxiv = {e.get("eprint"): e for e in db.entries.values() if e.get("eprint")}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet
            pass

        def do_GET(self):  # noqa: N802
            with lock:
                counter[0] += 1
            time.sleep(latency)
            url = urlsplit(self.path)
            query = parse_qs(url.query)
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
            hits = [e for t, e in by_title.items() if t and terms.startswith(t)]
            items = [crossref_work(e) for e in hits[:1] if e.get("doi")]
            body = {"status": "ok", "message": {"items": items, "total-results": len(items)}}
            return self.reply(json.dumps(body))

        def reply(self, body: str, ctype: str = "application/json", status: int = 200):
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("x-rate-limit-limit", "10")
            self.send_header("x-rate-limit-interval", "1s")
            self.send_header("x-concurrency-limit", "3")
            self.end_headers()
            self.wfile.write(data)

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.1, help="seconds per request")
    args = parser.parse_args()
    source = Database.load(ROOT / "refs")
    counter = [0]
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(source, args.latency, counter))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "refs"
        shutil.copytree(ROOT / "refs", work)
        db = Database.load(work)
        for e in list(db.entries.values()):
            db.put(e.with_fields(author=""))
        db.save()
        env = {"EFFLLM_BIB_CROSSREF_URL": base, "EFFLLM_BIB_ARXIV_URL": base + "/api/query",
               "EFFLLM_BIB_CACHE_DIR": str(Path(tmp) / "cache"), "EFFLLM_BIB_MAILTO": "bench@example.org",
               "PATH": __import__("os").environ["PATH"]}  # fmt: skip
        cmd = [sys.executable, "-m", "effllm_bib", "--db", str(work), "enrich"]
        for run in (1, 2):
            before = counter[0]
            start = time.perf_counter()
            out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
            wall = time.perf_counter() - start
            summary = [
                ln for ln in out.stdout.splitlines() if ln.startswith(("enrich:", "Crossref:"))
            ]
            print(
                f"run {run}: {counter[0] - before} requests, {wall:.1f} s wall; "
                + " | ".join(summary)
            )
            if out.returncode != 0:
                print(out.stdout[-2000:], out.stderr[-2000:])
                sys.exit(1)
        restored = sum(1 for e in Database.load(work).entries.values() if e.get("author"))
        print(f"entries with authors after the runs: {restored} (of {len(source)})")
    server.shutdown()


if __name__ == "__main__":
    main()

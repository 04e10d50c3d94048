"""Benchmark: the browser desk's status board for 5,000 internships (benchmarks/synth.py records), served
by `ceri serve` in its own process over HTTP: the first request (loading and checking the records), then
the median of 20 requests of the board and of a filtered board (target: under 0.5 s).

    python benchmarks/bench_serve.py [--internships 5000] [--requests 20]

The desk keeps the loaded records and their findings while the records folder is unchanged (the files'
sizes and modification times): each request lists the folder, filters the rows and renders a page.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

from bench_status import students_for  # noqa: E402
from synth import generate  # noqa: E402

from pipeline.web.auth import hash_password  # noqa: E402
from pipeline.web.store import Store  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--internships", type=int, default=5000)
    ap.add_argument("--requests", type=int, default=20)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as tmp:
        records = Path(tmp) / "records"
        generate(records, students_for(args.internships))
        Store(Path(tmp) / "data" / "desk.sqlite").set_user("bench", hash_password("bench password"))
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        env = {**os.environ, "CERI_REGISTER": str(Path(tmp) / "data" / "register.sqlite")}
        server = subprocess.Popen([sys.executable, "-m", "pipeline", "serve", str(records), "--port", str(port),
                                   "--as-of", "2026-06-01"], cwd=ROOT, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            url = f"http://127.0.0.1:{port}"
            start = time.perf_counter()
            opener = _logged_in(url)  # lands on the board: waits for the records loaded at start-up
            page = opener.open(f"{url}/board").read().decode()
            first = time.perf_counter() - start
            shown = re.search(r"(\d[\d,]*) (?:of|件中)", page)
            print(f"internships: {args.internships}; start-up to the first board (load + check): {first:.2f} s "
                  f"({shown.group(0) if shown else '?'})")
            for label, path in (("board, page 1", "/board"), ("board, overdue, company", "/board?overdue=1&owner=company"),
                                ("case page", "/case/I00007-0")):
                times = []
                for _ in range(args.requests):
                    start = time.perf_counter()
                    opener.open(url + path).read()
                    times.append(time.perf_counter() - start)
                print(f"{label:<26} median of {args.requests}: {statistics.median(times):.3f} s "
                      f"(min {min(times):.3f}, max {max(times):.3f})")
        finally:
            server.terminate()
            server.wait(10)


def _logged_in(url: str) -> urllib.request.OpenerDirector:
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    for _ in range(3000):  # the desk listens once the records are loaded and checked
        try:
            page = opener.open(f"{url}/login").read().decode()
            break
        except OSError:
            time.sleep(0.1)
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"name": "bench", "password": "bench password", "csrf": token}).encode()
    opener.open(f"{url}/login", data)
    return opener


if __name__ == "__main__":
    main()

"""Two processes issuing 200 certificates each into one new register, at the same moment."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

from pipeline.register import Register
from pipeline.register.ledger import entries

ROOT = Path(__file__).resolve().parent.parent

# A worker: waits for the start signal, then issues N certificates with a trivial render function
# (the register API with the renderer injected; real renderers are not the point here).
WORKER = r"""
import sys, time
from datetime import date
from pathlib import Path
from types import SimpleNamespace as NS
from pipeline.register import Register, issue
from pipeline.renderers import RenderRequest

db, name, count, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
while not go.exists():
    time.sleep(0.005)
institution = NS(serial_prefix="CERI")
with Register(db) as reg:  # both processes create / migrate the new file at the same moment
    for i in range(count):
        student = NS(id=f"{name}-{i:03d}", name=NS(given="Test", family=name.upper()))
        ctx = {"student": student, "internship": None, "institution": institution, "today": date(2026, 6, 1)}
        req = RenderRequest(doc="enrollment-certificate", lang="en", fmt="pdf", context=ctx)
        out = issue(reg, req, f"inputs-{name}-{i}", render=lambda r: f"%PDF-1.4 {r.options['serial']}".encode())
        print(out.serial, out.sha256)
"""


def test_two_processes_get_400_distinct_serials_without_gaps(tmp_path):
    db, go = tmp_path / "register.sqlite", tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, str(db), name, "200", str(go)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for name in ("a", "b")]
    time.sleep(0.3)  # both interpreters are up and polling: they start together
    go.touch()
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err for _out, err in outs]
    pairs = [line.split() for out, _err in outs for line in out.splitlines()]
    printed = [serial for serial, _sha in pairs]
    assert len(printed) == 400 and len(set(printed)) == 400
    assert sorted(printed) == [f"CERI-2026-{n:05d}" for n in range(1, 401)]
    with Register(db) as reg:
        rows = entries(reg)
        last = reg.conn.execute("SELECT last FROM sequences").fetchone()[0]
    assert [r["serial"] for r in rows] == sorted(printed) and last == 400
    assert all(r["status"] == "current" for r in rows)
    # each serial's row holds the hash of the very file rendered with that serial
    assert {r["serial"]: r["sha256"] for r in rows} == dict(pairs)
    assert hashlib.sha256(b"%PDF-1.4 CERI-2026-00400").hexdigest() == dict(pairs)["CERI-2026-00400"]

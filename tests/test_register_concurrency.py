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
(go.parent / f"ready-{name}").touch()
while not go.exists():
    time.sleep(0.002)
institution = NS(serial_prefix="CERI")


def certificate(reg, student_id, inputs):
    student = NS(id=student_id, name=NS(given="Test", family=student_id.upper()))
    ctx = {"student": student, "internship": None, "institution": institution, "today": date(2026, 6, 1)}
    req = RenderRequest(doc="enrollment-certificate", lang="en", fmt="pdf", context=ctx)
    return issue(reg, req, inputs, render=lambda r: f"%PDF-1.4 {r.options['serial']}".encode())


with Register(db) as reg:  # both processes create / migrate the new file at the same moment
    for i in range(count):
        out = certificate(reg, f"{name}-{i:03d}", f"inputs-{name}-{i}")
        print("own", out.serial, out.sha256)
        if i % 10 == 0:  # a document both processes issue: it must get one serial, not two
            out = certificate(reg, f"shared-{i:03d}", f"inputs-shared-{i}")
            print(f"shared-{i:03d}", out.serial, out.sha256)
"""


def test_two_processes_get_400_distinct_serials_without_gaps(tmp_path):
    db, go = tmp_path / "register.sqlite", tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, str(db), name, "200", str(go)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for name in ("a", "b")]
    while not all((tmp_path / f"ready-{n}").exists() for n in "ab") and None in [p.poll() for p in procs]:
        time.sleep(0.01)
    go.touch()  # both are up and polling: they start together
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err for _out, err in outs]
    lines = [[line.split() for line in out.splitlines()] for out, _err in outs]
    own = [serial for proc in lines for what, serial, _sha in proc if what == "own"]
    assert len(own) == 400 and len(set(own)) == 400
    shared = [{what: serial for what, serial, _sha in proc if what != "own"} for proc in lines]
    assert len(shared[0]) == 20 and shared[0] == shared[1]  # one serial per shared document
    everything = sorted(set(own) | set(shared[0].values()))
    assert len(everything) == 420 and everything == [f"CERI-2026-{n:05d}" for n in range(1, 421)]  # no gaps
    with Register(db) as reg:
        rows = entries(reg)
        last = reg.conn.execute("SELECT last FROM sequences").fetchone()[0]
    assert [r["serial"] for r in rows] == everything and last == 420
    assert all(r["status"] == "current" for r in rows)
    # each serial's row holds the hash of the very file rendered with that serial
    hashes = {serial: sha for proc in lines for _what, serial, sha in proc}
    assert {r["serial"]: r["sha256"] for r in rows} == hashes
    assert hashes["CERI-2026-00400"] == hashlib.sha256(b"%PDF-1.4 CERI-2026-00400").hexdigest()

"""Regenerate ceri's fillable forms from their specs: `python -m pipeline.renderers.form.build`."""

from __future__ import annotations

import sys
from pathlib import Path

from pipeline.fileio import write_atomic
from pipeline.renderers.form.spec import build, load_spec
from pipeline.resources import FORMS


def specs(folder: Path = FORMS) -> list[Path]:
    return sorted(folder.glob("*.spec.yaml"))


def pdf_path(spec_path: Path) -> Path:
    return spec_path.with_name(spec_path.name.replace(".spec.yaml", ".pdf"))


def main(argv: list[str] | None = None) -> int:
    folder = Path(argv[0]) if argv else FORMS
    for spec_path in specs(folder):
        out = pdf_path(spec_path)
        write_atomic(out, build(load_spec(spec_path)), mode=0o644)
        print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

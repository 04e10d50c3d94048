"""Where the project's data folders are: templates/ and forms/ beside the package (see README)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
FORMS = ROOT / "forms"

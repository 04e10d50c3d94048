"""The XML elements behind python-docx's objects, which it keeps in private attributes.

python-docx has no public call for a run's or a table's properties element (w:rPr, w:tblPr), which ceri
needs to set East Asian fonts, languages and cell margins; these are the only places that reach them.
"""

from __future__ import annotations

from typing import Any


def run_properties(run: Any) -> Any:
    """The run's <w:rPr> element, or None."""
    return run._r.rPr


def add_run_properties(run: Any) -> Any:
    """The run's <w:rPr> element, created when it has none."""
    return run._r.get_or_add_rPr()


def paragraph_of(run: Any) -> Any:
    """What holds the run (its paragraph, as python-docx made it)."""
    return run._parent


def table_properties(table: Any) -> Any:
    """The table's <w:tblPr> element."""
    return table._tbl.tblPr

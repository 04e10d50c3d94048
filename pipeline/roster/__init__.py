"""The office's roster in Excel or CSV: import into YAML records, export back, the empty template.

API (the command line and the browser desk use these):
- `preview(files, out_dir) -> Plan` and `apply(plan)`: import, see pipeline.roster.plan.
- `write_template(path)`: the empty roster workbook (bilingual headers, notes, drop-down lists).
- `export(records, path)`: records into the same workbook, so that export → import gives them back.
- `columns()`: the roster's columns (pipeline/data/roster.yaml joined with the records' schema).
"""

from pipeline.roster.columns import Column, columns
from pipeline.roster.plan import FieldChange, FileChange, Plan, apply, preview
from pipeline.roster.workbook import export, write_template

__all__ = ["Column", "FieldChange", "FileChange", "Plan", "apply", "columns", "export", "preview",
           "write_template"]

"""The pipeline reads one way: records → rules → context → renderers → register → pack → cli.

A stage imports only itself, the stages before it, and the shared modules (errors, files, resources, i18n);
this test reads every import statement of pipeline/, function-level ones included. Below every stage is
pdf, the low-level PDF, font-file and zip layer: it imports only the shared modules, and fonts (which font
draws which character), the renderers, register and pack use it."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "pipeline"
SHARED = {"errors", "fileio", "resources", "i18n", "__init__", "__main__"}
ORDER = ["pdf", "records", "roster", "rules", "context", "desk", "fonts", "renderers", "register", "pack", "cli", "web"]
# fonts sits beside context: neither uses the other; both serve the renderers. web is above cli: `ceri serve`
# is loaded by name (cli/base.py LAZY), so no stage imports web
LEVEL = {**dict.fromkeys(SHARED, -1), **{stage: n for n, stage in enumerate(ORDER)}, "fonts": ORDER.index("context")}


def stage_of(module: str) -> str:
    """pipeline.rules.catalog → rules; pipeline → __init__."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imports(path: Path) -> list[tuple[int, str]]:
    out = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from pipeline import rules` names a stage; `from pipeline import __version__` the package
            names = [node.module] if node.module != "pipeline" else [
                f"pipeline.{a.name}" if a.name in LEVEL else "pipeline" for a in node.names]
            out += [(node.lineno, n) for n in names if n.startswith("pipeline")]
        elif isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names if a.name.startswith("pipeline")]
    return out


def test_every_module_belongs_to_a_known_stage():
    found = {p.relative_to(ROOT).parts[0].removesuffix(".py") for p in ROOT.rglob("*.py")}
    assert found <= set(LEVEL), f"new stage {sorted(found - set(LEVEL))}: place it in ORDER"


def test_no_stage_imports_a_later_one():
    upward = []
    for path in sorted(ROOT.rglob("*.py")):
        mine = path.relative_to(ROOT).parts[0].removesuffix(".py")
        for line, module in imports(path):
            theirs = stage_of(module)
            allowed = theirs == mine or LEVEL[theirs] < LEVEL[mine] or {mine, theirs} <= SHARED
            if not allowed and mine not in ("__init__", "__main__"):
                upward.append(f"{path.relative_to(ROOT.parent)}:{line}: {mine} imports {module}")
    assert not upward, "\n".join(upward)


def test_the_check_sees_an_upward_import(tmp_path):
    """The walker finds imports inside functions and `from pipeline import x` (the test can fail)."""
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from pipeline import pack\n    import pipeline.cli.base\n", "utf-8")
    assert imports(sample) == [(2, "pipeline.pack"), (3, "pipeline.cli.base")]

"""Private internals of pypdf, reportlab, docxtpl, python-docx and pyHanko are touched in pipeline/pdf only,
and every such use there is named in pipeline/pdf/internals.PRIVATE_USES (issue 19).

The rule is the simplest sound one: outside pipeline/pdf, no `x._name` attribute at all, unless x is
`self`/`cls` (a class's own), a module of ceri's own, or on the short allow lists below. Which library an
object comes from cannot be told from the source; that no private attribute is reached at all can."""

from __future__ import annotations

import ast
from pathlib import Path

from pipeline.pdf.internals import CHECKED, PRIVATE_USES

ROOT = Path(__file__).resolve().parent.parent / "pipeline"
LAYER = ROOT / "pdf"
ALLOWED = {
    ("os", "_exit"),  # the standard library's documented exit of a forked child
    ("sys", "_getframe"),  # documented in the sys module
    ("module", "_"),  # gettext's conventional name, which cli/base.py gives click's modules: not an internal
}
# openpyxl's reader internals: not one of the libraries above, kept by the roster stage (issue 26)
ELSEWHERE = {("roster/reading.py", name) for name in ("_get_source", "_shared_strings", "_date_formats",
                                                       "_timedelta_formats")}


def private_uses(path: Path, *, with_self: bool = False) -> list[tuple[int, str, str]]:
    """(line, object as written, attribute) of every `obj._name` in path, not on self or cls and not a
    dunder; `super()._name` counts (a subclass reaching its base's internals)."""
    tree = ast.parse(path.read_text("utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            base = ast.unparse(node.value)
            if with_self or base not in ("self", "cls"):
                out.append((node.lineno, base, node.attr))
    return out


def own_modules(path: Path) -> set[str]:
    """The names path binds to ceri's own modules (`from pipeline.web import edit`, `import pipeline.x`)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("pipeline"):
            names.update(a.asname or a.name for a in node.names)
        elif isinstance(node, ast.Import):
            names.update(a.asname or a.name for a in node.names if a.name.startswith("pipeline"))
    return names


def test_no_private_attribute_is_reached_outside_the_pdf_layer():
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        if LAYER in path.parents:
            continue
        rel, own = path.relative_to(ROOT).as_posix(), own_modules(path)
        for line, base, attr in private_uses(path):
            if base in own or (base, attr) in ALLOWED or (rel, attr) in ELSEWHERE:
                continue
            found.append(f"pipeline/{rel}:{line}: {base}.{attr} (move it into pipeline/pdf and list it there)")
    assert not found, "\n".join(found)


def test_every_private_use_in_the_pdf_layer_is_listed_and_every_listed_one_is_used():
    listed = {(module, attr) for module, attr, _lib, _why in PRIVATE_USES}
    used = set()
    unlisted = []
    for path in sorted(LAYER.glob("*.py")):
        own = own_modules(path)
        for line, base, attr in private_uses(path):
            if base in own:
                continue
            used.add((path.stem, attr))
            if (path.stem, attr) not in listed:
                unlisted.append(f"pipeline/pdf/{path.name}:{line}: {base}.{attr}")
        # a subclass's own view of its base's internals (signing's writer reads self._info)
        used |= {(path.stem, attr) for _line, _base, attr in private_uses(path, with_self=True)}
    assert not unlisted, "not in pipeline/pdf/internals.PRIVATE_USES:\n" + "\n".join(unlisted)
    assert listed <= used, f"listed but no longer used (remove them): {sorted(listed - used)}"
    assert all(lib in CHECKED for _m, _a, lib, _w in PRIVATE_USES)


def test_the_walker_sees_a_private_use(tmp_path):
    """The check can fail: an attribute of another object, super()'s, and not self's or a ceri module's."""
    sample = tmp_path / "sample.py"
    sample.write_text("from pipeline import fonts\n\nclass A(B):\n    def f(self, w):\n"
                      "        self._x = w._add_object(1)\n        super()._update_meta()\n"
                      "        return fonts._face\n", "utf-8")
    assert sorted((b, a) for _n, b, a in private_uses(sample)) == [
        ("fonts", "_face"), ("super()", "_update_meta"), ("w", "_add_object")]
    assert "fonts" in own_modules(sample)


def test_the_versions_checked_are_those_of_the_lock_file():
    """Refreshing requirements.lock to another version of one of these libraries fails here until someone has
    checked PRIVATE_USES against it and updated CHECKED."""
    lock = (ROOT.parent / "requirements.lock").read_text("utf-8")
    pinned = dict(line.split("==", 1) for line in lock.splitlines() if "==" in line and not line.startswith("#"))
    pinned = {name.strip().lower(): version.split()[0].strip() for name, version in pinned.items()}
    assert {lib: pinned.get(lib) for lib in CHECKED} == CHECKED

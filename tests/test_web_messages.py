"""Every word of the browser desk is in its Japanese catalogue (pipeline/web/locale/ja/LC_MESSAGES/web.po),
found the way `pybabel extract -F pipeline/web/babel.cfg` finds it: in the Python code and the templates."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
WEB = ROOT / "pipeline" / "web"


def test_every_message_of_the_desk_has_a_japanese_translation():
    method_map = [("**.py", "python"), ("templates/**.html", "jinja2")]
    found = {m[2] for m in extract_from_dir(str(WEB), method_map, keywords={"_": None}) if isinstance(m[2], str)}
    with (WEB / "locale" / "ja" / "LC_MESSAGES" / "web.po").open("rb") as f:
        catalog = {m.id: m.string for m in read_po(f, locale="ja") if m.id}
    assert len(found) > 50
    assert sorted(found - catalog.keys()) == []
    assert sorted(k for k in found if not catalog[k]) == []
    # placeholders survive the translation
    import re
    assert [k for k in found if set(re.findall(r"\{\w+\}", k)) != set(re.findall(r"\{\w+\}", catalog[k]))] == []

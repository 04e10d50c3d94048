"""Inspect the fields of any AcroForm: names, kinds, widgets (page, rectangle), on-states, flags.

Works on the widgets found on the pages (so a field repeated on several pages lists every widget),
walks /Parent chains for inherited attributes, and keeps button state names as pypdf reads them
(`raw` bytes and a readable `label` are derived for matching, e.g. Shift_JIS はい).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject

from pipeline.i18n import _
from pipeline.renderers.form.limits import MAX_WIDGETS, LimitError

# field flags (PDF 32000-1 §12.7.3-4), by bit number - 1
FLAGS = {
    "readonly": 1 << 0, "required": 1 << 1, "noexport": 1 << 2, "multiline": 1 << 12, "password": 1 << 13,
    "notoggletooff": 1 << 14, "radio": 1 << 15, "pushbutton": 1 << 16, "combo": 1 << 17, "edit": 1 << 18,
    "donotspellcheck": 1 << 22, "donotscroll": 1 << 23, "comb": 1 << 24, "radiosinunison": 1 << 25,
}
KANA = re.compile(r"[\u3040-\u30ff]")
JAPANESE = re.compile(r"[\u3000-\u30ff\u4e00-\u9fff\uff01-\uff5e0-9A-Za-z _.-]+")  # no half-width kana
INHERITED = ("/FT", "/Ff", "/DA", "/Q", "/MaxLen", "/V", "/Opt", "/DV")


def raw_name(name: str) -> bytes:
    """The bytes a PDF name was read from (pypdf decodes them with the first of its CHARSETS that works)."""
    body = name[1:] if name.startswith("/") else name
    for enc in NameObject.CHARSETS:
        try:
            raw = body.encode(enc)
        except UnicodeEncodeError:
            continue
        first = None
        for e in NameObject.CHARSETS:
            try:
                raw.decode(e)
                first = e
                break
            except UnicodeDecodeError:
                continue
        if first == enc:
            return raw
    return body.encode("utf-8")


def state_label(name: str) -> str:
    """A readable form of an on-state name: UTF-8, else Shift_JIS (cp932), else as read.

    Some producers stored Shift_JIS names re-encoded through cp1252 ('‚Í‚¢' for はい): undone too.
    """
    raw = raw_name(name)
    for enc in ("utf-8", "cp932"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        return name[1:] if name.startswith("/") else name
    if not text.isascii():
        for enc in ("cp1252", "gbk"):  # pypdf reads Shift_JIS bytes as GBK (its second charset)
            if enc == "gbk" and KANA.search(text):
                continue  # real Japanese already
            try:
                alt = text.encode(enc).decode("cp932")
            except (UnicodeEncodeError, UnicodeDecodeError):
                continue
            if alt != text and JAPANESE.fullmatch(alt) and re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", alt):
                return alt
    return text


def inherited(node: DictionaryObject, key: str) -> Any:
    seen = 0
    while node is not None and seen < 64:
        if key in node:
            return node[key]
        parent = node.get("/Parent")
        node = parent.get_object() if parent is not None else None
        seen += 1
    return None


def qualified_name(node: DictionaryObject) -> str:
    parts: list[str] = []
    seen = 0
    while node is not None and seen < 64:
        if "/T" in node:
            parts.append(str(node["/T"]))
        parent = node.get("/Parent")
        node = parent.get_object() if parent is not None else None
        seen += 1
    return ".".join(reversed(parts))


@dataclass
class Widget:
    annot: DictionaryObject  # the widget annotation (may also be the field dictionary)
    page: int  # 0-based
    rect: tuple[float, float, float, float]  # x1, y1, x2, y2
    states: list[str]  # on-state names in /AP /N (buttons), excluding /Off

    @property
    def hidden(self) -> bool:
        return bool(int(self.annot.get("/F", 0)) & 2)


@dataclass
class Field:
    name: str
    node: DictionaryObject  # the terminal field dictionary (holds /V)
    kind: str  # text | checkbox | radio | pushbutton | combo | list | signature
    flags: int
    widgets: list[Widget] = field(default_factory=list)

    def attr(self, key: str) -> Any:
        return inherited(self.node, key)

    def has(self, flag: str) -> bool:
        return bool(self.flags & FLAGS[flag])

    @property
    def states(self) -> list[str]:
        """Every on-state name of the field's widgets, in widget order, without repeats."""
        out: list[str] = []
        for w in self.widgets:
            out.extend(s for s in w.states if s not in out)
        return out

    @property
    def options(self) -> list[tuple[str, str]]:
        """(export value, display text) of a choice field."""
        opts = self.attr("/Opt") or []
        out = []
        for o in opts:
            o = o.get_object()
            if isinstance(o, ArrayObject | list):
                out.append((str(o[0].get_object()), str(o[1].get_object())))
            else:
                out.append((str(o), str(o)))
        return out

    def describe(self) -> dict[str, Any]:
        flags = [k for k, v in FLAGS.items() if self.flags & v]
        return {
            "name": self.name, "kind": self.kind, "flags": flags,
            "pages": sorted({w.page + 1 for w in self.widgets}),
            "rects": [[round(c, 1) for c in w.rect] for w in self.widgets],
            "states": [state_label(s) for s in self.states],
            "maxlen": int(self.attr("/MaxLen")) if self.attr("/MaxLen") is not None else None,
            "value": _plain(self.attr("/V")),
        }


def _plain(v: Any) -> str | None:
    if v is None:
        return None
    v = v.get_object()
    if isinstance(v, NameObject):
        return state_label(v)
    if isinstance(v, ArrayObject | list):
        return ", ".join(str(x) for x in v)
    return str(v)


def _kind(ft: str | None, flags: int) -> str:
    if ft == "/Btn":
        if flags & FLAGS["pushbutton"]:
            return "pushbutton"
        return "radio" if flags & FLAGS["radio"] else "checkbox"
    if ft == "/Ch":
        return "combo" if flags & FLAGS["combo"] else "list"
    if ft == "/Sig":
        return "signature"
    return "text"


def _states(annot: DictionaryObject) -> list[str]:
    ap = annot.get("/AP")
    if ap is None:
        return []
    normal = ap.get_object().get("/N")
    if normal is None:
        return []
    normal = normal.get_object()
    if not isinstance(normal, DictionaryObject) or "/BBox" in normal:  # a single stream: no states
        return []
    return [str(k) for k in normal if k != "/Off"]


def fields(pdf: PdfReader | PdfWriter) -> dict[str, Field]:
    """Every terminal field that has a widget on a page, by qualified name, in page order."""
    out: dict[str, Field] = {}
    seen = 0
    for index, page in enumerate(pdf.pages):
        annots = page.get("/Annots")
        annots = annots.get_object() if annots is not None else []  # often an indirect array
        if not isinstance(annots, list):
            raise LimitError(_("a page's /Annots is not an array (a damaged PDF)"))
        seen += len(annots)
        if seen > MAX_WIDGETS:  # before resolving them: each costs a parse
            raise LimitError(_("refused: more than {limit} annotations (a damaged or hostile PDF)")
                            .format(limit=MAX_WIDGETS))
        for ref in annots:
            annot = ref.get_object()
            if annot.get("/Subtype") != "/Widget":
                continue
            node = annot if "/T" in annot or "/Parent" not in annot else annot["/Parent"].get_object()
            name = qualified_name(node)
            if not name:
                continue
            entry = out.get(name)
            if entry is None:
                flags = int(inherited(node, "/Ff") or 0)
                ft = inherited(node, "/FT")
                entry = out[name] = Field(name, node, _kind(str(ft) if ft else None, flags), flags)
            rect = tuple(float(c) for c in annot.get("/Rect", [0, 0, 0, 0]))
            x1, y1, x2, y2 = rect
            entry.widgets.append(Widget(annot, index, (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)),
                                        _states(annot)))
    return out

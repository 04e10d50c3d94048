"""Flatten a form: draw each widget's appearance into its page, then remove the widgets and /AcroForm.

The appearance streams keep their fonts (with ToUnicode maps), so the text stays extractable.
"""

from __future__ import annotations

from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject, StreamObject

HIDDEN, NOVIEW = 2, 32


def _apply(m: list[float], x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def _normal_appearance(annot: DictionaryObject) -> StreamObject | None:
    ap = annot.get("/AP")
    if ap is None:
        return None
    n = ap.get_object().get("/N")
    if n is None:
        return None
    n = n.get_object()
    if isinstance(n, StreamObject):
        return n
    state = annot.get("/AS")
    if state is None or state not in n:
        return None
    return n[state].get_object()


def _placement(annot: DictionaryObject, xobj: StreamObject) -> list[float] | None:
    """The cm matrix that maps the appearance's transformed /BBox onto the widget's /Rect (PDF §12.5.5)."""
    bbox = [float(v) for v in xobj.get("/BBox", [0, 0, 0, 0])]
    matrix = [float(v) for v in xobj.get("/Matrix", [1, 0, 0, 1, 0, 0])]
    corners = [_apply(matrix, x, y) for x in (bbox[0], bbox[2]) for y in (bbox[1], bbox[3])]
    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
    bw, bh = max(xs) - min(xs), max(ys) - min(ys)
    r = [float(v) for v in annot["/Rect"]]
    rx, ry = min(r[0], r[2]), min(r[1], r[3])
    rw, rh = abs(r[2] - r[0]), abs(r[3] - r[1])
    if bw <= 0 or bh <= 0:
        return None
    sx, sy = rw / bw, rh / bh
    return [sx, 0, 0, sy, rx - sx * min(xs), ry - sy * min(ys)]


def appearances(page: DictionaryObject) -> list[tuple[StreamObject, list[float]]]:
    """(appearance stream, cm matrix onto its /Rect) of each visible widget of page, in /Annots order."""
    out = []
    for ref in page.get("/Annots") or []:
        annot = ref.get_object()
        if annot.get("/Subtype") != "/Widget" or int(annot.get("/F", 0)) & (HIDDEN | NOVIEW):
            continue
        xobj = _normal_appearance(annot)
        cm = _placement(annot, xobj) if xobj is not None else None
        if cm is not None:
            if xobj.get("/Subtype") != "/Form":  # viewers tolerate this in /AP, not as a page XObject
                xobj[NameObject("/Type")] = NameObject("/XObject")
                xobj[NameObject("/Subtype")] = NameObject("/Form")
            out.append((xobj, cm))
    return out


def flatten(writer: PdfWriter) -> None:
    """Burn every widget's current appearance into the page content; drop widgets and the form."""
    for page in writer.pages:
        annots = page.get("/Annots")
        if annots is None:
            continue
        keep = ArrayObject(ref for ref in annots if ref.get_object().get("/Subtype") != "/Widget")
        ops: list[bytes] = []
        xobjects: dict[str, StreamObject] = {}
        for xobj, cm in appearances(page):
            name = f"/CeriFlat{len(xobjects)}"
            xobjects[name] = xobj.indirect_reference or writer._add_object(xobj)
            nums = " ".join(f"{v:.4f}".rstrip("0").rstrip(".") for v in cm)
            ops.append(f"q {nums} cm {name} Do Q\n".encode())
        if ops:
            if "/Resources" not in page:  # inherited from the page tree: copy it, never shadow it
                node, inherited = page.get("/Parent"), DictionaryObject()
                while node is not None:
                    node = node.get_object()
                    if "/Resources" in node:
                        inherited = DictionaryObject(node["/Resources"].get_object())
                        break
                    node = node.get("/Parent")
                page[NameObject("/Resources")] = inherited
            # shallow copies: pages often share one resources dictionary
            res = DictionaryObject(page["/Resources"].get_object())
            page[NameObject("/Resources")] = res
            xo = DictionaryObject(res.get("/XObject", DictionaryObject()).get_object())
            res[NameObject("/XObject")] = xo
            for name, ref in xobjects.items():
                xo[NameObject(name)] = ref
            old = page.get_contents()
            stream = DecodedStreamObject()
            stream.set_data(b"q\n" + (old.get_data() if old is not None else b"") + b"\nQ\n" + b"".join(ops))
            page[NameObject("/Contents")] = writer._add_object(stream.flate_encode())
        if keep:
            page[NameObject("/Annots")] = keep
        else:
            del page["/Annots"]
    if "/AcroForm" in writer._root_object:
        del writer._root_object["/AcroForm"]

"""ceri's one flattener: draw each widget's appearance into its page, then remove the widgets and /AcroForm.

The appearance streams keep their fonts (with ToUnicode maps), so the text stays extractable. One
routine serves a pypdf PdfWriter (`flatten`) and an objects.Edit (`flatten_edit`, the fast fill path); the
original content is left as it is and wrapped by two small streams (`q` before it, `Q` and the
appearances after), so nothing is decoded and re-compressed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, StreamObject

from pipeline.pdf.objects import Edit, NotIndirect, add_object, catalog, stream

HIDDEN, NOVIEW = 2, 32
Resolve = Callable[[Any], Any]  # a reference (or direct object) → the object, as the document now has it


def _resolve(obj: Any) -> Any:
    return obj.get_object() if obj is not None else None


def _apply(m: list[float], x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def _normal_appearance(annot: DictionaryObject, resolve: Resolve) -> tuple[Any, StreamObject] | None:
    """(reference, stream) of the appearance a widget shows now."""
    ap = resolve(annot.get("/AP"))
    if ap is None or ap.get("/N") is None:
        return None
    ref = ap.raw_get("/N")
    n = resolve(ref)
    if not isinstance(n, StreamObject):
        state = annot.get("/AS")
        if state is None or state not in n:
            return None
        ref = n.raw_get(state)
        n = resolve(ref)
    return (ref, n) if isinstance(n, StreamObject) else None


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


def appearances(page: DictionaryObject, resolve: Resolve = _resolve) -> list[tuple[Any, StreamObject, list[float]]]:
    """(reference, appearance stream, cm matrix onto its /Rect) of each visible widget of page."""
    out = []
    for ref in resolve(page.get("/Annots")) or []:
        annot = resolve(ref)
        if annot.get("/Subtype") != "/Widget" or int(annot.get("/F", 0)) & (HIDDEN | NOVIEW):
            continue
        found = _normal_appearance(annot, resolve)
        cm = _placement(annot, found[1]) if found is not None else None
        if cm is not None:
            out.append((*found, cm))
    return out


def others(page: DictionaryObject, resolve: Resolve = _resolve) -> ArrayObject:
    """The page's annotations that are not widgets (links, notes), which flattening keeps."""
    return ArrayObject(ref for ref in resolve(page.get("/Annots")) or []
                       if resolve(ref).get("/Subtype") != "/Widget")


def drawing(placed: list[tuple[Any, StreamObject, list[float]]]) -> tuple[dict[str, Any], bytes]:
    """(XObject resource name → reference, content operators) that draw the placed appearances."""
    names, ops = {}, []
    for n, (ref, _, cm) in enumerate(placed):
        name = f"/CeriFlat{n}"
        names[name] = ref
        nums = " ".join(f"{v:.4f}".rstrip("0").rstrip(".") for v in cm)
        ops.append(f"q {nums} cm {name} Do Q\n".encode())
    return names, b"".join(ops)


def _inherited_resources(page: DictionaryObject, resolve: Resolve) -> DictionaryObject:
    node = page.get("/Parent")
    while node is not None:
        node = resolve(node)
        if "/Resources" in node:
            return DictionaryObject(resolve(node["/Resources"]))
        node = node.get("/Parent")
    return DictionaryObject()


def burn(page: DictionaryObject, names: dict[str, Any], ops: bytes, add: Callable[[Any], IndirectObject],
         resolve: Resolve = _resolve) -> None:
    """Give page the XObjects `names` and draw them after its content, which stays as it is."""
    if not ops:
        return
    # copies, never shared dictionaries edited in place: pages often share one resources dictionary
    res = DictionaryObject(resolve(page["/Resources"])) if "/Resources" in page else \
        _inherited_resources(page, resolve)
    xo = DictionaryObject(resolve(res.get("/XObject")) or {})
    xo.update({NameObject(k): v for k, v in names.items()})
    res[NameObject("/XObject")] = xo
    page[NameObject("/Resources")] = res
    old = page.raw_get("/Contents") if "/Contents" in page else None
    old = list(resolve(old)) if isinstance(resolve(old), ArrayObject) else [old] if old is not None else []
    page[NameObject("/Contents")] = ArrayObject([add(stream(b"q\n")), *old, add(stream(b"\nQ\n" + ops))])


def flatten_page(page: DictionaryObject, placed: list[tuple[Any, StreamObject, list[float]]], keep: ArrayObject,
                 add: Callable[[Any], IndirectObject], resolve: Resolve = _resolve,
                 carry: Callable[[Any], Any] = lambda ref: ref) -> None:
    """Draw the placed appearances into page and leave it only the annotations in keep.

    carry(ref) is what page's document refers to the object as: the reference itself when page is in
    the document the references come from, a copy's reference when page is a page's copy elsewhere."""
    names, ops = drawing(placed)
    burn(page, {name: carry(ref) for name, ref in names.items()}, ops, add, resolve)
    if keep:
        page[NameObject("/Annots")] = ArrayObject(carry(ref) for ref in keep)
    else:
        page.pop("/Annots", None)


def flatten(writer: PdfWriter) -> None:
    """Burn every widget's current appearance into the page content; drop widgets and the form."""

    def add(obj: Any) -> IndirectObject:
        return add_object(writer, obj)

    for page in writer.pages:
        if page.get("/Annots") is None:
            continue
        placed = appearances(page)
        for _, xobj, _ in placed:
            if xobj.get("/Subtype") != "/Form":  # viewers tolerate this in /AP, not as a page XObject
                xobj[NameObject("/Type")] = NameObject("/XObject")
                xobj[NameObject("/Subtype")] = NameObject("/Form")
        flatten_page(page, placed, others(page), add, carry=lambda v: v if isinstance(v, IndirectObject) else add(v))
    catalog(writer).pop("/AcroForm", None)


def flatten_edit(edit: Edit) -> None:
    """flatten() for an objects.Edit: only the pages and the catalog change; the fields, widgets and
    replaced appearances are no longer referenced, so Edit.write leaves them out."""
    for source in edit.base.reader.pages:
        page = edit.own(source)
        if page.get("/Annots") is None:
            continue
        placed = appearances(page, edit.get)
        if any(not isinstance(ref, IndirectObject) or xobj.get("/Subtype") != "/Form" for ref, xobj, _ in placed):
            raise NotIndirect  # needs its appearance edited: the full-copy path does that
        flatten_page(page, placed, others(page, edit.get), edit.add, edit.get)
    edit.root.pop("/AcroForm", None)

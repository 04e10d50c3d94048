"""Records from a roster into YAML files, round-trip: a re-import changes only the values that changed.

Files are read and written with ruamel.yaml's round-trip mode, so comments, key order, flow style and
quoting of everything the roster does not change stay as the office or an editor left them. A value is
written only where the record's value differs from what the file already says; a roster column that is
present but empty removes the field. New records go at the end of their student's file, keys in the
order of the records format."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal
from typing import Any

import yaml
from pydantic import BaseModel
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.scalarstring import LiteralScalarString

from pipeline.roster.columns import Path, field_type

MISSING = object()


def _decimal(representer: RoundTripRepresenter, value: Decimal) -> Any:
    text = str(value)  # plain, as typed: the tag is the one YAML would resolve, so none is written
    return representer.represent_scalar(f"tag:yaml.org,2002:{'float' if '.' in text else 'int'}", text)


def yaml_rt() -> YAML:
    y = YAML(typ="rt")
    y.width = 4096  # a 600-character duties line stays one line
    y.allow_unicode = True
    y.indent(mapping=2, sequence=4, offset=2)
    y.preserve_quotes = True
    y.representer.add_representer(Decimal, _decimal)
    return y


def value_at(model: BaseModel | None, path: Path) -> Any:
    """The model's value at a field path (None where a group on the way is absent)."""
    node: Any = model
    for step in path:
        if node is None:
            return None
        node = getattr(node, step)
    return node


def value_set_at(model: BaseModel | None, path: Path) -> Any:
    """As value_at, but None for a default the record never stated (an export leaves such cells empty)."""
    node: Any = model
    for step in path:
        if node is None or step not in node.model_fields_set:
            return None
        node = getattr(node, step)
    return node


def plain(value: Any) -> Any:
    """A model's value as YAML should show it: dates, true/false, numbers; text with line breaks as a block."""
    if isinstance(value, str):
        return LiteralScalarString(value) if "\n" in value else value
    if isinstance(value, list):
        seq = CommentedSeq()
        for item in value:
            m = CommentedMap()
            for name in type(item).model_fields:
                if getattr(item, name) is not None:
                    m[name] = plain(getattr(item, name))
            m.fa.set_flow_style()
            seq.append(m)
        return seq
    if isinstance(value, bool | int | Decimal | date):
        return value
    raise TypeError(f"no YAML form for {type(value).__name__}")


def _order(model_type: type[BaseModel], path: Path) -> list[str]:
    """The keys of the group at path in the records format's order (for inserting new keys)."""
    current: Any = model_type
    for step in path:
        current, _meta = field_type(current, (step,))
    return list(current.model_fields) if isinstance(current, type) and issubclass(current, BaseModel) else []


def _insert(mapping: CommentedMap, key: str, value: Any, order: list[str]) -> None:
    """Put a new key after the last existing key that comes before it in the format's order."""
    if key in order:
        before = order[: order.index(key)]
        position = 0
        for n, existing in enumerate(mapping):
            if existing in before or existing == "kind":
                position = n + 1
        mapping.insert(position, key, value)
    else:
        mapping[key] = value


def set_path(doc: CommentedMap, model_type: type[BaseModel], path: Path, value: Any) -> None:
    node = doc
    for n, step in enumerate(path[:-1]):
        child = node.get(step)
        if not isinstance(child, dict):
            child = CommentedMap()
            _insert(node, step, child, _order(model_type, path[:n]))
        node = child
    if path[-1] in node:
        node[path[-1]] = value
    else:
        _insert(node, path[-1], value, _order(model_type, path[:-1]))


def delete_path(doc: CommentedMap, path: Path) -> bool:
    """Remove a field, and the groups it leaves empty; False when it was not there."""
    chain = [doc]
    for step in path[:-1]:
        child = chain[-1].get(step)
        if not isinstance(child, dict):
            return False
        chain.append(child)
    if path[-1] not in chain[-1]:
        return False
    del chain[-1][path[-1]]
    for n in range(len(chain) - 1, 0, -1):
        if chain[n]:
            break
        del chain[n - 1][path[n - 1]]
    return True


def new_document(kind: str, record_id: str) -> CommentedMap:
    doc = CommentedMap()
    doc["kind"] = kind
    doc["id"] = record_id
    return doc


def dump(docs: list[CommentedMap]) -> bytes:
    out = io.StringIO()
    y = yaml_rt()
    y.explicit_start = False
    y.dump_all(docs, out)
    return out.getvalue().encode("utf-8")


def load_all(raw: bytes) -> list[Any]:
    return list(yaml_rt().load_all(raw.decode("utf-8-sig")))


# ---- new files ---------------------------------------------------------------------------------------
# A file ceri creates has no comments or style to keep: PyYAML's C emitter writes it about ten times faster
# than ruamel's round-trip one (10,000 students: seconds, not minutes). libyaml escapes characters beyond
# U+FFFF ("\U00020BB7" for 𠮷), which loads right but reads badly: such a file goes through PyYAML's Python
# emitter, which writes them as they are.
_BEYOND_BMP = re.compile("[\U00010000-\U0010FFFF]")


class _Flow(dict):
    """A payment: one line, {paid_on: …, amount: …}."""


def _dumper(base: type) -> type:
    class Dumper(base):  # type: ignore[misc, valid-type]
        pass

    def text(d, value: str):
        return d.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)

    def decimal(d, value: Decimal):
        return d.represent_scalar(f"tag:yaml.org,2002:{'float' if '.' in str(value) else 'int'}", str(value))

    def flow(d, value: _Flow):
        return d.represent_mapping("tag:yaml.org,2002:map", value.items(), flow_style=True)

    Dumper.add_representer(str, text)
    Dumper.add_representer(Decimal, decimal)
    Dumper.add_representer(_Flow, flow)
    return Dumper


_FAST, _EXACT = _dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)), _dumper(yaml.SafeDumper)


def fresh(value: Any) -> Any:
    """A model's value for a new file: payments as flow mappings, the rest as is."""
    if isinstance(value, list):
        return [_Flow((k, getattr(item, k)) for k in type(item).model_fields if getattr(item, k) is not None)
                for item in value]
    return value


def dump_new(docs: list[dict[str, Any]]) -> bytes:
    dumper = _EXACT if any(_BEYOND_BMP.search(s) for s in _strings(docs)) else _FAST
    text = yaml.dump_all(docs, Dumper=dumper, allow_unicode=True, sort_keys=False, width=4096,
                         default_flow_style=False)
    return text.encode("utf-8")


def _strings(node: Any):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for v in node.values():
            yield from _strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from _strings(v)

"""What a Japanese keyboard puts into YAML, found line by line: a full-width colon (`sex： female`), no
space after the colon (`sex:female`), a tab or a full-width space in the indentation, a key typed in
full-width letters.

The YAML parser reports these as whatever they turn into (`could not find expected ':'`, often on the
next line, or a mapping that became a string); this scan names the character, its own line and column,
and the fix. It runs only on a file that already has a problem, so it can never reject a valid file.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from pipeline.i18n import _
from pipeline.records.chars import describe

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_LEAD = re.compile(r"[ \t\u3000]*")
_DASHES = re.compile(r"(?:-[ \t\u3000]+)*")
# a key as the records use them, also typed in full-width letters; the colon ASCII or full-width
_KEY = re.compile(r"([A-Za-z_\uff21-\uff3a\uff41-\uff5a\uff3f][A-Za-z0-9_\uff21-\uff3a\uff41-\uff5a\uff10-\uff19\uff3f]*)"
                  r"([ \t\u3000]*)([:\uff1a])(.*)")


_FLOW_KEY = re.compile(r"[{,][ \t]*([A-Za-z_][A-Za-z0-9_]*)([ \t\u3000]*)([:\uff1a])(.?)")


@dataclass(frozen=True)
class Mistake:
    line: int
    column: int
    message: str


def _fix(key: str, value: str) -> str:
    value = value.strip(" \t\u3000")
    return f"{key}: {value}" if value else f"{key}:"


def mistakes(text: str) -> list[Mistake]:
    """Every keyboard mistake of a YAML text, at most one per line."""
    found: list[Mistake] = []
    skip_deeper_than: int | None = None  # lines indented deeper than this belong to a value above
    for n, line in enumerate(_LINE_BREAK.split(text), start=1):
        lead = _LEAD.match(line).group()
        body = line[len(lead):]
        if skip_deeper_than is not None:
            needed = lead[:skip_deeper_than + 1]
            if not body.strip() or (len(lead) > skip_deeper_than and "\t" not in needed
                                    and "\u3000" not in needed):
                continue
            skip_deeper_than = None
        if not body or body.startswith("#") or (not lead and body.startswith(("---", "..."))):
            continue
        odd = next((i for i, c in enumerate(lead) if c in "\t\u3000"), None)
        if odd is not None:
            ch = lead[odd]
            fix = _("indent with half-width spaces only") if ch == "\t" else \
                _("indent with half-width spaces only (type the spaces in half-width input mode)")
            found.append(Mistake(n, odd + 1, _("{char} in the indentation: {fix}").format(
                char=describe(ch), fix=fix)))
        dashes = _DASHES.match(body).group()
        key_at = len(lead) + len(dashes)  # 0-based column of the key
        m = _KEY.fullmatch(line[key_at:])
        if m is None:
            if dashes and line[key_at:].strip():  # `- value`: its continuation lines are text
                skip_deeper_than = len(lead)
            continue
        key, gap, colon, rest = m.groups()
        if odd is None:
            mistake = _key_mistake(n, key_at, key, gap, colon, rest) or _flow_mistake(n, line, key_at)
            if mistake:
                found.append(mistake)
        value = rest.strip(" \t\u3000")
        if value and not value.startswith("#"):
            # a block scalar (`|`, `>`), or a plain, quoted or flow value that may go on over the next
            # lines: the lines below it, indented deeper than its key, are text, whatever they look like
            skip_deeper_than = key_at
    return found


def _flow_mistake(n: int, line: str, start: int) -> Mistake | None:
    """The same mistakes inside a flow mapping on the line (`name: {family： DOE, given:Jane}`), where
    YAML takes `family： DOE` for a key without a value."""
    if "{" not in line:
        return None
    for m in _FLOW_KEY.finditer(line, start):
        key, gap, colon, after = m.group(1), m.group(2), m.group(3), m.group(4)
        if colon != ":" or (after and after not in " \t,}]"):
            rest = line[m.end(3):].split(",")[0].split("}")[0]
            return _key_mistake(n, m.start(1), key, gap, colon, rest)
    return None


def _key_mistake(n: int, key_at: int, key: str, gap: str, colon: str, rest: str) -> Mistake | None:
    plain = unicodedata.normalize("NFKC", key)
    colon_at = key_at + len(key) + len(gap)
    if plain != key:
        i = next(i for i, c in enumerate(key) if c != plain[i:i + 1])
        return Mistake(n, key_at + i + 1, _("{char} in the key '{key}': type keys in half-width letters, "
                                            "'{fixed}'").format(char=describe(key[i]), key=key,
                                                                fixed=_fix(plain, rest)))
    if colon != ":":
        return Mistake(n, colon_at + 1, _("{char} after '{key}': write a half-width colon and a space, "
                                          "'{fixed}'").format(char=describe(colon), key=key,
                                                              fixed=_fix(key, rest)))
    if rest and rest[0] not in " \t" and not rest.startswith("//"):
        if rest[0] == "\u3000":
            return Mistake(n, colon_at + 2, _("{char} after '{key}:': the space after a colon must be "
                                              "half-width, '{fixed}'").format(char=describe(rest[0]), key=key,
                                                                              fixed=_fix(key, rest)))
        return Mistake(n, colon_at + 1, _("no space after the colon of '{key}:': write '{fixed}'").format(
            key=key, fixed=_fix(key, rest)))
    return None

"""Line breaking for Japanese and Western text: where a value may wrap, and greedy wrapping to a width."""

from __future__ import annotations

import re
import unicodedata

from pipeline import fonts

# closing punctuation never starts a line (kinsoku): it sticks to the token before it
NO_LINE_START = set("、。，．,.）」』】〉》〕］｝)]}!?！？・ー々ゝゞっゃゅょァィゥェォッャュョ：；:;")


def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def _tokens(text: str) -> list[str]:
    """Break opportunities: each wide (CJK) character, each Latin word, each run of spaces."""
    out: list[str] = []
    for part in re.findall(r"\s+|[^\s]+", text):
        if part.isspace():
            out.append(part)
            continue
        word = ""
        for ch in part:
            if ch in NO_LINE_START and _is_wide(ch):
                if word:
                    word += ch
                    continue
                if out and not out[-1].isspace():
                    out[-1] += ch
                    continue
            if _is_wide(ch) or (word and _is_wide(word[-1])):
                if word:
                    out.append(word)
                word = ch
            else:
                word += ch
        if word:
            out.append(word)
    return out


def _split_long(token: str, width: float, size: float, style: str) -> list[str]:
    """A single word wider than the box is broken between characters (long URLs, ids)."""
    pieces, cur = [], ""
    for ch in token:
        if cur and fonts.width(cur + ch, size, style) > width:
            pieces.append(cur)
            cur = ch
        else:
            cur += ch
    return pieces + ([cur] if cur else [])


def _wrap_paragraph(text: str, width: float, size: float, style: str) -> list[str]:
    """Greedy line breaking at the break opportunities of _tokens()."""
    lines: list[str] = []
    cur = ""
    for tok in _tokens(text):
        if fonts.width(cur + tok, size, style) <= width:
            cur += tok
            continue
        if tok.isspace():
            lines.append(cur.rstrip())
            cur = ""
            continue
        if cur.strip():
            lines.append(cur.rstrip())
        if fonts.width(tok, size, style) > width:
            *full, cur = _split_long(tok, width, size, style)
            lines.extend(full)
        else:
            cur = tok
    if cur.strip() or not lines:
        lines.append(cur.rstrip())
    return lines


def wrap(text: str, width: float, size: float, style: str = "mincho") -> list[str]:
    """Lines of at most width points at size; line breaks in the text start new lines."""
    return [line for para in re.split(r"\r\n|\r|\n", text) for line in _wrap_paragraph(para, width, size, style)]

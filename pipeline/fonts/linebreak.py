"""Line breaking for Japanese and Western text: where a value may wrap, and greedy wrapping to a width.

Japanese wraps between any two characters but for kinsoku (closing marks never start a line, opening
brackets never end one); Western text wraps at spaces. A date, an amount, a serial number, a postal code
or a number with its counter (令和8年3月31日, July 1, 2026, 300,000円, CERI-2026-00001, 〒240-0193,
38.75時間) is never broken unless it is wider than the line. A paragraph does not end with one character
alone on its last line where the line before can give it a companion.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pipeline import fonts

# closing punctuation never starts a line (kinsoku): it sticks to the token before it
NO_LINE_START = set("、。，．,.）」』】〉》〕］｝)]}!?！？・ー々ゝゞっゃゅょァィゥェォッャュョ：；:;")
# opening brackets never end a line: they stick to the token after them
NO_LINE_END = set("（「『【〈《〔［｛([{")

_DIGITS = r"[0-9０-９]"
_MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|December|"
           "Jan\\.|Feb\\.|Mar\\.|Apr\\.|Jun\\.|Jul\\.|Aug\\.|Sep\\.|Sept\\.|Oct\\.|Nov\\.|Dec\\.")
# spans never broken (unless one alone is wider than the line)
UNBREAKABLE = re.compile("|".join([
    rf"(?:(?:令和|平成|昭和|大正|明治)(?:元|{_DIGITS}{{1,2}})|{_DIGITS}{{4}})年(?:{_DIGITS}{{1,2}}月(?:{_DIGITS}{{1,2}}日)?)?",
    rf"{_DIGITS}{{1,2}}月{_DIGITS}{{1,2}}日",
    rf"(?:{_MONTHS}) {_DIGITS}{{1,2}}, {_DIGITS}{{4}}",
    rf"{_DIGITS}{{1,2}} (?:{_MONTHS}) {_DIGITS}{{4}}",
    rf"〒\s?{_DIGITS}{{3}}-{_DIGITS}{{4}}",
    rf"[¥￥]?{_DIGITS}+(?:[,，]{_DIGITS}{{3}})*(?:[.．]{_DIGITS}+)?"
    r"(?:円|時間|日間|日|か月|ヶ月|カ月|箇月|週間|週|単位|年間|年|名|件|回|歳|％|%)?",
    r"[A-Za-z]+(?:-[A-Za-z0-9]+)+",
]))


def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def _plain(text: str, out: list[str]) -> None:
    """Break opportunities of text with no unbreakable span: each wide (CJK) character, each Latin word,
    each run of spaces; kinsoku marks stick to their neighbours."""
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
            if word and all(c in NO_LINE_END for c in word):  # an opening bracket takes what follows
                word += ch
                continue
            if _is_wide(ch) or (word and _is_wide(word[-1])):
                if word:
                    out.append(word)
                word = ch
            else:
                word += ch
        if word:
            out.append(word)


def _tokens(text: str) -> list[str]:
    """The pieces a line may break between (see the module)."""
    out: list[str] = []
    pos = 0
    for m in UNBREAKABLE.finditer(text):
        if not m.group().strip():
            continue
        _plain(text[pos:m.start()], out)
        span = m.group()
        if out and out[-1] and all(c in NO_LINE_END for c in out[-1]):
            out[-1] += span  # 「（」 before a date stays with it
        elif out and not out[-1].isspace() and not _is_wide(out[-1][-1]) and not _is_wide(span[0]):
            out[-1] += span  # no break inside a Latin word that runs into the span
        else:
            out.append(span)
        pos = m.end()
    rest = text[pos:]
    if rest and out and not out[-1].isspace() and not rest[0].isspace() and \
            not _is_wide(rest[0]) and not _is_wide(out[-1][-1]):
        first = re.match(r"[^\s]+", rest).group()  # a Latin word running on from the span
        out[-1] += first
        rest = rest[len(first):]
    _plain(rest, out)
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


@lru_cache(maxsize=4096)  # a batch wraps the same sentences, notes and form values over and over
def _wrap_paragraph(text: str, width: float, size: float, style: str) -> tuple[str, ...]:
    """Greedy line breaking at the break opportunities of _tokens(), then the last line given a companion
    if it holds one character alone."""
    lines: list[list[str]] = []
    cur: list[str] = []
    cur_text = ""
    pending = _tokens(text)[::-1]
    while pending:
        tok = pending.pop()
        if len(tok) > 1 and fonts.width(tok, size, style) > width:
            inner: list[str] = []
            _plain(tok, inner)
            if len(inner) > 1:  # a date or amount wider than the line breaks where plain text would
                pending.extend(inner[::-1])
                continue
        if fonts.width(cur_text + tok, size, style) <= width:
            cur.append(tok)
            cur_text += tok
            continue
        if tok.isspace():  # kept at the end of its line (stripped when drawn): _no_widow may need it
            lines.append([*cur, tok])
            cur, cur_text = [], ""
            continue
        if cur_text.strip():
            lines.append(cur)
        if fonts.width(tok, size, style) > width:
            *full, last = _split_long(tok, width, size, style)
            lines.extend([piece] for piece in full)
            cur, cur_text = [last], last
        else:
            cur, cur_text = [tok], tok
    if cur_text.strip() or not lines:
        lines.append(cur)
    _no_widow(lines, width, size, style)
    return tuple("".join(line).rstrip() for line in lines)


def _alone(line: list[str]) -> bool:
    """A last line of one character (with the closing marks that stick to it)."""
    text = "".join(line).strip()
    return bool(text) and len(text.rstrip("".join(NO_LINE_START))) <= 1


def _no_widow(lines: list[list[str]], width: float, size: float, style: str) -> None:
    """Move the last piece of the line before down to a last line holding one character alone, when the
    line before keeps at least two pieces and the last line still fits."""
    if len(lines) < 2 or not _alone(lines[-1]):
        return
    prev = list(lines[-2])
    gap: list[str] = []
    while prev and prev[-1].isspace():
        gap.insert(0, prev.pop())
    if len([t for t in prev if not t.isspace()]) < 3:
        return
    moved = prev.pop()
    last = [moved, *gap, *lines[-1]]
    if fonts.width("".join(last).rstrip(), size, style) <= width:
        lines[-2], lines[-1] = prev, last


def wrap(text: str, width: float, size: float, style: str = "mincho") -> list[str]:
    """Lines of at most width points at size; line breaks in the text start new lines."""
    return [line for para in re.split(r"\r\n|\r|\n", text) for line in _wrap_paragraph(para, width, size, style)]

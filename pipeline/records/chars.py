"""Characters named for people: `'：' (U+FF1A, full-width colon)`, in messages of every stage.

A message about a character shows it (escaped when it is invisible), its code point, and a name the
secretariat recognises from their keyboard (全角コロン) rather than the Unicode name alone.
"""

from __future__ import annotations

import unicodedata

from pipeline.i18n import _


def _names() -> dict[str, str]:
    # built per call: the names are in the language of messages, chosen after import
    return {
        "\t": _("tab"),
        "\n": _("line break"),
        "\r": _("carriage return"),
        "\u3000": _("full-width space"),
        "\uff1a": _("full-width colon"),
        "\uff1b": _("full-width semicolon"),
        "\uff0c": _("full-width comma"),
        "\uff0d": _("full-width hyphen"),
        "\uff03": _("full-width number sign"),
        "\u00a0": _("no-break space"),
        "\ufeff": _("byte order mark"),
        "\u200b": _("zero-width space"),
        "\u2028": _("line separator"),
        "\u2029": _("paragraph separator"),
    }


def char_name(ch: str) -> str:
    """A short name of a character in the language of messages."""
    known = _names().get(ch)
    if known:
        return known
    if unicodedata.category(ch) == "Cc":
        return _("control character")
    if unicodedata.category(ch) == "Co":
        return _("private use character (a company's or a PC's own character)")
    name = unicodedata.name(ch, "")
    if name.startswith("FULLWIDTH "):
        plain = unicodedata.normalize("NFKC", ch)
        if plain.isascii() and plain.isalpha():
            return _("full-width letter {letter}").format(letter=plain)
        if plain.isascii() and plain.isdigit():
            return _("full-width digit {digit}").format(digit=plain)
        return _("full-width {name}").format(name=name.removeprefix("FULLWIDTH ").lower())
    return name.lower() or _("unnamed character")


def shown(ch: str) -> str:
    """The character as it can be printed between quotes: invisible ones escaped (\\t, \\x07)."""
    if ch == "\t":
        return "\\t"
    if ch == "\n":
        return "\\n"
    if ch == "\r":
        return "\\r"
    if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp"):
        return f"\\u{ord(ch):04x}" if ord(ch) > 0xFF else f"\\x{ord(ch):02x}"
    return ch


def describe(ch: str) -> str:
    """'：' (U+FF1A, full-width colon)"""
    return f"'{shown(ch)}' (U+{ord(ch):04X}, {char_name(ch)})"

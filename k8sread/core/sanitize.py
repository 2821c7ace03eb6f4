"""Make text from strangers' packs safe to put on a terminal.

A note's title, body, tags, author and pack name come from whoever wrote the pack. Written
to the terminal as-is, an ESC or a C1 byte starts an escape sequence: OSC 52 writes the
clipboard, CSI 2J clears the screen, OSC 8 plants links. Bidi overrides reorder what is shown
("Trojan Source"). These helpers turn every such character into a visible placeholder, so the
reader sees that something odd is there and nothing is executed.

Markup (`[bold]`, `[link=...]`) is not handled here: the UI never parses this text as markup
(it builds `Content`/`Text` objects from plain strings).

API:
- `inert(text) -> str`: C0 controls except tab and newline, DEL, C1 controls and bidi
  controls replaced with visible stand-ins (ESC -> U+241B ␛, BEL -> ␇, C1 -> `<U+009B>`);
  CRLF becomes LF first, a lone CR becomes ␍.
- `inert_line(text) -> str`: `inert`, then tabs and newlines become spaces (for one-line
  fields such as titles, tags, authors, pack names).
"""

from __future__ import annotations

import re

# Bidirectional formatting characters: LRE RLE PDF LRO RLO, LRI RLI FSI PDI, and the marks.
_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f" + _BIDI + "]")
_LINE_BREAKS = re.compile(r"[\t\n]+")


def _stand_in(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        # Unicode's Control Pictures block has one glyph per C0 control, in the same order.
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    return f"<U+{code:04X}>"


def inert(text: str) -> str:
    if not text:
        return ""
    text = text.replace("\r\n", "\n")
    return _UNSAFE.sub(_stand_in, text)


def inert_line(text: str) -> str:
    return _LINE_BREAKS.sub(" ", inert(text)).strip()

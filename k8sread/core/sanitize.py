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
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

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


# ---- Markdown (exports) ----------------------------------------------------------------------
#
# An export is Markdown that people publish and render. A pack's author writes note bodies in
# Markdown and keeps their lists, emphasis, code and http(s) links; what must not get through is
# raw HTML (an `<img onerror=...>`, a `<script>`), links anywhere but http(s) URLs and anchors
# (`javascript:`, `data:`), and a body that swallows what follows it (an unclosed ``` turns the
# next note's heading into code). Titles are plain text.
#
# - `markdown_text(text) -> str`: one line of plain text, every character that could make
#   Markdown escaped (for titles, names, reasons).
# - `markdown_code(text) -> str`: one line as an inline code span, whatever backticks it holds.
# - `markdown_body(text) -> str`: an author's Markdown with raw HTML and unsafe links escaped
#   (they show as the text that was written), an unclosed fence closed; checked by parsing the
#   result, and escaped whole when the check fails.
# - `is_inert_markdown(text) -> bool`: that check: no HTML, only http(s) and `#` links and
#   images, and the text does not swallow a paragraph written after it.

_ASCII_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
# What can start inline Markdown inside a line (links and images need `[`, HTML `<`, entities
# `&`, GitHub math `$`) or end a heading (`#`). Titles never start a line of the document, so
# list, quote and heading markers cannot act there.
_PLAIN_ESCAPES = re.compile(r"([\\`*\[\]<&~|#$])")
# `_` between two letters or digits can neither open nor close emphasis (CommonMark's flanking
# rules): `pod_workers.go` stays as it is written; `_init_` is escaped.
_LOOSE_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")
_ALL_ESCAPES = re.compile(r"([!-/:-@\[-`{-~])")
_BACKTICKS = re.compile(r"`+")
_SAFE_HREF = re.compile(r"(?:https?://|#)", re.IGNORECASE)
_URL_CHARS = r"[A-Za-z0-9\-._~:/?#@!$&'*+,;=%]"
_SAFE_TITLE = r"(?:[ \t]+\"[^\"\n\\`<>]*\")?"
# A link target kept as written: http(s) or an anchor, plain URL characters (one level of
# parentheses, as in Wikipedia's), an optional "title". Anything else loses its `(`.
_SAFE_TARGET = re.compile(rf"\((?:https?://|#)(?:{_URL_CHARS}|\({_URL_CHARS}*\))*{_SAFE_TITLE}\)", re.IGNORECASE)
_SAFE_DEFINITION = re.compile(rf"[ \t>]*\[(?P<label>[^\[\]\\`\n]+)\]:[ \t]*(?:https?://|#){_URL_CHARS}*{_SAFE_TITLE}[ \t]*", re.IGNORECASE)
_SAFE_AUTOLINK = re.compile(r"<https?://[^\s<>]*>", re.IGNORECASE)
_SENTINEL = "k8sread-end-of-note-sentinel"
_ROUNDS = 4


def markdown_text(text: str) -> str:
    return _LOOSE_UNDERSCORE.sub(r"\\_", _PLAIN_ESCAPES.sub(r"\\\1", inert_line(text)))


def markdown_code(text: str) -> str:
    text = inert_line(text)
    if not text:
        return ""
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(text)), default=0) + 1)
    pad = " " if text[0] in "` " or text[-1] in "` " else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _parser() -> MarkdownIt:  # imported here: the UI imports this module and need not load markdown-it
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    # See every link as written: a renderer that does not drop javascript: itself must not get one.
    parser.validateLink = lambda url: True  # type: ignore[method-assign]
    return parser


def _walk(tokens: list[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        if token.children:
            yield from _walk(token.children)


def is_inert_markdown(text: str) -> bool:
    env: dict[str, Any] = {}
    tokens = _parser().parse(text + "\n\n" + _SENTINEL + "\n", env)
    for token in _walk(tokens):
        if token.type in ("html_block", "html_inline"):
            return False
        if token.type == "link_open" and not _SAFE_HREF.match(str(token.attrs.get("href", ""))):
            return False
        if token.type == "image" and not _SAFE_HREF.match(str(token.attrs.get("src", ""))):
            return False
    if any(not _SAFE_HREF.match(str(ref.get("href", ""))) for ref in env.get("references", {}).values()):
        return False
    tail = [token.type for token in tokens[-3:]]
    return tail == ["paragraph_open", "inline", "paragraph_close"] and tokens[-3].level == 0 and tokens[-2].content == _SENTINEL


def markdown_body(text: str) -> str:
    text = inert(text)
    result = text
    for _ in range(_ROUNDS):
        # Escaping can change the blocks (an HTML block becomes a paragraph, which joins the
        # lines after it), and the blocks decide what is code: again until nothing changes.
        escaped = _escape_pass(result)
        if escaped == result:
            break
        result = escaped
    result = _close_open_fence(result)
    if is_inert_markdown(result):
        return result
    return escape_all_markdown(text)


def escape_all_markdown(text: str) -> str:
    """Every ASCII punctuation character escaped: the text shows exactly as written, as plain
    paragraphs. The fallback when a body is too odd to keep its Markdown safely."""
    return "\n".join(_ALL_ESCAPES.sub(r"\\\1", line) for line in inert(text).split("\n"))


def _escape_pass(text: str) -> str:
    lines = text.split("\n")
    code: set[int] = set()
    table: set[int] = set()
    units: dict[int, int] = {}  # first line -> end (exclusive) of a paragraph or heading
    env: dict[str, Any] = {}
    tokens = _parser().parse(text, env)
    # A link reference definition is read before any code span, so the inline pass cannot see
    # it for what it is: escaping the `[` it starts with makes an unsafe one plain text.
    for ref in env.get("references", {}).values():
        if not _SAFE_HREF.match(str(ref.get("href", ""))) and ref.get("map"):
            first = ref["map"][0]
            lines[first] = lines[first].replace("[", "\\[", 1)
            code.add(first)  # done with: the inline pass must not read it again
    for token in tokens:
        if not token.map:
            continue
        start, end = token.map
        if token.type in ("fence", "code_block"):
            code.update(range(start, end))
        elif token.type == "table_open":
            table.update(range(start, end))
        elif token.type in ("paragraph_open", "heading_open"):
            units[start] = end
    out: list[str] = []
    index = 0
    while index < len(lines):
        if index in code:
            out.append(lines[index])
            index += 1
        elif index in units and not code.intersection(range(index, units[index])):
            # A code span may run over the lines of one paragraph, never out of it.
            end = units[index]
            out.extend(_escape_inline("\n".join(lines[index:end])).split("\n"))
            index = end
        elif index in table:
            # GFM splits a row at `|` before it looks for code spans.
            out.append("|".join(_escape_inline(cell) for cell in re.split(r"(?<!\\)\|", lines[index])))
            index += 1
        else:
            out.append(_escape_inline(lines[index]))
            index += 1
    return "\n".join(out)


def _escape_inline(text: str) -> str:
    """Escape what could become HTML or an unsafe link, reading the text left to right as a
    CommonMark parser does: backslash escapes and code spans are kept as they are, so Go's `<-ch`
    or `<nil>` in a code span still reads the same."""
    out: list[str] = []
    index, size = 0, len(text)
    while index < size:
        char = text[index]
        following = text[index + 1] if index + 1 < size else ""
        if char == "\\" and following in _ASCII_PUNCTUATION:
            out.append(text[index : index + 2])
            index += 2
        elif char == "`":
            run = _BACKTICKS.match(text, index)
            assert run is not None
            closer = re.compile(rf"(?<!`)`{{{len(run.group())}}}(?!`)").search(text, run.end())
            stop = closer.end() if closer else run.end()  # no closer: the run is plain text
            out.append(text[index:stop])
            index = stop
        elif char == "<":
            autolink = _SAFE_AUTOLINK.match(text, index)
            if autolink:
                out.append(autolink.group())
                index = autolink.end()
                continue
            # A tag, a comment, a declaration or any other autolink starts `<` + one of these.
            out.append("\\<" if (following.isascii() and following.isalpha()) or following in "/!?" else "<")
            index += 1
        elif char == "]" and following == "(":
            target = _SAFE_TARGET.match(text, index + 1)
            if target:
                out.append("]" + target.group())
                index = target.end()
            else:
                out.append("]\\(")
                index += 2
        elif char == "]" and following == ":" and not _safe_definition_at(text, index):
            out.append("\\]")
            index += 1
        else:
            out.append(char)
            index += 1
    return "".join(out)


def _safe_definition_at(text: str, index: int) -> bool:
    start = text.rfind("\n", 0, index) + 1
    end = text.find("\n", index)
    line = text[start : end if end >= 0 else len(text)]
    match = _SAFE_DEFINITION.fullmatch(line)
    return match is not None and start + match.end("label") == index


def _close_open_fence(text: str) -> str:
    """A fence left open at the end of a body would run on to the end of the document."""
    lines = text.split("\n")
    for token in _parser().parse(text):
        if token.type != "fence" or token.level != 0 or not token.map:
            continue
        start, end = token.map
        last = lines[end - 1] if end - 1 < len(lines) else ""
        stripped = last.lstrip(" ")
        closed = (
            end - start >= 2 and len(last) - len(stripped) <= 3 and stripped.rstrip().startswith(token.markup) and not stripped.rstrip().strip(token.markup[0])
        )
        if not closed and end >= len(lines) - (1 if lines and not lines[-1].strip() else 0):
            return text.rstrip("\n") + "\n" + token.markup
    return text

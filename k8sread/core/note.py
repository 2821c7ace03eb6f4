"""A note pinned to a line range of one source file, and how it maps to and from TOML."""

from __future__ import annotations

import getpass
import re
import secrets
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

# A title or body is one string (one-language note) or a table language -> string.
Text = str | dict[str, str]

ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
LANG_RE = re.compile(r"^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})?$")

# Keys this version understands, in the order they are written. Anything else a note
# carries is kept in `extra` and written back, so a newer k8sread's fields survive an edit.
KNOWN_KEYS = ("id", "kind", "lines", "title", "body", "tags", "author", "created", "updated", "symbol", "trail", "anchor")

# `kind` absent: an ordinary note. "comment": a line comment, pinned to one line (or a few),
# drawn inside the code; it needs a body, not a title. Any other word (a kind a newer k8sread
# invented) is kept and written back, and shown as an ordinary note meanwhile.
COMMENT = "comment"
KIND_RE = re.compile(r"^[a-z][a-z0-9-]{0,31}$")


class NoteError(ValueError):
    """A note whose fields are not valid; the message names the field."""


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def default_author() -> str:
    """The user's login name, for notes written from this machine."""
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry in some containers
        return "me"


def new_id(prefix: str = "n") -> str:
    return f"{prefix}-{secrets.token_hex(4)}"


def localized(text: Text | None, lang: str | None = None, fallbacks: tuple[str, ...] = ("en", "zh")) -> str:
    """The text in `lang`, else the first fallback present, else any language."""
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    for candidate in (lang, *fallbacks):
        if candidate and text.get(candidate):
            return text[candidate]
    return next((value for value in text.values() if value), "")


def languages_of(text: Text | None) -> set[str]:
    if isinstance(text, dict):
        return {lang for lang, value in text.items() if value and value.strip()}
    return set()


@dataclass(frozen=True)
class Note:
    id: str
    start: int
    end: int
    title: Text = ""
    body: Text = ""
    tags: tuple[str, ...] = ()
    author: str = ""
    created: datetime | None = None
    updated: datetime | None = None
    symbol: str | None = None
    trail: int | None = None
    anchor: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    kind: str | None = None  # None: an ordinary note; COMMENT: a line comment

    def __post_init__(self) -> None:
        validate(self)

    @property
    def lines(self) -> tuple[int, int]:
        return (self.start, self.end)

    @property
    def is_comment(self) -> bool:
        return self.kind == COMMENT

    def covers(self, line: int) -> bool:
        return self.start <= line <= self.end

    def title_in(self, lang: str | None) -> str:
        return localized(self.title, lang)

    def body_in(self, lang: str | None) -> str:
        return localized(self.body, lang)

    def with_changes(self, **changes: Any) -> Note:
        return replace(self, **changes)

    def sort_key(self) -> tuple[int, int, str]:
        return (self.start, self.end, self.id)


def check_text(name: str, value: Any, required: bool) -> None:
    """A title-like field: a string, or a table of language -> string; NoteError says why not."""
    if isinstance(value, str):
        if required and not value.strip():
            raise NoteError(f"{name} is empty")
        return
    if isinstance(value, dict):
        if not value:
            raise NoteError(f"{name} has no language")
        for lang, text in value.items():
            if not isinstance(lang, str) or not LANG_RE.match(lang):
                raise NoteError(f"{name} has an invalid language key {lang!r}")
            if not isinstance(text, str):
                raise NoteError(f"{name}.{lang} must be a string")
        if required and not any(text.strip() for text in value.values()):
            raise NoteError(f"{name} is empty")
        return
    raise NoteError(f"{name} must be a string or a table of languages")


def validate(note: Note) -> None:
    if not isinstance(note.id, str) or not ID_RE.match(note.id):
        raise NoteError(f"id {note.id!r} must be 1-128 letters, digits, '.', '_' or '-'")
    for name in ("start", "end"):
        value = getattr(note, name)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise NoteError(f"lines must be two line numbers >= 1 (note {note.id})")
    if note.end < note.start:
        raise NoteError(f"lines [{note.start}, {note.end}] end before they start (note {note.id})")
    if note.kind is not None and not (isinstance(note.kind, str) and KIND_RE.match(note.kind)):
        raise NoteError(f'kind {note.kind!r} must be a lowercase word such as "comment" (note {note.id})')
    # A line comment is its text: no title, but never empty.
    check_text("title", note.title, required=not note.is_comment)
    check_text("body", note.body, required=note.is_comment)
    if not all(isinstance(tag, str) for tag in note.tags):
        raise NoteError(f"tags must be strings (note {note.id})")
    if not isinstance(note.author, str):
        raise NoteError(f"author must be a string (note {note.id})")
    if note.symbol is not None and not isinstance(note.symbol, str):
        raise NoteError(f"symbol must be a string (note {note.id})")
    if note.trail is not None and (not isinstance(note.trail, int) or isinstance(note.trail, bool)):
        raise NoteError(f"trail must be an integer (note {note.id})")
    if not isinstance(note.anchor, dict):
        raise NoteError(f"anchor must be a table (note {note.id})")


def _as_datetime(value: Any, name: str) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise NoteError(f"{name} {value!r} is not a date and time") from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    raise NoteError(f"{name} must be a date and time")


def note_from_table(table: dict[str, Any]) -> Note:
    """Build a Note from one parsed `[[notes]]` table; NoteError says what is wrong."""
    if not isinstance(table, dict):
        raise NoteError("a note must be a table")
    if "id" not in table:
        raise NoteError("note has no id")
    lines = table.get("lines")
    if not (isinstance(lines, list) and len(lines) in (1, 2) and all(isinstance(n, int) and not isinstance(n, bool) for n in lines)):
        raise NoteError(f"note {table.get('id')!r}: lines must be [start, end]")
    tags = table.get("tags", [])
    if not isinstance(tags, list):
        raise NoteError(f"note {table.get('id')!r}: tags must be a list of strings")
    if "title" not in table and table.get("kind") != COMMENT:
        raise NoteError(f"note {table.get('id')!r} has no title")
    return Note(
        id=table["id"],
        kind=table.get("kind"),
        start=lines[0],
        end=lines[-1],
        title=table.get("title", ""),
        body=table.get("body", ""),
        tags=tuple(tags),
        author=table.get("author", ""),
        created=_as_datetime(table.get("created"), "created"),
        updated=_as_datetime(table.get("updated"), "updated"),
        symbol=table.get("symbol"),
        trail=table.get("trail"),
        anchor=dict(table.get("anchor", {})) if isinstance(table.get("anchor", {}), dict) else table["anchor"],
        extra={key: value for key, value in table.items() if key not in KNOWN_KEYS},
    )


def note_to_table(note: Note) -> dict[str, Any]:
    """The note as an ordered dict in the order it is written; empty optional fields left out."""
    table: dict[str, Any] = {"id": note.id}
    if note.kind is not None:
        table["kind"] = note.kind
    table["lines"] = [note.start, note.end]
    if note.title or not note.is_comment:
        table["title"] = note.title
    if note.body:
        table["body"] = note.body
    if note.tags:
        table["tags"] = list(note.tags)
    if note.author:
        table["author"] = note.author
    if note.created:
        table["created"] = note.created
    if note.updated:
        table["updated"] = note.updated
    if note.symbol:
        table["symbol"] = note.symbol
    if note.trail is not None:
        table["trail"] = note.trail
    if note.anchor:
        table["anchor"] = note.anchor
    for key in sorted(note.extra):
        table[key] = note.extra[key]
    return table

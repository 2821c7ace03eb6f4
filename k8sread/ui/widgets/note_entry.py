"""One note in the notes pane: pack marker and title, lines, pack and author, Markdown body, tags.

Everything shown comes from a pack someone else may have written, so no string here is ever
parsed as Textual/Rich markup (they become `Content` objects) and control characters are
made visible first (k8sread.core.sanitize). Markdown is still rendered: that is the format.

API: `NoteEntry(item: PaneNote, *, lang)`; `item`; `set_language(lang)`;
`title_content() / meta_content() / tags_content() -> Content` (what the lines show; tests
and other views can reuse them). CSS classes the pane sets: `-on-screen`, `-cursor`; the
entry carries `pack-N` (palette slot) and `-moved` / `-orphan` from the note's status.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Markdown, Static

from k8sread.core.sanitize import inert, inert_line
from k8sread.ui.palette import pack_class, pack_css, pack_glyph
from k8sread.ui.pane_note import PaneNote

_LABELS = {
    "en": {"moved": "moved from L{start}", "orphan": "code not found", "unanchored": "", "untitled": "(untitled)"},
    "zh": {"moved": "原在 L{start}", "orphan": "找不到对应代码", "unanchored": "", "untitled": "(无标题)"},
}


def _labels(lang: str | None) -> dict[str, str]:
    return _LABELS.get((lang or "en")[:2], _LABELS["en"])


def line_range(start: int, end: int) -> str:
    return f"L{start}" if start == end else f"L{start}-L{end}"


class NoteEntry(Vertical):
    DEFAULT_CSS = (
        """
    NoteEntry {
        height: auto;
        padding: 0 1 1 1;
        border-left: outer $panel;
    }
    NoteEntry.-on-screen { background: $boost; }
    NoteEntry.-cursor { background: $primary 15%; }
    NotesPane:focus-within NoteEntry.-cursor { background: $primary 30%; }
    NoteEntry > .note-entry--head { height: auto; }
    NoteEntry .note-entry--marker { width: 2; height: 1; }
    NoteEntry .note-entry--title { width: 1fr; height: auto; text-style: bold; }
    NoteEntry > .note-entry--meta { height: auto; color: $text-muted; padding-left: 2; }
    NoteEntry.-moved > .note-entry--meta { color: $text-warning; }
    NoteEntry.-orphan > .note-entry--meta { color: $text-error; }
    NoteEntry > .note-entry--tags { height: auto; color: $text-muted; text-style: italic; padding-left: 2; }
    NoteEntry > Markdown { height: auto; margin: 0; padding: 0 0 0 2; background: transparent; }
    NoteEntry > Markdown > MarkdownBlock:last-child { margin-bottom: 0; }
    """
        + pack_css("NoteEntry.{cls} .note-entry--marker {{ color: {color}; }}")
        + "\n"
        + pack_css("NoteEntry.{cls}.-on-screen {{ border-left: outer {color}; }}")
    )

    def __init__(self, item: PaneNote, *, lang: str | None = None) -> None:
        classes = [pack_class(item.pack_index)]
        if item.moved:
            classes.append("-moved")
        if item.orphan:
            classes.append("-orphan")
        super().__init__(classes=" ".join(classes))
        self.item = item
        self.lang = lang

    # ---- what the lines say ----------------------------------------------------------

    def title_content(self) -> Content:
        title = inert_line(self.item.note.title_in(self.lang))
        return Content(title or _labels(self.lang)["untitled"])

    def meta_content(self) -> Content:
        item = self.item
        parts = [line_range(item.start, item.end), inert_line(item.pack_name)]
        if item.note.author:
            parts.append(inert_line(item.note.author))
        status = _labels(self.lang).get(item.status, "")
        if status:
            parts.append(status.format(start=item.note.start))
        return Content(" · ".join(part for part in parts if part))

    def tags_content(self) -> Content:
        tags = [inert_line(tag) for tag in self.item.note.tags]
        return Content(" ".join(f"#{tag}" for tag in tags if tag))

    def body_markdown(self) -> str:
        return inert(self.item.note.body_in(self.lang))

    # ---- widgets ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(classes="note-entry--head"):
            yield Static(Content(pack_glyph(self.item.pack_index, self.item.moved)), classes="note-entry--marker")
            yield Static(self.title_content(), classes="note-entry--title")
        yield Static(self.meta_content(), classes="note-entry--meta")
        # open_links=False: the pane decides which links may be opened.
        body = Markdown(self.body_markdown(), open_links=False)
        body.display = bool(self.body_markdown().strip())
        yield body
        tags = Static(self.tags_content(), classes="note-entry--tags")
        tags.display = bool(self.item.note.tags)
        yield tags

    def set_language(self, lang: str | None) -> None:
        if lang == self.lang:
            return
        self.lang = lang
        if not self.is_mounted:
            return
        self.query_one(".note-entry--title", Static).update(self.title_content())
        self.query_one(".note-entry--meta", Static).update(self.meta_content())
        body = self.query_one(Markdown)
        text = self.body_markdown()
        body.display = bool(text.strip())
        body.update(text)

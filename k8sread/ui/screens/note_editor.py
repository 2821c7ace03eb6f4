"""The note editor: title, Markdown body and tags for one line range, kept as a draft while typed.

API: `NoteEditorScreen(draft, *, store=None)` -> ModalScreen[NoteEditResult | None]. `draft` is
a k8sread.core.drafts.Draft: `Draft.new(...)` for a new note, `Draft.from_note(...)` to edit,
or one from `DraftStore().load_all()` to pick up where the reader left off. `store` defaults to
`DraftStore()`.

- Every change is written to the draft store ~300 ms after typing stops and at most 1 s after
  it was typed even while typing goes on, at once when the reader saves or cancels, when the
  screen goes away (quitting the app mid-edit) and on SIGHUP/SIGTERM/SIGINT (the app). Going
  back to exactly what the editor started from removes the draft: nothing left to lose.
- ctrl+s (or Save) dismisses with `NoteEditResult(title, body, tags, draft)`; tags parsed from
  the tags field (commas and/or spaces). The draft stays on disk: the app discards it
  (`DraftStore().discard(result.draft.key)`) once `pack.upsert` succeeded. An empty title is
  refused with a message.
- Escape (or Cancel) dismisses with None: at once when nothing changed, else after a
  ConfirmScreen; a confirmed cancel removes the draft.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.css.query import NoMatches
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Button, Input, Label, Static, TextArea

from k8sread.core.drafts import Draft, DraftStore
from k8sread.core.sanitize import inert, inert_line
from k8sread.ui.screens.confirm import ConfirmScreen
from k8sread.ui.widgets.note_entry import line_range

DRAFT_DELAY = 0.3
# Typing that never pauses still reaches the disk this often: the debounce above restarts on
# every key, this deadline does not.
DRAFT_MAX_WAIT = 1.0


_TEXT_FIELDS = ("title", "body", "tags", "initial_title", "initial_body", "initial_tags")


def _inert_text(draft: Draft) -> Draft:
    """A note from someone else's pack may hold escape sequences, and Input and TextArea draw
    their text as it is: the editor shows, and so saves, visible stand-ins instead."""
    cleaned = {name: inert(getattr(draft, name)) for name in _TEXT_FIELDS}
    if all(cleaned[name] == getattr(draft, name) for name in _TEXT_FIELDS):
        return draft
    return replace(draft, **cleaned)  # type: ignore[arg-type]  # every field named is a str


@dataclass(frozen=True)
class NoteEditResult:
    title: str
    body: str
    tags: tuple[str, ...]
    draft: Draft


class NoteEditorScreen(ModalScreen[NoteEditResult | None]):
    DEFAULT_CSS = """
    NoteEditorScreen { align: center middle; }
    NoteEditorScreen > #editor {
        width: 90%; max-width: 110; height: 85%; max-height: 40;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    NoteEditorScreen #editor-heading { height: 1; text-style: bold; }
    NoteEditorScreen #editor-where { height: auto; color: $text-muted; }
    NoteEditorScreen .editor-label { height: 1; margin-top: 1; color: $text-muted; }
    NoteEditorScreen #editor-body { height: 1fr; min-height: 4; }
    NoteEditorScreen #editor-buttons { height: auto; align-horizontal: right; margin-top: 1; }
    NoteEditorScreen #editor-buttons Button { margin-left: 2; }
    NoteEditorScreen #editor-status { width: 1fr; height: 1; color: $text-muted; content-align: left middle; }
    """

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, draft: Draft, *, store: DraftStore | None = None) -> None:
        super().__init__()
        draft = _inert_text(draft)
        self.draft = draft
        self.store = store if store is not None else DraftStore()
        # What is on disk for this note now: a restored draft is, a fresh one is not.
        self._written: Draft | None = draft if draft.saved_at else None
        # The fields' text, kept up to date on every change: when the screen is torn down
        # (the app quitting) its widgets are gone before on_unmount runs.
        self._live = draft
        self._timer: Timer | None = None
        self._deadline: Timer | None = None
        self._decided = False
        self._write_failed = False

    # ---- layout ----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        draft = self.draft
        heading = "New note" if draft.is_new else "Edit note"
        if draft.lang:
            heading += f" ({draft.lang})"
        where = f"{inert_line(draft.path)}:{line_range(draft.start, draft.end)} → pack {inert_line(draft.pack)}"
        with Vertical(id="editor"):
            yield Static(Content(heading), id="editor-heading")
            yield Static(Content(where), id="editor-where")
            yield Label("Title", classes="editor-label")
            # select_on_focus off: a key pressed in a restored title must not wipe it.
            yield Input(draft.title, placeholder="What this code does", id="editor-title", select_on_focus=False)
            yield Label("Body (Markdown)", classes="editor-label")
            yield TextArea(draft.body, id="editor-body", soft_wrap=True, show_line_numbers=False)
            yield Label("Tags (comma or space separated)", classes="editor-label")
            yield Input(draft.tags, placeholder="kubelet sync", id="editor-tags", select_on_focus=False)
            with Horizontal(id="editor-buttons"):
                yield Static(Content(self._status_text()), id="editor-status")
                yield Button("Save (ctrl+s)", id="editor-save", variant="primary")
                yield Button("Cancel (esc)", id="editor-cancel")

    def on_mount(self) -> None:
        self.query_one("#editor-title", Input).focus()

    def _status_text(self) -> str:
        return "restored draft" if self.draft.saved_at else ""

    # ---- the draft -------------------------------------------------------------------

    def current(self) -> Draft:
        """The draft as the fields hold it now."""
        try:
            self._live = self.draft.with_text(
                title=self.query_one("#editor-title", Input).value,
                body=self.query_one("#editor-body", TextArea).text,
                tags=self.query_one("#editor-tags", Input).value,
            )
        except NoMatches:
            pass
        return self._live

    @on(Input.Changed)
    @on(TextArea.Changed)
    def _changed(self, event) -> None:
        event.stop()
        if self._decided:
            return
        self.current()
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DRAFT_DELAY, self.flush_draft)
        if self._deadline is None:
            self._deadline = self.set_timer(DRAFT_MAX_WAIT, self.flush_draft)

    def flush_draft(self) -> None:
        """Write the fields to the draft store now (if they differ from what is there)."""
        for timer in (self._timer, self._deadline):
            if timer is not None:
                timer.stop()
        self._timer = self._deadline = None
        draft = self.current()
        try:
            if not draft.changed:
                if self._written is not None:
                    self.store.discard(draft.key)
                    self._written = None
                return
            if self._written is not None and self._written == draft:
                return
            self._written = self.store.save(draft)
            self._write_failed = False
        except OSError as error:
            if not self._write_failed:
                self._write_failed = True
                self.notify(f"Could not save the draft: {error}", severity="error", timeout=8)

    def on_unmount(self) -> None:
        # The app is quitting (or the screen was removed) mid-edit: keep what was typed.
        if not self._decided:
            self.flush_draft()

    # ---- decisions -------------------------------------------------------------------

    @on(Button.Pressed, "#editor-save")
    def _save_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_save()

    @on(Button.Pressed, "#editor-cancel")
    def _cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()

    def action_save(self) -> None:
        draft = self.current()
        if not draft.title.strip():
            self.notify("A note needs a title", severity="warning")
            self.query_one("#editor-title", Input).focus()
            return
        self.flush_draft()
        self._decided = True
        self.dismiss(NoteEditResult(title=draft.title.strip(), body=draft.body, tags=draft.tag_list, draft=draft))

    def action_cancel(self) -> None:
        draft = self.current()
        if not draft.changed:
            self._discard_and_close()
            return
        self.flush_draft()

        def decided(discard: bool | None) -> None:
            if discard:
                self._discard_and_close()

        self.app.push_screen(ConfirmScreen("Discard your changes to this note?", yes="Discard", no="Keep editing"), callback=decided)

    def _discard_and_close(self) -> None:
        self._decided = True
        if self._timer is not None:
            self._timer.stop()
        try:
            self.store.discard(self.draft.key)
        except OSError:
            pass
        self.dismiss(None)

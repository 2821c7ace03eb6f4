"""One reading session: the tree, packs, session, trail position, current file, placements and
jump history, and the intents that change them.

Pure Python (no Textual). The reader screen sends intents (open a file, step the trail, save a
note...) and applies the Update each returns, in one place; everything that decides lives here,
so most of the reader is tested without a terminal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from k8sread.core.drafts import Draft, DraftStore
from k8sread.core.errors import K8sreadError
from k8sread.core.gutter import marks_by_kind
from k8sread.core.history import JumpHistory, Place
from k8sread.core.note import COMMENT, Note, default_author, localized, new_id, now
from k8sread.core.note_diff import NoteDiff, note_diff
from k8sread.core.note_write import DELETED, NoteChange, WriteOutcome
from k8sread.core.pack import Pack
from k8sread.core.packset import PackSet
from k8sread.core.placement import (
    Package,
    Placement,
    anchored,
    incoming,
    moved_away,
    place_file,
    record_commit,
    relocated,
    repinned,
    stores_text,
    write_repin,
)
from k8sread.core.session import Position, TreeSession
from k8sread.core.source_tree import SourceText, SourceTree

Severity = Literal["information", "warning", "error"]

# Notes files of a folder read to find notes whose declaration came to the open file.
SIBLING_BYTES = 512 * 1024
# What the next trail step may cost to work out ahead, in notes files' bytes: the series pack's
# biggest is 112 KiB; a bigger one is read when the step comes, as before.
UPCOMING_BYTES = 256 * 1024


@dataclass(frozen=True)
class Notice:
    text: str
    severity: Severity = "information"
    timeout: float | None = None


@dataclass(frozen=True)
class Shown:
    """A file to load into the source view."""

    path: str
    text: str
    highlight: bool


@dataclass(frozen=True)
class Cursor:
    """Where the cursor goes: a line, a selected range, or a remembered position."""

    line: int | None = None
    select: tuple[int, int] | None = None
    restore: Position | None = None


@dataclass(frozen=True)
class Page:
    """A trail step of prose on no code (an article's own example, a tour's intro): shown as
    a page over the code."""

    title: str
    body: str  # Markdown
    step: str  # "step 3/20"


@dataclass
class Update:
    """What an intent changed. The screen applies it in one place (ReaderScreen.apply)."""

    ok: bool = True
    shown: Shown | None = None  # a new file for the source view
    placements: bool = False  # markers and the notes pane must be redrawn
    cursor: Cursor | None = None
    counts: bool = False  # note counts in the tree changed
    trail: bool = False  # the trail, the component map and the step in the header changed
    reveal: str | None = None  # show this path in the tree
    focus_source: bool = False
    page: Page | None = None  # a text step to show
    notices: list[Notice] = field(default_factory=list)

    def notice(self, text: str, severity: Severity = "information", timeout: float | None = None) -> Update:
        self.notices.append(Notice(text, severity, timeout))
        return self

    def failed(self, text: str, severity: Severity = "error", timeout: float | None = None) -> Update:
        self.ok = False
        return self.notice(text, severity, timeout)

    def merge(self, other: Update) -> Update:
        self.ok = self.ok and other.ok
        self.shown = other.shown or self.shown
        self.placements = self.placements or other.placements
        self.cursor = other.cursor or self.cursor
        self.counts = self.counts or other.counts
        self.trail = self.trail or other.trail
        self.reveal = other.reveal or self.reveal
        self.focus_source = self.focus_source or other.focus_source
        self.page = other.page or self.page
        self.notices.extend(other.notices)
        return self


@dataclass(frozen=True)
class EditorText:
    """What the note editor hands back: the text as typed, for `Reader.save`."""

    title: str
    body: str
    tags: tuple[str, ...]


@dataclass(frozen=True)
class ExportChoice:
    label: str
    detail: str
    scope: dict[str, Any]


class Reader:
    def __init__(
        self,
        tree: SourceTree,
        packs: PackSet,
        *,
        lang: str,
        session: TreeSession | None = None,
        remember: bool = True,
        drafts: DraftStore | None = None,
        read_only: str | None = None,
    ) -> None:
        self.tree = tree
        # Why nothing may be written (a full disk, an unwritable state folder), else None:
        # the reader still reads, and says why each write is refused.
        self.read_only = read_only
        self.packs = packs
        self.lang = lang
        # False for headless screenshots: they must not move the reader's saved place.
        self.remember = remember
        self.session = session if session is not None else TreeSession.load(tree.root)
        self.drafts = drafts if drafts is not None else DraftStore()
        self.history = JumpHistory()
        self.current_path: str | None = None
        self.source: SourceText | None = None
        self.lines: list[str] = []
        self.placements: list[Placement] = []
        self._folders: dict[str, list[str]] = {}
        self._package: tuple[str, Package] | None = None
        self.trail: Any = None
        self.trail_problem: str | None = None
        self.show_comments = True  # line comments drawn inside the code
        self.load_trail()

    # ---- loading ---------------------------------------------------------------------

    def load_trail(self) -> None:
        try:
            self.trail = self.packs.trail()
            self.trail_problem = None
        except K8sreadError as error:
            self.trail = None
            self.trail_problem = f"Trail not loaded: {error}"

    def first_file(self) -> str | None:
        files = self.tree.list_files()
        if "cmd/kubectl/kubectl.go" in files:
            return "cmd/kubectl/kubectl.go"
        return next((f for f in files if f.endswith(".go")), files[0] if files else None)

    def start(self, open_path: str | None = None, open_line: int | None = None) -> Update:
        """The first file: the one asked for, else the last one read, else a first file."""
        update = Update(trail=True, counts=True, focus_source=True)
        if self.trail_problem:
            update.notice(self.trail_problem, "error", 10)
        for problem in self.packs.problems:
            update.notice(problem, "warning", 10)
        if self.trail is not None:
            # What a bounded trail left out (a step listed twice, too many steps...): said once.
            for problem in [*getattr(self.trail, "problems", []), *getattr(self.trail, "index_problems", [])][:5]:
                update.notice(problem, "warning", 10)
        for _, pack in self.packs.active():
            if "" in pack.errors:  # pack-level: the pack's own listing went over a limit
                update.notice(str(pack.errors[""]), "warning", 10)
        path = open_path or self.session.last_file or self.first_file()
        if path is None:
            return update
        opened = self.open(path, line=open_line, restore=open_line is None)
        update.merge(opened)
        if not opened.ok and path == self.session.last_file and open_path is None:
            # The last file is gone (a branch switch): start somewhere that exists.
            fallback = self.first_file()
            if fallback and fallback != path:
                update.notices.clear()
                update.merge(self.open(fallback))
        if self.current_path:
            update.reveal = self.current_path
        return update

    def open(self, path: str, *, line: int | None = None, select: tuple[int, int] | None = None, restore: bool = False, persist: bool = True) -> Update:
        """Show `path`; a failed Update (and the reason) when it cannot be shown."""
        try:
            source = self.tree.read_text(path)
        except K8sreadError as error:
            return Update().failed(str(error), timeout=6)
        update = Update(placements=True, trail=True)
        if source.binary:
            text = f"{path} is a binary file ({source.size} bytes); it is not shown as text."
            update.shown = Shown(path, text, highlight=False)
            self.lines = []
        else:
            update.shown = Shown(path, source.text, highlight=path.endswith(".go") and not source.too_big_to_highlight)
            self.lines = source.lines()
        if source.lossy:
            update.notice(f"{path} is not valid UTF-8: undecodable bytes are shown as �", "warning")
        if source.too_big_to_highlight:
            update.notice(f"{path} is large ({source.size // 1024 // 1024} MiB): shown without highlighting")
        self.source = source
        self.current_path = path
        self.session.read_files.add(path)
        self.session.last_file = path
        self._place()
        update.notices.extend(self._pack_errors())
        position = self.session.position(path) if restore else None
        if select:
            update.cursor = Cursor(line=select[0], select=select)
        elif line:
            update.cursor = Cursor(line=line)
        elif position:
            update.cursor = Cursor(restore=position)
        else:
            update.cursor = Cursor(line=1)
        if persist:  # a trail step saves once, after it has set its step too
            update.notices.extend(self.persist())
        return update

    def _place(self) -> None:
        if self.current_path is None:
            return
        path = self.current_path
        items = self.packs.notes_for(path)
        lines = None if self.source is None or self.source.binary else self.lines
        placements = place_file(path, items, lines, missing="a binary file")
        if lines is not None and path.endswith(".go"):
            placements = self._across_files(path, lines, placements)
        self.placements = placements

    def _across_files(self, path: str, lines: list[str], placements: list[Placement]) -> list[Placement]:
        """Notes whose declaration moved between this file and another of its package: those
        that left are orphans here that say where they went; those that came are placed."""
        folder = path.rsplit("/", 1)[0] if "/" in path else ""
        siblings = [
            (index, pack, other)
            for index, pack in self.packs.active()
            for other in pack.files()
            if other != path and other.endswith(".go") and (other.rsplit("/", 1)[0] if "/" in other else "") == folder
        ]
        left = [p for p in placements if p.orphan and p.note.anchor.get("symbol")]
        if not siblings and not left:
            return placements

        # Kept while the reader stays in this folder: a refresh (after a save) parses nothing again.
        if self._package is None or self._package[0] != folder:
            self._package = (folder, Package(self._go_files_in(folder), self._lines_of))
        package = self._package[1]
        package.seed(path, lines)  # the open file, as just read
        result = []
        for placement in placements:
            gone = relocated(placement, package) if placement in left else None
            result.append(moved_away(placement, gone) if gone is not None else placement)
        came = [(index, pack, note, other) for index, pack, other in self._within_budget(siblings) for note in pack.notes_for(other)]
        result.extend(incoming(path, came, package))
        result.sort(key=Placement.sort_key)
        return result

    def _within_budget(self, siblings: list[tuple[int, Pack, str]]) -> list[tuple[int, Pack, str]]:
        """The sibling notes files looked through for notes that came to this file, smallest
        first, up to SIBLING_BYTES in all: in an honest pack a folder's notes are a few KiB, and
        a stranger's folder of 2 MiB files must not cost a second a file (they parse at ~3 MB/s)."""
        sized = [(size, sibling) for sibling in siblings if (size := _notes_size(sibling[1], sibling[2])) is not None]
        kept: list[tuple[int, Pack, str]] = []
        total = 0
        for size, sibling in sorted(sized, key=lambda item: item[0]):
            total += size
            if total > SIBLING_BYTES:
                break
            kept.append(sibling)
        return kept

    def refresh(self) -> Update:
        """Place the current file's notes again (after a write, a pack switch)."""
        self._place()
        update = Update(placements=True, counts=True)
        update.notices.extend(self._pack_errors())
        return update

    def _pack_errors(self) -> list[Notice]:
        if self.current_path is None:
            return []
        for _, pack in self.packs.active():
            if self.current_path in pack.errors:
                return [Notice(str(pack.errors[self.current_path]), "error", 10)]
        return []

    # ---- what is where ---------------------------------------------------------------

    def placed(self) -> list[Placement]:
        """The notes drawn in the gutter and listed in the notes pane (not line comments)."""
        return [p for p in self.placements if p.placed and not p.note.is_comment]

    def listed(self, placements: list[Placement] | None = None) -> list[Placement]:
        """What the notes pane lists of `placements` (default: the open file's): every note and
        line comment whose lines are in this checkout."""
        return [p for p in (self.placements if placements is None else placements) if p.placed]

    def comments(self) -> list[Placement]:
        """Line comments that have their line in this checkout, by line."""
        return [p for p in self.placements if p.placed and p.note.is_comment]

    def comment_lines(self) -> dict[int, list[tuple[str, int]]]:
        """line -> [(text, pack index)], what the source view draws above each line: the
        comment's text in the reader's language, one entry per line of it."""
        drawn: dict[int, list[tuple[str, int]]] = {}
        if not self.show_comments:
            return drawn
        for placement in self.comments():
            assert placement.start is not None
            text = placement.note.body_in(self.lang).strip()
            for line in text.splitlines() or [""]:
                drawn.setdefault(placement.start, []).append((line, placement.pack_index))
        return drawn

    def orphans(self) -> list[Placement]:
        return [p for p in self.placements if p.orphan]

    def _lines_of(self, path: str) -> list[str] | None:
        try:
            text = self.tree.read_text(path)
        except K8sreadError:
            return None
        return None if text.binary else text.lines()

    def _go_files_in(self, folder: str) -> list[str]:
        """The tree's Go files directly in `folder`, listed once per folder."""
        if folder not in self._folders:
            prefix = folder + "/" if folder else ""
            self._folders[folder] = [p for p in self.tree.list_files() if p.endswith(".go") and p.startswith(prefix) and "/" not in p[len(prefix) :]]
        return self._folders[folder]

    def markers(self) -> tuple[dict[int, list[int]], dict[int, list[int]], dict[int, list[int]]]:
        """line -> pack indexes, for notes where the pack has them, for moved ones and for
        changed ones (each drawn with its own glyph)."""
        # One step per marked line and pack, however many notes overlap (a stranger's pack may
        # put 5000 notes over one 67k-line file).
        spans = [(p.start, p.end, p.pack_index, "changed" if p.changed else "moved" if p.moved else "exact") for p in self.placed()]
        marks = marks_by_kind(spans)  # type: ignore[arg-type]
        return marks.get("exact", {}), marks.get("moved", {}), marks.get("changed", {})

    def under(self, line: int, *, comment: bool = False) -> Placement | None:
        """The note (or with `comment`, the line comment) on `line` an edit means: one the
        reader may write first."""
        covering = [p for p in self.placements if p.covers(line) and p.note.is_comment == comment]
        writable = [p for p in covering if p.writable]
        chosen = writable or covering
        return chosen[0] if chosen else None

    # ---- the session -----------------------------------------------------------------

    def remember_position(self, position: Position) -> None:
        if self.current_path is not None:
            self.session.remember(self.current_path, position)

    def persist(self) -> list[Notice]:
        if not self.remember or self.read_only:
            return []
        try:
            self.session.save()
        except OSError as error:
            return [Notice(f"Could not save your place: {error}", "error")]
        return []

    # ---- going places ----------------------------------------------------------------

    def jump_to(self, path: str, line: int, *, here: int | None, select: tuple[int, int] | None = None) -> Update:
        """Open `path` at `line`, remembering where we came from for ctrl+o."""
        if self.current_path is not None and here is not None and Place(self.current_path, here) != Place(path, line):
            self.history.jumped(Place(self.current_path, here))
        if path != self.current_path:
            update = self.open(path, line=None if select else line, select=select)
            if update.ok:
                update.reveal = path
        else:
            update = Update(cursor=Cursor(line=select[0] if select else line, select=select))
        update.focus_source = update.ok
        return update

    def back(self, here: int) -> Update:
        return self._go(self.history.back(self._here(here)) if self.current_path else None, "Nothing to go back to")

    def forward(self, here: int) -> Update:
        return self._go(self.history.forward(self._here(here)) if self.current_path else None, "Nothing to go forward to")

    def _here(self, line: int) -> Place:
        assert self.current_path is not None
        return Place(self.current_path, line)

    def _go(self, place: Place | None, empty: str) -> Update:
        if place is None:
            return Update(ok=False).notice(empty)
        update = self.open(place.path) if place.path != self.current_path else Update()
        update.cursor = Cursor(line=place.line)
        return update

    # ---- the trail -------------------------------------------------------------------

    def step_label(self) -> str | None:
        step = self.trail.step_for(self.session.trail_step) if self.trail else None
        return f"step {step.index + 1}/{len(self.trail.steps)}" if step is not None else None

    def go_to_step(self, note_id: str) -> Update:
        if self.trail is None:
            return Update(ok=False)
        text_step = self.trail.text(note_id)
        if text_step is not None:
            self.session.trail_step = note_id
            self.session.read_notes.add(note_id)
            update = Update(trail=True)
            update.notices.extend(self.persist())
            update.page = Page(localized(text_step.title, self.lang), localized(text_step.body, self.lang), self.step_label() or "")
            return update
        where = self.trail.locate(note_id)
        if where is None:
            return Update().failed(f"Trail step {note_id!r} has no note in pack {self.trail.pack.name}")
        path, note = where
        # Consecutive steps are often in one file: no reload, no redraw of the notes pane.
        update = self.open(path, persist=False) if path != self.current_path else Update()
        if not update.ok:
            return update
        # Where the note's code is in this checkout, which may not be the pack's commit.
        placed = next((p for p in self.placements if p.note.id == note_id and p.pack_name == self.trail.pack.name), None)
        if placed is not None and placed.start is not None and placed.end is not None:
            update.cursor = Cursor(line=placed.start, select=(placed.start, placed.end))
        else:
            update.notice(f"This step's code is not in this checkout (its note is orphaned): {note.title_in(self.lang)}", "warning", 8)
        self.session.trail_step = note_id
        self.session.read_notes.add(note_id)
        update.notices.extend(self.persist())
        update.reveal = path
        update.trail = True
        update.focus_source = True
        return update

    def step(self, direction: int) -> Update:
        if self.trail is None or not self.trail.steps:
            return Update(ok=False).notice("No trail in the active packs")
        current = self.session.trail_step
        found = self.trail.next_step(current) if direction > 0 else self.trail.previous_step(current)
        if found is None:
            return Update(ok=False).notice("End of the trail" if direction > 0 else "Start of the trail")
        return self.go_to_step(found.note_id)

    def upcoming(self, direction: int = 1) -> tuple[str, list[Placement]] | None:
        """The file the next trail step (`direction` -1: the previous one) opens and where its
        notes will sit, worked out ahead (the screen asks right after a step's frame): the
        step then finds its notes files parsed, the file's symbols parsed and (the screen's
        part) its notes laid out. Changes nothing the reader shows; None when that step stays
        in this file, is a text or there is none."""
        if self.trail is None:
            return None
        current = self.session.trail_step
        step = self.trail.next_step(current) if direction > 0 else self.trail.previous_step(current)
        if step is None or step.is_text:
            return None
        where = self.trail.locate(step.note_id)
        if where is None or where[0] == self.current_path:
            return None
        path = where[0]
        if self._notes_bytes(path) > UPCOMING_BYTES:
            return None  # a stranger's 2 MiB notes file: half a second of parsing, on the key or not
        try:
            source = self.tree.read_text(path)
        except K8sreadError:
            return None
        if source.binary:
            return None
        return path, place_file(path, self.packs.notes_for(path), source.lines())

    def _notes_bytes(self, path: str) -> int:
        return sum(_notes_size(pack, path) or 0 for _, pack in self.packs.active())

    def component(self, key: str) -> Update:
        component = self.trail.component_by_key(key) if self.trail else None
        if component is None:
            return Update(ok=False).notice(f"No component on key {key}")
        first = self.trail.first_step_of(component.id)
        if first is not None:
            return self.go_to_step(first.note_id)
        if not component.entry:
            return Update(ok=False)
        from k8sread.core.trail import entry_line

        try:
            text = self.tree.read_text(component.entry).text
        except K8sreadError as error:
            return Update().failed(str(error))
        return self.open(component.entry, line=entry_line(text, component.entry_symbol))

    def current_component_id(self) -> str | None:
        component = self.trail.component_for_path(self.current_path) if self.trail else None
        return component.id if component else None

    def toggle_language(self) -> Update:
        self.lang = "en" if self.lang == "zh" else "zh"
        # No notice: the header shows the language, and the notes themselves change.
        return Update(placements=True, trail=True)

    # ---- notes -----------------------------------------------------------------------

    def refused(self) -> Update | None:
        """The answer to any write while read-only."""
        if self.read_only is None:
            return None
        return Update(ok=False).notice(f"Read-only: {self.read_only}. Nothing is written.", "warning", 8)

    def begin_add(self, start: int, end: int) -> Draft | Update:
        if self.current_path is None:
            return Update(ok=False)
        if refused := self.refused():
            return refused
        pack = self.packs.writable
        if pack is None:
            return Update().failed("No writable pack: start with --pack DIR")
        return Draft.new(tree_root=str(self.tree.root), path=self.current_path, start=start, end=end, pack=pack.name, lang=self.lang)

    def begin_edit(self, placement: Placement | None) -> Draft | Update:
        if placement is None:
            return Update(ok=False).notice("No note on this line")
        if refused := self.refused():
            return refused
        if not placement.writable or placement.pack is None:
            target = self.packs.writable.name if self.packs.writable is not None else "a pack of your own (--pack DIR)"
            return Update(ok=False).notice(f"Pack {placement.pack_name!r} is read-only; your notes go to {target!r}", "warning")
        return Draft.from_note(tree_root=str(self.tree.root), path=placement.stored_path, note=placement.note, pack=placement.pack.name, lang=self.lang)

    def _pack_for(self, name: str) -> Pack | None:
        return next((p for p in self.packs.packs if p.name == name and p.writable), None)

    def save(self, draft: Draft, text: EditorText) -> Update:
        """Store what the editor returned. The draft stays on disk until the note is saved."""
        pack = self._pack_for(draft.pack) or self.packs.writable
        if pack is None:
            return Update().failed("Not saved: no writable pack. Your draft is kept and comes back on the next start.", timeout=10)
        base = draft.base_note()
        stamp = now()
        title: Any = text.title
        body: Any = text.body
        lang = draft.lang or self.lang  # the language the editor opened in
        if base is not None and isinstance(base.title, dict):
            # Bilingual note: the editor edits the language on screen, the others stay.
            title = {**base.title, lang: text.title}
            body = {**(base.body if isinstance(base.body, dict) else {}), lang: text.body}
        try:
            note = Note(
                id=draft.note_id,
                start=draft.start,
                end=draft.end,
                title=title,
                body=body,
                tags=tuple(text.tags),
                author=base.author if base else default_author(),
                created=base.created if base else stamp,
                updated=stamp,
                symbol=base.symbol if base else None,
                trail=base.trail if base else None,
                anchor=base.anchor if base else {},
                extra=base.extra if base else {},
            )
            # An edit of the text does not move the note: its anchor stays what it was (a moved
            # or changed note's stored lines are not its code here). New notes, and notes from
            # before anchors, are anchored to the lines they cover.
            if base is None or not base.anchor.get("fingerprint") or (draft.start, draft.end) != (base.start, base.end):
                lines = self.tree.read_text(draft.path).lines()
                note = anchored(note, lines, is_go=draft.path.endswith(".go"))
            change = NoteChange.edit(note, base) if base is not None else NoteChange.add(note)
            (outcome,) = pack.write(draft.path, [change])
        except (K8sreadError, ValueError, OSError) as error:
            # The draft stays on disk: nothing typed is lost.
            return Update().failed(f"Not saved: {error}. Your draft is kept and comes back on the next start.", timeout=10)
        try:
            self.drafts.discard(draft.key)
        except OSError:
            pass
        update = self.refresh() if draft.path == self.current_path else Update(counts=True)
        return update.notice(*self._said(outcome, f"Saved to {pack.name}"))

    @staticmethod
    def _said(outcome: WriteOutcome, plain: str) -> tuple[str, Severity, float | None]:
        if outcome.message:
            return outcome.message, "warning", 10
        return plain, "information", None

    def delete(self, placement: Placement) -> Update:
        if refused := self.refused():
            return refused
        if not placement.writable or placement.pack is None:
            return Update(ok=False).notice(f"Pack {placement.pack_name!r} is read-only", "warning")
        try:
            (outcome,) = placement.pack.write(placement.stored_path, [NoteChange.remove(placement.note)])
        except K8sreadError as error:
            return Update().failed(str(error))
        update = self.refresh()
        return update.notice(*self._said(outcome, "Note deleted" if outcome.kind == DELETED else ""))

    def repin(self, placement: Placement | None) -> Update:
        """Pin a moved note to where its code is now, or accept a changed note on the code it
        is drawn on (writable packs only). The anchor then records this checkout's commit."""
        if placement is None or not placement.stale:
            return Update(ok=False).notice("No moved or changed note on this line (they have a hollow or half-filled marker)")
        if refused := self.refused():
            return refused
        if not placement.writable or placement.pack is None:
            flag = " --accept-changed" if placement.changed else ""
            return Update(ok=False).notice(f"Pack {placement.pack_name!r} is read-only; its author can run `k8sread check --fix{flag}`", "warning")
        try:
            lines = self.lines if placement.path == self.current_path else self.tree.read_text(placement.path).lines()
            note = repinned(placement, lines, commit=record_commit(placement.pack, self.tree.commit), store_text=stores_text(placement.pack))
            outcome = write_repin(placement, note)
        except K8sreadError as error:
            return Update().failed(str(error))
        update = self.refresh()
        return update.notice(*self._said(outcome, f"Re-pinned to L{placement.start}-{placement.end}"))

    def note_diff(self, placement: Placement | None) -> NoteDiff | Update:
        """What changed under a moved or changed note: its lines as written and as they are
        here (a NoteDiff, which says why when it cannot be shown)."""
        if placement is None:
            return Update(ok=False).notice("No note on this line")
        if not placement.stale:
            return Update(ok=False).notice("This note's code is as it was written: only moved and changed notes have a difference to show")
        lines = self.lines if placement.path == self.current_path else None
        try:
            return note_diff(placement, self.tree, lines)
        except K8sreadError as error:
            return Update().failed(str(error))

    def restorable_draft(self) -> tuple[Draft | None, list[Notice]]:
        """The newest draft of this tree left by a reader that is gone (a crash, a closed
        terminal); drafts of readers still running are theirs."""
        if self.read_only:
            return None, []  # an editor could not save it: it stays on disk for a writable start
        drafts = [d for d in self.drafts.load_all() if d.tree_root == str(self.tree.root)]
        notices = [Notice(problem, "warning", 10) for problem in self.drafts.problems]
        return (drafts[-1] if drafts else None), notices

    # ---- line comments ---------------------------------------------------------------

    def toggle_comments(self) -> Update:
        self.show_comments = not self.show_comments
        update = Update(placements=True)
        return update.notice("Line comments shown" if self.show_comments else "Line comments hidden")

    def comment_text(self, placement: Placement) -> str:
        return placement.note.body_in(self.lang)

    def save_comment(self, line: int, text: str, *, placement: Placement | None = None) -> Update:
        """Add a line comment on `line`, or (with `placement`) change the one given; an empty
        text deletes it."""
        if refused := self.refused():
            return refused
        if self.current_path is None or not self.lines:
            return Update(ok=False)
        text = text.strip()
        if placement is not None:
            if placement.pack is None or not placement.writable:
                return Update(ok=False).notice(f"Pack {placement.pack_name!r} is read-only", "warning")
            if not text:
                return self.delete(placement)
            old = placement.note
            body: Any = {**old.body, self.lang: text} if isinstance(old.body, dict) else text
            change = NoteChange.edit(old.with_changes(body=body, updated=now()), old)
            pack: Pack | None = placement.pack
        else:
            if not text:
                return Update(ok=False)
            pack = self.packs.writable
            if pack is None:
                return Update().failed("No writable pack: start with --pack DIR")
            note = Note(id=new_id("c"), kind=COMMENT, start=line, end=line, title="", body=text, author=default_author(), created=now(), updated=now())
            change = NoteChange.add(anchored(note, self.lines, is_go=self.current_path.endswith(".go")))
        assert pack is not None
        try:
            (outcome,) = pack.write(self.current_path, [change])
        except (K8sreadError, ValueError) as error:
            return Update().failed(f"Not saved: {error}")
        update = self.refresh()
        return update.notice(*self._said(outcome, "Comment saved"))

    # ---- export ----------------------------------------------------------------------

    def export_choices(self) -> list[ExportChoice]:
        choices: list[ExportChoice] = []
        if self.current_path:
            choices.append(ExportChoice("This file's notes", self.current_path, {"file": self.current_path}))
        if self.trail is not None and self.trail.steps:
            choices.append(ExportChoice("The whole trail", f"pack {self.trail.pack.name}, {len(self.trail.steps)} steps", {"trail_only": True}))
        return choices

    def export(self, scope: dict[str, Any]) -> Update:
        """Write the current file's notes (or the whole trail) to Markdown in the data folder."""
        from k8sread.core.atomic import atomic_write_text
        from k8sread.core.export_markdown import export_markdown
        from k8sread.core.paths import data_dir

        if refused := self.refused():
            return refused
        pack: Pack | None = self.trail.pack if scope.get("trail_only") and self.trail else None
        if pack is None:
            # The pack with the most notes on this file; the reader's own when it has some.
            counts: dict[str, int] = {}
            for placement in self.placements:
                counts[placement.pack_name] = counts.get(placement.pack_name, 0) + 1
            own = self.packs.writable.name if self.packs.writable is not None else None
            name = max(counts, key=lambda n: (counts[n], n == own)) if counts else None
            pack = self.packs.by_name(name) if name else None
        if pack is None:
            return Update(ok=False).notice("No notes to export on this file")
        try:
            text, _ = export_markdown(pack, self.tree, lang=self.lang, **scope)
        except K8sreadError as error:
            return Update().failed(str(error))
        stem = "trail" if scope.get("trail_only") else str(scope["file"]).replace("/", "_")
        out = data_dir() / "exports" / f"{pack.name}-{stem}-{self.lang}.md"
        try:
            atomic_write_text(out, text)
        except OSError as error:
            return Update().failed(f"Could not write {out}: {error}")
        return Update().notice(f"Exported to {out}", timeout=10)


def _notes_size(pack: Pack, path: str) -> int | None:
    """The size of `pack`'s notes file for source `path`; None when it has none (or it cannot
    be looked at)."""
    try:
        return pack.notes_path(path).stat().st_size
    except (OSError, K8sreadError):
        return None

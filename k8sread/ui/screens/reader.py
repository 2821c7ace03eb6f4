"""The reader screen: repo tree | highlighted Go | notes pinned to line ranges.

It owns the panes and renders the reader model (k8sread.core.reader.Reader): every key and
widget event becomes an intent on the model, and the Update it returns is applied in one
place, `apply`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Footer

from k8sread.core.definitions import DefinitionFinder, Location, reference_at
from k8sread.core.drafts import Draft
from k8sread.core.errors import K8sreadError
from k8sread.core.keymap import READER, SOURCE
from k8sread.core.note_diff import NoteDiff
from k8sread.core.placement import Placement
from k8sread.core.reader import EditorText, Reader, Update
from k8sread.core.session import Position
from k8sread.core.symbol_index import SymbolIndex
from k8sread.ui.keys import install_bindings
from k8sread.ui.widgets.component_map import ComponentMap
from k8sread.ui.widgets.file_tree import FileTree
from k8sread.ui.widgets.notes_pane import NotesPane
from k8sread.ui.widgets.reader_header import Banner, ReaderHeader
from k8sread.ui.widgets.source_view import SourceView
from k8sread.ui.widgets.tree_rail import TreeRail

if TYPE_CHECKING:
    from k8sread.ui.app import ReaderApp

PANE_STEP = 4
NARROW_WIDTH = 100
PANE_MIN, PANE_MAX = 16, 80
# Kubernetes lines are long and deeply indented: while you read, the code keeps this many
# columns, the tree folds to a one-column rail (it comes back when it has the focus) and the
# notes pane takes what is left, down to NOTES_MIN.
CODE_COLUMNS = 80
GUTTER_AND_SCROLLBAR = 10
NOTES_MIN = 28
SAVE_EVERY = 3  # seconds: a moved cursor is written at most this late


class ReaderScreen(Screen[None]):
    def __init__(self, reader: Reader, *, banner: str | None = None, open_path: str | None = None, open_line: int | None = None) -> None:
        super().__init__(id="reader")
        self.reader = reader
        self.banner_text = banner
        self.open_request = (open_path, open_line)
        self.definitions = DefinitionFinder(reader.tree.root)
        self.symbol_index = SymbolIndex(reader.tree.root)
        self.index_status = "loading symbol index"
        self.show_hidden = False
        self.tree_width = 32
        self.notes_width: int | None = None  # None: as wide as the code's 80 columns allow, at most 44
        self._finder_index: Any = None
        self._reveal_pending: str | None = None
        self._counts_pending = False
        self._position_dirty = False
        self._prefetch_direction = 0  # the direction of the last trail step, until prefetched

    @property
    def k8app(self) -> ReaderApp:
        return self.app  # type: ignore[return-value]

    # ---- layout ----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        keymap = self.k8app.keymap
        install_bindings(self, keymap, READER)
        yield ReaderHeader(id="header")
        yield Banner(self.banner_text or "", id="banner", classes="" if self.banner_text else "-hidden")
        yield ComponentMap(id="component-map")
        with Horizontal(id="main"):
            yield TreeRail("▸\n", id="rail")
            yield FileTree(self.reader.tree.name, id="tree")
            yield SourceView(id="source", keymap=keymap)
            yield NotesPane(id="notes")
        yield Footer()

    def on_mount(self) -> None:
        header = self.query_one(ReaderHeader)
        header.tree_name = self.reader.tree.name
        header.commit = self.reader.tree.commit
        self._apply_widths()
        self.set_interval(SAVE_EVERY, self._save_if_moved)
        self.query_one(FileTree).set_paths(self.reader.tree.list_files(include_hidden=self.show_hidden))
        self.query_one(FileTree).set_read(self.reader.session.read_files)
        self.query_one(NotesPane).set_language(self.reader.lang)
        self.apply(self.reader.start(*self.open_request))
        if self.reader.remember:
            self._restore_draft()
        self.build_symbol_index()

    # ---- applying what the model decided ------------------------------------------------

    def apply(self, update: Update) -> bool:
        """Render one Update: the file, the notes, the cursor, the tree, the map, messages."""
        view = self.query_one(SourceView)
        if update.shown is not None:
            self._remember_position()
            shown = update.shown
            view.load(shown.path, shown.text, highlight=shown.highlight)
            self.query_one(ReaderHeader).file = shown.path
            self.query_one(FileTree).mark_read(shown.path)
            if update.focus_source:
                # Now, not via focus()'s next turn of the loop: the tree folds for the code in
                # this same layout, and the first frame is the final one.
                self.set_focus(view, scroll_visible=False)
            self._apply_widths()  # the tree folds once a file is open: before counts and reveal
        if update.placements:
            exact, moved, changed = self.reader.markers()
            view.set_markers(exact, moved=moved, changed=changed)
            view.set_comments(self.reader.comment_lines())
            pane = self.query_one(NotesPane)
            pane.set_language(self.reader.lang)
            self.query_one(ReaderHeader).lang = self.reader.lang
            pane.show(self.reader.current_path, self.reader.listed())
            self.query_one(ReaderHeader).orphans = len(self.reader.orphans())
            self.query_one(ReaderHeader).changed = sum(1 for p in self.reader.placed() if p.changed)
        if update.cursor is not None:
            cursor = update.cursor
            if cursor.select:
                view.go_to_line(cursor.select[0], select_range=cursor.select)
            elif cursor.line:
                view.go_to_line(cursor.line)
            elif cursor.restore:
                position = cursor.restore
                view.restore_position(position.cursor, max(1, position.column), position.top, position.selection)
        if update.placements or update.cursor is not None:
            # After the cursor has moved (the view scrolls at once): the pane follows the lines
            # this frame shows. Following the old lines here and the new ones when the view's
            # Scrolled message came back repainted the pane a frame (~25 ms) later.
            first, last = view.visible_range()
            self.query_one(NotesPane).follow(first, last)
        if update.counts:
            if self.query_one(FileTree).display:
                self.query_one(FileTree).set_counts(self.reader.packs.note_counts())
            else:
                # The badges of a folded tree are not seen: counting every notes file of every
                # pack (10,000 of them in a stranger's pack: 0.5 s) waits until it unfolds.
                self._counts_pending = True
        if update.reveal:
            tree = self.query_one(FileTree)
            if tree.display:
                tree.reveal(update.reveal)
            else:
                # Folded while you read: expanding nodes nobody sees made Textual re-measure the
                # whole tree on every step (~23 ms). Revealed when it unfolds.
                self._reveal_pending = update.reveal
        if update.trail:
            self._update_map()
        if update.focus_source:
            view.focus()
        for notice in update.notices:
            self.app.notify(notice.text, severity=notice.severity, timeout=notice.timeout)
        if update.page is not None:
            from k8sread.ui.screens.text_step import TextStepScreen

            def walked(direction: int | None) -> None:
                if direction:
                    self.action_trail_step(direction)

            self.app.push_screen(TextStepScreen(update.page), callback=walked)
        return update.ok

    def _update_map(self) -> None:
        reader = self.reader
        self.query_one(ComponentMap).update_map(reader.trail, reader.current_component_id(), reader.session.read_notes, reader.lang)
        label = reader.step_label()
        header = self.query_one(ReaderHeader)
        if label and not header.status.startswith("indexing"):
            header.status = label

    def _apply_widths(self, width: int | None = None) -> None:
        """Lay the panes out for `width` columns: the code first (CODE_COLUMNS), then the
        notes, then the tree, which folds to a rail while the reader is in the code."""
        width = self.size.width if width is None else width
        narrow = width < NARROW_WIDTH
        tree = self.query_one(FileTree)
        notes = self.query_one("#notes")
        if self.notes_width is not None:
            notes_width = self.notes_width
        elif self.reader.current_path is None:
            notes_width = 26 if narrow else 44  # no code to make room for
        else:
            notes_width = max(NOTES_MIN, min(44, width - CODE_COLUMNS - GUTTER_AND_SCROLLBAR - 2))
            if narrow:
                notes_width = min(notes_width, 26)
        notes.styles.width = notes_width
        tree_width = min(self.tree_width, 20) if narrow else self.tree_width
        tree.styles.width = tree_width
        room_with_tree = width - (tree_width + 1) - (notes_width + 1) - GUTTER_AND_SCROLLBAR
        # The screen's focus, not tree.has_focus: that one follows a turn of the loop later.
        folded = self.focused is not tree and self.reader.current_path is not None and room_with_tree < CODE_COLUMNS
        tree.display = not folded
        if not folded and self._counts_pending:
            self._counts_pending = False
            tree.set_counts(self.reader.packs.note_counts())
        if not folded and self._reveal_pending:
            pending, self._reveal_pending = self._reveal_pending, None
            tree.reveal(pending)
        self.query_one("#rail").display = folded

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # The tree comes back when it has the focus, and folds again once you read.
        self._apply_widths()

    @on(TreeRail.Clicked)
    def _rail_clicked(self) -> None:
        self.action_toggle_tree()

    def on_resize(self, event: events.Resize) -> None:
        # The event's size: self.size can still say the size before this resize.
        self._apply_widths(event.size.width)

    # ---- intents ---------------------------------------------------------------------

    def open_file(self, path: str, *, line: int | None = None, select: tuple[int, int] | None = None, restore: bool = False) -> bool:
        return self.apply(self.reader.open(path, line=line, select=select, restore=restore))

    def jump_to(self, path: str, line: int, *, select: tuple[int, int] | None = None) -> bool:
        return self.apply(self.reader.jump_to(path, line, here=self._cursor_line(), select=select))

    def _cursor_line(self) -> int | None:
        try:
            return self.query_one(SourceView).cursor_line if self.reader.current_path else None
        except NoMatches:
            return None

    def _remember_position(self) -> None:
        if self.reader.current_path is None:
            return
        try:
            view = self.query_one(SourceView)
        except NoMatches:  # shutting down: the last CursorMoved already recorded it
            return
        self.reader.remember_position(Position(cursor=view.cursor_line, column=view.cursor_column, top=int(view.scroll_y), selection=view.selection))

    def save_session(self) -> None:
        self._remember_position()
        for notice in self.reader.persist():
            self.app.notify(notice.text, severity=notice.severity)

    def _save_if_moved(self) -> None:
        if self._position_dirty:
            self._position_dirty = False
            self.save_session()

    # ---- events from widgets ---------------------------------------------------------

    @on(FileTree.FileChosen)
    def _file_chosen(self, event: FileTree.FileChosen) -> None:
        if self.open_file(event.path, restore=True):
            self.query_one(SourceView).focus()

    @on(SourceView.Scrolled)
    def _source_scrolled(self, event: SourceView.Scrolled) -> None:
        # The lines on screen now, not the event's: a step's load() posts line 1 before the
        # cursor scrolls, and following that stale range repainted the pane a frame later.
        first, last = self.query_one(SourceView).visible_range()
        self.query_one(NotesPane).follow(first, last)
        self._remember_position()

    @on(SourceView.CursorMoved)
    @on(SourceView.SelectionChanged)
    def _cursor_moved(self) -> None:
        # In memory now; a timer writes it, so even a killed reader loses seconds at most.
        self._remember_position()
        self._position_dirty = True

    @on(NotesPane.JumpTo)
    def _jump_to_note(self, event: NotesPane.JumpTo) -> None:
        start, end = event.start, event.end
        view = self.query_one(SourceView)
        view.go_to_line(start, select_range=(start, end))
        view.focus()
        self.reader.session.read_notes.add(event.note.id)

    @on(NotesPane.EditRequested)
    def _edit_from_pane(self, event: NotesPane.EditRequested) -> None:
        self._edit(event.item if isinstance(event.item, Placement) else None)

    @on(NotesPane.DeleteRequested)
    def _delete_from_pane(self, event: NotesPane.DeleteRequested) -> None:
        self._delete(event.item if isinstance(event.item, Placement) else None)

    @on(SourceView.Copied)
    def _copied(self, event: SourceView.Copied) -> None:
        shown = event.text if len(event.text) < 60 else f"{len(event.text.splitlines())} lines"
        self.app.notify(f"Copied {shown}")

    # ---- notes -----------------------------------------------------------------------

    def _under_cursor(self) -> Placement | None:
        return self.reader.under(self.query_one(SourceView).cursor_line)

    def action_annotate(self) -> None:
        view = self.query_one(SourceView)
        start, end = view.selection or (view.cursor_line, view.cursor_line)
        self._open_editor(self.reader.begin_add(start, end))

    def action_edit_note(self) -> None:
        line = self.query_one(SourceView).cursor_line
        # A line comment of yours on this very line first: it is what this line is about; a
        # note covering the line stays one key away in the notes pane.
        comment = self.reader.under(line, comment=True)
        note = self.reader.under(line)
        if comment is not None and (comment.writable or note is None):
            self.action_comment()
            return
        self._edit(note)

    def action_delete_note(self) -> None:
        line = self.query_one(SourceView).cursor_line
        comment = self.reader.under(line, comment=True)
        note = self.reader.under(line)
        self._delete(comment if comment is not None and (comment.writable or note is None) else note)

    def action_comment(self) -> None:
        """Add a line comment on the cursor line, or edit the one there (Enter saves, an empty
        text deletes it, Esc leaves it as it was)."""
        from k8sread.ui.widgets.line_prompt import LinePrompt

        if self.reader.current_path is None:
            self.app.notify("Open a file first")
            return
        if refused := self.reader.refused():
            self.apply(refused)
            return
        line = self.query_one(SourceView).cursor_line
        existing = self.reader.under(line, comment=True)
        if existing is not None and not existing.writable:
            existing = None  # someone else's comment: yours goes beside it
        value = self.reader.comment_text(existing) if existing is not None else ""

        def typed(text: str | None) -> None:
            if text is not None:
                self.apply(self.reader.save_comment(line, text, placement=existing))

        self.app.push_screen(LinePrompt(f"// L{line}", placeholder="a comment on this line (Enter saves, Esc cancels)", value=value), callback=typed)

    def action_toggle_comments(self) -> None:
        self.apply(self.reader.toggle_comments())

    def action_repin(self) -> None:
        self.apply(self.reader.repin(self._under_cursor()))

    def action_note_diff(self) -> None:
        """What changed under the note on the cursor's line (git may have to fetch the old
        file in a partial clone: off the UI thread)."""
        placement = self._under_cursor()
        if placement is None or not placement.stale:
            found = self.reader.note_diff(placement)  # says why there is nothing to show
            if isinstance(found, Update):
                self.apply(found)
            return
        self._load_note_diff(placement)

    @work(thread=True, exclusive=True, group="note-diff")
    def _load_note_diff(self, placement: Placement) -> None:
        found = self.reader.note_diff(placement)
        self.app.call_from_thread(self._show_note_diff, placement, found)

    def _show_note_diff(self, placement: Placement, found: NoteDiff | Update) -> None:
        if isinstance(found, Update):
            self.apply(found)
            return
        from k8sread.ui.screens.note_diff import NoteDiffScreen

        title = placement.note.title_in(self.reader.lang) or placement.note.body_in(self.reader.lang)[:60]
        self.app.push_screen(NoteDiffScreen(found, title))

    def _edit(self, placement: Placement | None) -> None:
        self._open_editor(self.reader.begin_edit(placement))

    def _open_editor(self, draft: Draft | Update) -> None:
        if isinstance(draft, Update):
            self.apply(draft)
            return
        from k8sread.ui.screens.note_editor import NoteEditorScreen

        def closed(result: Any) -> None:
            if result is not None:
                text = EditorText(result.title, result.body, tuple(result.tags))
                self.apply(self.reader.save(result.draft, text))

        self.app.push_screen(NoteEditorScreen(draft, store=self.reader.drafts), callback=closed)

    def _delete(self, placement: Placement | None) -> None:
        if placement is None:
            self.app.notify("No note on this line")
            return
        if not placement.writable:
            self.app.notify(f"Pack {placement.pack_name!r} is read-only", severity="warning")
            return
        from k8sread.ui.screens.confirm import ConfirmScreen

        def decided(yes: bool | None) -> None:
            if yes:
                self.apply(self.reader.delete(placement))

        what = "line comment" if placement.note.is_comment else "note"
        label = placement.note.body_in(self.reader.lang) if placement.note.is_comment else placement.note.title_in(self.reader.lang)
        self.app.push_screen(ConfirmScreen(f"Delete the {what} “{label.strip()[:60]}”?"), callback=decided)

    def _restore_draft(self) -> None:
        draft, notices = self.reader.restorable_draft()
        for notice in notices:
            self.app.notify(notice.text, severity=notice.severity, timeout=notice.timeout)
        if draft is None:
            return
        if draft.path != self.reader.current_path:
            self.open_file(draft.path, select=(draft.start, draft.end))
        self.app.notify("Restored the note you were writing")
        self._open_editor(draft)

    # ---- the trail -------------------------------------------------------------------

    def go_to_step(self, note_id: str) -> bool:
        return self.apply(self.reader.go_to_step(note_id))

    def action_trail_step(self, direction: int) -> None:
        self.apply(self.reader.step(direction))
        if not self._prefetch_direction:
            self.call_after_refresh(self._prefetch)
        self._prefetch_direction = direction

    def _prefetch(self) -> None:
        """Right after a step's frame is out, work out the next step in the direction walked
        (its notes parsed and placed, their layouts made): a first visit to a file with many
        notes cost its step ~20 ms of parsing and ~20 ms of layout. A reader reads between
        steps; keys held down find the step they were waiting for already made."""
        direction, self._prefetch_direction = self._prefetch_direction, 0
        upcoming = self.reader.upcoming(direction) if direction else None
        if upcoming is not None:
            self.query_one(NotesPane).prepare(self.reader.listed(upcoming[1]))

    def action_component(self, key: str) -> None:
        self.apply(self.reader.component(key))

    def action_trail_view(self) -> None:
        trail = self.reader.trail
        if trail is None or not trail.steps:
            self.app.notify("No trail in the active packs")
            return
        from k8sread.ui.screens.trail_view import TrailScreen

        def chosen(note_id: str | None) -> None:
            if note_id:
                self.go_to_step(note_id)

        self.app.push_screen(TrailScreen(trail, self.reader.session.trail_step, self.reader.session.read_notes, self.reader.lang), callback=chosen)

    def action_toggle_language(self) -> None:
        self.apply(self.reader.toggle_language())
        self.k8app.lang = self.reader.lang

    # ---- going places ----------------------------------------------------------------

    def action_jump_back(self) -> None:
        if self.reader.current_path:
            self.apply(self.reader.back(self.query_one(SourceView).cursor_line))

    def action_jump_forward(self) -> None:
        if self.reader.current_path:
            self.apply(self.reader.forward(self.query_one(SourceView).cursor_line))

    @on(SourceView.GoToDefinition)
    def _go_to_definition(self, event: SourceView.GoToDefinition) -> None:
        path = self.reader.current_path
        if path is None:
            return
        lines = self.query_one(SourceView).lines
        line_text = lines[event.line - 1] if 0 < event.line <= len(lines) else ""
        previous = lines[event.line - 2] if 1 < event.line <= len(lines) else ""
        ref = reference_at(line_text, event.col - 1, previous)  # the view counts columns from 1
        if ref is None:
            self.app.notify("No identifier under the cursor")
            return
        try:
            source = self.reader.tree.resolve(path).read_bytes()
        except (OSError, K8sreadError) as error:
            self.app.notify(str(error), severity="error")
            return
        found = self.definitions.find(path, source, ref)
        if not found and ref.qualifier is None:
            # Not a package-level name here: fall back on the index (types and funcs elsewhere).
            found = [Location(h.path, h.line, h.name, h.kind) for h in self.symbol_index.search(ref.word, limit=50) if h.name.rsplit(".", 1)[-1] == ref.word]
        qualifier = ref.qualifier + "." if ref.qualifier and ref.qualifier != "<expr>" else ""
        self._choose_location(found, f"{qualifier}{ref.word}")

    def _choose_location(self, found: list[Location], what: str) -> None:
        if not found:
            self.app.notify(f"No definition found for {what}", severity="warning")
            return
        if len(found) == 1:
            self.jump_to(found[0].path, found[0].line)
            return
        from k8sread.ui.screens.chooser import ChooserScreen

        def chosen(index: int | None) -> None:
            if index is not None:
                self.jump_to(found[index].path, found[index].line)

        items = [(loc.name, f"{loc.path}:{loc.line}") for loc in found]
        self.app.push_screen(ChooserScreen(f"{len(found)} definitions of {what}", items), callback=chosen)

    @work(thread=True, exclusive=True, group="symbol-index")
    def build_symbol_index(self) -> None:
        index = SymbolIndex.load(self.reader.tree.root)
        self.app.call_from_thread(self._index_ready, index, "")
        go_files = [path for path in self.reader.tree.list_files() if path.endswith(".go")]

        def progress(done: int, total: int) -> None:
            if total:
                self.app.call_from_thread(self._index_progress, f"indexing symbols {done * 100 // total}%")

        scanned, _ = index.refresh(go_files, progress=progress, workers=1 if len(go_files) < 2000 else None)
        if scanned and not self.reader.read_only:
            try:
                index.save()
            except OSError:
                pass
        self.app.call_from_thread(self._index_ready, index, "")

    def _index_progress(self, status: str) -> None:
        self.index_status = status
        self.query_one(ReaderHeader).status = status

    def _index_ready(self, index: SymbolIndex, status: str) -> None:
        self.symbol_index = index
        policy = getattr(self.app, "gc_policy", None)
        if policy is not None and not status:
            policy.freeze_when_idle()  # the index is long-lived: out of every later collection's way
        self.index_status = status
        header = self.query_one(ReaderHeader)
        if header.status.startswith("indexing"):
            header.status = self.reader.step_label() or status

    def action_find_symbol(self) -> None:
        from k8sread.ui.screens.symbol_search import SymbolSearchScreen

        def chosen(hit: Any) -> None:
            if hit is not None:
                self.jump_to(hit.path, hit.line)
                self.query_one(FileTree).reveal(hit.path)

        self.app.push_screen(SymbolSearchScreen(self.symbol_index, self.index_status), callback=chosen)

    # ---- finders, packs, export ------------------------------------------------------

    def action_packs(self) -> None:
        from k8sread.ui.screens.packs import PacksScreen

        def closed(changed: bool | None) -> None:
            if changed:
                self.reader.load_trail()
                update = self.reader.refresh()
                update.trail = True
                self.apply(update)

        self.app.push_screen(PacksScreen(self.reader.packs, self.reader.lang), callback=closed)

    def action_export(self) -> None:
        """Write the current file's notes (or, with a trail, the whole trail) to Markdown."""
        from k8sread.ui.screens.chooser import ChooserScreen

        choices = self.reader.export_choices()
        if not choices:
            self.app.notify("Nothing to export")
            return

        def chosen(index: int | None) -> None:
            if index is not None:
                self.apply(self.reader.export(choices[index].scope))

        self.app.push_screen(ChooserScreen("Export to Markdown", [(c.label, c.detail) for c in choices]), callback=chosen)

    def action_find_file(self) -> None:
        from k8sread.ui.screens.file_finder import FileFinderScreen

        def chosen(path: str | None) -> None:
            if path and self.open_file(path, restore=True):
                self.query_one(FileTree).reveal(path)
                self.query_one(SourceView).focus()

        if self._finder_index is None:
            from k8sread.core.fuzzy import FuzzyIndex

            # Built once per tree: 15-18 ms on 23k paths, not worth paying on every ctrl+p.
            self._finder_index = FuzzyIndex(self.reader.tree.list_files(include_hidden=True))
        self.app.push_screen(FileFinderScreen(index=self._finder_index), callback=chosen)

    def action_search_tree(self, pattern: str = "", word: bool = False, go_only: bool = False, title: str | None = None) -> None:
        from k8sread.ui.screens.tree_search import TreeSearchScreen

        def chosen(hit: Any) -> None:
            if hit is not None and self.open_file(hit.path, line=hit.line):
                self.query_one(FileTree).reveal(hit.path)
                self.query_one(SourceView).focus()

        self.app.push_screen(TreeSearchScreen(self.reader.tree.root, pattern=pattern, word=word, go_only=go_only, title=title), callback=chosen)

    @on(SourceView.FindReferences)
    def _find_references(self, event: SourceView.FindReferences) -> None:
        if event.word:
            self.action_search_tree(event.word, word=True, go_only=True, title=f"References of {event.word} (word matches in .go files)")

    def action_outline(self) -> None:
        path = self.reader.current_path
        if path is None or not path.endswith(".go"):
            self.app.notify("The outline is for Go files")
            return
        from k8sread.core.placement import symbols_of
        from k8sread.ui.screens.outline import OutlineScreen

        view = self.query_one(SourceView)
        symbols = list(symbols_of("\n".join(view.lines)))  # parsed once already, when the notes were placed

        def chosen(symbol: Any) -> None:
            if symbol is not None:
                self.jump_to(path, symbol.start_line)

        self.app.push_screen(OutlineScreen(path, symbols, view.cursor_line), callback=chosen)

    def action_orphans(self) -> None:
        from k8sread.ui.screens.orphans import OrphansScreen

        rows = [(p.pack_name, p.note.title_in(self.reader.lang), f"L{p.note.start}-{p.note.end}", p.reason) for p in self.reader.orphans()]
        self.app.push_screen(OrphansScreen(self.reader.current_path or "", rows))

    # ---- panes -----------------------------------------------------------------------

    def action_toggle_tree(self) -> None:
        """Into the tree (unfolding it), or back to the code."""
        tree = self.query_one(FileTree)
        if tree.has_focus:
            self.query_one(SourceView).focus()
        else:
            tree.display = True
            self.query_one("#rail").display = False
            tree.focus()
            self._reveal_pending = None
            if self.reader.current_path:
                tree.reveal(self.reader.current_path)

    def action_toggle_notes(self) -> None:
        notes = self.query_one("#notes")
        notes.display = not notes.display

    def action_resize(self, pane: str, direction: int) -> None:
        if pane == "tree":
            self.tree_width = max(PANE_MIN, min(PANE_MAX, self.tree_width + direction * PANE_STEP))
        else:
            current = self.notes_width if self.notes_width is not None else int(self.query_one("#notes").styles.width.value)  # type: ignore[union-attr]
            self.notes_width = max(PANE_MIN, min(PANE_MAX, current + direction * PANE_STEP))
        self._apply_widths()

    def action_toggle_hidden(self) -> None:
        self.show_hidden = not self.show_hidden
        self.query_one(FileTree).set_paths(self.reader.tree.list_files(include_hidden=self.show_hidden))
        self.app.notify("Showing vendor/ and _output/" if self.show_hidden else "Hiding vendor/ and _output/")

    def action_help(self) -> None:
        from k8sread.ui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen())

    async def action_quit(self) -> None:
        await self.k8app.action_quit()

    def on_unmount(self) -> None:
        self.save_session()


__all__ = ["SOURCE", "ReaderScreen"]

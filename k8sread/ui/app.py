"""The reader: repo tree | highlighted Go | notes pinned to line ranges.

Data flows one way: core loads and resolves (tree, packs, session); this app renders and turns
key presses into intents that go back to core (save a note, remember a position).
"""

from __future__ import annotations

from textual import events, on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.css.query import NoMatches
from textual.widgets import Footer

from k8sread.core.config import choose_language, load_config
from k8sread.core.errors import K8sreadError
from k8sread.core.note import Note, default_author, now
from k8sread.core.definitions import DefinitionFinder, Location, reference_at
from k8sread.core.history import JumpHistory, Place
from k8sread.core.drafts import Draft, DraftStore
from k8sread.core.packset import PackSet
from k8sread.core.placement import PlacedNote, anchored, place_notes, repinned
from k8sread.core.symbol_index import SymbolIndex
from k8sread.core.sanitize import inert, inert_line
from k8sread.core.session import Position, TreeSession
from k8sread.core.source_tree import SourceTree
from k8sread.ui.palette_commands import ReaderCommands
from k8sread.ui.pane_note import PaneNote
from k8sread.ui.widgets.component_map import ComponentMap
from k8sread.ui.widgets.file_tree import FileTree
from k8sread.ui.widgets.notes_pane import NotesPane
from k8sread.ui.widgets.reader_header import Banner, ReaderHeader
from k8sread.ui.widgets.source_view import SourceView

PANE_STEP = 4
NARROW_WIDTH = 100
PANE_MIN, PANE_MAX = 16, 80


class ReaderApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "k8sread"
    # ctrl+p opens the file finder as in VS Code and ctrlp.vim; the command palette moves.
    COMMAND_PALETTE_BINDING = "ctrl+k"
    COMMANDS = App.COMMANDS | {ReaderCommands}
    EXTRA_COMMANDS = [("Show or hide vendor/ in the tree", "toggle_hidden")]

    BINDINGS = [
        Binding("ctrl+p", "find_file", "Find file"),
        Binding("ctrl+f", "search_tree", "Search tree"),
        Binding("ctrl+t", "find_symbol", "Symbol"),
        Binding("ctrl+o,alt+left", "jump_back", "Back", show=False),
        Binding("alt+right", "jump_forward", "Forward", show=False),
        Binding("question_mark", "help", "Keys"),
        Binding("a", "annotate", "Annotate"),
        Binding("e", "edit_note", "Edit note", show=False),
        Binding("d", "delete_note", "Delete note", show=False),
        Binding("p", "repin", "Re-pin moved note", show=False),
        Binding("o", "outline", "Outline"),
        Binding("O", "orphans", "Orphans", show=False),
        Binding("right_square_bracket", "trail_step(1)", "Next step"),
        Binding("left_square_bracket", "trail_step(-1)", "Prev step", show=False),
        Binding("t", "trail_view", "Trail"),
        *[Binding(str(n), f"component('{n}')", f"Component {n}", show=False) for n in range(1, 10)],
        Binding("ctrl+b", "toggle_tree", "Tree", show=False),
        Binding("ctrl+n", "toggle_notes", "Notes", show=False),
        Binding("L", "toggle_language", "中/EN"),
        Binding("P", "packs", "Packs", show=False),
        Binding("x", "export", "Export", show=False),
        Binding("less_than_sign", "resize('tree', -1)", "Narrow tree", show=False),
        Binding("greater_than_sign", "resize('tree', 1)", "Widen tree", show=False),
        Binding("left_curly_bracket", "resize('notes', 1)", "Widen notes", show=False),
        Binding("right_curly_bracket", "resize('notes', -1)", "Narrow notes", show=False),
        Binding("full_stop", "toggle_hidden", "Show vendor/", show=False),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(
        self,
        tree: SourceTree,
        *,
        banner: str | None = None,
        pack_dir: str | None = None,
        lang: str | None = None,
        open_path: str | None = None,
        open_line: int | None = None,
        remember: bool = True,
        packs: PackSet | None = None,
    ) -> None:
        super().__init__()
        # False for headless screenshots: they must not move the reader's saved place.
        self.remember = remember
        self.source_tree = tree
        self.banner_text = banner
        self.config = load_config()
        self.lang = choose_language(lang, self.config)
        self.packs = packs if packs is not None else PackSet.for_tree(tree.root, pack_dir)
        self.trail = self._load_trail()
        self.session = TreeSession.load(tree.root)
        self.open_request = (open_path, open_line)
        self.current_path: str | None = None
        self.placed: list[PlacedNote] = []
        self._edit_bases: dict[str, Note] = {}
        self.show_hidden = False
        self.history = JumpHistory()
        self._finder_index = None
        self.definitions = DefinitionFinder(tree.root)
        self.symbol_index = SymbolIndex(tree.root)
        self.index_status = "loading symbol index"
        self.tree_width = 32
        self.notes_width = 44
        if self.config.theme:
            if self.config.theme in self.available_themes:
                self.theme = self.config.theme
            else:
                self.config.problem = f"{self.config.path}: unknown theme {self.config.theme!r}; using the default"

    # ---- layout ----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield ReaderHeader(id="header")
        yield Banner(self.banner_text or "", id="banner", classes="" if self.banner_text else "-hidden")
        yield ComponentMap(id="component-map")
        with Horizontal(id="main"):
            yield FileTree(self.source_tree.name, id="tree")
            yield SourceView(id="source")
            yield NotesPane(id="notes")
        yield Footer()

    def on_mount(self) -> None:
        header = self.query_one(ReaderHeader)
        header.tree_name = self.source_tree.name
        header.commit = self.source_tree.commit
        self._apply_widths()
        self._position_dirty = False
        self.set_interval(3, self._save_if_moved)
        file_tree = self.query_one(FileTree)
        file_tree.set_paths(self.source_tree.list_files(include_hidden=self.show_hidden))
        file_tree.set_read(self.session.read_files)
        file_tree.set_counts(self.packs.note_counts())
        self.query_one(NotesPane).set_language(self.lang)
        self._update_map()
        if self.config.problem:
            self.notify(self.config.problem, severity="warning")
        self._report_pack_errors()
        path, line = self.open_request
        if path is None and self.session.last_file:
            path = self.session.last_file
        if path is None:
            path = self._first_file()
        if path:
            self.open_file(path, line=line, restore=line is None)
            if path != self.current_path and path == self.session.last_file:
                # The last file is gone (a branch switch): start somewhere that exists.
                fallback = self._first_file()
                if fallback:
                    self.open_file(fallback)
            if self.current_path:
                file_tree.reveal(self.current_path)
        self.query_one(SourceView).focus()
        if self.remember:
            self._restore_draft()
        self.build_symbol_index()

    def _first_file(self) -> str | None:
        files = self.source_tree.list_files()
        for candidate in ("cmd/kubectl/kubectl.go",):
            if candidate in files:
                return candidate
        return next((f for f in files if f.endswith(".go")), files[0] if files else None)

    def _apply_widths(self, width: int | None = None) -> None:
        # Under 100 columns the code needs the room: the side panes take less of it.
        narrow = (self.size.width if width is None else width) < NARROW_WIDTH
        self.query_one("#tree").styles.width = min(self.tree_width, 20) if narrow else self.tree_width
        self.query_one("#notes").styles.width = min(self.notes_width, 26) if narrow else self.notes_width

    def on_resize(self, event: events.Resize) -> None:
        # The event's size: self.size still says the size before this resize, which left the
        # panes narrow after growing back from under 100 columns.
        self._apply_widths(event.size.width)

    def notify(self, message: str, *, title: str = "", severity="information", timeout: float | None = None, markup: bool = True) -> None:
        """Every message is shown as plain, inert text, whatever the caller asked: messages
        quote file names, pack paths, note fields and errors, which anyone can fill with
        escape sequences or '[' (a file named `[link=x:y].go` made the toast's markup parser
        raise and took the reader down)."""
        super().notify(inert(message), title=inert_line(title), severity=severity, timeout=timeout, markup=False)

    def action_help_quit(self) -> None:
        # Textual's own hint uses markup, which notify above no longer renders.
        self.notify("Press q to quit k8sread", title="Do you want to quit?")

    # ---- opening files ---------------------------------------------------------------

    def open_file(self, path: str, *, line: int | None = None, select: tuple[int, int] | None = None, restore: bool = False) -> bool:
        """Show `path` in the source view; False (and a message) when it cannot be shown."""
        try:
            source = self.source_tree.read_text(path)
        except K8sreadError as error:
            self.notify(str(error), severity="error", timeout=6)
            return False
        self._remember_position()
        view = self.query_one(SourceView)
        if source.binary:
            view.load(path, f"{path} is a binary file ({source.size} bytes); it is not shown as text.", highlight=False)
        else:
            view.load(path, source.text, highlight=path.endswith(".go") and not source.too_big_to_highlight)
        if source.lossy:
            self.notify(f"{path} is not valid UTF-8: undecodable bytes are shown as �", severity="warning")
        if source.too_big_to_highlight:
            self.notify(f"{path} is large ({source.size // 1024 // 1024} MiB): shown without highlighting", severity="information")
        self.current_path = path
        self.query_one(ReaderHeader).file = path
        self.session.read_files.add(path)
        self.query_one(FileTree).mark_read(path)
        self.refresh_notes()
        position = self.session.position(path) if restore else None
        if select:
            view.go_to_line(select[0], select_range=select)
        elif line:
            view.go_to_line(line)
        elif position:
            view.restore_position(position.cursor, max(1, position.column), position.top, position.selection)
        self.session.last_file = path
        self._persist()
        self._update_map()
        return True

    def refresh_notes(self) -> None:
        """Resolve the current file's notes against its text and redraw markers and pane."""
        if self.current_path is None:
            return
        view = self.query_one(SourceView)
        items = self.packs.notes_for(self.current_path)
        self.placed = place_notes(items, view.lines, is_go=self.current_path.endswith(".go"))
        markers: dict[int, list[int]] = {}
        moved: dict[int, list[int]] = {}
        for placed in self.placed:
            if not placed.placed:
                continue
            target = moved if placed.moved else markers
            for number in range(placed.start, placed.end + 1):
                packs = target.setdefault(number, [])
                if placed.item.pack_index not in packs:
                    packs.append(placed.item.pack_index)
        view.set_markers(markers, moved=moved)
        pane = self.query_one(NotesPane)
        pane.show(self.current_path, [PaneNote.of(placed) for placed in self.placed if placed.placed])
        first, last = view.visible_range()
        pane.follow(first, last)
        self.query_one(ReaderHeader).orphans = sum(1 for placed in self.placed if not placed.placed)
        error = next((str(p.errors[self.current_path]) for _, p in self.packs.active() if self.current_path in p.errors), None)
        if error:
            self.notify(error, severity="error", timeout=10)

    def _remember_position(self) -> None:
        if self.current_path is None:
            return
        try:
            view = self.query_one(SourceView)
        except NoMatches:  # shutting down: the last CursorMoved already recorded it
            return
        self.session.remember(
            self.current_path,
            Position(cursor=view.cursor_line, column=view.cursor_column, top=int(view.scroll_y), selection=view.selection),
        )

    def _report_pack_errors(self) -> None:
        # Registered packs that could not be opened; broken note files are reported when
        # their source file is opened.
        for problem in getattr(self.packs, "problems", []):
            self.notify(problem, severity="warning", timeout=10)

    # ---- events from widgets ---------------------------------------------------------

    @on(FileTree.FileChosen)
    def _file_chosen(self, event: FileTree.FileChosen) -> None:
        if self.open_file(event.path, restore=True):
            self.query_one(SourceView).focus()

    @on(SourceView.Scrolled)
    def _source_scrolled(self, event: SourceView.Scrolled) -> None:
        self.query_one(NotesPane).follow(event.first_line, event.last_line)
        self._remember_position()

    @on(SourceView.CursorMoved)
    @on(SourceView.SelectionChanged)
    def _cursor_moved(self) -> None:
        # In memory now; a timer writes it, so even a killed reader loses seconds at most.
        self._remember_position()
        self._position_dirty = True

    def _save_if_moved(self) -> None:
        if self._position_dirty:
            self._position_dirty = False
            self._persist()

    @on(NotesPane.JumpTo)
    def _jump_to_note(self, event: NotesPane.JumpTo) -> None:
        note = event.note
        view = self.query_one(SourceView)
        view.go_to_line(event.start, select_range=(event.start, event.end))
        view.focus()
        self.session.read_notes.add(note.id)

    @on(NotesPane.EditRequested)
    def _edit_from_pane(self, event: NotesPane.EditRequested) -> None:
        self._edit(event.note, event.pack)

    @on(NotesPane.DeleteRequested)
    def _delete_from_pane(self, event: NotesPane.DeleteRequested) -> None:
        self._delete(event.note, event.pack)

    # ---- annotating ------------------------------------------------------------------

    def _placed_under_cursor(self) -> PlacedNote | None:
        line = self.query_one(SourceView).cursor_line
        covering = [p for p in self.placed if p.placed and p.start <= line <= p.end]
        writable = [p for p in covering if p.item.pack.writable]
        return (writable or covering or [None])[0]

    def action_annotate(self) -> None:
        if self.current_path is None:
            return
        pack = self.packs.writable
        if pack is None:
            self.notify("No writable pack: start with --pack DIR", severity="error")
            return
        view = self.query_one(SourceView)
        start, end = view.selection or (view.cursor_line, view.cursor_line)
        draft = Draft.new(tree_root=str(self.source_tree.root), path=self.current_path, start=start, end=end, pack=pack.name, lang=self.lang)
        self._open_editor(draft)

    def action_edit_note(self) -> None:
        placed = self._placed_under_cursor()
        if placed is None:
            self.notify("No note on this line")
            return
        self._edit(placed.note, placed.item.pack)

    def action_delete_note(self) -> None:
        placed = self._placed_under_cursor()
        if placed is None:
            self.notify("No note on this line")
            return
        self._delete(placed.note, placed.item.pack)

    def action_repin(self) -> None:
        """Pin a moved note to where its code is now (writable packs only)."""
        placed = self._placed_under_cursor()
        if placed is None or not placed.moved:
            self.notify("No moved note on this line (moved notes have a hollow marker)")
            return
        pack = placed.item.pack
        if not pack.writable:
            self.notify(f"Pack {pack.name!r} is read-only; its author can run `k8sread check --fix`", severity="warning")
            return
        lines = self.query_one(SourceView).lines
        try:
            pack.upsert(self.current_path, repinned(placed, lines, is_go=self.current_path.endswith(".go")))
        except K8sreadError as error:
            self.notify(str(error), severity="error")
            return
        self.notify(f"Re-pinned to L{placed.start}-{placed.end}")
        self.refresh_notes()

    def _edit(self, note: Note, pack) -> None:
        if not getattr(pack, "writable", False):
            name = getattr(pack, "name", pack)
            self.notify(f"Pack {name!r} is read-only; your notes go to {self.packs.writable.name!r}", severity="warning")
            return
        draft = Draft.from_note(tree_root=str(self.source_tree.root), path=self.current_path, note=note, pack=pack.name, lang=self.lang)
        self._edit_bases[draft.key] = note
        self._open_editor(draft)

    def _open_editor(self, draft: Draft) -> None:
        from k8sread.ui.screens.note_editor import NoteEditorScreen

        self.push_screen(NoteEditorScreen(draft), callback=lambda result: self._editor_closed(draft, result))

    def _editor_closed(self, draft: Draft, result) -> None:
        if result is None:
            self._edit_bases.pop(draft.key, None)
            return
        draft = result.draft
        pack = next((p for p in self.packs.packs if p.name == draft.pack and p.writable), self.packs.writable)
        base = self._edit_bases.pop(draft.key, None)
        existing = base or next((n for n in pack.notes_for(draft.path) if n.id == draft.note_id), None)
        stamp = now()
        title: str | dict[str, str] = result.title
        body: str | dict[str, str] = result.body
        lang = draft.lang or self.lang  # the language the editor opened in
        if existing is not None and isinstance(existing.title, dict):
            # Bilingual note: the editor edits the language on screen, the others stay.
            title = {**existing.title, lang: result.title}
            body = {**(existing.body if isinstance(existing.body, dict) else {}), lang: result.body}
        try:
            note = Note(
                id=draft.note_id,
                start=draft.start,
                end=draft.end,
                title=title,
                body=body,
                tags=tuple(result.tags),
                author=existing.author if existing else default_author(),
                created=existing.created if existing else stamp,
                updated=stamp,
                symbol=existing.symbol if existing else None,
                trail=existing.trail if existing else None,
                anchor=existing.anchor if existing else {},
                extra=existing.extra if existing else {},
            )
            lines = self.source_tree.read_text(draft.path).lines()
            note = anchored(note, lines, is_go=draft.path.endswith(".go"))
            saved = pack.upsert(draft.path, note, base=base)
        except (K8sreadError, ValueError, OSError) as error:
            # The draft stays on disk: nothing typed is lost.
            self.notify(f"Not saved: {error}. Your draft is kept and comes back on the next start.", severity="error", timeout=10)
            return
        DraftStore().discard(draft.key)
        if saved.id != note.id:
            self.notify(f"Someone changed this note meanwhile: yours is kept as {saved.id}", severity="warning", timeout=10)
        else:
            self.notify(f"Saved to {pack.name}")
        self.query_one(FileTree).set_counts(self.packs.note_counts())
        if draft.path == self.current_path:
            self.refresh_notes()

    def _delete(self, note: Note, pack) -> None:
        if not getattr(pack, "writable", False):
            self.notify(f"Pack {pack.name!r} is read-only", severity="warning")
            return
        from k8sread.ui.screens.confirm import ConfirmScreen

        path = self.current_path

        def decided(yes: bool | None) -> None:
            if not yes:
                return
            try:
                pack.delete(path, note.id)
            except K8sreadError as error:
                self.notify(str(error), severity="error")
                return
            self.notify("Note deleted")
            self.query_one(FileTree).set_counts(self.packs.note_counts())
            self.refresh_notes()

        self.push_screen(ConfirmScreen(f"Delete the note “{note.title_in(self.lang)}”?"), callback=decided)

    def _restore_draft(self) -> None:
        store = DraftStore()
        drafts = [d for d in store.load_all() if d.tree_root == str(self.source_tree.root)]
        for problem in store.problems:
            self.notify(problem, severity="warning", timeout=10)
        if not drafts:
            return
        draft = drafts[-1]
        if draft.path != self.current_path:
            self.open_file(draft.path, select=(draft.start, draft.end))
        self.notify("Restored the note you were writing")
        self._open_editor(draft)

    # ---- panes -----------------------------------------------------------------------

    def action_toggle_tree(self) -> None:
        tree = self.query_one("#tree")
        tree.display = not tree.display

    def action_toggle_notes(self) -> None:
        notes = self.query_one("#notes")
        notes.display = not notes.display

    def action_resize(self, pane: str, direction: int) -> None:
        if pane == "tree":
            self.tree_width = max(PANE_MIN, min(PANE_MAX, self.tree_width + direction * PANE_STEP))
        else:
            self.notes_width = max(PANE_MIN, min(PANE_MAX, self.notes_width + direction * PANE_STEP))
        self._apply_widths()

    def action_toggle_hidden(self) -> None:
        self.show_hidden = not self.show_hidden
        self.query_one(FileTree).set_paths(self.source_tree.list_files(include_hidden=self.show_hidden))
        self.notify("Showing vendor/ and _output/" if self.show_hidden else "Hiding vendor/ and _output/")

    def action_toggle_language(self) -> None:
        self.lang = "en" if self.lang == "zh" else "zh"
        self.query_one(NotesPane).set_language(self.lang)
        self._update_map()
        self.notify("笔记语言: 中文" if self.lang == "zh" else "Notes language: English")

    # ---- going places ----------------------------------------------------------------

    def _here(self) -> Place | None:
        if self.current_path is None:
            return None
        return Place(self.current_path, self.query_one(SourceView).cursor_line)

    def jump_to(self, path: str, line: int, *, select: tuple[int, int] | None = None) -> bool:
        """Open `path` at `line`, remembering where we came from for ctrl+o."""
        here = self._here()
        if here is not None and here != Place(path, line):
            self.history.jumped(here)
        ok = self.open_file(path, line=None if select else line, select=select) if path != self.current_path else True
        if ok:
            view = self.query_one(SourceView)
            if select:
                view.go_to_line(select[0], select_range=select)
            else:
                view.go_to_line(line)
            view.focus()
        return ok

    def _go(self, place: Place | None, empty: str) -> None:
        if place is None:
            self.notify(empty)
            return
        if place.path != self.current_path:
            self.open_file(place.path)
        self.query_one(SourceView).go_to_line(place.line)

    def action_jump_back(self) -> None:
        here = self._here()
        self._go(self.history.back(here) if here else None, "Nothing to go back to")

    def action_jump_forward(self) -> None:
        here = self._here()
        self._go(self.history.forward(here) if here else None, "Nothing to go forward to")

    @on(SourceView.GoToDefinition)
    def _go_to_definition(self, event: SourceView.GoToDefinition) -> None:
        if self.current_path is None:
            return
        view = self.query_one(SourceView)
        lines = view.lines
        line_text = lines[event.line - 1] if 0 < event.line <= len(lines) else ""
        previous = lines[event.line - 2] if 1 < event.line <= len(lines) else ""
        ref = reference_at(line_text, event.col - 1, previous)  # the view counts columns from 1
        if ref is None:
            self.notify("No identifier under the cursor")
            return
        try:
            source = self.source_tree.resolve(self.current_path).read_bytes()
        except (OSError, K8sreadError) as error:
            self.notify(str(error), severity="error")
            return
        found = self.definitions.find(self.current_path, source, ref)
        if not found and ref.qualifier is None:
            # Not a package-level name here: fall back on the index (types and funcs elsewhere).
            found = [Location(h.path, h.line, h.name, h.kind) for h in self.symbol_index.search(ref.word, limit=50) if h.name.rsplit(".", 1)[-1] == ref.word]
        self._choose_location(found, f"{ref.qualifier + '.' if ref.qualifier and ref.qualifier != '<expr>' else ''}{ref.word}")

    def _choose_location(self, found: list[Location], what: str) -> None:
        if not found:
            self.notify(f"No definition found for {what}", severity="warning")
            return
        if len(found) == 1:
            self.jump_to(found[0].path, found[0].line)
            return
        from k8sread.ui.screens.chooser import ChooserScreen

        def chosen(index: int | None) -> None:
            if index is not None:
                self.jump_to(found[index].path, found[index].line)

        items = [(loc.name, f"{loc.path}:{loc.line}") for loc in found]
        self.push_screen(ChooserScreen(f"{len(found)} definitions of {what}", items), callback=chosen)

    @work(thread=True, exclusive=True, group="symbol-index")
    def build_symbol_index(self) -> None:
        index = SymbolIndex.load(self.source_tree.root)
        self.call_from_thread(self._index_ready, index, "")
        go_files = [path for path in self.source_tree.list_files() if path.endswith(".go")]

        def progress(done: int, total: int) -> None:
            if total:
                self.call_from_thread(self._index_progress, f"indexing symbols {done * 100 // total}%")

        scanned, _ = index.refresh(go_files, progress=progress, workers=1 if len(go_files) < 2000 else None)
        if scanned:
            try:
                index.save()
            except OSError:
                pass
        self.call_from_thread(self._index_ready, index, "")

    def _index_progress(self, status: str) -> None:
        self.index_status = status
        self.query_one(ReaderHeader).status = status

    def _index_ready(self, index: SymbolIndex, status: str) -> None:
        self.symbol_index = index
        self.index_status = status
        header = self.query_one(ReaderHeader)
        if header.status.startswith("indexing"):
            header.status = status

    def action_find_symbol(self) -> None:
        from k8sread.ui.screens.symbol_search import SymbolSearchScreen

        def chosen(hit) -> None:
            if hit is not None:
                self.jump_to(hit.path, hit.line)
                self.query_one(FileTree).reveal(hit.path)

        self.push_screen(SymbolSearchScreen(self.symbol_index, self.index_status), callback=chosen)

    # ---- the trail -------------------------------------------------------------------

    def _load_trail(self):
        try:
            return self.packs.trail()
        except K8sreadError as error:
            self.call_later(self.notify, f"Trail not loaded: {error}", severity="error", timeout=10)
            return None

    def _update_map(self) -> None:
        component = self.trail.component_for_path(self.current_path) if self.trail else None
        self.query_one(ComponentMap).update_map(self.trail, component.id if component else None, self.session.read_notes, self.lang)

    def go_to_step(self, note_id: str) -> bool:
        if self.trail is None:
            return False
        where = self.trail.locate(note_id)
        if where is None:
            self.notify(f"Trail step {note_id!r} has no note in pack {self.trail.pack.name}", severity="error")
            return False
        path, note = where
        # Consecutive steps are often in one file: no reload, no redraw of the notes pane.
        if path != self.current_path and not self.open_file(path):
            return False
        # Where the note's code is in this checkout, which may not be the pack's commit.
        placed = next((p for p in self.placed if p.note.id == note_id and p.item.pack.name == self.trail.pack.name), None)
        view = self.query_one(SourceView)
        if placed is not None and placed.placed:
            view.go_to_line(placed.start, select_range=(placed.start, placed.end))
        else:
            self.notify(f"This step's code is not in this checkout (its note is orphaned): {note.title_in(self.lang)}", severity="warning", timeout=8)
        view.focus()
        self.session.trail_step = note_id
        self.session.read_notes.add(note_id)
        self._persist()
        self.query_one(FileTree).reveal(path)
        self._update_map()
        step = self.trail.step_for(note_id)
        if step is not None:
            self.query_one(ReaderHeader).status = f"step {step.index + 1}/{len(self.trail.steps)}"
        return True

    def action_trail_step(self, direction: int) -> None:
        if self.trail is None or not self.trail.steps:
            self.notify("No trail in the active packs")
            return
        current = self.session.trail_step
        step = self.trail.next_step(current) if direction > 0 else self.trail.previous_step(current)
        if step is None:
            self.notify("End of the trail" if direction > 0 else "Start of the trail")
            return
        self.go_to_step(step.note_id)

    def action_component(self, key: str) -> None:
        component = self.trail.component_by_key(key) if self.trail else None
        if component is None:
            self.notify(f"No component on key {key}")
            return
        step = self.trail.first_step_of(component.id)
        if step is not None:
            self.go_to_step(step.note_id)
            return
        if component.entry:
            from k8sread.core.trail import entry_line

            try:
                text = self.source_tree.read_text(component.entry).text
            except K8sreadError as error:
                self.notify(str(error), severity="error")
                return
            self.open_file(component.entry, line=entry_line(text, component.entry_symbol))

    def action_trail_view(self) -> None:
        if self.trail is None or not self.trail.steps:
            self.notify("No trail in the active packs")
            return
        from k8sread.ui.screens.trail_view import TrailScreen

        def chosen(note_id: str | None) -> None:
            if note_id:
                self.go_to_step(note_id)

        self.push_screen(TrailScreen(self.trail, self.session.trail_step, self.session.read_notes, self.lang), callback=chosen)

    # ---- finder and help -------------------------------------------------------------

    def action_packs(self) -> None:
        from k8sread.ui.screens.packs import PacksScreen

        def closed(changed: bool | None) -> None:
            if changed:
                self.trail = self._load_trail()
                self.query_one(FileTree).set_counts(self.packs.note_counts())
                self.refresh_notes()
                self._update_map()

        self.push_screen(PacksScreen(self.packs, self.lang), callback=closed)

    def action_export(self) -> None:
        """Write the current file's notes (or, with a trail, the whole trail) to Markdown."""
        from k8sread.ui.screens.chooser import ChooserScreen

        choices: list[tuple[str, str, dict]] = []
        if self.current_path:
            choices.append(("This file's notes", self.current_path, {"file": self.current_path}))
        if self.trail is not None and self.trail.steps:
            choices.append(("The whole trail", f"pack {self.trail.pack.name}, {len(self.trail.steps)} steps", {"trail_only": True}))
        if not choices:
            self.notify("Nothing to export")
            return

        def chosen(index: int | None) -> None:
            if index is not None:
                self._export(choices[index][2])

        self.push_screen(ChooserScreen("Export to Markdown", [(label, detail) for label, detail, _ in choices]), callback=chosen)

    def _export(self, scope: dict) -> None:
        from k8sread.core.atomic import atomic_write_text
        from k8sread.core.export_markdown import export_markdown
        from k8sread.core.paths import data_dir

        pack = self.trail.pack if scope.get("trail_only") else None
        if pack is None:
            # The pack with the most notes on this file; the reader's own when it has some.
            counts = {}
            for placed in self.placed:
                counts[placed.item.pack.name] = counts.get(placed.item.pack.name, 0) + 1
            name = max(counts, key=lambda n: (counts[n], n == getattr(self.packs.writable, "name", None))) if counts else None
            pack = self.packs.by_name(name) if name else None
        if pack is None:
            self.notify("No notes to export on this file")
            return
        try:
            text, _ = export_markdown(pack, self.source_tree, lang=self.lang, **scope)
        except K8sreadError as error:
            self.notify(str(error), severity="error")
            return
        stem = "trail" if scope.get("trail_only") else scope["file"].replace("/", "_")
        out = data_dir() / "exports" / f"{pack.name}-{stem}-{self.lang}.md"
        try:
            atomic_write_text(out, text)
        except OSError as error:
            self.notify(f"Could not write {out}: {error}", severity="error")
            return
        self.notify(f"Exported to {out}", timeout=10)

    def action_find_file(self) -> None:
        from k8sread.ui.screens.file_finder import FileFinderScreen

        def chosen(path: str | None) -> None:
            if path and self.open_file(path, restore=True):
                self.query_one(FileTree).reveal(path)
                self.query_one(SourceView).focus()

        if self._finder_index is None:
            from k8sread.core.fuzzy import FuzzyIndex

            # Built once per tree: 15-18 ms on 23k paths, not worth paying on every ctrl+p.
            self._finder_index = FuzzyIndex(self.source_tree.list_files(include_hidden=True))
        self.push_screen(FileFinderScreen(index=self._finder_index), callback=chosen)

    def action_search_tree(self, pattern: str = "", word: bool = False, go_only: bool = False, title: str | None = None) -> None:
        from k8sread.ui.screens.tree_search import TreeSearchScreen

        def chosen(hit) -> None:
            if hit is not None and self.open_file(hit.path, line=hit.line):
                self.query_one(FileTree).reveal(hit.path)
                self.query_one(SourceView).focus()

        self.push_screen(TreeSearchScreen(self.source_tree.root, pattern=pattern, word=word, go_only=go_only, title=title), callback=chosen)

    @on(SourceView.FindReferences)
    def _find_references(self, event: SourceView.FindReferences) -> None:
        if event.word:
            self.action_search_tree(event.word, word=True, go_only=True, title=f"References of {event.word} (word matches in .go files)")

    def action_outline(self) -> None:
        if self.current_path is None or not self.current_path.endswith(".go"):
            self.notify("The outline is for Go files")
            return
        from k8sread.core.symbols import extract_symbols
        from k8sread.ui.screens.outline import OutlineScreen

        view = self.query_one(SourceView)
        symbols = extract_symbols("\n".join(view.lines))

        def chosen(symbol) -> None:
            if symbol is not None:
                self.jump_to(self.current_path, symbol.start_line)

        self.push_screen(OutlineScreen(self.current_path, symbols, view.cursor_line), callback=chosen)

    def action_orphans(self) -> None:
        from k8sread.ui.screens.orphans import OrphansScreen

        rows = [
            (p.item.pack.name, p.note.title_in(self.lang), f"L{p.note.start}-{p.note.end}", p.resolution.reason)
            for p in self.placed
            if not p.placed
        ]
        self.push_screen(OrphansScreen(self.current_path or "", rows))

    @on(SourceView.Copied)
    def _copied(self, event: SourceView.Copied) -> None:
        shown = event.text if len(event.text) < 60 else f"{len(event.text.splitlines())} lines"
        self.notify(f"Copied {shown}")

    def action_help(self) -> None:
        from k8sread.ui.screens.help import HelpScreen

        self.push_screen(HelpScreen())

    # ---- leaving ---------------------------------------------------------------------

    async def action_quit(self) -> None:
        self.save_session()
        self.exit()

    def _persist(self) -> None:
        if not self.remember:
            return
        try:
            self.session.save()
        except OSError as error:
            self.notify(f"Could not save your place: {error}", severity="error")

    def save_session(self) -> None:
        self._remember_position()
        self._persist()

    def on_unmount(self) -> None:
        self.save_session()

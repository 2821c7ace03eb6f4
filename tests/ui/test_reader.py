"""The reader end to end under Pilot: browse, find, read, notes, annotate, resume, trail, jumps."""

from __future__ import annotations

from reader_support import line_of, make_app, settle, sync

from k8sread.core.drafts import DraftStore
from k8sread.core.pack import Pack
from k8sread.core.paths import user_pack_dir
from k8sread.core.session import TreeSession
from k8sread.ui.screens.note_editor import NoteEditorScreen
from k8sread.ui.widgets.file_tree import FileTree
from k8sread.ui.widgets.notes_pane import NotesPane
from k8sread.ui.widgets.reader_header import ReaderHeader
from k8sread.ui.widgets.source_view import SourceView

SIZE = (120, 40)


@sync
async def test_opens_first_file_with_header_tree_and_notes(reader_tree):
    app = make_app(reader_tree)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.current_path == "cmd/kubectl/kubectl.go"
        header = app.query_one(ReaderHeader)
        assert header.file == "cmd/kubectl/kubectl.go" and header.tree_name == "tree"
        tree = app.query_one(FileTree)
        top = [str(node.label).split(" ")[0] for node in tree.root.children]
        assert "cmd/" in top and "pkg/" in top and "vendor/" not in top
        pane = app.query_one(NotesPane)
        assert [item.note.id for item in pane.items] == ["g-main"]
        main_line = line_of(reader_tree, "cmd/kubectl/kubectl.go", "func main()")
        view = app.query_one(SourceView)
        assert main_line in view._markers and view.has_focus


@sync
async def test_fuzzy_finder_opens_a_file(reader_tree):
    app = make_app(reader_tree)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"storego")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert app.current_path == "pkg/store/store.go"
        assert app.query_one(SourceView).has_focus


@sync
async def test_the_finder_filters_in_the_same_turn_as_the_key(reader_tree):
    # The list changes when the query does, not a message later: typed letter and results are
    # drawn in one frame (through Input.Changed the results came a frame after the letter).
    from textual.widgets import OptionList

    from k8sread.ui.screens.picker import FilterInput

    app = make_app(reader_tree)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        query = app.screen.query_one(FilterInput)
        results = app.screen.query_one(OptionList)
        query.value = "apply"
        assert [str(results.get_option_at_index(i).prompt) for i in range(results.option_count)] == ["pkg/apply/apply.go"]
        query.value = ""
        assert results.option_count == 0


@sync
async def test_tree_opens_files_and_toggles_vendor(reader_tree):
    app = make_app(reader_tree)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        tree = app.query_one(FileTree)
        # As a reader does: into the (folded) tree, which shows the open file, then to another.
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert tree.display and app.screen.focused is tree
        assert tree.cursor_node.data.path == "cmd/kubectl/kubectl.go"
        tree.reveal("pkg/store/store.go")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert app.current_path == "pkg/store/store.go"
        assert "pkg/store/store.go" in app.reader.session.read_files
        app.reader_screen.action_toggle_hidden()
        await pilot.pause()
        assert "vendor/" in [str(node.label).split(" ")[0] for node in tree.root.children]


@sync
async def test_notes_follow_scrolling_and_enter_jumps(reader_tree):
    app = make_app(reader_tree, open_path="pkg/apply/apply.go")
    async with app.run_test(size=(120, 24)) as pilot:
        await settle(pilot)
        pane = app.query_one(NotesPane)
        run_line = line_of(reader_tree, "pkg/apply/apply.go", "func (o *ApplyOptions) Run")
        assert pane.items[0].start == run_line
        pane.focus()
        await pilot.press("enter")
        await pilot.pause()
        view = app.query_one(SourceView)
        assert view.selection == (run_line, run_line + 6) and view.cursor_line == run_line
        await pilot.press("G")  # still on the source view: the pane handed focus back
        await pilot.pause()
        assert view.cursor_line == view.line_count


@sync
async def test_add_edit_delete_a_note(reader_tree):
    app = make_app(reader_tree, open_path="pkg/store/store.go")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        new_line = line_of(reader_tree, "pkg/store/store.go", "func New()")
        await pilot.press("colon", *str(new_line), "enter")
        await pilot.pause()
        await pilot.press("v", "j", "j", "a")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditorScreen)
        await pilot.press(*"constructor")
        await pilot.click("#editor-body")
        await pilot.press(*"Makes an empty store.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        mine = Pack.open(user_pack_dir())
        notes = mine.notes_for("pkg/store/store.go")
        assert len(notes) == 1
        note = notes[0]
        assert (note.title, note.body, note.start, note.end) == ("constructor", "Makes an empty store.", new_line, new_line + 2)
        assert note.anchor["symbol"] == "New" and note.anchor["fingerprint"]
        assert next(item.note.id for item in app.query_one(NotesPane).items) == note.id
        assert DraftStore().load_all() == []

        # edit: cursor is inside the note's range
        await pilot.press("escape", "e")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditorScreen)
        await pilot.press("end", *" (edited)", "ctrl+s")
        await settle(pilot)
        assert Pack.open(user_pack_dir()).notes_for("pkg/store/store.go")[0].title == "constructor (edited)"

        # delete, after a confirmation
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert len(Pack.open(user_pack_dir()).notes_for("pkg/store/store.go")) == 1
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert Pack.open(user_pack_dir()).notes_for("pkg/store/store.go") == []


@sync
async def test_read_only_pack_cannot_be_edited(reader_tree):
    app = make_app(reader_tree, open_path="pkg/store/store.go")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        create = line_of(reader_tree, "pkg/store/store.go", "func (s *Store) Create")
        app.query_one(SourceView).go_to_line(create)
        await pilot.press("e")
        await pilot.pause()
        assert not isinstance(app.screen, NoteEditorScreen)
        assert (reader_tree.parent / "guide" / "pkg/store/store.go.toml").read_text().count("[[notes]]") == 1


@sync
async def test_draft_survives_an_abrupt_exit(reader_tree):
    app = make_app(reader_tree, open_path="pkg/store/store.go")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"half written")
        await pilot.pause(0.6)  # the editor saves drafts 0.3 s after typing stops
    # The app went away without saving (as when a terminal is closed).
    assert [d.title for d in DraftStore().load_all()] == ["half written"]
    again = make_app(reader_tree)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(again.screen, NoteEditorScreen)
        assert again.screen.query_one("#editor-title").value == "half written"
        assert again.current_path == "pkg/store/store.go"


@sync
async def test_resume_file_position_and_selection(reader_tree):
    app = make_app(reader_tree, open_path="pkg/apply/apply.go")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("colon", "2", "0", "enter")
        await pilot.press("shift+down", "shift+down")
        await pilot.pause()
        selection = app.query_one(SourceView).selection
        await pilot.press("q")
    assert selection == (20, 22)
    again = make_app(reader_tree)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        view = again.query_one(SourceView)
        assert again.current_path == "pkg/apply/apply.go"
        assert view.cursor_line == 22 and view.selection == (20, 22)
    session = TreeSession.load(reader_tree)
    assert "pkg/apply/apply.go" in session.read_files


@sync
async def test_trail_components_and_map(reader_tree):
    app = make_app(reader_tree, open_path="pkg/store/store.go")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        main_line = line_of(reader_tree, "cmd/kubectl/kubectl.go", "func main()")
        assert app.current_path == "cmd/kubectl/kubectl.go"
        assert app.query_one(SourceView).selection == (main_line, main_line + 5)
        await pilot.press("right_square_bracket", "right_square_bracket")
        await settle(pilot)
        assert app.current_path == "pkg/store/store.go" and app.reader.session.trail_step == "g-create"
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert app.reader.session.trail_step == "g-run"
        rendered = str(app.query_one("ComponentMap").render())
        assert "1:kubectl 2/2" in rendered and "2:store 1/1" in rendered
        await pilot.press("1")
        await settle(pilot)
        assert app.reader.session.trail_step == "g-main"
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("down", "down", "enter")  # from g-main; the chapter heading is skipped
        await settle(pilot)
        assert app.current_path == "pkg/store/store.go"
    again = make_app(reader_tree)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert again.reader.session.trail_step == "g-create"


@sync
async def test_language_switch(reader_tree):
    app = make_app(reader_tree, lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.query_one(NotesPane)

        def drawn() -> str:
            notes = pane.query_one("NotesList")
            return "\n".join(notes.render_line(y).text for y in range(notes.size.height))

        header = app.query_one(ReaderHeader)
        assert "入口" in drawn() and "Entry point" not in drawn()
        assert str(header.render()).endswith(" 中文 ")
        await pilot.press("L")
        await settle(pilot)
        assert app.reader.lang == "en" and pane.entries[0].lang == "en"
        assert "Entry point" in drawn() and "入口" not in drawn()
        # The header says it, in the same frame; no toast to mount (two more frames).
        assert str(header.render()).endswith(" EN ")
        assert not app._notifications


@sync
async def test_go_to_definition_and_back(reader_tree):
    app = make_app(reader_tree, open_path="pkg/apply/apply.go")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        view = app.query_one(SourceView)
        line = line_of(reader_tree, "pkg/apply/apply.go", "o.Store.Create(obj)")
        column = (reader_tree / "pkg/apply/apply.go").read_text().split("\n")[line - 1].index("Create") + 1
        view.restore_position(line, column)
        await pilot.press("g", "d")
        await settle(pilot)
        target = line_of(reader_tree, "pkg/store/store.go", "func (s *Store) Create")
        assert (app.current_path, view.cursor_line) == ("pkg/store/store.go", target)
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert (app.current_path, view.cursor_line) == ("pkg/apply/apply.go", line)
        await pilot.press("alt+right")
        await pilot.pause()
        assert app.current_path == "pkg/store/store.go"


@sync
async def test_outline_jumps(reader_tree):
    app = make_app(reader_tree, open_path="pkg/store/store.go")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await pilot.pause()
        await pilot.press(*".Error", "enter")
        await pilot.pause()
        assert app.query_one(SourceView).cursor_line == line_of(reader_tree, "pkg/store/store.go", "func (e fmtError) Error")


@sync
async def test_symbol_search_and_tree_search(reader_tree):
    app = make_app(reader_tree)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+t")
        await pilot.pause()
        await pilot.press(*"ApplyOptions", "enter")
        await settle(pilot)
        assert app.current_path == "pkg/apply/apply.go"
        assert app.query_one(SourceView).cursor_line == line_of(reader_tree, "pkg/apply/apply.go", "type ApplyOptions struct")
        await pilot.press("ctrl+f")
        await pilot.pause()
        await pilot.press(*"errExists", "enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.current_path == "pkg/store/store.go"
        assert app.query_one(SourceView).cursor_line == line_of(reader_tree, "pkg/store/store.go", "return errExists")


@sync
async def test_moved_note_is_marked_and_repinned_orphan_counted(reader_tree, tmp_path):
    from k8sread.core.note import Note
    from k8sread.core.placement import anchored

    text = (reader_tree / "pkg/store/store.go").read_text()
    lines = text.split("\n")
    new_line = line_of(reader_tree, "pkg/store/store.go", "func New()")
    mine = Pack.create(user_pack_dir(), "mine")
    mine.upsert("pkg/store/store.go", anchored(Note(id="m1", start=new_line, end=new_line + 2, title="ctor"), lines, is_go=True))
    mine.upsert("pkg/store/store.go", anchored(Note(id="gone", start=2, end=3, title="doc"), lines, is_go=True))
    # The code changes: three lines inserted above, and the doc comment is rewritten.
    changed = text.replace("// Store keeps objects.", "// A Store holds\n// every object\n// by name.\n// Really.")
    (reader_tree / "pkg/store/store.go").write_text(changed)
    app = make_app(reader_tree, open_path="pkg/store/store.go")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        header = app.query_one(ReaderHeader)
        assert header.orphans == 1
        moved = {p.note.id: p.start for p in app.reader.placements if p.moved}
        create = line_of(reader_tree, "pkg/store/store.go", "func (s *Store) Create")
        assert moved == {"m1": new_line + 3, "g-create": create}  # the guide's note moved too
        view = app.query_one(SourceView)
        assert new_line + 3 in view._moved
        view.go_to_line(new_line + 3)
        await pilot.press("p")
        await settle(pilot)
        saved = {n.id: n for n in Pack.open(user_pack_dir()).notes_for("pkg/store/store.go")}
        assert (saved["m1"].start, saved["m1"].end) == (new_line + 3, new_line + 5)
        assert {p.note.id for p in app.reader.placements if p.moved} == {"g-create"}  # read-only: stays moved
        await pilot.press("O")
        await pilot.pause()
        assert type(app.screen).__name__ == "OrphansScreen"


@sync
async def test_help_and_palette(reader_tree):
    app = make_app(reader_tree)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        await pilot.press("escape")
        await pilot.press("ctrl+k")
        await pilot.pause()
        assert type(app.screen).__name__ == "CommandPalette"


@sync
async def test_small_terminal_layout(reader_tree):
    app = make_app(reader_tree, open_path="pkg/apply/apply.go")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        view = app.query_one(SourceView)
        tree = app.query_one("#tree")
        # Reading: the tree is folded to a rail, the code has the room.
        assert view.size.width >= 50 and not tree.display
        await pilot.press("right_square_bracket", "right_square_bracket")  # steps while folded
        await settle(pilot)
        await pilot.press("ctrl+b")  # into the tree: it unfolds and has the focus
        await pilot.pause()
        assert tree.display and tree.has_focus
        assert tree.cursor_node is not None and tree.cursor_node.data.path == app.current_path  # revealed now
        assert tree._file_counts  # and its note counts, left until it was seen
        await pilot.press("ctrl+b")  # back to the code: it folds again
        await pilot.pause()
        assert not tree.display and view.has_focus
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert view.size.width >= 70
        await pilot.resize_terminal(40, 10)
        await pilot.pause()
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert view.size.width > 100


@sync
async def test_packs_switch_off_and_choose_target(reader_tree):
    app = make_app(reader_tree, open_path="pkg/store/store.go")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert [item.note.id for item in app.query_one(NotesPane).items] == ["g-create"]
        await pilot.press("P")
        await pilot.pause()
        await pilot.press("space")  # the guide pack is first: hide it
        await pilot.press("escape")
        await settle(pilot)
        assert app.query_one(NotesPane).items == []
        assert app.query_one(SourceView)._markers == {}
        assert app.reader.trail is None or app.reader.trail.pack.name != "guide"


@sync
async def test_export_current_file(reader_tree):
    from k8sread.core.paths import data_dir

    app = make_app(reader_tree, open_path="pkg/store/store.go")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("enter")  # "This file's notes"
        await settle(pilot)
    out = data_dir() / "exports" / "guide-pkg_store_store.go-en.md"
    text = out.read_text()
    assert "Create" in text and "```go" in text and "func (s *Store) Create" in text


@sync
async def test_opening_a_file_at_a_far_line_scrolls_there(reader_tree):
    long_file = reader_tree / "pkg/long/long.go"
    long_file.parent.mkdir(parents=True)
    long_file.write_text("package long\n\n" + "".join(f"func F{i}() int {{ return {i} }}\n" for i in range(400)))
    app = make_app(reader_tree)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.jump_to("pkg/long/long.go", 300, select=(300, 305))
        await pilot.pause()
        first, last = app.query_one(SourceView).visible_range()
        assert first <= 300 and last >= 305


@sync
async def test_trail_steps_land_where_the_code_is_now(reader_tree):
    store = reader_tree / "pkg/store/store.go"
    store.write_text(store.read_text().replace("// Store keeps objects.", "// Store keeps objects.\n// (two lines\n// inserted above)"))
    kubectl = reader_tree / "cmd/kubectl/kubectl.go"
    kubectl.write_text("package main\n\nfunc run() {}\n")  # the noted declaration is gone (with main kept, the note would be changed)
    app = make_app(reader_tree, open_path="pkg/apply/apply.go")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("1")  # g-main: orphaned here
        await settle(pilot)
        assert app.reader.session.trail_step == "g-main"
        assert app.query_one(SourceView).selection is None
        await pilot.press("2")  # g-create: moved down by two lines
        await settle(pilot)
        create = line_of(reader_tree, "pkg/store/store.go", "func (s *Store) Create")
        assert app.query_one(SourceView).selection == (create, create + 6)


@sync
async def test_bad_config_theme_is_reported_not_fatal(reader_tree):
    from k8sread.core.paths import config_dir

    config_dir().mkdir(parents=True, exist_ok=True)
    (config_dir() / "config.toml").write_text('theme = "no-such-theme"\nlang = "zh"\n')
    app = make_app(reader_tree, lang=None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.reader.lang == "zh"
        assert any("unknown theme" in str(n.message) for n in app._notifications)
    (config_dir() / "config.toml").write_text('theme = "nord"\n')
    app = make_app(reader_tree)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.theme == "nord"


@sync
async def test_the_first_frame_shows_the_requested_line_with_the_tree_folded(reader_tree):
    """`k8sread TREE --open FILE:LINE`: the first frame drawn already has the line centred and
    the tree folded for the code. It used to draw line 1 beside the open tree, then fold the
    tree a frame later, then scroll: three frames, ~300 ms, before the code asked for."""
    from k8sread.ui.widgets.file_tree import FileTree
    from k8sread.ui.widgets.source_view import SourceView

    body = "".join(f"\tx{n} := {n}\n" for n in range(1, 400))
    (reader_tree / "pkg/long/long.go").parent.mkdir(parents=True)
    (reader_tree / "pkg/long/long.go").write_text(f"package long\n\nfunc f() {{\n{body}}}\n")
    first_frame: list[tuple[int, bool]] = []
    render_line = SourceView.render_line

    def recording(view, y):
        if not first_frame:
            first_frame.append((int(view.scroll_y), view.screen.query_one(FileTree).display))
        return render_line(view, y)

    app = make_app(reader_tree, open_path="pkg/long/long.go", open_line=300)
    SourceView.render_line = recording  # type: ignore[method-assign]
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            view = app.query_one(SourceView)
            top, tree_shown = first_frame[0]
            assert view.cursor_line == 300
            assert top == int(view.scroll_y)  # no later scroll: the first frame was the final one
            assert top < 300 - 1 < top + view.size.height
            assert not tree_shown
    finally:
        SourceView.render_line = render_line  # type: ignore[method-assign]


@sync
async def test_the_next_trail_step_is_worked_out_ahead(reader_tree, parsed_notes):
    # After a step, the next one's notes are parsed, placed and laid out while you read: the
    # key that goes there parses nothing.
    parsed = parsed_notes
    app = make_app(reader_tree)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("right_square_bracket")  # step 1, main in kubectl.go
        await settle(pilot)
        assert app.current_path == "cmd/kubectl/kubectl.go"
        assert "pkg/apply/apply.go" in parsed  # step 2's notes, ahead of the key
        assert app.reader.session.trail_step == "g-main"  # nothing moved meanwhile
        parsed.clear()
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert app.current_path == "pkg/apply/apply.go"
        assert "pkg/apply/apply.go" not in parsed

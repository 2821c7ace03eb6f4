"""Keys remapped in config.toml reach the real app: single keys, chords, the palette and `?`."""

from __future__ import annotations

from reader_support import settle, sync

from k8sread.core.pack import Pack
from k8sread.core.packset import PackSet, writable_pack
from k8sread.core.paths import config_dir
from k8sread.core.source_tree import SourceTree
from k8sread.ui.widgets.source_view import SourceView


def make_app(root, **kwargs):
    from k8sread.ui.app import ReaderApp

    guide = Pack.open(root.parent / "guide", writable=False)
    mine = writable_pack(None)
    return ReaderApp(SourceTree.open(root), packs=PackSet(packs=[guide, mine], writable=mine), lang="en", **kwargs)


def write_keymap(text: str) -> None:
    config_dir().mkdir(parents=True, exist_ok=True)
    (config_dir() / "config.toml").write_text(text, "utf-8")


@sync
async def test_a_remapped_key_and_chord_work_and_the_old_ones_do_not(reader_tree):
    write_keymap('[keymap]\n"reader.next_step" = "n"\n"source.top" = "z z"\n')
    app = make_app(reader_tree, open_path="pkg/store/store.go")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert app.reader.session.trail_step is None  # ] no longer steps
        await pilot.press("n")
        await settle(pilot)
        assert app.reader.session.trail_step == "g-main"
        view = app.query_one(SourceView)
        view.go_to_line(12)
        await pilot.press("g", "g")
        assert view.cursor_line == 12  # gg is unbound now
        await pilot.press("z", "z")
        assert view.cursor_line == 1


@sync
async def test_palette_and_help_list_chords_from_the_same_table(reader_tree):
    write_keymap('[keymap]\n"source.references" = "g x"\n')
    app = make_app(reader_tree)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        from k8sread.ui.palette_commands import _actions

        listed = {title: key for title, key, _ in _actions(app)}
        assert listed["Top"] == "gg" and listed["Go to definition"] == "enter" and listed["References"] == "gx"
        await pilot.press("question_mark")
        await settle(pilot)
        from k8sread.ui.screens.help import HelpScreen

        assert isinstance(app.screen, HelpScreen)
        rows = {description: key for _, key, description in app.screen.rows()}
        assert rows["Top"] == "gg, home, ctrl+home" and rows["References"] == "gx" and rows["Next step"] == "]"


@sync
async def test_an_unknown_binding_id_is_a_warning_not_a_crash(reader_tree):
    write_keymap('[keymap]\n"reader.teleport" = "T"\n')
    app = make_app(reader_tree)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert any("reader.teleport" in n.message for n in app._notifications)


@sync
async def test_a_text_step_shows_as_a_page_and_brackets_walk_on(reader_tree):
    guide_root = reader_tree.parent / "guide"
    meta = (guide_root / "pack.toml").read_text().replace('steps = ["g-main", "g-run"]', 'steps = ["g-main", "text:why", "g-run"]')
    (guide_root / "pack.toml").write_text(meta + '\n[[texts]]\nid = "why"\ntitle = "Why two steps"\nbody = "Prose, \\u001b[2J no code."\n')
    app = make_app(reader_tree, open_path="cmd/kubectl/kubectl.go")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("right_square_bracket", "right_square_bracket")
        await settle(pilot)
        from k8sread.ui.screens.text_step import TextStepScreen

        assert isinstance(app.screen, TextStepScreen) and app.screen.page.title == "Why two steps"
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert not isinstance(app.screen, TextStepScreen) and app.current_path == "pkg/apply/apply.go"
        await pilot.press("t")
        await settle(pilot)
        assert type(app.screen).__name__ == "TrailScreen"  # lists the text step without crashing


@sync
async def test_w_wraps_long_lines(reader_tree):
    (reader_tree / "pkg/long.go").write_text('package x\n\nvar long = "' + "x" * 400 + '"\n')
    app = make_app(reader_tree, open_path="pkg/long.go")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        view = app.query_one(SourceView)
        assert not view.wrapped and view.render_line(2).text.rstrip().endswith("›")
        await pilot.press("W")
        await pilot.pause()
        assert view.wrapped and "↪" in view.render_line(3).text

"""Line comments in the reader: drawn above their line, added with `c`, hidden with `C`,
edited and deleted as notes are, never part of the code (issue 12)."""

from __future__ import annotations

from reader_support import settle, sync

from k8sread.core.note import COMMENT
from k8sread.core.pack import Pack
from k8sread.core.packset import PackSet, writable_pack
from k8sread.core.source_tree import SourceTree
from k8sread.ui.widgets.source_view import SourceView

PATH = "pkg/store/store.go"


def make_app(root):
    from k8sread.ui.app import ReaderApp

    guide = Pack.open(root.parent / "guide", writable=False)
    mine = writable_pack(None)
    return ReaderApp(SourceTree.open(root), packs=PackSet(packs=[guide, mine], writable=mine), lang="en", open_path=PATH)


def row_texts(view: SourceView) -> list[str]:
    return [view.render_line(y).text for y in range(view.size.height)]


@sync
async def test_add_show_hide_edit_and_delete_a_line_comment(reader_tree):
    app = make_app(reader_tree)
    target = next(i for i, line in enumerate((reader_tree / PATH).read_text().split("\n"), 1) if "s.items[name] = true" in line)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        view = app.query_one(SourceView)
        view.go_to_line(target)
        await pilot.press("c")
        await pilot.pause()
        await pilot.press(*"remember the name", "enter")
        await settle(pilot)
        (comment,) = [n for n in Pack.open(writable_pack(None).root).notes_for(PATH) if n.kind == COMMENT]
        assert (comment.start, comment.end, comment.body) == (target, target, "remember the name") and comment.anchor
        rows = row_texts(view)
        drawn = next(i for i, text in enumerate(rows) if "// remember the name" in text)
        assert "s.items[name] = true" in rows[drawn + 1]  # right above its line
        assert not rows[drawn].strip().startswith(str(target))  # no line number on it
        from k8sread.ui.widgets.notes_pane import NotesPane

        listed = app.query_one(NotesPane).items
        assert listed[-1].note.is_comment and not listed[0].note.is_comment  # under the notes
        # It is not code: moving down from the line above skips it, and the cursor line is code.
        view.go_to_line(target - 1)
        await pilot.press("j")
        assert view.cursor_line == target
        # Hidden and shown again with C.
        await pilot.press("C")
        await pilot.pause()
        assert not any("// remember the name" in text for text in row_texts(view))
        await pilot.press("C")
        await pilot.pause()
        assert any("// remember the name" in text for text in row_texts(view))
        # e on its line edits it in the one-line editor.
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("end", *" first", "enter")
        await settle(pilot)
        (comment,) = [n for n in Pack.open(writable_pack(None).root).notes_for(PATH) if n.kind == COMMENT]
        assert comment.body == "remember the name first"
        # d deletes it, after asking.
        await pilot.press("d")
        await pilot.pause()
        from k8sread.ui.screens.confirm import ConfirmScreen

        assert isinstance(app.screen, ConfirmScreen)
        app.screen.dismiss(True)
        await settle(pilot)
        assert not [n for n in Pack.open(writable_pack(None).root).notes_for(PATH) if n.kind == COMMENT]
        assert not any("// remember" in text for text in row_texts(view))


@sync
async def test_comments_from_a_pack_are_drawn_inert_in_its_colour(reader_tree):
    from k8sread.core.note import Note

    mine = writable_pack(None)
    mine.upsert(PATH, Note(id="c-x", kind=COMMENT, start=3, end=3, title="", body={"en": "evil \x1b[2J text", "zh": "中文"}))
    app = make_app(reader_tree)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        view = app.query_one(SourceView)
        view.go_to_line(1)
        await pilot.pause()
        texts = row_texts(view)
        assert any("// evil" in text and "\x1b" not in text for text in texts)
        assert app.reader.comments() and not [p for p in app.reader.placed() if p.note.is_comment]


@sync
async def test_a_comment_wider_than_the_code_says_it_goes_on(reader_tree):
    from k8sread.core.note import Note

    mine = writable_pack(None)
    mine.upsert(PATH, Note(id="c-long", kind=COMMENT, start=3, end=3, title="", body="word " * 60))
    app = make_app(reader_tree)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        view = app.query_one(SourceView)
        view.go_to_line(1)
        await pilot.pause()
        (row,) = [text for text in row_texts(view) if "// word" in text]
        assert row.rstrip().endswith("›")

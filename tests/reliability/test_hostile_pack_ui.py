"""A pack written by a stranger, opened in the real reader: nothing it holds reaches the
terminal as a control sequence, becomes markup (bold, links, click actions), or crashes a screen.

Every screen the pack's text can reach is drawn and inspected segment by segment: the header,
the tree, the notes pane, notifications, the trail view, the component map, the packs screen,
the orphans list, the file finder, the outline, the note editor. Source file names carry the
same payloads, since the tree and the notes file paths come from the same stranger.
"""

from __future__ import annotations

import re
from pathlib import Path

from reader_support import sync

from k8sread.core.note import Note
from k8sread.core.pack import Pack
from k8sread.core.sanitize import inert
from k8sread.core.packset import PackSet, writable_pack
from k8sread.core.source_tree import SourceTree
from k8sread.ui.screens.note_editor import NoteEditorScreen

# OSC 52 (write the clipboard), CSI (clear, move the cursor), OSC 8 (hyperlink), 8-bit CSI,
# Rich/Textual markup (style, link, click action that quits), a bidi override.
PAYLOAD = (
    "\x1b]52;c;ZXZpbA==\x07 \x1b[2J\x1b[1;1H \x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\ \x9b31m"
    " [bold red]B[/bold red] [link=https://evil.example]L[/link] [@click=app.quit]Q[/] \u202eevil"
)
# File names cannot hold '/', so no closing tags: open ones still style (or break) markup.
NAME_PAYLOAD = "\x1b]52;c;ZXZpbA==\x07[bold]B[link=mailto:evil]L[@click=app.quit]Q\x1b[2J\x9b31m"
LIVE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

GO = "package evil\n\n// F does it.\nfunc F() {\n\tx := \"\x1b[31mred\x07\"\n\t_ = x\n}\n\nfunc G() {}\n"


def build(tmp_path: Path) -> tuple[Path, Pack, str, str]:
    root = tmp_path / "tree"
    hostile = f"pkg/e{NAME_PAYLOAD}.go"
    broken = f"pkg/b{NAME_PAYLOAD}.go"
    (root / "pkg").mkdir(parents=True)
    (root / hostile).write_bytes(GO.encode() + b"// \xff\xfe not UTF-8\n")
    (root / broken).write_text(GO)
    (root / "pkg/ok.go").write_text(GO)

    pack_dir = tmp_path / "evil"
    pack_dir.mkdir()
    toml_payload = PAYLOAD.replace("\\", "\\\\")
    toml_payload = "".join(ch if ord(ch) >= 0x20 and ord(ch) != 0x7F else f"\\u{ord(ch):04x}" for ch in toml_payload)
    (pack_dir / "pack.toml").write_text(
        f'format = 1\nname = "evil"\ntitle = "T {toml_payload}"\ndescription = "D {toml_payload}"\n'
        f'authors = ["A {toml_payload}"]\nmap = ["c"]\n\n'
        f'[[components]]\nid = "c"\nkey = "1"\ntitle = "C {toml_payload}"\nentry = "../../etc/[link=x:y]passwd"\nfolders = ["pkg"]\n\n'
        f'[[chapters]]\ncomponent = "c"\ntitle = "H {toml_payload}"\nsteps = ["evil-1", "gone"]\n',
        encoding="utf-8",
    )
    pack = Pack.open(pack_dir)
    pack.save_notes(hostile, [
        Note(id="evil-1", start=4, end=7, title="N " + PAYLOAD, body="Body " + PAYLOAD + "\n\n[md link](https://evil.example)",
             tags=("t" + PAYLOAD, "[b]x"), author="a " + PAYLOAD, symbol="F" + PAYLOAD),
        Note(id="evil-2", start=900, end=901, title="Orphan " + PAYLOAD),  # past the end: an orphan
    ])
    (pack_dir / (broken + ".toml")).write_text('[[notes]]\nid = "x"\nlines = [1, ', encoding="utf-8")
    return root, pack, hostile, broken


def strips_text(app) -> list[str]:
    return ["".join(segment.text for segment in strip) for strip in app.screen._compositor.render_strips()]


def assert_inert(app) -> str:
    """Nothing live on the whole screen; returns the screen's text."""
    strips = app.screen._compositor.render_strips()
    for strip in strips:
        for segment in strip:
            assert not LIVE.search(segment.text), repr(segment.text)
            style = segment.style
            if style is not None:
                assert not (style.link and "evil" in style.link), style.link
                meta = style.meta or {}
                assert "quit" not in str(meta.get("@click", "")), meta
    return "\n".join(strips_text(app))


async def settle(app, pilot):
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


@sync
async def test_every_screen_draws_a_hostile_pack_inert(tmp_path):
    from k8sread.ui.app import ReaderApp

    root, pack, hostile, broken = build(tmp_path)
    mine = writable_pack(None)
    packs = PackSet(packs=[pack, mine], writable=mine)
    app = ReaderApp(SourceTree.open(root), packs=packs, open_path=hostile, lang="en")
    async with app.run_test(size=(160, 45), notifications=True) as pilot:
        await settle(app, pilot)
        assert app.current_path == hostile
        screen = assert_inert(app)
        # Shown as the literal text it is: markup did not style, link or vanish.
        assert "[link=https://evil.example]L[/link]" in screen  # notes pane title
        assert "[bold]B[link=mailto:evil]L[@click=app.quit]Q" in screen  # header and tree
        assert "␛]52;c;ZXZpbA==␇" in screen
        # The non-UTF-8 file's notification quotes its hostile name, plainly.
        assert any("not valid UTF-8" in n.message and "␛]52" in n.message for n in app._notifications)
        assert app.is_running

        # The trail view: chapter and component titles, a step whose note is missing.
        await pilot.press("t")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "TrailScreen"
        assert "H ␛]52" in assert_inert(app)
        await pilot.press("escape")

        # The packs screen: the pack's title.
        await pilot.press("P")
        await settle(app, pilot)
        assert "T ␛]52" in assert_inert(app)
        await pilot.press("escape")

        # The orphans list: the orphaned note's title and why.
        await pilot.press("O")
        await settle(app, pilot)
        assert "Orphan ␛]52" in assert_inert(app)
        await pilot.press("escape")

        # A component whose entry leaves the tree: refused, and the message is plain text.
        await pilot.press("1")
        await settle(app, pilot)
        assert_inert(app)

        # The outline's status line quotes the file name (a Label: it parsed markup before).
        await pilot.press("o")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "OutlineScreen"
        assert "[bold]B[link=mailto:evil]" in assert_inert(app)
        await pilot.press("escape")

        # The file finder lists the hostile names.
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        await pilot.press("e", "v", "i", "l")
        await settle(app, pilot)
        assert "[bold]B" in assert_inert(app)
        await pilot.press("escape")

        # A notes file that does not parse, under a hostile name: the error names it, inertly.
        assert app.open_file(broken)
        await settle(app, pilot)
        messages = [n.message for n in app._notifications]
        assert any("invalid TOML" in m and "[bold]B[link=mailto:evil]" in m for m in messages), messages
        assert all(not LIVE.search(m.replace("\n", " ")) for m in messages)
        assert_inert(app)
        assert app.is_running and app.return_code is None


@sync
async def test_editing_a_hostile_note_shows_and_saves_it_inert(tmp_path):
    """A pack added from git is writable: the editor must not draw the stranger's escapes either."""
    from k8sread.ui.app import ReaderApp

    root, pack, hostile, _ = build(tmp_path)
    packs = PackSet(packs=[pack], writable=pack)
    app = ReaderApp(SourceTree.open(root), packs=packs, open_path=hostile, lang="en")
    async with app.run_test(size=(160, 45), notifications=True) as pilot:
        await settle(app, pilot)
        app.query_one("SourceView").go_to_line(5)
        await pilot.press("e")
        await settle(app, pilot)
        assert isinstance(app.screen, NoteEditorScreen)
        assert_inert(app)
        await pilot.press("end", "!", "ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, NoteEditorScreen)
    (saved,) = [n for n in Pack.open(pack.root).notes_for(hostile) if n.id == "evil-1"]
    # What the editor showed is what was saved: stand-ins, markup as literal text, the typed '!'.
    assert saved.title == inert("N " + PAYLOAD) + "!"
    assert saved.body == inert("Body " + PAYLOAD + "\n\n[md link](https://evil.example)")
    assert "\x1b" not in saved.title + saved.body and "[link=https://evil.example]L[/link]" in saved.title

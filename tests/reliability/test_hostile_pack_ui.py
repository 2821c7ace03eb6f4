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

from reader_support import settle, sync

from k8sread.core.note import Note
from k8sread.core.pack import Pack
from k8sread.core.packset import PackSet, writable_pack
from k8sread.core.sanitize import inert
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

GO = 'package evil\n\n// F does it.\nfunc F() {\n\tx := "\x1b[31mred\x07"\n\t_ = x\n}\n\nfunc G() {}\n'


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
    pack.save_notes(
        hostile,
        [
            Note(
                id="evil-1",
                start=4,
                end=7,
                title="N " + PAYLOAD,
                body="Body " + PAYLOAD + "\n\n[md link](https://evil.example)",
                tags=("t" + PAYLOAD, "[b]x"),
                author="a " + PAYLOAD,
                symbol="F" + PAYLOAD,
            ),
            Note(id="evil-2", start=900, end=901, title="Orphan " + PAYLOAD),  # past the end: an orphan
        ],
    )
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


@sync
async def test_every_screen_draws_a_hostile_pack_inert(tmp_path):
    from k8sread.ui.app import ReaderApp

    root, pack, hostile, broken = build(tmp_path)
    mine = writable_pack(None)
    packs = PackSet(packs=[pack, mine], writable=mine)
    app = ReaderApp(SourceTree.open(root), packs=packs, open_path=hostile, lang="en")
    async with app.run_test(size=(160, 45), notifications=True) as pilot:
        await settle(pilot)
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
        await settle(pilot)
        assert type(app.screen).__name__ == "TrailScreen"
        assert "H ␛]52" in assert_inert(app)
        await pilot.press("escape")

        # The packs screen: the pack's title.
        await pilot.press("P")
        await settle(pilot)
        assert "T ␛]52" in assert_inert(app)
        await pilot.press("escape")

        # The orphans list: the orphaned note's title and why.
        await pilot.press("O")
        await settle(pilot)
        assert "Orphan ␛]52" in assert_inert(app)
        await pilot.press("escape")

        # A component whose entry leaves the tree: refused, and the message is plain text.
        await pilot.press("1")
        await settle(pilot)
        assert_inert(app)

        # The outline's status line quotes the file name (a Label: it parsed markup before).
        await pilot.press("o")
        await settle(pilot)
        assert type(app.screen).__name__ == "OutlineScreen"
        assert "[bold]B[link=mailto:evil]" in assert_inert(app)
        await pilot.press("escape")

        # The file finder lists the hostile names.
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press("e", "v", "i", "l")
        await settle(pilot)
        assert "[bold]B" in assert_inert(app)
        await pilot.press("escape")

        # A notes file that does not parse, under a hostile name: the error names it, inertly.
        assert app.open_file(broken)
        await settle(pilot)
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
        await settle(pilot)
        app.query_one("SourceView").go_to_line(5)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, NoteEditorScreen)
        assert_inert(app)
        await pilot.press("end", "!", "ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, NoteEditorScreen)
    (saved,) = [n for n in Pack.open(pack.root).notes_for(hostile) if n.id == "evil-1"]
    # What the editor showed is what was saved: stand-ins, markup as literal text, the typed '!'.
    assert saved.title == inert("N " + PAYLOAD) + "!"
    assert saved.body == inert("Body " + PAYLOAD + "\n\n[md link](https://evil.example)")
    assert "\x1b" not in saved.title + saved.body and "[link=https://evil.example]L[/link]" in saved.title


# ---- bounded: a pack cannot freeze or crash the reader (issue 15, items 1-7) ---------------------
#
# Freezes are checked by counting work or by whether a file was ever opened, never by the clock:
# each of these made the reader hang (seconds to hours) or die before.


def small_tree(tmp_path: Path, lines: int = 3) -> Path:
    root = tmp_path / "tree"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg/a.go").write_text("package a\n" + "".join(f"// line {i}\n" for i in range(2, lines)) + "func A() {}\n")
    (root / "pkg/b.go").write_text("package b\n\nfunc B() {}\n")
    return root


def stranger_pack(tmp_path: Path, meta: str = "", name: str = "stranger") -> Pack:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "pack.toml").write_text(f'format = 1\nname = "{name}"\n' + meta)
    return Pack.open(folder)


def messages(app) -> list[str]:
    return [n.message for n in app._notifications]


@sync
async def test_deep_nesting_in_a_registered_pack_and_in_a_notes_file_is_a_message(tmp_path, capsys):
    """Item 1: `x = [[[...` 5000 deep made every start end in a RecursionError (a registered
    pack's pack.toml) or crashed the reader when the file was opened (a notes file)."""
    from k8sread.cli import main
    from k8sread.ui.app import ReaderApp

    root = small_tree(tmp_path)
    later = tmp_path / "later"
    Pack.create(later, "later")
    assert main(["pack", "add", str(later)]) == 0
    (later / "pack.toml").write_text('format = 1\nname = "later"\nx = ' + "[" * 5000 + "]" * 5000 + "\n")
    stranger = Pack.create(tmp_path / "notes-deep", "notes-deep")
    stranger.notes_path("pkg/a.go").parent.mkdir(parents=True)
    stranger.notes_path("pkg/a.go").write_text("x = " + "{a=" * 5000 + "1" + "}" * 5000 + "\n")
    packs = PackSet.for_tree(root, extra=[Pack.open(stranger.root, writable=False)])  # + the registered ones
    app = ReaderApp(SourceTree.open(root), packs=packs, open_path="pkg/a.go", lang="en")
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await settle(pilot)
        assert app.current_path == "pkg/a.go"
        assert any("later" in m and "nested more than" in m for m in messages(app)), messages(app)
        assert app.open_file("pkg/b.go") and app.open_file("pkg/a.go")
        await settle(pilot)
        assert any("a.go.toml" in m and "nested more than" in m for m in messages(app)), messages(app)
        assert app.is_running
    capsys.readouterr()


@sync
async def test_a_fifo_notes_file_never_blocks_the_reader(tmp_path):
    """Item 5: a notes file that is a FIFO froze the reader on a blank screen (open() waits for a
    writer; q and ctrl+c were never read). A thread stands ready to write into it: had the reader
    opened it, that thread would have run. The reader shows the file, says why its notes are
    not read, and quits on q."""
    import os
    import threading

    from k8sread.ui.app import ReaderApp

    root = small_tree(tmp_path)
    stranger = Pack.create(tmp_path / "fifo", "fifo")
    fifo = stranger.notes_path("pkg/a.go")
    fifo.parent.mkdir(parents=True)
    os.mkfifo(fifo)
    opened = threading.Event()

    def writer() -> None:
        fd = os.open(fifo, os.O_WRONLY)
        opened.set()
        try:
            os.write(fd, b'[[notes]]\nid = "n"\nlines = [1, 1]\ntitle = "from the fifo"\n')
        except BrokenPipeError:
            pass
        finally:
            os.close(fd)

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    mine = writable_pack(None)
    app = ReaderApp(SourceTree.open(root), packs=PackSet(packs=[stranger, mine], writable=mine), open_path="pkg/a.go", lang="en")
    try:
        async with app.run_test(size=(120, 30), notifications=True) as pilot:
            await settle(pilot)
            assert app.current_path == "pkg/a.go"
            assert any("not a regular file" in m for m in messages(app)), messages(app)
            assert not opened.is_set(), "the reader opened the FIFO"
            await pilot.press("q")
            await pilot.pause()
            assert not app.is_running
    finally:
        os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))
        thread.join(10)


@sync
async def test_a_step_listed_twice_opens_the_trail_view(tmp_path):
    """Item 6: `steps = ["s1", "s1"]`, then t: the trail view crashed with DuplicateID."""
    from k8sread.ui.app import ReaderApp

    root = small_tree(tmp_path)
    stranger = stranger_pack(
        tmp_path, '[[components]]\nid = "c"\nkey = "1"\nfolders = ["pkg"]\n[[chapters]]\ncomponent = "c"\nsteps = ["s1", "s1", "s2", "s1"]\n'
    )
    writable = Pack.open(stranger.root)
    writable.upsert("pkg/a.go", Note(id="s1", start=1, end=1, title="first"))
    writable.upsert("pkg/b.go", Note(id="s2", start=3, end=3, title="second"))
    mine = writable_pack(None)
    app = ReaderApp(
        SourceTree.open(root), packs=PackSet(packs=[Pack.open(stranger.root, writable=False), mine], writable=mine), open_path="pkg/a.go", lang="en"
    )
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert type(app.screen).__name__ == "TrailScreen"
        screen = "\n".join(strips_text(app))
        assert "first" in screen and "second" in screen and "3." not in screen
        await pilot.press("escape")
        await settle(pilot)
        walked = []
        for _ in range(4):
            await pilot.press("right_square_bracket")
            await settle(pilot)
            walked.append(app.current_path)
        assert walked[:2] == ["pkg/a.go", "pkg/b.go"] and any("End of the trail" in m for m in messages(app))
        assert app.is_running


def _huge_map(count: int = 100_000, components: int = 40_000) -> str:
    """Item 3's pack.toml: 100k map ids, 40k components (about 1.6 MB)."""
    ids = [f"c{i}" for i in range(count)]
    return "map = [" + ",".join(f'"{i}"' for i in ids) + "]\n" + "".join(f'[[components]]\nid = "c{i}"\n' for i in range(components))


@sync
async def test_a_huge_map_is_refused_and_a_map_at_the_limits_draws(tmp_path):
    """Item 3: a map of 100k ids and 40k components froze the reader for about 3 minutes before
    its first screen. Over the limits the pack's trail is refused with a message; at the limits
    the map is drawn with one lookup per node."""
    from k8sread.cli import main
    from k8sread.core import trail as trail_module
    from k8sread.ui.app import ReaderApp

    root = small_tree(tmp_path)
    huge = tmp_path / "huge"
    Pack.create(huge, "huge")
    assert main(["pack", "add", str(huge)]) == 0
    (huge / "pack.toml").write_text('format = 1\nname = "huge"\n' + _huge_map())
    app = ReaderApp(SourceTree.open(root), open_path="pkg/a.go", lang="en")
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await settle(pilot)
        assert app.current_path == "pkg/a.go"
        assert any("huge" in m and "TOML tokens" in m for m in messages(app)), messages(app)

    at_limits = stranger_pack(
        tmp_path,
        "map = ["
        + ",".join(f'"c{i}"' for i in range(trail_module.MAX_MAP_NODES))
        + "]\n"
        + "".join(f'[[components]]\nid = "c{i}"\ntitle = "{"T" * 200}"\nfolders = ["pkg"]\n' for i in range(trail_module.MAX_COMPONENTS)),
        name="limits",
    )
    lookups = [0]
    real = trail_module.Trail.component
    mine = writable_pack(None)
    app = ReaderApp(SourceTree.open(root), packs=PackSet(packs=[at_limits, mine], writable=mine), open_path="pkg/a.go", lang="en")
    trail_module.Trail.component = lambda self, node: lookups.__setitem__(0, lookups[0] + 1) or real(self, node)
    try:
        async with app.run_test(size=(120, 30), notifications=True) as pilot:
            await settle(pilot)
            lookups[0] = 0
            app.query_one("ComponentMap").render()
            # Two per node (its label and its key); labels are cut to a fixed width.
            assert lookups[0] <= 2 * trail_module.MAX_MAP_NODES
            assert max(len(line) for line in str(app.query_one("ComponentMap").render()).split("\n")) < 64 * 40
    finally:
        trail_module.Trail.component = real


@sync
async def test_a_slow_anchor_opens_as_an_orphan_that_says_why(tmp_path, hashed_bytes):
    """Item 2 in the reader: the note froze it for 26 s on generated.pb.go; now the file opens
    with the note listed among the orphans, its reason the budget. Work is counted (bytes
    hashed), not timed."""
    from k8sread.core import anchors
    from k8sread.ui.app import ReaderApp

    root = tmp_path / "tree"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg/gen.go").write_text("package gen\n" + "".join(f"\tm.F{i} = dAtA[{i}:] // {i}\n" for i in range(67_000)))
    stranger = Pack.create(tmp_path / "slow", "slow")
    stranger.notes_path("pkg/gen.go").parent.mkdir(parents=True)
    stranger.notes_path("pkg/gen.go").write_text(
        "".join(f'[[notes]]\nid = "s{i}"\nlines = [20000, 50000]\ntitle = "slow"\nanchor.fingerprint = "0000000000000000"\n' for i in range(50))
    )
    mine = writable_pack(None)
    app = ReaderApp(
        SourceTree.open(root), packs=PackSet(packs=[Pack.open(stranger.root, writable=False), mine], writable=mine), open_path="pkg/gen.go", lang="en"
    )
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await settle(pilot)
        orphans = [p for p in app.reader.placements if p.orphan]
        assert len(orphans) == 50 and all(p.reason.startswith(anchors.BUDGET_REASON) for p in orphans)
        await pilot.press("O")
        await settle(pilot)
        assert anchors.BUDGET_REASON in "\n".join(strips_text(app))


class _LineBudget:
    """Counts Python line events in k8sread's own code (not Textual's) and stops the run past
    a budget: the work of a refresh, counted, not timed."""

    def __init__(self, limit: int) -> None:
        import k8sread

        self.root = str(Path(k8sread.__file__).parent)
        self.limit = limit
        self.count = 0

    def __enter__(self):
        import sys
        import threading

        def local(frame, event, arg):
            if event == "line":
                self.count += 1
                if self.count > self.limit:
                    raise RuntimeError(f"over {self.limit} lines of k8sread code")
            return local

        def global_(frame, event, arg):
            return local if frame.f_code.co_filename.startswith(self.root) else None

        self._previous = sys.gettrace()
        sys.settrace(global_)
        threading.settrace(global_)
        return self

    def __exit__(self, *exc):
        import sys
        import threading

        sys.settrace(self._previous)
        threading.settrace(None)
        return False


@sync
async def test_5000_notes_over_a_long_file_refresh_with_bounded_work(tmp_path):
    """Item 4: 5000 unanchored notes over the 67k-line file: about 35 s of freeze on each
    refresh (the gutter loop marked every line of every note: 335 million steps). The reader's
    own code may run at most 10 million lines to open the file with them (about 2 million with
    the gutter computed by gutter_marks; the old loop: 335 million)."""
    from k8sread.ui.app import ReaderApp

    root = tmp_path / "tree"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg/gen.txt").write_text("".join(f"line {i}\n" for i in range(67_000)))
    (root / "pkg/b.go").write_text("package b\n")
    stranger = Pack.create(tmp_path / "wide", "wide")
    stranger.notes_path("pkg/gen.txt").parent.mkdir(parents=True)
    stranger.notes_path("pkg/gen.txt").write_text("".join(f'[[notes]]\nid = "w{i}"\nlines = [1, 67000]\ntitle = "w"\n' for i in range(5000)))
    mine = writable_pack(None)
    app = ReaderApp(
        SourceTree.open(root), packs=PackSet(packs=[Pack.open(stranger.root, writable=False), mine], writable=mine), open_path="pkg/b.go", lang="en"
    )
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await settle(pilot)
        with _LineBudget(10_000_000) as budget:
            assert app.open_file("pkg/gen.txt")
        assert app.current_path == "pkg/gen.txt" and budget.count > 0

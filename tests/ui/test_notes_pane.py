"""The notes pane under Pilot: order across packs, markers, follow, keys, language, inert text."""

from __future__ import annotations

import re

from rich.cells import cell_len
from textual import on
from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button

from reader_support import sync

from k8sread.core.note import Note
from k8sread.core.pack import Pack
from k8sread.core.packset import PackNote
from k8sread.ui.palette import PACK_GLYPHS, MOVED_GLYPHS
from k8sread.ui.pane_note import PaneNote
from k8sread.ui.widgets.notes_pane import NotesPane

PATH = "pkg/kubelet/kubelet.go"
LIVE_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")



class Host(App[None]):
    def __init__(self, width: int = 44) -> None:
        super().__init__()
        self.pane_width = width
        self.seen: list[tuple] = []

    def compose(self) -> ComposeResult:
        with Horizontal():
            pane = NotesPane(id="notes")
            pane.styles.width = self.pane_width
            yield pane
            # Stands in for the source view, which has the focus while the reader reads.
            yield Button("source", id="source")

    def on_mount(self) -> None:
        self.query_one("#source").focus()

    @on(NotesPane.JumpTo)
    def jump(self, event: NotesPane.JumpTo) -> None:
        self.seen.append(("jump", event.note.id, event.path, event.start, event.end))

    @on(NotesPane.EditRequested)
    def edit(self, event: NotesPane.EditRequested) -> None:
        self.seen.append(("edit", event.note.id, event.pack))

    @on(NotesPane.DeleteRequested)
    def delete(self, event: NotesPane.DeleteRequested) -> None:
        self.seen.append(("delete", event.note.id, event.pack))


def screen_lines(app: App) -> list[str]:
    """The text of every row of the screen as drawn, segments joined."""
    strips = app.screen._compositor.render_strips()
    return ["".join(segment.text for segment in strip) for strip in strips]


def pane_lines(app: App, width: int) -> list[str]:
    """The first `width` cells of every row (a CJK character takes two)."""
    strips = app.screen._compositor.render_strips()
    return ["".join(segment.text for segment in strip.crop(0, width)) for strip in strips]


def pane_text(app: App, width: int) -> str:
    """The pane's rows without the entries' left border, joined with spaces: wrapped text reads on."""
    rows = [row.lstrip("▌ ").rstrip() for row in pane_lines(app, width)]
    return " ".join(row for row in rows if row)


def note(note_id: str, start: int, end: int, **fields) -> Note:
    fields.setdefault("title", {"en": f"Title {note_id}", "zh": f"标题 {note_id}"})
    fields.setdefault("body", {"en": f"Body of {note_id}.", "zh": f"{note_id} 的正文。"})
    return Note(id=note_id, start=start, end=end, **fields)


def two_packs(tmp_path) -> list[PackNote]:
    series = Pack.create(tmp_path / "series", "series", languages=("zh", "en"))
    mine = Pack.create(tmp_path / "mine", "mine")
    series.upsert(PATH, note("s-late", 200, 210, author="k8sread"))
    series.upsert(PATH, note("s-early", 10, 20, author="k8sread", tags=("kubelet", "sync")))
    mine.upsert(PATH, note("m-mid", 50, 60, author="alice"))
    items = [PackNote(0, series, n) for n in series.notes_for(PATH)] + [PackNote(1, mine, n) for n in mine.notes_for(PATH)]
    return items


async def settle(pilot, app: App) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


@sync
async def test_line_order_across_packs_with_markers_pack_and_author(tmp_path):
    app = Host()
    async with app.run_test(size=(60, 40)) as pilot:
        pane = app.query_one(NotesPane)
        pane.set_language("en")
        pane.show(PATH, two_packs(tmp_path))
        await settle(pilot, app)
        assert [item.note.id for item in pane.items] == ["s-early", "m-mid", "s-late"]
        assert [item.pack_name for item in pane.items] == ["series", "mine", "series"]
        text = "\n".join(pane_lines(app, 44))
        assert text.index("Title s-early") < text.index("Title m-mid") < text.index("Title s-late")
        assert "L10-L20 · series · k8sread" in text
        assert "L50-L60 · mine · alice" in text
        assert "#kubelet #sync" in text
        assert "Body of m-mid." in text
        # Distinct markers per pack, one per entry, drawn in the entry's pack colour class.
        rows = pane_lines(app, 44)
        marker_of = {}
        for row in rows:
            for title in ("Title s-early", "Title m-mid", "Title s-late"):
                if title in row:
                    marker_of[title] = row[: row.index(title)].strip()[-1]
        assert marker_of["Title s-early"] == marker_of["Title s-late"] == PACK_GLYPHS[0]
        assert marker_of["Title m-mid"] == PACK_GLYPHS[1]
        classes = [entry.classes for entry in pane.entries]
        assert "pack-0" in classes[0] and "pack-1" in classes[1] and "pack-0" in classes[2]
        # The two pack colours really differ on screen.
        colors = set()
        for entry in pane.entries[:2]:
            marker = entry.query_one(".note-entry--marker")
            colors.add(marker.styles.color.rgb if marker.styles.color else None)
        assert len(colors) == 2


@sync
async def test_follow_highlights_entries_on_screen_and_scrolls_to_them(tmp_path):
    mine = Pack.create(tmp_path / "mine", "mine")
    notes = [note(f"n{i:02d}", i * 100, i * 100 + 5, body="paragraph " * 30) for i in range(1, 16)]
    mine.save_notes(PATH, notes)
    app = Host()
    async with app.run_test(size=(60, 30)) as pilot:
        pane = app.query_one(NotesPane)
        pane.show(PATH, [PackNote(0, mine, n) for n in mine.notes_for(PATH)])
        await settle(pilot, app)
        pane.follow(1003, 1250)  # n10 (1000-1005, ends inside), n11, n12 (1200-1205)
        await settle(pilot, app)
        assert [item.note.id for item in pane.on_screen] == ["n10", "n11", "n12"]
        target = pane.entries[9]
        assert target.has_class("-on-screen") and not pane.entries[8].has_class("-on-screen")
        assert pane.scroll_y > 0
        assert target.region.y == pane.region.y  # the first on-screen note is at the top
        assert pane.cursor == 9 and app.focused is not pane  # cursor follows, focus untouched
        # The highlight is visible: on-screen entries have another background.
        assert target.styles.background != pane.entries[8].styles.background
        pane.scroll_home(animate=False)  # the reader looks around the pane...
        await settle(pilot, app)
        pane.follow(1004, 1251)  # ...and the source moves a line: same notes, no snapping back
        await settle(pilot, app)
        assert pane.scroll_y == 0
        pane.follow(1300, 1310)  # a different first note: the pane follows again
        await settle(pilot, app)
        assert pane.on_screen[0].note.id == "n13" and pane.entries[12].region.y == pane.region.y
        pane.follow(1, 50)  # no note there: highlights clear, nothing jumps
        await settle(pilot, app)
        assert pane.on_screen == []


@sync
async def test_keys_move_and_post_jump_edit_delete(tmp_path):
    items = two_packs(tmp_path)
    app = Host()
    async with app.run_test(size=(60, 40)) as pilot:
        pane = app.query_one(NotesPane)
        pane.show(PATH, items)
        await settle(pilot, app)
        pane.focus()
        await pilot.press("j")
        assert pane.selected.note.id == "m-mid"
        await pilot.press("enter")
        await pilot.press("down", "e", "k", "d")
        await pilot.press("up", "up", "up")  # stops at the first
        assert pane.cursor == 0
        await pilot.pause()
        mine, series = items[2].pack, items[0].pack
        assert app.seen == [("jump", "m-mid", PATH, 50, 60), ("edit", "s-late", series), ("delete", "m-mid", mine)]


@sync
async def test_click_selects_and_moved_notes_jump_where_they_are_now(tmp_path):
    moved = PaneNote(note("moved", 10, 12), "mine", 1, writable=True, status="moved", start=14, end=16)
    lost = PaneNote(note("lost", 5, 6), "mine", 1, writable=True, status="orphan")
    here = PaneNote(note("here", 30, 31), "series", 0)
    app = Host()
    async with app.run_test(size=(60, 40)) as pilot:
        pane = app.query_one(NotesPane)
        pane.set_language("en")
        pane.show(PATH, [lost, here, moved])
        await settle(pilot, app)
        assert [item.note.id for item in pane.items] == ["moved", "here", "lost"]  # orphans last
        text = "\n".join(pane_lines(app, 44))
        assert "L14-L16 · mine · moved from L10" in text and "code not found" in text
        assert MOVED_GLYPHS[1] in text
        await pilot.click(pane.entries[1].query_one(".note-entry--title"))
        assert pane.cursor == 1 and app.focused is pane
        pane.select(0)
        await pilot.press("enter")
        await pilot.pause()
        assert app.seen == [("jump", "moved", PATH, 14, 16)]
        pane.follow(13, 13)
        assert pane.on_screen == []  # the moved note is at 14-16 now, not at its stored lines
        pane.follow(5, 6)
        assert pane.on_screen == []  # an orphan is never "on screen"


@sync
async def test_language_switch_changes_rendered_text(tmp_path):
    items = two_packs(tmp_path)
    app = Host()
    async with app.run_test(size=(60, 40)) as pilot:
        pane = app.query_one(NotesPane)
        pane.set_language("zh")
        pane.show(PATH, items)
        await settle(pilot, app)
        text = "\n".join(pane_lines(app, 44))
        assert "标题 m-mid" in text and "m-mid 的正文。" in text and "Title m-mid" not in text
        pane.set_language("en")
        await settle(pilot, app)
        text = "\n".join(pane_lines(app, 44))
        assert "Title m-mid" in text and "Body of m-mid." in text and "的正文" not in text


@sync
async def test_empty_state():
    app = Host()
    async with app.run_test(size=(80, 20)) as pilot:
        pane = app.query_one(NotesPane)
        pane.show(PATH, [])
        await settle(pilot, app)
        assert "No notes on this file. Select lines with v and press a to add one." in pane_text(app, 44)
        pane.focus()
        await pilot.press("enter", "e", "d", "j")
        assert app.seen == [] and pane.selected is None


HOSTILE_TITLE = "Evil \x1b]52;c;ZXZpbA==\x07 [bold red]x[/bold red] [link=https://evil]y[/link]"
HOSTILE_BODY = "Clear \x1b[2J now \x9b2J and [bold red]loud[/] and [link=https://evil]click[/link]\n\n<script>alert(1)</script>"


@sync
async def test_markup_and_control_sequences_render_inert(tmp_path):
    hostile = Note(
        id="evil", start=1, end=2, title=HOSTILE_TITLE, body=HOSTILE_BODY,
        tags=("[b]t[/b]", "\x1b[31mred"), author="[i]mallory\x07",
    )
    item = PaneNote(hostile, "pack[bold]\x1b[5m", 0)
    app = Host(width=60)
    async with app.run_test(size=(70, 40)) as pilot:
        pane = app.query_one(NotesPane)
        pane.show(PATH, [item])
        await settle(pilot, app)
        text = "\n".join(pane_lines(app, 60))
        assert not LIVE_CONTROL.search("".join(screen_lines(app)))
        flat = pane_text(app, 60)
        assert "Evil ␛]52;c;ZXZpbA==␇ [bold red]x[/bold red] [link=https://evil]y[/link]" in flat
        assert "Clear ␛[2J now <U+009B>2J and [bold red]loud[/] and [link=https://evil]click[/link]" in flat
        assert "[i]mallory␇" in text and "pack[bold]␛[5m" in text
        assert "#[b]t[/b] #␛[31mred" in text
        # No span on screen carries a link: the [link=...] text did not become one.
        strips = app.screen._compositor.render_strips()
        assert not any(segment.style and segment.style.link for strip in strips for segment in strip)
        entry = pane.entries[0]
        assert entry.title_content().plain.startswith("Evil ␛]52")
        assert entry.title_content().spans == []


@sync
async def test_long_chinese_paragraph_wraps_inside_a_narrow_pane(tmp_path):
    paragraph = "控制器通过 informer 监听对象变化，把键放进工作队列，再由工人协程取出并调谐到期望状态。" * 6
    title = "同步循环：kubelet 如何把期望状态落实到节点上的每一个容器"
    item = PaneNote(Note(id="zh", start=1, end=9, title=title, body=paragraph + "\n\n第二段。"), "series", 0)
    width = 24
    app = Host(width=width)
    async with app.run_test(size=(50, 60)) as pilot:
        app.query_one("#source").display = False  # the rest of each row must stay empty
        pane = app.query_one(NotesPane)
        pane.show(PATH, [item])
        await settle(pilot, app)
        strips = app.screen._compositor.render_strips()
        for strip in strips:
            # Nothing spills past the pane: the rest of each row is the empty screen.
            rest = "".join(segment.text for segment in strip.crop(width, strip.cell_length))
            assert rest.strip() == "", rest
        assert all(cell_len(row) <= width for row in pane_lines(app, width))
        shown = pane_text(app, width)
        compact = re.sub(r"\s+", "", shown)
        assert re.sub(r"\s+", "", paragraph) in compact  # every character made it, in order
        assert re.sub(r"\s+", "", title) in compact
        body = pane.entries[0].query_one("Markdown")
        assert body.region.width <= width and body.region.height > len(paragraph) * 2 // width

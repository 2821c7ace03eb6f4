"""The notes pane under Pilot: order across packs, markers, follow, keys, language, inert text,
Markdown and CJK wrapping, and what a step costs (no rebuild in one file, one scroll)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from reader_support import sync
from rich.cells import cell_len
from textual import on
from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button

from k8sread.core.note import Note
from k8sread.ui.palette import MOVED_GLYPHS, PACK_GLYPHS
from k8sread.ui.widgets.note_entry import CODE, markdown_rows, wrap
from k8sread.ui.widgets.notes_pane import NotesPane

PATH = "pkg/kubelet/kubelet.go"
LIVE_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass(eq=False)
class Placed:
    """What the reader hands the pane: exactly the attributes of its placement type."""

    note: Note
    pack_name: str
    pack_index: int
    writable: bool = False
    status: str = "exact"
    start: int | None = None
    end: int | None = None
    pack: Any = None

    def __post_init__(self) -> None:
        if self.status != "orphan" and self.start is None:
            self.start, self.end = self.note.start, self.note.end

    @property
    def moved(self) -> bool:
        return self.status == "moved"

    @property
    def orphan(self) -> bool:
        return self.status == "orphan"

    def covers_any(self, first: int, last: int) -> bool:
        return not self.orphan and self.start <= last and self.end >= first


class Host(App[None]):
    def __init__(self, width: int = 44) -> None:
        super().__init__()
        self.pane_width = width
        self.seen: list[tuple] = []
        self.opened: list[str] = []

    def compose(self) -> ComposeResult:
        with Horizontal():
            pane = NotesPane(id="notes")
            pane.styles.width = self.pane_width
            yield pane
            # Stands in for the source view, which has the focus while the reader reads.
            yield Button("source", id="source")

    def on_mount(self) -> None:
        self.query_one("#source").focus()

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        self.opened.append(url)

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
    """The pane's rows without the notes' left border, joined with spaces: wrapped text reads on."""
    rows = [row.lstrip("▌ ").rstrip() for row in pane_lines(app, width)]
    return " ".join(row for row in rows if row)


def segments_of(app: App, needle: str, width: int):
    """The segments of the first screen row whose text contains `needle`."""
    for strip in app.screen._compositor.render_strips():
        cropped = strip.crop(0, width)
        if needle in "".join(segment.text for segment in cropped):
            return list(cropped)
    raise AssertionError(f"{needle!r} is not on screen")


def note(note_id: str, start: int, end: int, **fields) -> Note:
    fields.setdefault("title", {"en": f"Title {note_id}", "zh": f"标题 {note_id}"})
    fields.setdefault("body", {"en": f"Body of {note_id}.", "zh": f"{note_id} 的正文。"})
    return Note(id=note_id, start=start, end=end, **fields)


SERIES, MINE = object(), object()


def two_packs() -> list[Placed]:
    return [
        Placed(note("s-late", 200, 210, author="k8sread"), "series", 0, pack=SERIES),
        Placed(note("s-early", 10, 20, author="k8sread", tags=("kubelet", "sync")), "series", 0, pack=SERIES),
        Placed(note("m-mid", 50, 60, author="alice"), "mine", 1, writable=True, pack=MINE),
    ]


async def settle(pilot, app: App) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


@sync
async def test_line_order_across_packs_with_markers_pack_and_author():
    app = Host()
    async with app.run_test(size=(60, 40)) as pilot:
        pane = app.query_one(NotesPane)
        pane.set_language("en")
        pane.show(PATH, two_packs())
        await settle(pilot, app)
        assert [item.note.id for item in pane.items] == ["s-early", "m-mid", "s-late"]
        assert [item.pack_name for item in pane.items] == ["series", "mine", "series"]
        text = "\n".join(pane_lines(app, 44))
        assert text.index("Title s-early") < text.index("Title m-mid") < text.index("Title s-late")
        assert "L10-L20 · series · k8sread" in text
        assert "L50-L60 · mine · alice" in text
        assert "#kubelet #sync" in text
        assert "Body of m-mid." in text
        # Distinct markers per pack, one per note, drawn in the pack's colour.
        marker_style = {}
        for title in ("Title s-early", "Title m-mid", "Title s-late"):
            segments = segments_of(app, title, 44)
            glyph = next(segment for segment in segments if segment.text.strip() and segment.text.strip() != "▌")
            marker_style[title] = (glyph.text.strip(), glyph.style.color)
        assert marker_style["Title s-early"] == marker_style["Title s-late"]
        assert marker_style["Title s-early"][0] == PACK_GLYPHS[0] and marker_style["Title m-mid"][0] == PACK_GLYPHS[1]
        assert marker_style["Title s-early"][1] != marker_style["Title m-mid"][1]
        # The title is bold, the meta row is not.
        title = next(s for s in segments_of(app, "Title m-mid", 44) if "Title m-mid" in s.text)
        meta = next(s for s in segments_of(app, "L50-L60", 44) if "L50-L60" in s.text)
        assert title.style.bold and not meta.style.bold


@sync
async def test_follow_highlights_notes_on_screen_and_scrolls_them_to_the_top():
    items = [Placed(note(f"n{i:02d}", i * 100, i * 100 + 5, body="paragraph " * 10), "mine", 0) for i in range(1, 21)]
    app = Host()
    async with app.run_test(size=(60, 30)) as pilot:
        pane = app.query_one(NotesPane)
        pane.show(PATH, items)
        await settle(pilot, app)
        pane.follow(1003, 1250)  # n10 (1000-1005, ends inside), n11, n12 (1200-1205)
        await settle(pilot, app)
        assert [item.note.id for item in pane.on_screen] == ["n10", "n11", "n12"]
        assert pane.list.scroll_y == pane.row_of(9) > 0
        assert "Title n10" in pane_lines(app, 44)[0]  # the first on-screen note is at the top
        assert pane.cursor == 9 and app.focused is not pane  # cursor follows, focus untouched
        # The highlight is visible: the cursor, the other notes on screen and the rest differ.
        cursor, on_screen, off = (next(s for s in segments_of(app, f"Title {n}", 44) if "Title" in s.text).style.bgcolor for n in ("n10", "n11", "n13"))
        assert len({cursor, on_screen, off}) == 3
        pane.list.scroll_home(animate=False)  # the reader looks around the pane...
        await settle(pilot, app)
        pane.follow(1004, 1251)  # ...and the source moves a line: same notes, no snapping back
        await settle(pilot, app)
        assert pane.list.scroll_y == 0
        pane.follow(1300, 1310)  # a different first note: the pane follows again
        await settle(pilot, app)
        assert pane.on_screen[0].note.id == "n13" and "Title n13" in pane_lines(app, 44)[0]
        pane.follow(1, 50)  # no note there: highlights clear, nothing jumps
        await settle(pilot, app)
        assert pane.on_screen == [] and "Title n13" in pane_lines(app, 44)[0]


@sync
async def test_a_step_in_the_same_file_does_not_rebuild_and_a_step_scrolls_once():
    def items() -> list[Placed]:
        # New objects each time, as the reader makes them on every step.
        return [Placed(note(f"n{i:02d}", i * 100, i * 100 + 5, body="text " * 40), "mine", 0) for i in range(1, 16)]

    app = Host()
    async with app.run_test(size=(60, 30)) as pilot:
        pane = app.query_one(NotesPane)
        pane.show(PATH, items())
        pane.follow(100, 130)
        await settle(pilot, app)
        builds, entries = pane.builds, pane.entries
        scrolls: list[float] = []
        original = pane.list.scroll_to

        def counting(*args, **kwargs):
            scrolls.append(kwargs.get("y"))
            return original(*args, **kwargs)

        pane.list.scroll_to = counting
        # A step inside the file: the same notes again, then follow the new lines.
        again = items()
        pane.show(PATH, again)
        pane.follow(800, 830)
        # Scrolled at once, in the same call: no refresh is awaited before the pane is right.
        assert pane.list.scroll_y == pane.row_of(7) and scrolls == [pane.row_of(7)]
        await settle(pilot, app)
        assert pane.builds == builds and pane.entries == entries
        assert pane.items[0] is again[0]  # messages carry the objects of the latest step
        assert scrolls == [pane.row_of(7)]
        # A step to another file: one rebuild, and still one scroll (not home, then away).
        scrolls.clear()
        pane.show("pkg/other.go", items())
        pane.follow(1200, 1230)
        assert pane.list.scroll_y == pane.row_of(11)
        await settle(pilot, app)
        assert pane.builds == builds + 1
        assert scrolls == [pane.row_of(11)]
        # A file whose notes are not on screen starts at the top.
        pane.show("pkg/third.go", items())
        pane.follow(1, 5)
        await settle(pilot, app)
        assert pane.list.scroll_y == 0


@sync
async def test_keys_move_and_post_jump_edit_delete():
    app = Host()
    async with app.run_test(size=(60, 40)) as pilot:
        pane = app.query_one(NotesPane)
        pane.show(PATH, two_packs())
        await settle(pilot, app)
        pane.focus()
        await pilot.press("j")
        assert pane.selected.note.id == "m-mid"
        await pilot.press("enter")
        await pilot.press("down", "e", "k", "d")
        await pilot.press("up", "up", "up")  # stops at the first
        assert pane.cursor == 0
        await pilot.pause()
        assert app.seen == [("jump", "m-mid", PATH, 50, 60), ("edit", "s-late", SERIES), ("delete", "m-mid", MINE)]


@sync
async def test_click_selects_and_moved_notes_jump_where_they_are_now():
    moved = Placed(note("moved", 10, 12), "mine", 1, writable=True, status="moved", start=14, end=16)
    lost = Placed(note("lost", 5, 6), "mine", 1, writable=True, status="orphan")
    here = Placed(note("here", 30, 31), "series", 0)
    app = Host()
    async with app.run_test(size=(60, 40)) as pilot:
        pane = app.query_one(NotesPane)
        pane.set_language("en")
        pane.show(PATH, [lost, here, moved])
        await settle(pilot, app)
        assert [item.note.id for item in pane.items] == ["moved", "here", "lost"]  # orphans last
        text = "\n".join(pane_lines(app, 44))
        assert "L14-L16 · mine · moved from L10" in text and "L5-L6 · mine · code not found" in text
        assert MOVED_GLYPHS[1] in text
        await pilot.click(pane.list, offset=(4, pane.row_of(1)))
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
async def test_language_switch_changes_rendered_text():
    app = Host()
    async with app.run_test(size=(60, 40)) as pilot:
        pane = app.query_one(NotesPane)
        pane.set_language("zh")
        pane.show(PATH, two_packs())
        await settle(pilot, app)
        text = "\n".join(pane_lines(app, 44))
        assert "标题 m-mid" in text and "m-mid 的正文。" in text and "Title m-mid" not in text
        builds = pane.builds
        pane.set_language("en")
        await settle(pilot, app)
        text = "\n".join(pane_lines(app, 44))
        assert "Title m-mid" in text and "Body of m-mid." in text and "的正文" not in text
        assert pane.builds == builds and pane.entries[0].lang == "en"


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
async def test_markup_and_control_sequences_render_inert():
    hostile = Note(
        id="evil",
        start=1,
        end=2,
        title=HOSTILE_TITLE,
        body=HOSTILE_BODY,
        tags=("[b]t[/b]", "\x1b[31mred"),
        author="[i]mallory\x07",
    )
    item = Placed(hostile, "pack[bold]\x1b[5m", 0)
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
        assert "<script>alert(1)</script>" in flat  # raw HTML is shown, as text
        assert "[i]mallory␇" in text and "pack[bold]␛[5m" in text
        assert "#[b]t[/b] #␛[31mred" in text
        # No span on screen carries a link: the [link=...] text did not become one.
        strips = app.screen._compositor.render_strips()
        assert not any(segment.style and segment.style.link for strip in strips for segment in strip)
        entry = pane.entries[0]
        assert entry.title_content().plain.startswith("Evil ␛]52")
        assert entry.title_content().spans == []


BODY = """\
## Where the pod goes

The **scheduler** runs `Schedule()` for *one* pod; see [the design](https://example.com/design) or [a mail](mailto:someone@example.com).

- filter the nodes
- score them
  1. spread
  2. balance

> a quoted remark

```go
func main() {
\tprintln("hi")
}
```
"""


@sync
async def test_markdown_headings_lists_code_and_links():
    item = Placed(note("md", 1, 2, body=BODY), "series", 0)
    app = Host(width=50)
    async with app.run_test(size=(60, 40)) as pilot:
        pane = app.query_one(NotesPane)
        pane.show(PATH, [item])
        await settle(pilot, app)
        rows = [row.rstrip() for row in pane_lines(app, 50)]
        assert "▌   Where the pod goes" in rows  # the heading, without its ##
        assert "▌   • filter the nodes" in rows and "▌   • score them" in rows
        assert "▌     1. spread" in rows and "▌     2. balance" in rows  # nested, numbered
        assert "▌   ▎ a quoted remark" in rows
        assert '▌       println("hi")' in rows  # code keeps its indentation (a tab)
        heading = next(s for s in segments_of(app, "Where the pod goes", 50) if "Where" in s.text)
        assert heading.style.bold
        line = segments_of(app, "scheduler", 50)
        code = next(s for s in line if s.text == "Schedule()")
        plain = next(s for s in line if "runs" in s.text)
        assert code.style.color != plain.style.color or code.style.bgcolor != plain.style.bgcolor
        assert next(s for s in line if s.text == "scheduler").style.bold
        # Links are drawn underlined, never as terminal hyperlinks; a click opens http(s) only.
        link_row = next(i for i, row in enumerate(pane_lines(app, 50)) if "the design" in row)
        link_segment = next(s for s in segments_of(app, "the design", 50) if "the design" in s.text)
        assert link_segment.style.underline and not link_segment.style.link
        x = pane_lines(app, 50)[link_row].index("the design")
        await pilot.click(pane.list, offset=(x + 1, link_row))
        assert app.opened == ["https://example.com/design"]
        file_row = next(i for i, row in enumerate(pane_lines(app, 50)) if "a mail" in row)
        await pilot.click(pane.list, offset=(pane_lines(app, 50)[file_row].index("a mail") + 1, file_row))
        assert app.opened == ["https://example.com/design"] and app.focused is pane


@sync
async def test_long_chinese_paragraph_wraps_inside_a_narrow_pane():
    paragraph = "控制器通过 informer 监听对象变化，把键放进工作队列，再由工人协程取出并调谐到期望状态。" * 6
    title = "同步循环：kubelet 如何把期望状态落实到节点上的每一个容器"
    item = Placed(Note(id="zh", start=1, end=9, title=title, body=paragraph + "\n\n第二段。"), "series", 0)
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
        rows = [row for row in pane_lines(app, width) if row.strip("▌ ")]
        assert len(rows) > cell_len(paragraph) // width  # it wrapped


INLINE_CODE_ZH = (
    "`main` 还是熟悉的四步:播种随机数、`app.NewKubeletCommand()` 建 cobra 命令、`logs.InitLogs()`、"
    "`command.Execute()`。真正的启动链在`RunKubelet`里,最后`startKubelet`执行`go k.Run(podCfg.Updates())`。"
)


def test_inline_code_in_chinese_text_wraps_cleanly():
    codes = re.findall(r"`([^`]+)`", INLINE_CODE_ZH)
    # From 26 cells on, every unbreakable piece fits on a row (the widest, the last code span
    # with the full stop glued to it, is 25 cells); narrower rows fold it by cells.
    for width in range(26, 61):
        rows = markdown_rows(INLINE_CODE_ZH, width)
        texts = ["".join(text for text, _ in row) for row in rows]
        assert all(cell_len(text) <= width for text in texts), width
        # Every character, in order: only spaces at breaks may go.
        assert "".join(texts).replace(" ", "") == INLINE_CODE_ZH.replace("`", "").replace(" ", "")
        # An identifier in code is never cut when it fits on a row.
        code_runs = ["".join(text for text, key in row if key[1] & CODE) for row in rows]
        for code in codes:
            for word in code.split(" "):
                assert any(word in run for run in code_runs), (width, word, texts)
        # No row starts with closing punctuation, and rows are filled: the next row's first
        # unit did not fit in what the row left.
        for text in texts[1:]:
            assert text[0] not in "，。、:,)）", (width, texts)
        for text, following in pairwise(texts):
            first_unit = re.match(r"[\x21-\x7e]+[，。、]?|.[，。、]?", following).group()
            assert cell_len(text) + cell_len(first_unit) + 1 > width - 1, (width, text, following)


def test_wrap_breaks_at_spaces_and_around_cjk_only():
    key = ("body", 0, None)
    rows = wrap([("alpha beta gamma", key)], 11)
    assert ["".join(t for t, _ in row) for row in rows] == ["alpha beta", "gamma"]
    rows = wrap([("中文中文中文", key)], 5)
    assert ["".join(t for t, _ in row) for row in rows] == ["中文", "中文", "中文"]
    rows = wrap([("（括号）内容，结束。", key)], 6)
    texts = ["".join(t for t, _ in row) for row in rows]
    assert all(not text.startswith(("）", "，", "。")) and not text.endswith("（") for text in texts), texts
    rows = wrap([("a" * 12, key)], 5)  # wider than a row: folded
    assert ["".join(t for t, _ in row) for row in rows] == ["aaaaa", "aaaaa", "aa"]
    rows = wrap([("one\ntwo", key)], 20)
    assert ["".join(t for t, _ in row) for row in rows] == ["one", "two"]


@sync
async def test_a_line_comment_shows_its_text_where_a_title_would_be():
    comment = Placed(Note(id="c", start=30, end=30, title="", body="Ticks every `1 s`; defaults to one minute.", kind="comment"), "series", 0)
    app = Host()
    async with app.run_test(size=(60, 20)) as pilot:
        pane = app.query_one(NotesPane)
        pane.set_language("en")
        pane.show(PATH, [comment])
        await settle(pilot, app)
        rows = [row.rstrip() for row in pane_lines(app, 44)]
        assert rows[0].startswith(f"▌ {PACK_GLYPHS[0]} Ticks every 1 s;")  # the text, where a title would be
        assert "minute." in rows[1] and rows[2] == "▌   L30 · series"
        assert "(untitled)" not in "\n".join(rows)


def test_a_huge_body_is_cut_for_the_pane_not_for_the_note():
    from k8sread.ui.widgets.note_entry import BODY_SHOWN, NoteEntry

    body = "line of a very long note\n" * 100_000  # 2.5 MB
    entry = NoteEntry(Placed(Note(id="big", start=1, end=2, title="t", body=body), "stranger", 0), lang="en")
    shown = entry.body_markdown()
    assert len(shown) < BODY_SHOWN + 200 and "more characters" in shown
    assert len(entry.item.note.body) == len(body)

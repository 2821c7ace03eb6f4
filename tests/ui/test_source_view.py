"""The source view under Pilot: keys, selection, copy, search, gutter marks, cell-exact drawing."""

from __future__ import annotations

import asyncio

import pytest
from reader_support import sync
from rich.cells import cell_len
from textual import on
from textual.app import App, ComposeResult

from k8sread.core.highlight import PARSE_AT_ONCE_BYTES
from k8sread.ui.widgets.source_view import SourceView

PATH = "pkg/demo/demo.go"


def demo_source(blocks: int = 30) -> str:
    parts = ["// Package demo is written for the source view tests.\n", "package demo\n\n", 'import "fmt"\n\n']
    for n in range(blocks):
        parts.append(
            f"""// Sum{n} adds its arguments.
func Sum{n}(xs ...int) int {{
\ttotal := 0
\tfor _, x := range xs {{
\t\ttotal += x * {n}
\t}}
\tfmt.Println("sum", total)
\treturn total
}}

"""
        )
    return "".join(parts)


class Host(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple] = []

    def compose(self) -> ComposeResult:
        yield SourceView()

    @on(SourceView.GoToDefinition)
    def definition(self, event: SourceView.GoToDefinition) -> None:
        self.seen.append(("definition", event.line, event.col, event.word))

    @on(SourceView.FindReferences)
    def references(self, event: SourceView.FindReferences) -> None:
        self.seen.append(("references", event.line, event.col, event.word))

    @on(SourceView.Copied)
    def copied(self, event: SourceView.Copied) -> None:
        self.seen.append(("copied", event.text))

    @on(SourceView.Scrolled)
    def scrolled(self, event: SourceView.Scrolled) -> None:
        self.seen.append(("scrolled", event.first_line, event.last_line))

    @on(SourceView.SelectionChanged)
    def selection(self, event: SourceView.SelectionChanged) -> None:
        self.seen.append(("selection", event.selection))


async def type_into_prompt(pilot, opener: str, text: str, end: str = "enter") -> None:
    await pilot.press(opener)
    await pilot.pause()
    await pilot.press(*text, end)
    await pilot.pause()


async def opened(pilot, text: str | None = None, path: str = PATH) -> SourceView:
    view = pilot.app.query_one(SourceView)
    view.load(path, demo_source() if text is None else text)
    view.focus()
    await pilot.pause()
    return view


def row_text(view: SourceView, line: int) -> str:
    """The drawn text of 1-based `line`, which must be on screen."""
    return view.render_line(line - 1 - int(view.scroll_y)).text


def line_of(view: SourceView, needle: str, start: int = 1) -> int:
    return next(i + 1 for i, line in enumerate(view.lines) if i + 1 >= start and needle in line)


@sync
async def test_vertical_keys_move_the_cursor():
    app = Host()
    async with app.run_test(size=(100, 24)) as pilot:
        view = await opened(pilot)
        assert view.cursor_line == 1
        await pilot.press("j", "j", "down")
        assert view.cursor_line == 4
        await pilot.press("k", "up")
        assert view.cursor_line == 2
        await pilot.press("pagedown")
        assert view.cursor_line > 15 and view.scroll_y > 10
        first, last = view.visible_range()
        assert first <= view.cursor_line <= last
        await pilot.press("pageup")
        assert view.cursor_line == 2 and view.scroll_y == 0
        await pilot.press("G")
        assert view.cursor_line == view.line_count
        assert view.visible_range()[1] == view.line_count
        await pilot.pause()
        scrolled = [event for event in app.seen if event[0] == "scrolled"]
        assert scrolled[-1] == ("scrolled", *view.visible_range())
        await pilot.press("g", "g")
        assert view.cursor_line == 1 and view.scroll_y == 0
        await pilot.press("end")
        assert view.cursor_line == view.line_count
        await pilot.press("home")
        assert view.cursor_line == 1
        await pilot.pause()
        assert [event for event in app.seen if event[0] == "scrolled"][-1] == ("scrolled", 1, view.size.height)


@sync
async def test_go_to_line_prompt():
    app = Host()
    async with app.run_test(size=(100, 24)) as pilot:
        view = await opened(pilot)
        await type_into_prompt(pilot, "colon", "120")
        assert view.cursor_line == 120
        first, last = view.visible_range()
        assert first <= 120 <= last and first > 100  # centred, not just at the edge
        await type_into_prompt(pilot, "colon", "5", "escape")
        assert view.cursor_line == 120
        assert app.focused is view


@sync
async def test_search_next_previous_and_status():
    app = Host()
    async with app.run_test(size=(100, 24)) as pilot:
        view = await opened(pilot)
        await type_into_prompt(pilot, "slash", r"total \+=")
        hits = [i + 1 for i, line in enumerate(view.lines) if "total +=" in line]
        assert view.cursor_line == hits[0]
        assert view.status == f"1/{len(hits)}"
        await pilot.press("n")
        assert view.cursor_line == hits[1] and view.status == f"2/{len(hits)}"
        await pilot.press("N", "N")
        assert view.cursor_line == hits[-1] and view.status == f"{len(hits)}/{len(hits)}"
        assert view.cursor_column == view.lines[hits[-1] - 1].index("total +=") + 1
        # The match is drawn with its own background; the rest of the line is not.
        strip = view.render_line(hits[-1] - 1 - int(view.scroll_y))
        match_bg = {seg.style.bgcolor for seg in strip if seg.text in ("total", "+=")}
        other_bg = {seg.style.bgcolor for seg in strip if seg.text.strip() == "x"}
        assert len(match_bg) == 1 and other_bg and match_bg.isdisjoint(other_bg)
        await pilot.press("escape")
        assert view.status == ""
        # Upper case makes it case-sensitive; an invalid regex is searched as text.
        await type_into_prompt(pilot, "slash", "FMT")
        assert view.status == "no match"
        await type_into_prompt(pilot, "slash", "(xs")
        assert view.status.startswith("1/") and "(xs" in view.lines[view.cursor_line - 1]


@sync
async def test_visual_and_shift_selection_and_copy():
    app = Host()
    async with app.run_test(size=(100, 24)) as pilot:
        view = await opened(pilot)
        await pilot.press("y")
        assert app.clipboard == f"{PATH}:L1"
        await pilot.press("j", "v", "j", "j")
        assert view.selection == (2, 4)
        await pilot.press("Y")
        assert app.clipboard == f"{PATH}:L2-L4"
        await pilot.press("y")
        assert app.clipboard == "\n".join(view.lines[1:4])
        assert ("copied", "\n".join(view.lines[1:4])) in app.seen
        await pilot.press("escape")
        assert view.selection is None
        await pilot.press("shift+down", "shift+down")
        assert view.selection == (4, 6)
        await pilot.press("j")  # a plain move ends a shift selection
        assert view.selection is None
        await pilot.press("shift+up")
        assert view.selection == (6, 7)
        await pilot.pause()
        assert ("selection", (6, 7)) in app.seen
        # Selected lines are drawn on the selection background, others not.
        selected_bg = list(view.render_line(5))[-1].style.bgcolor
        plain_bg = list(view.render_line(10))[-1].style.bgcolor
        assert selected_bg != plain_bg


@sync
async def test_go_to_definition_and_references_carry_the_word():
    app = Host()
    async with app.run_test(size=(100, 24)) as pilot:
        view = await opened(pilot)
        line = line_of(view, "fmt.Println")
        text = view.lines[line - 1]
        view.restore_position(line, text.index("Println") + 3)
        await pilot.press("g", "d")
        await pilot.pause()
        assert app.seen[-1] == ("definition", line, text.index("Println") + 1, "Println")
        await pilot.press("w")  # onto "("
        await pilot.press("w")  # onto the string
        await pilot.press("b", "b")
        assert view.word_at_cursor() == "Println"
        await pilot.press("g", "r")
        await pilot.pause()
        assert app.seen[-1][0] == "references" and app.seen[-1][3] == "Println"
        await pilot.press("h", "h")
        assert view.word_at_cursor() == "fmt"
        await pilot.press("enter")
        await pilot.pause()
        assert app.seen[-1] == ("definition", line, text.index("fmt") + 1, "fmt")
        # g then anything else cancels, and that key does nothing else.
        count = len(app.seen)
        await pilot.press("g")
        assert view.status.startswith("g")
        await pilot.press("j")
        assert view.cursor_line == line and view.status == ""
        await pilot.pause()
        assert len(app.seen) == count


@sync
async def test_markers_are_drawn_per_pack():
    app = Host()
    async with app.run_test(size=(100, 24)) as pilot:
        view = await opened(pilot)
        view.set_markers({3: [0], 4: [0, 1], 5: [2]}, moved={6: [1]})
        await pilot.pause()
        gutters = {line: row_text(view, line)[:6] for line in range(2, 8)}
        assert "●" in gutters[3] and "◆" not in gutters[3]
        assert "●◆" in gutters[4]
        assert "▲" in gutters[5]
        assert "◇" in gutters[6]
        assert not any(glyph in gutters[2] + gutters[7] for glyph in "●◆▲◇")
        strip = view.render_line(3)  # line 4
        colours = {seg.text: seg.style.color for seg in strip if seg.text in ("●", "◆")}
        assert colours["●"] != colours["◆"]


@sync
async def test_tabs_cjk_and_control_characters_are_drawn_cell_exact_and_inert():
    text = 'package demo\n\nfunc f() {\n\ts := "世界"\t// 注释\n\tx := "\x1b[31mred\x07"\n}\n'
    app = Host()
    async with app.run_test(size=(80, 12)) as pilot:
        view = await opened(pilot, text)
        strip = view.render_line(3)
        assert strip.cell_length == view.size.width
        drawn = strip.text
        code = drawn[view._gutter_width :]
        assert code.startswith('    s := "世界"')
        # 4 (tab) + 10 cells of `s := "世界"` -> the tab stops at cell 16.
        assert cell_len(code[: code.index("//")]) == 16
        line = view.render_line(4)
        assert "\x1b" not in line.text and "\x07" not in line.text
        assert "␛[31mred␇" in line.text
        assert all("\x1b" not in seg.text for seg in line)


@sync
async def test_horizontal_scroll_follows_the_cursor():
    long_line = "\tvar x = " + " + ".join(f"item{n}" for n in range(40))
    text = f"package demo\n\nfunc f() {{\n{long_line}\n}}\n"
    app = Host()
    async with app.run_test(size=(60, 12)) as pilot:
        view = await opened(pilot, text)
        await pilot.press("j", "j", "j", "dollar_sign")
        await pilot.pause()
        assert view.cursor_column == len(long_line)
        assert view.scroll_x > 0
        assert row_text(view, 4).rstrip().endswith("item39")
        await pilot.press("0")
        await pilot.pause()
        assert view.scroll_x == 0
        for _ in range(80):
            await pilot.press("l")
        await pilot.pause()
        assert view.cursor_column == 81
        assert view.scroll_x > 0
        await pilot.click(SourceView, offset=(view._gutter_width + 2, 0))
        assert view.cursor_line == 1 + int(view.scroll_y)


@sync
async def test_keywords_follow_the_theme():
    app = Host()
    async with app.run_test(size=(100, 24)) as pilot:
        view = await opened(pilot)
        app.theme = "textual-dark"
        await pilot.pause()

        def keyword_colour():
            return next(seg.style.color for seg in view.render_line(1) if seg.text == "package")

        def comment_style():
            return next(seg.style for seg in view.render_line(0) if "Package demo" in seg.text)

        dark = keyword_colour()
        assert dark != comment_style().color and comment_style().italic
        app.theme = "textual-light"
        await pilot.pause()
        assert keyword_colour() != dark


@sync
async def test_full_parse_runs_in_the_background():
    app = Host()
    async with app.run_test(size=(100, 24)) as pilot:
        text = demo_source(1500)
        assert len(text.encode()) > PARSE_AT_ONCE_BYTES  # small files are parsed at once
        view = await opened(pilot, text)
        for _ in range(100):
            if view.highlighted_fully:
                break
            await asyncio.sleep(0.02)
        assert view.highlighted_fully
        assert any(seg.text == "func" for seg in view.render_line(6))


@pytest.mark.parametrize("highlight", [False, True])
@sync
async def test_plain_files_have_no_syntax_styles(highlight):
    app = Host()
    async with app.run_test(size=(80, 12)) as pilot:
        view = app.query_one(SourceView)
        view.load("README.md", "package main\nfunc x() {}\n", highlight=highlight)
        await pilot.pause()
        styles = {seg.style for seg in list(view.render_line(0))[4:]}
        assert len({s.color for s in styles}) == 1
        assert view.render_line(0).text.strip() != ""


@sync
async def test_go_to_line_with_a_range_and_restoring_a_position():
    app = Host()
    async with app.run_test(size=(100, 24)) as pilot:
        view = await opened(pilot)
        view.go_to_line(200, select_range=(200, 205), center=False)
        await pilot.pause()
        assert view.cursor_line == 200 and view.selection == (200, 205)
        first, last = view.visible_range()
        assert first <= 200 and last >= 205
        await pilot.press("shift+down")  # extends from the far end of the range
        assert view.selection == (201, 205)
        view.restore_position(50, 3, 40, (50, 52))
        await pilot.pause()
        assert (view.cursor_line, view.cursor_column, int(view.scroll_y), view.selection) == (50, 3, 40, (50, 52))
        view.go_to_line(10_000)
        assert view.cursor_line == view.line_count

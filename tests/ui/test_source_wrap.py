"""Long lines in the source view: a › at the right edge when they go on, or wrapped with ↪."""

from __future__ import annotations

from reader_support import sync
from textual.app import App, ComposeResult

from k8sread.ui.widgets.source_view import SourceView

LONG = '\treturn fmt.Errorf("failed to sync pod %q (uid %q): %w", pod.Name, pod.UID, errors.New("' + "x" * 90 + '"))'
TEXT = "package main\n\nfunc f() error {\n" + LONG + "\n}\n" + "".join(f"// line {n}\n" for n in range(6, 200))


class Host(App[None]):
    def compose(self) -> ComposeResult:
        yield SourceView(id="source")

    def on_mount(self) -> None:
        self.query_one(SourceView).load("pkg/x.go", TEXT)


def rows(app: App) -> list[str]:
    return ["".join(segment.text for segment in strip) for strip in app.screen._compositor.render_strips()]


@sync
async def test_unwrapped_long_lines_say_they_go_on():
    app = Host()
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        view = app.query_one(SourceView)
        assert not view.wrapped
        screen = rows(app)
        long_row = next(row for row in screen if "fmt.Errorf" in row)
        assert long_row.rstrip().endswith("›")
        assert not next(row for row in screen if "package main" in row).rstrip().endswith("›")
        # Scrolled to the end of the long line, nothing more is hidden there.
        view.go_to_line(4)
        await pilot.press("dollar_sign")
        await pilot.pause()
        assert view.scroll_x > 0
        assert not next(row for row in rows(app) if "xxx" in row).rstrip().endswith("›")


@sync
async def test_wrapped_long_lines_continue_under_a_marker_and_keep_every_character():
    app = Host()
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        view = app.query_one(SourceView)
        view.action_toggle_wrap()
        await pilot.pause()
        assert view.wrapped and view.scroll_x == 0
        screen = rows(app)
        first = next(i for i, row in enumerate(screen) if "fmt.Errorf" in row)
        gutter = view._gutter_width
        continued = []
        for row in screen[first + 1 :]:
            if "↪" not in row[:gutter]:
                break
            continued.append(row)
        assert len(continued) >= 2  # 150 cells in about 53: three rows
        shown = screen[first][gutter:].rstrip() + "".join(row[gutter:].rstrip() for row in continued)
        assert shown.strip() == LONG.strip().replace("\t", "")
        assert "›" not in "".join(screen)
        # The next line keeps its own number after the continuation rows.
        assert screen[first + 1 + len(continued)].lstrip().startswith("5")
        first_line, last_line = view.visible_range()
        assert first_line == 1 and last_line == 20 - len(continued)
        # A click on a continuation row lands on the character drawn there.
        cell = len(continued[0][gutter:]) - len(continued[0][gutter:].lstrip()) + 3
        await pilot.click(view, offset=(gutter + cell, first + 1))
        assert view.cursor_line == 4
        assert view.cursor_column - 1 == len(LONG.expandtabs(4)[: view._wrap_width + cell]) - 3
        # Back: the marker at the edge again.
        view.action_toggle_wrap()
        await pilot.pause()
        assert not view.wrapped
        assert next(row for row in rows(app) if "fmt.Errorf" in row).rstrip().endswith("›")


@sync
async def test_wrapped_view_keeps_the_cursor_and_a_far_line_on_screen():
    app = Host()
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        view = app.query_one(SourceView)
        view.set_wrap(True)
        view.go_to_line(150)
        await pilot.pause()
        first, last = view.visible_range()
        assert first <= 150 <= last
        assert any("// line 150" in row for row in rows(app))
        view.go_to_line(4)
        await pilot.press("dollar_sign")  # the end of the long line is on its last display row
        await pilot.pause()
        assert any(row.rstrip().endswith('"))') for row in rows(app))

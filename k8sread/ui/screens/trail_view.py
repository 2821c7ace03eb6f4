"""Every step of the trail, chapter by chapter, with read marks; Enter goes there."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from k8sread.core.note import localized
from k8sread.core.sanitize import inert
from k8sread.core.trail import Trail


class TrailScreen(ModalScreen[str | None]):
    DEFAULT_CSS = """
    TrailScreen { align: center middle; }
    TrailScreen > Vertical {
        width: 90%;
        max-width: 110;
        height: 90%;
        border: thick $accent;
        background: $surface;
    }
    TrailScreen Label { padding: 0 1; color: $text-muted; }
    TrailScreen OptionList { height: 1fr; border: none; }
    """

    BINDINGS = [
        Binding("escape,t", "close", "Close"),
        Binding("j", "cursor_down", show=False),
        Binding("k", "cursor_up", show=False),
    ]

    def __init__(self, trail: Trail, current: str | None, read_notes: set[str], lang: str | None) -> None:
        super().__init__()
        self.trail = trail
        self.current = current
        self.read_notes = read_notes
        self.lang = lang

    def compose(self) -> ComposeResult:
        done = sum(1 for step in self.trail.steps if step.note_id in self.read_notes)
        with Vertical():
            yield Label(f"Trail: {done}/{len(self.trail.steps)} steps read · Enter goes to a step · ] and [ walk it")
            yield OptionList(*self._options(), id="trail-steps")

    def _options(self) -> list[Option | None]:
        options: list[Option | None] = []
        chapter_seen = -1
        for step in self.trail.steps:
            if step.chapter != chapter_seen:
                chapter_seen = step.chapter
                chapter = self.trail.chapters[step.chapter]
                component = self.trail.component(chapter.component)
                heading = Text(inert(localized(chapter.title, self.lang)), style="bold")
                if component:
                    heading.append(f"  ({inert(component.title_in(self.lang))})", style="dim")
                options.append(Option(heading, disabled=True))
            text_step = self.trail.text(step) if step.is_text else None
            where = None if text_step is not None else self.trail.locate(step.note_id)
            line = Text()
            line.append("▶ " if step.note_id == self.current else "  ", style="bold")
            line.append("✓ " if step.note_id in self.read_notes else "· ", style="green" if step.note_id in self.read_notes else "dim")
            line.append(f"{step.index + 1:>3}. ")
            if where:
                path, note = where
                line.append(inert(note.title_in(self.lang)))
                line.append(f"  {inert(path)}:{note.start}", style="dim")
            else:
                if text_step is not None:
                    title = localized(text_step.title, self.lang) or localized(text_step.body, self.lang).strip().split("\n")[0][:60]
                    line.append(inert(title) or "(text)")
                    line.append("  text", style="dim italic")
                else:
                    line.append(f"{inert(step.note_id)} (missing note)", style="red")
            options.append(Option(line, id=step.note_id, disabled=where is None and text_step is None))
        return options

    def on_mount(self) -> None:
        steps = self.query_one(OptionList)
        if self.current:
            for index in range(steps.option_count):
                if steps.get_option_at_index(index).id == self.current:
                    steps.highlighted = index
                    break
        steps.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cursor_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    def action_close(self) -> None:
        self.dismiss(None)

"""Search every file of the tree; matches stream in, grouped by file; Enter opens one."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, OptionList
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from k8sread.core.errors import K8sreadError
from k8sread.core.sanitize import inert
from k8sread.core.search import Match, Query, backend, search

MAX_RESULTS = 5000
BATCH_SECONDS = 0.05


@dataclass(frozen=True)
class SearchHit:
    path: str
    line: int


class TreeSearchScreen(ModalScreen[SearchHit | None]):
    DEFAULT_CSS = """
    TreeSearchScreen { align: center top; }
    TreeSearchScreen > Vertical {
        width: 95%;
        height: 90%;
        margin-top: 1;
        border: thick $accent;
        background: $surface;
    }
    TreeSearchScreen Horizontal { height: auto; }
    TreeSearchScreen Input { width: 1fr; }
    TreeSearchScreen Checkbox { width: auto; border: none; padding: 0 1; }
    TreeSearchScreen #search-status { padding: 0 1; color: $text-muted; }
    TreeSearchScreen OptionList { height: 1fr; border: none; }
    """

    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("down", "move(1)", "Next", show=False),
        Binding("up", "move(-1)", "Previous", show=False),
        Binding("pagedown", "move(15)", show=False),
        Binding("pageup", "move(-15)", show=False),
    ]

    def __init__(self, root: Path, *, pattern: str = "", word: bool = False, go_only: bool = False, title: str | None = None) -> None:
        super().__init__()
        self.root = root
        self.initial = pattern
        self.word = word
        self.go_only = go_only
        self.title_text = title
        self._generation = 0

    def compose(self) -> ComposeResult:
        with Vertical():
            with Horizontal():
                yield Input(value=self.initial, placeholder="Search the tree (text; tick regex for a regular expression)", id="search-input")
                yield Checkbox("regex", id="search-regex")
                yield Checkbox("word", value=self.word, id="search-word")
                yield Checkbox(".go", value=self.go_only, id="search-go")
            # Content, not a str: a Label would parse markup, and a pattern such as `a[i]` or `[link=x:y]`
            # would vanish or crash the screen.
            yield Label(Content(inert(self.title_text or f"Enter searches · backend: {backend(self.root)}")), id="search-status")
            yield OptionList(id="search-results")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        if self.initial:
            self.start_search()

    @on(Input.Submitted, "#search-input")
    def _submitted(self) -> None:
        results = self.query_one(OptionList)
        if results.option_count and results.has_focus:
            return
        self.start_search()
        results.focus()

    @on(Checkbox.Changed)
    def _option_changed(self) -> None:
        if self.query_one(Input).value:
            self.start_search()

    def start_search(self) -> None:
        pattern = self.query_one(Input).value
        if not pattern:
            return
        self._generation += 1
        self.query_one(OptionList).clear_options()
        query = Query(
            pattern,
            regex=self.query_one("#search-regex", Checkbox).value,
            word=self.query_one("#search-word", Checkbox).value,
            go_only=self.query_one("#search-go", Checkbox).value,
        )
        self.query_one("#search-status", Label).update(Content(inert(f"searching for {pattern!r}…")))
        self._run(query, self._generation)

    @work(thread=True, exclusive=True, group="tree-search")
    def _run(self, query: Query, generation: int) -> None:
        worker = get_current_worker()
        started = time.perf_counter()
        batch: list[Match] = []
        count = 0
        files = 0
        last_path = None
        flushed = time.perf_counter()
        try:
            for found in search(self.root, query):
                if worker.is_cancelled or generation != self._generation:
                    return
                batch.append(found)
                count += 1
                if found.path != last_path:
                    files += 1
                    last_path = found.path
                if time.perf_counter() - flushed > BATCH_SECONDS:
                    self.app.call_from_thread(self._add, batch, generation)
                    batch, flushed = [], time.perf_counter()
                if count >= MAX_RESULTS:
                    break
        except K8sreadError as error:
            self.app.call_from_thread(self._status, str(error), generation)
            return
        self.app.call_from_thread(self._add, batch, generation)
        elapsed = (time.perf_counter() - started) * 1000
        more = "+" if count >= MAX_RESULTS else ""
        self.app.call_from_thread(self._status, f"{count}{more} matches in {files} files · {elapsed:.0f} ms · Enter opens", generation)

    def _status(self, text: str, generation: int) -> None:
        if generation == self._generation:
            self.query_one("#search-status", Label).update(Content(inert(text)))

    def _add(self, batch: list[Match], generation: int) -> None:
        if generation != self._generation or not batch:
            return
        results = self.query_one(OptionList)
        options: list[Option] = []
        previous = results.get_option_at_index(results.option_count - 1).id if results.option_count else None
        previous_path = previous.split("\0")[0] if previous else None
        for found in batch:
            if found.path != previous_path:
                options.append(Option(Text(inert(found.path), style="bold"), disabled=True))
                previous_path = found.path
            label = Text(f"{found.line:>6}  ", style="dim")
            label.append(inert(found.text.strip()))
            options.append(Option(label, id=f"{found.path}\0{found.line}"))
        first_batch = results.option_count == 0
        results.add_options(options)
        if first_batch:
            results.highlighted = 1 if results.option_count > 1 else None

    @on(OptionList.OptionSelected, "#search-results")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            path, _, line = event.option.id.partition("\0")
            self.dismiss(SearchHit(path, int(line)))

    def action_move(self, delta: int) -> None:
        results = self.query_one(OptionList)
        if not results.option_count:
            return
        results.focus()
        index = results.highlighted if results.highlighted is not None else 0
        step = 1 if delta > 0 else -1
        remaining = abs(delta)
        while remaining and 0 <= index + step < results.option_count:
            index += step
            if not results.get_option_at_index(index).disabled:
                remaining -= 1
        results.highlighted = index

    def action_close(self) -> None:
        self._generation += 1
        self.dismiss(None)

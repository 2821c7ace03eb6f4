"""The note editor and the confirm screen under Pilot: typing, saving, drafts kept and restored."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap

from reader_support import sync
from textual.app import App
from textual.widgets import Input, TextArea

from k8sread.core.drafts import Draft, DraftStore
from k8sread.core.note import Note
from k8sread.ui.screens.confirm import ConfirmScreen
from k8sread.ui.screens.note_editor import NoteEditorScreen, NoteEditResult

PATH = "pkg/kubelet/kubelet.go"
TREE = "/src/kubernetes"


class Host(App[None]):
    """Pushes one screen on start and records what it dismissed with."""

    def __init__(self, make_screen) -> None:
        super().__init__()
        self.make_screen = make_screen
        self.results: list = []

    def on_mount(self) -> None:
        self.push_screen(self.make_screen(), callback=self.results.append)


def new_draft() -> Draft:
    return Draft.new(tree_root=TREE, path=PATH, start=10, end=20, pack="mine")


def screen_text(app: App) -> str:
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def stored() -> list[Draft]:
    store = DraftStore()
    drafts = store.load_all()
    assert store.problems == []
    return drafts


async def type_note(pilot, title: str, body: list[str], tags: str) -> None:
    await pilot.press(*title)
    await pilot.press("tab")
    for number, line in enumerate(body):
        if number:
            await pilot.press("enter")
        await pilot.press(*line)
    await pilot.press("tab")
    await pilot.press(*tags)


@sync
async def test_type_and_save_returns_the_note_with_tags_parsed():
    draft = new_draft()
    app = Host(lambda: NoteEditorScreen(draft))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert f"{PATH}:L10-L20 → pack mine" in text and "New note" in text
        await type_note(pilot, "Sync 同步", ["*a*.", "", "- b"], "k8s, sync  io,k8s")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert len(app.results) == 1
        result = app.results[0]
        assert isinstance(result, NoteEditResult)
        assert result.title == "Sync 同步"
        assert result.body == "*a*.\n\n- b"
        assert result.tags == ("k8s", "sync", "io")
        assert result.draft.key == draft.key and result.draft.note_id == draft.note_id
    # The draft stays until the app has written the note (it discards it then).
    assert [d.title for d in stored()] == ["Sync 同步"]


@sync
async def test_draft_written_while_typing_and_restored_by_a_new_app():
    draft = new_draft()
    app = Host(lambda: NoteEditorScreen(draft))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await type_note(pilot, "half", ["still"], "wip")
        await pilot.pause(0.6)  # past the debounce, the app still running
        on_disk = stored()
        assert [(d.title, d.body, d.tags) for d in on_disk] == [("half", "still", "wip")]
        assert on_disk[0].saved_at
        raw = json.loads(DraftStore().path_for(draft.key).read_text("utf-8"))
        assert raw["path"] == PATH and raw["start"] == 10 and raw["end"] == 20 and raw["pack"] == "mine"

    (restored,) = stored()
    second = Host(lambda: NoteEditorScreen(restored))
    async with second.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        screen = second.screen
        assert screen.query_one("#editor-title", Input).value == "half"
        assert screen.query_one("#editor-body", TextArea).text == "still"
        assert screen.query_one("#editor-tags", Input).value == "wip"
        assert "restored draft" in screen_text(second)
        await pilot.press("end", "!", "ctrl+s")
        await pilot.pause()
        assert second.results[0].title == "half!"


@sync
async def test_quitting_mid_edit_keeps_what_was_typed(monkeypatch):
    import k8sread.ui.screens.note_editor as editor_module

    # Timers far away: only quitting can have written the draft.
    monkeypatch.setattr(editor_module, "DRAFT_DELAY", 60)
    monkeypatch.setattr(editor_module, "DRAFT_MAX_WAIT", 60)
    app = Host(lambda: NoteEditorScreen(new_draft()))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await pilot.press(*"typed just before quitting")
        assert stored() == []  # still inside the debounce window
        app.exit()
    assert [d.title for d in stored()] == ["typed just before quitting"]


@sync
async def test_escape_unchanged_closes_at_once_and_leaves_no_draft():
    note = Note(id="existing", start=3, end=4, title={"zh": "标题", "en": "Title"}, body={"en": "Body"}, tags=("a",))
    draft = Draft.from_note(tree_root=TREE, path=PATH, note=note, pack="mine", lang="en")
    app = Host(lambda: NoteEditorScreen(draft))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        assert app.screen.query_one("#editor-title", Input).value == "Title"
        assert "Edit note (en)" in screen_text(app)
        await pilot.press("x", "backspace")  # back to where it started
        await pilot.pause(0.5)
        await pilot.press("escape")
        await pilot.pause()
        assert app.results == [None]
        assert not isinstance(app.screen, ConfirmScreen)
    assert stored() == []


@sync
async def test_escape_on_a_changed_draft_asks_first():
    draft = new_draft()
    app = Host(lambda: NoteEditorScreen(draft))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await pilot.press(*"keep me")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "Discard your changes to this note?" in screen_text(app)
        assert [d.title for d in stored()] == ["keep me"]  # written at once, not after the delay
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditorScreen) and app.results == []
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert app.results == [None]
    assert stored() == []


@sync
async def test_empty_title_is_refused():
    app = Host(lambda: NoteEditorScreen(new_draft()))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await pilot.press("tab", *"a body without a title", "ctrl+s")
        await pilot.pause()
        assert app.results == [] and isinstance(app.screen, NoteEditorScreen)
        assert app.focused is app.screen.query_one("#editor-title")
        await pilot.press(*"  ", "ctrl+s")
        await pilot.pause()
        assert app.results == []


@sync
async def test_confirm_screen_keys_and_inert_message():
    for keys, expected in ((["y"], True), (["enter"], True), (["n"], False), (["escape"], False), (["tab", "enter"], False)):
        app = Host(lambda: ConfirmScreen("Delete the note “[bold red]x[/] \x1b]52;c;ZXZpbA==\x07”?"))
        async with app.run_test(size=(80, 20)) as pilot:
            await pilot.pause()
            assert "Delete the note “[bold red]x[/] ␛]52;c;ZXZpbA==␇”?" in screen_text(app)
            await pilot.press(*keys)
            await pilot.pause()
            assert app.results == [expected], keys


KILLED_EDITOR = textwrap.dedent(
    """
    import asyncio
    from textual.app import App
    from k8sread.core.drafts import Draft
    from k8sread.ui.screens.note_editor import NoteEditorScreen

    class Host(App):
        def on_mount(self):
            self.push_screen(NoteEditorScreen(Draft.new(tree_root="/t", path="a.go", start=1, end=2, pack="mine")))

    async def main():
        app = Host()
        async with app.run_test() as pilot:
            await pilot.pause()
            await pilot.press(*"written before the kill")
            await pilot.pause(0.6)
            print("typed", flush=True)
            await asyncio.sleep(60)

    asyncio.run(main())
    """
)


def test_killed_mid_edit_the_draft_comes_back(isolated_home):
    process = subprocess.Popen([sys.executable, "-c", KILLED_EDITOR], stdout=subprocess.PIPE, text=True, env=dict(os.environ))
    try:
        assert process.stdout.readline().strip() == "typed"
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    (draft,) = stored()
    assert (draft.path, draft.start, draft.end, draft.title) == ("a.go", 1, 2, "written before the kill")

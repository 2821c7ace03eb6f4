"""The k8sread App: config, theme, keymap and the process's signals. The reading itself is the
ReaderScreen (k8sread.ui.screens.reader) rendering the Reader model (k8sread.core.reader)."""

from __future__ import annotations

import signal
from typing import Any

from textual.app import App
from textual.notifications import SeverityLevel

from k8sread.core.config import choose_language, load_config
from k8sread.core.keymap import build_keymap
from k8sread.core.packset import PackSet
from k8sread.core.reader import Reader
from k8sread.core.sanitize import inert, inert_line
from k8sread.core.session import TreeSession
from k8sread.core.source_tree import SourceTree
from k8sread.ui.palette_commands import ReaderCommands
from k8sread.ui.screens.reader import ReaderScreen

# A closed terminal (SIGHUP), `kill` (SIGTERM) and an interrupt from outside (SIGINT): the
# note being typed is written as a draft and the place saved before the reader goes.
FLUSH_SIGNALS = (signal.SIGHUP, signal.SIGTERM, signal.SIGINT)


class ReaderApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "k8sread"
    # ctrl+p opens the file finder as in VS Code and ctrlp.vim; the command palette moves.
    COMMAND_PALETTE_BINDING = "ctrl+k"
    COMMANDS = App.COMMANDS | {ReaderCommands}
    EXTRA_COMMANDS = [("Show or hide vendor/ in the tree", "toggle_hidden")]

    def __init__(
        self,
        tree: SourceTree,
        *,
        banner: str | None = None,
        pack_dir: str | None = None,
        lang: str | None = None,
        open_path: str | None = None,
        open_line: int | None = None,
        remember: bool = True,
        packs: PackSet | None = None,
        read_only: str | None = None,
    ) -> None:
        super().__init__()
        self.config = load_config()
        self.keymap = build_keymap(self.config.keymap)
        self.lang = choose_language(lang, self.config)
        packs = packs if packs is not None else PackSet.for_tree(tree.root, pack_dir, read_only=read_only is not None)
        self.reader = Reader(tree, packs, lang=self.lang, session=TreeSession.load(tree.root), remember=remember, read_only=read_only)
        if read_only:
            # Said for the whole session, not in a toast that goes away.
            notice = f"Read-only: {read_only}. Your place, drafts and new notes are not saved."
            banner = f"{banner} · {notice}" if banner else notice
        self._reader_screen = ReaderScreen(self.reader, banner=banner, open_path=open_path, open_line=open_line)
        if self.config.theme:
            if self.config.theme in self.available_themes:
                self.theme = self.config.theme
            else:
                self.config.problem = f"{self.config.path}: unknown theme {self.config.theme!r}; using the default"

    def get_default_screen(self) -> ReaderScreen:
        return self._reader_screen

    def on_mount(self) -> None:
        from k8sread.ui.gc_policy import GcPolicy

        # No full garbage collection while a key is answered: freeze after start-up, collect
        # when idle (issue 11).
        self.gc_policy = GcPolicy.attach(self)
        if self.config.problem:
            self.notify(self.config.problem, severity="warning")
        for problem in self.keymap.problems:
            self.notify(problem, severity="warning", timeout=10)
        self._install_signal_handlers()

    # ---- what tests and palette commands reach through the app ---------------------------

    @property
    def reader_screen(self) -> ReaderScreen:
        return self._reader_screen

    @property
    def current_path(self) -> str | None:
        return self.reader.current_path

    def open_file(self, path: str, *, line: int | None = None, select: tuple[int, int] | None = None, restore: bool = False) -> bool:
        return self._reader_screen.open_file(path, line=line, select=select, restore=restore)

    def jump_to(self, path: str, line: int, *, select: tuple[int, int] | None = None) -> bool:
        return self._reader_screen.jump_to(path, line, select=select)

    # ---- messages --------------------------------------------------------------------

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information", timeout: float | None = None, markup: bool = True) -> None:
        """Every message is shown as plain, inert text, whatever the caller asked: messages
        quote file names, pack paths, note fields and errors, which anyone can fill with
        escape sequences or '[' (a file named `[link=x:y].go` made the toast's markup parser
        raise and took the reader down)."""
        super().notify(inert(message), title=inert_line(title), severity=severity, timeout=timeout, markup=False)

    def action_help_quit(self) -> None:
        # Textual's own hint uses markup, which notify above no longer renders.
        self.notify("Press q to quit k8sread", title="Do you want to quit?")

    # ---- leaving ---------------------------------------------------------------------

    def _install_signal_handlers(self) -> None:
        import asyncio

        try:
            loop = asyncio.get_running_loop()
            for number in FLUSH_SIGNALS:
                loop.add_signal_handler(number, self.flush_and_exit)
        except (RuntimeError, NotImplementedError, ValueError):
            pass  # not the main thread (tests drive the app from a worker): nothing to install

    def flush_drafts(self) -> None:
        """Write every open editor's draft now, whatever its timers say."""
        from k8sread.ui.screens.note_editor import NoteEditorScreen

        for screen in self.screen_stack:
            if isinstance(screen, NoteEditorScreen):
                screen.flush_draft()

    def flush_and_exit(self, *_: Any) -> None:
        self.flush_drafts()
        self._reader_screen.save_session()
        self.exit()

    def on_unmount(self) -> None:
        policy = getattr(self, "gc_policy", None)
        if policy is not None:
            policy.detach()

    async def action_quit(self) -> None:
        self.flush_drafts()
        self._reader_screen.save_session()
        self.exit()

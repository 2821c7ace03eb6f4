"""Every key of the reader, in one table: the Footer, `?`, the command palette and the
`[keymap]` table of config.toml all read it.

An entry has a binding id (`reader.next_step`), default keys in Textual's names
(`right_square_bracket`; alternatives separated by commas) and the action it runs. A chord is
two keys separated by a space (`g g`): the source view waits for the second key. In
config.toml:

    [keymap]
    "reader.next_step" = "n"
    "source.definition" = "g d,f12"

Pure data: no Textual here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

READER = "reader"
SOURCE = "source"


@dataclass(frozen=True)
class KeyAction:
    id: str
    keys: str
    action: str
    description: str
    scope: str = READER  # reader: the screen; source: the source view
    show: bool = False  # in the Footer
    palette: bool = True

    def alternatives(self) -> list[str]:
        """The keys, each a key or a two-key chord; empty when the user gave them away."""
        return [part.strip() for part in self.keys.split(",") if part.strip()]

    def single_keys(self) -> list[str]:
        return [key for key in self.alternatives() if " " not in key]

    def chords(self) -> list[tuple[str, str]]:
        found = []
        for key in self.alternatives():
            parts = key.split()
            if len(parts) == 2:
                found.append((parts[0], parts[1]))
        return found


def _components() -> list[KeyAction]:
    return [KeyAction(f"reader.component_{n}", str(n), f"component('{n}')", f"Jump to component {n}") for n in range(1, 10)]


DEFAULTS: tuple[KeyAction, ...] = (
    KeyAction("reader.find_file", "ctrl+p", "find_file", "Find file", show=True),
    # The Footer shows the reading loop; the rest is one `?` (or ctrl+k) away. At 120 columns
    # more would push the palette hint off the edge.
    KeyAction("reader.search_tree", "ctrl+f", "search_tree", "Search tree"),
    KeyAction("reader.find_symbol", "ctrl+t", "find_symbol", "Symbol"),
    KeyAction("reader.back", "ctrl+o,alt+left", "jump_back", "Back"),
    KeyAction("reader.forward", "alt+right", "jump_forward", "Forward"),
    KeyAction("reader.help", "question_mark", "help", "Keys", show=True),
    KeyAction("reader.annotate", "a", "annotate", "Annotate", show=True),
    KeyAction("reader.edit_note", "e", "edit_note", "Edit note"),
    KeyAction("reader.delete_note", "d", "delete_note", "Delete note"),
    KeyAction("reader.repin", "p", "repin", "Re-pin moved note"),
    KeyAction("reader.note_diff", "D", "note_diff", "What changed under the note"),
    KeyAction("reader.comment", "c", "comment", "Line comment"),
    KeyAction("reader.toggle_comments", "C", "toggle_comments", "Show/hide line comments"),
    KeyAction("reader.outline", "o", "outline", "Outline"),
    KeyAction("reader.orphans", "O", "orphans", "Orphans"),
    KeyAction("reader.next_step", "right_square_bracket", "trail_step(1)", "Next step", show=True),
    KeyAction("reader.previous_step", "left_square_bracket", "trail_step(-1)", "Prev step"),
    KeyAction("reader.trail", "t", "trail_view", "Trail", show=True),
    *_components(),
    KeyAction("reader.toggle_tree", "ctrl+b", "toggle_tree", "Tree"),
    KeyAction("reader.toggle_notes", "ctrl+n", "toggle_notes", "Notes"),
    KeyAction("reader.language", "L", "toggle_language", "中/EN", show=True),
    KeyAction("reader.packs", "P", "packs", "Packs"),
    KeyAction("reader.export", "x", "export", "Export"),
    KeyAction("reader.narrow_tree", "less_than_sign", "resize('tree', -1)", "Narrow tree"),
    KeyAction("reader.widen_tree", "greater_than_sign", "resize('tree', 1)", "Widen tree"),
    KeyAction("reader.widen_notes", "left_curly_bracket", "resize('notes', 1)", "Widen notes"),
    KeyAction("reader.narrow_notes", "right_curly_bracket", "resize('notes', -1)", "Narrow notes"),
    KeyAction("reader.toggle_hidden", "full_stop", "toggle_hidden", "Show vendor/"),
    KeyAction("reader.quit", "q", "quit", "Quit", show=True),
    KeyAction("source.search", "slash", "search", "Search", SOURCE, show=True),
    KeyAction("source.go_to_line", "colon", "prompt_line", "Go to line", SOURCE),
    KeyAction("source.select", "v", "toggle_select", "Select", SOURCE),
    KeyAction("source.copy", "y", "copy", "Copy", SOURCE),
    KeyAction("source.copy_location", "Y", "copy_location", "Copy location", SOURCE),
    KeyAction("source.next_match", "n", "search_next", "Next match", SOURCE),
    KeyAction("source.previous_match", "N", "search_previous", "Previous match", SOURCE),
    KeyAction("source.up", "up,k", "move(-1)", "Up", SOURCE, palette=False),
    KeyAction("source.down", "down,j", "move(1)", "Down", SOURCE, palette=False),
    KeyAction("source.left", "left,h", "move_column(-1)", "Left", SOURCE, palette=False),
    KeyAction("source.right", "right,l", "move_column(1)", "Right", SOURCE, palette=False),
    KeyAction("source.next_word", "w", "word(1)", "Next word", SOURCE, palette=False),
    KeyAction("source.previous_word", "b", "word(-1)", "Previous word", SOURCE, palette=False),
    KeyAction("source.line_start", "0", "line_edge(0)", "Line start", SOURCE, palette=False),
    KeyAction("source.line_end", "dollar_sign", "line_edge(1)", "Line end", SOURCE, palette=False),
    KeyAction("source.page_down", "pagedown", "page(1)", "Page down", SOURCE, palette=False),
    KeyAction("source.page_up", "pageup", "page(-1)", "Page up", SOURCE, palette=False),
    KeyAction("source.top", "g g,home,ctrl+home", "top", "Top", SOURCE),
    KeyAction("source.bottom", "end,ctrl+end,G", "bottom", "Bottom", SOURCE),
    KeyAction("source.select_up", "shift+up", "extend(-1)", "Select up", SOURCE, palette=False),
    KeyAction("source.select_down", "shift+down", "extend(1)", "Select down", SOURCE, palette=False),
    KeyAction("source.select_page_up", "shift+pageup", "extend_page(-1)", "Select page up", SOURCE, palette=False),
    KeyAction("source.select_page_down", "shift+pagedown", "extend_page(1)", "Select page down", SOURCE, palette=False),
    KeyAction("source.definition", "enter,g d", "definition", "Go to definition", SOURCE),
    KeyAction("source.references", "g r", "references", "References", SOURCE),
    KeyAction("source.clear", "escape", "clear", "Clear", SOURCE, palette=False),
    KeyAction("source.toggle_wrap", "W", "toggle_wrap", "Wrap long lines", SOURCE),
)


@dataclass(frozen=True)
class Keymap:
    actions: tuple[KeyAction, ...]
    problems: tuple[str, ...] = ()

    def scope(self, scope: str) -> list[KeyAction]:
        return [action for action in self.actions if action.scope == scope]

    def by_id(self, action_id: str) -> KeyAction | None:
        return next((action for action in self.actions if action.id == action_id), None)

    def chords(self, scope: str) -> dict[str, dict[str, KeyAction]]:
        """first key -> second key -> action, for the chords of one scope."""
        table: dict[str, dict[str, KeyAction]] = {}
        for action in self.scope(scope):
            for first, second in action.chords():
                table.setdefault(first, {})[second] = action
        return table

    def label(self, action: KeyAction) -> str:
        return ", ".join(key_label(key) for key in action.alternatives())


_NAMES = {
    "question_mark": "?",
    "less_than_sign": "<",
    "greater_than_sign": ">",
    "left_curly_bracket": "{",
    "right_curly_bracket": "}",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "full_stop": ".",
    "colon": ":",
    "slash": "/",
    "dollar_sign": "$",
    "escape": "Esc",
}


def key_label(key: str) -> str:
    """How a key (or a chord) is written for people: `]`, `gg`, `ctrl+p`."""
    parts = [_NAMES.get(part, part) for part in key.split()]
    return "".join(parts) if all(len(part) == 1 for part in parts) else " ".join(parts)


def build_keymap(overrides: dict[str, Any] | None = None) -> Keymap:
    """The default table with the user's `[keymap]` applied; unknown ids and keys that are
    not strings are reported, not fatal."""
    problems: list[str] = []
    known = {action.id: action for action in DEFAULTS}
    chosen = dict(known)
    for action_id, keys in (overrides or {}).items():
        if action_id not in known:
            problems.append(f"[keymap] {action_id!r} is not a binding id (see `?` for every key)")
            continue
        if not isinstance(keys, str) or not keys.strip():
            problems.append(f"[keymap] {action_id!r} must be a non-empty string of keys")
            continue
        bad = [key for key in keys.split(",") if len(key.split()) > 2 or not key.strip()]
        if bad:
            problems.append(f"[keymap] {action_id!r}: {bad[0]!r} is neither a key nor a two-key chord")
            continue
        chosen[action_id] = replace(known[action_id], keys=",".join(" ".join(key.split()) for key in keys.split(",")))
    # A key the user gave one action is taken from every default that had it: the explicit
    # choice wins, wherever the other binding lives (a focused view's keys would shadow it).
    taken = {key for action_id in chosen if chosen[action_id] is not known[action_id] for key in chosen[action_id].alternatives()}
    for action_id, action in list(chosen.items()):
        if action is not known[action_id]:
            continue
        kept = [key for key in action.alternatives() if key not in taken]
        if len(kept) != len(action.alternatives()):
            chosen[action_id] = replace(action, keys=",".join(kept))
            if not kept:
                problems.append(f"[keymap] {action_id} lost its only key to another binding; it is still in the command palette (ctrl+k)")
    return Keymap(tuple(chosen[action.id] for action in DEFAULTS), tuple(problems))

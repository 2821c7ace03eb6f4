"""One line: the components in story order, where you are, and how much of each you have read."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from k8sread.core.sanitize import inert
from k8sread.core.trail import MAX_MAP_NODES, Trail

# A node's label on the one-line map; a pack's titles may be any length (a 1 MB title would be
# laid out on every render).
MAX_LABEL = 32


def short_name(trail: Trail, node: str, lang: str | None) -> str:
    component = trail.component(node)
    title = node if component is None else component.title_in(lang)
    title = title[5:] if component is not None and title.startswith("kube-") else title
    return title if len(title) <= MAX_LABEL else title[: MAX_LABEL - 1] + "…"


class ComponentMap(Static):
    DEFAULT_CSS = """
    ComponentMap {
        height: 1;
        background: $boost;
        padding: 0 1;
        color: $text-muted;
    }
    ComponentMap.-hidden { display: none; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__("", **kwargs)
        self.trail: Trail | None = None
        self.current: str | None = None
        self.read_notes: set[str] = set()
        self.lang: str | None = None

    def update_map(self, trail: Trail | None, current: str | None, read_notes: set[str], lang: str | None) -> None:
        self.trail, self.current, self.read_notes, self.lang = trail, current, set(read_notes), lang
        self.set_class(trail is None or trail.empty, "-hidden")
        self.refresh()

    def render(self) -> Text:
        if self.trail is None:
            return Text("")
        progress = self.trail.progress(self.read_notes)
        text = Text()
        # Trail.from_pack refuses longer maps; the slice keeps a Trail built by hand bounded too.
        for index, node in enumerate(self.trail.map[:MAX_MAP_NODES]):
            if index:
                text.append(" → ", style="dim")
            component = self.trail.component(node)
            label = inert(short_name(self.trail, node, self.lang))
            if component and component.key:
                text.append(f"{component.key}:", style="dim")
            style = "bold reverse" if node == self.current else ("" if component else "dim italic")
            text.append(label, style=style)
            if node in progress:
                done, total = progress[node]
                text.append(f" {done}/{total}", style="green" if done == total else "dim")
        return text

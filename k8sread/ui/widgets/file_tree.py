"""The repo tree: lazy folders, note counts per file and folder, read marks."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from k8sread.core.pathtree import PathTree, folder_totals
from k8sread.core.sanitize import inert


@dataclass
class Entry:
    path: str
    is_dir: bool


class FileTree(Tree[Entry]):
    """Folders load their children when first expanded. Labels are plain Text built from
    file names (never markup: a file name may contain '[')."""

    BINDINGS = [
        Binding("enter", "select_cursor", "Open", show=False),
        Binding("space", "toggle_node", "Expand", show=False),
        Binding("l,right", "expand_or_open", "Expand", show=False),
        Binding("h,left", "collapse_or_parent", "Collapse", show=False),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    DEFAULT_CSS = """
    FileTree { width: 1fr; height: 1fr; }
    """

    class FileChosen(Message):
        def __init__(self, path: str) -> None:
            super().__init__()
            self.path = path

    def __init__(self, name_label: str, **kwargs) -> None:
        super().__init__(inert(name_label), data=Entry("", True), **kwargs)
        self.show_root = False
        self.guide_depth = 2
        self._paths = PathTree([])
        self._file_counts: dict[str, int] = {}
        self._folder_counts: dict[str, int] = {}
        self._read: set[str] = set()
        self._file_nodes: dict[str, TreeNode[Entry]] = {}
        self._dir_nodes: dict[str, TreeNode[Entry]] = {"": self.root}

    # ---- data ------------------------------------------------------------------------

    def set_paths(self, paths: list[str]) -> None:
        self._paths = PathTree(paths)
        self.root.remove_children()
        self._file_nodes.clear()
        self._dir_nodes = {"": self.root}
        self._fill(self.root)
        self.root.expand()

    def set_counts(self, counts: dict[str, int]) -> None:
        self._file_counts = counts
        self._folder_counts = folder_totals(counts)
        self._relabel_all()

    def set_read(self, read: set[str]) -> None:
        self._read = set(read)
        self._relabel_all()

    def mark_read(self, path: str) -> None:
        self._read.add(path)
        node = self._file_nodes.get(path)
        if node is not None:
            node.set_label(self._label(node.data))

    # ---- labels ----------------------------------------------------------------------

    def _label(self, entry: Entry | None) -> Text:
        if entry is None:
            return Text("")
        name = inert(entry.path.rpartition("/")[2])
        if entry.is_dir:
            label = Text(name + "/", style="bold")
            count = self._folder_counts.get(entry.path, 0)
        else:
            label = Text(name)
            count = self._file_counts.get(entry.path, 0)
            if entry.path in self._read:
                label.append(" ✓", style="green")
        if count:
            label.append(f" {count}", style="italic magenta")
        return label

    def _relabel_all(self) -> None:
        for node in list(self._dir_nodes.values()) + list(self._file_nodes.values()):
            if node is not self.root:
                node.set_label(self._label(node.data))

    def _fill(self, node: TreeNode[Entry]) -> None:
        folder = node.data.path if node.data else ""
        dirs, files = self._paths.children(folder)
        prefix = f"{folder}/" if folder else ""
        for name in dirs:
            entry = Entry(prefix + name, True)
            child = node.add(self._label(entry), data=entry, allow_expand=True)
            self._dir_nodes[entry.path] = child
        for name in files:
            entry = Entry(prefix + name, False)
            leaf = node.add_leaf(self._label(entry), data=entry)
            self._file_nodes[entry.path] = leaf

    # ---- events ----------------------------------------------------------------------

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[Entry]) -> None:
        node = event.node
        if node.data and node.data.is_dir and not node.children:
            self._fill(node)

    def on_tree_node_selected(self, event: Tree.NodeSelected[Entry]) -> None:
        entry = event.node.data
        if entry and not entry.is_dir:
            event.stop()
            self.post_message(self.FileChosen(entry.path))

    def action_expand_or_open(self) -> None:
        node = self.cursor_node
        if node is None or node.data is None:
            return
        if node.data.is_dir:
            node.expand()
        else:
            self.post_message(self.FileChosen(node.data.path))

    def action_collapse_or_parent(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.data and node.data.is_dir and node.is_expanded:
            node.collapse()
        elif node.parent is not None and node.parent is not self.root:
            self.move_cursor(node.parent)

    def reveal(self, path: str) -> None:
        """Expand the folders down to `path` and put the cursor on it."""
        parts = path.split("/")
        folder = ""
        for part in parts[:-1]:
            folder = f"{folder}/{part}" if folder else part
            child = self._dir_nodes.get(folder)
            if child is None:
                return
            if not child.children:
                self._fill(child)
            child.expand()
        leaf = self._file_nodes.get(path)
        if leaf is not None:
            self.call_after_refresh(self._move_to, leaf)

    def _move_to(self, node: TreeNode[Entry]) -> None:
        self.move_cursor(node)
        self.scroll_to_node(node, animate=False)

"""Package-level Go declarations of one file: the outline, and what notes anchor to.

Methods are named the way Go tools print them, `(*ApplyOptions).Run` / `(T).String`
(type parameters dropped: `(*Cache[K]).Get` is `(*Cache).Get`, so a note survives a change of
type parameter names). Grouped `const (...)`, `var (...)` and `type (...)` blocks give one
symbol per name, with the range of its spec. Lines are 1-based and inclusive; `name_column`
is a 0-based character (not byte) column on `name_line`. `doc_line` is the first line of the
comment block directly above the declaration (== start_line when there is none), so a note
that starts on a doc comment still has an enclosing symbol.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import tree_sitter

from k8sread.core.go_parse import as_bytes, parse_go

KINDS = ("func", "method", "struct", "interface", "type", "const", "var")


@dataclass(frozen=True, slots=True)
class Symbol:
    name: str
    kind: str
    start_line: int
    end_line: int
    receiver: str | None = None
    name_line: int = 0
    name_column: int = 0
    doc_line: int = 0

    @property
    def first_line(self) -> int:
        """Where the symbol's text begins, doc comment included."""
        return self.doc_line or self.start_line

    def contains(self, start: int, end: int) -> bool:
        return self.first_line <= start and end <= self.end_line

    def overlaps(self, start: int, end: int) -> bool:
        return self.first_line <= end and start <= self.end_line


def _text(node: tree_sitter.Node | None) -> str:
    if node is None or node.text is None:
        return ""
    return node.text.decode("utf-8", errors="replace")


def _receiver_type(method: tree_sitter.Node) -> str:
    """`*T` or `T` from `func (x *T[K]) ...`; the raw text, spaces dropped, as a fallback."""
    receiver = method.child_by_field_name("receiver")
    if receiver is None:
        return "?"
    for param in receiver.named_children:
        if param.type != "parameter_declaration":
            continue
        node = param.child_by_field_name("type")
        pointer = ""
        while node is not None and node.type in ("pointer_type", "parenthesized_type"):
            if node.type == "pointer_type":
                pointer = "*"
            node = node.named_children[0] if node.named_children else None
        if node is not None and node.type == "generic_type":
            node = node.child_by_field_name("type")
        if node is not None:
            return pointer + _text(node)
    return "".join(_text(receiver).strip("()").split()) or "?"


class _Builder:
    def __init__(self, data: bytes):
        self.data = data
        self.symbols: list[Symbol] = []

    def column(self, node: tree_sitter.Node) -> int:
        line_start = node.start_byte - node.start_point.column
        return len(self.data[line_start : node.start_byte].decode("utf-8", errors="replace"))

    def add(self, name_node: tree_sitter.Node, name: str, kind: str, span: tree_sitter.Node, doc_line: int, receiver: str | None = None) -> None:
        start = span.start_point.row + 1
        self.symbols.append(
            Symbol(
                name=name,
                kind=kind,
                start_line=start,
                end_line=span.end_point.row + 1,
                receiver=receiver,
                name_line=name_node.start_point.row + 1,
                name_column=self.column(name_node),
                doc_line=min(doc_line, start) if doc_line else start,
            )
        )

    def specs(self, declaration: tree_sitter.Node, kind: str, doc_line: int) -> None:
        spec_type = {"const": "const_spec", "var": "var_spec", "type": "type_spec"}[kind]
        container = declaration
        for child in declaration.named_children:
            if child.type == "var_spec_list":  # tree-sitter-go 0.25 wraps `var (...)` specs
                container = child
        specs = [c for c in container.named_children if c.type in (spec_type, "type_alias")]
        # An ungrouped spec takes the declaration's range (it starts at the keyword).
        grouped = any(child.type == "(" for child in container.children)
        for spec in specs:
            span = spec if grouped else declaration
            spec_doc = _doc_line(spec) if grouped else doc_line
            if kind == "type":
                name_node = spec.child_by_field_name("name")
                if name_node is None:
                    continue
                type_node = spec.child_by_field_name("type")
                sub_kind = {"struct_type": "struct", "interface_type": "interface"}.get(type_node.type if type_node else "", "type")
                self.add(name_node, _text(name_node), sub_kind, span, spec_doc)
                continue
            for name_node in spec.children_by_field_name("name"):
                if name_node.type != "identifier":  # the field also yields the commas
                    continue
                self.add(name_node, _text(name_node), kind, span, spec_doc)

    def declaration(self, node: tree_sitter.Node) -> None:
        kind = node.type
        if kind == "function_declaration":
            name_node = node.child_by_field_name("name")
            if name_node is not None:
                self.add(name_node, _text(name_node), "func", node, _doc_line(node))
        elif kind == "method_declaration":
            name_node = node.child_by_field_name("name")
            if name_node is not None:
                receiver = _receiver_type(node)
                self.add(name_node, f"({receiver}).{_text(name_node)}", "method", node, _doc_line(node), receiver)
        elif kind == "const_declaration":
            self.specs(node, "const", _doc_line(node))
        elif kind == "var_declaration":
            self.specs(node, "var", _doc_line(node))
        elif kind == "type_declaration":
            self.specs(node, "type", _doc_line(node))


def _doc_line(node: tree_sitter.Node) -> int:
    """First line of the comments directly above `node` (no blank line between)."""
    first = node.start_point.row
    sibling = node.prev_sibling
    while sibling is not None and sibling.type == "comment" and sibling.end_point.row >= first - 1 and sibling.end_point.row < node.start_point.row:
        first = sibling.start_point.row
        sibling = sibling.prev_sibling
    return first + 1


def extract_symbols(source: str | bytes) -> list[Symbol]:
    """The file's package-level declarations, in source order. Never raises on bad Go:
    declarations tree-sitter could not recover are simply absent."""
    data = as_bytes(source)
    tree = parse_go(data)
    builder = _Builder(data)
    for node in tree.root_node.named_children:
        builder.declaration(node)
    return builder.symbols


def enclosing_symbol(symbols: Sequence[Symbol], start: int, end: int) -> Symbol | None:
    """The declaration a line range belongs to: the smallest one containing it, else the
    smallest one containing its first line, else the first one that starts inside it."""
    containing = [s for s in symbols if s.contains(start, end)]
    if containing:
        return min(containing, key=lambda s: (s.end_line - s.first_line, s.first_line))
    at_start = [s for s in symbols if s.first_line <= start <= s.end_line]
    if at_start:
        return min(at_start, key=lambda s: (s.end_line - s.first_line, s.first_line))
    inside = [s for s in symbols if start <= s.start_line <= end]
    return min(inside, key=lambda s: s.start_line) if inside else None


def symbols_named(symbols: Iterable[Symbol], name: str) -> list[Symbol]:
    return [s for s in symbols if s.name == name]

"""A pack (or a chapter, the trail, one file) written the way source-reading articles are.

Per chapter a heading; per note its prose, then a ```go excerpt of its lines as they are in
the checkout, the line comments interleaved as `//` comments above the lines they explain
(indented like them), then a permalink to those lines. Notes that follow one another in the
same declaration, the later ones without prose of their own, share one excerpt, with `// ...`
where lines between their ranges are left out. Text steps are written as they are.

The result reads like the series, and `k8sread import markdown` over the same tree gives
back the same placements and line comments (the permalinks under the excerpts tell the
importer which file each is from; note titles are not part of the style and are not kept).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from k8sread.core.errors import K8sreadError
from k8sread.core.export_markdown import (
    _SAFE_REF,
    Document,
    Item,
    Section,
    build,
    comments_by_line,
    fence_for,
    fence_language,
    one_line,
    permalink,
)
from k8sread.core.note import localized
from k8sread.core.pack import Pack
from k8sread.core.placement import Placement
from k8sread.core.sanitize import inert, markdown_body, markdown_text
from k8sread.core.source_tree import SourceTree
from k8sread.core.symbols import enclosing_symbol, extract_symbols
from k8sread.core.trail import TextStep

ORPHANS = {"en": "Notes whose code is gone", "zh": "找不到代码的笔记"}
GONE = {"en": "its code was not found in this checkout", "zh": "在这份代码里找不到它的代码"}


@dataclass
class Excerpt:
    """One ```go block: one note, or several in one declaration that read as one."""

    items: list[Item] = field(default_factory=list)

    @property
    def path(self) -> str:
        return self.items[0].where.path

    def ranges(self) -> list[tuple[int, int]]:
        """The lines shown, joined where they touch or overlap."""
        spans = sorted((item.where.start, item.where.end) for item in self.items if item.where.start is not None and item.where.end is not None)
        merged: list[tuple[int, int]] = []
        for start, end in spans:
            if merged and start <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        return merged


class _Declarations:
    """The enclosing declaration of a range, per file, computed once per file."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.cache: dict[str, list] = {}

    def of(self, where: Placement) -> str | None:
        if not where.path.endswith(".go") or not where.placed:
            return None
        if where.path not in self.cache:
            lines = self.doc.locator.source(where.path).lines or []
            self.cache[where.path] = extract_symbols("\n".join(lines))
        symbol = enclosing_symbol(self.cache[where.path], where.start, where.end)  # type: ignore[arg-type]
        return symbol.name if symbol else None


def section_entries(section: Section) -> list[Item | TextStep]:
    items = sorted(section.items, key=lambda item: (item.number is None, item.number or 0))
    entries: list[Item | TextStep] = list(items)
    for number, text in section.texts:
        at = next((k for k, item in enumerate(entries) if isinstance(item, Item) and (item.number is None or item.number > number)), len(entries))
        entries.insert(at, text)
    return entries


def _group(entries: list[Item | TextStep], doc: Document, declarations: _Declarations) -> list[Excerpt | TextStep]:
    grouped: list[Excerpt | TextStep] = []
    for entry in entries:
        if isinstance(entry, TextStep):
            grouped.append(entry)
            continue
        last = grouped[-1] if grouped else None
        joins = (
            isinstance(last, Excerpt)
            and not entry.where.note.body_in(doc.lang).strip()
            and last.path == entry.where.path
            and declarations.of(entry.where) is not None
            and declarations.of(entry.where) == declarations.of(last.items[-1].where)
        )
        if joins:
            last.items.append(entry)  # type: ignore[union-attr]
        else:
            grouped.append(Excerpt([entry]))
    return grouped


def excerpt_lines(doc: Document, excerpt: Excerpt) -> list[str]:
    """The fenced block: the code of each range, line comments above their lines, `// ...`
    between ranges, and the permalink under it."""
    lines = doc.locator.source(excerpt.path).lines or []
    ranges = excerpt.ranges()
    body: list[str] = []
    for k, (start, end) in enumerate(ranges):
        comments = comments_by_line(doc, excerpt.path, start, end)
        if k:
            first = lines[start - 1] if start - 1 < len(lines) else ""
            body.append(first[: len(first) - len(first.lstrip())] + "// ...")
        for number in range(start, min(end, len(lines)) + 1):
            text = inert(lines[number - 1])
            indent = text[: len(text) - len(text.lstrip())]
            body += [f"{indent}// {comment}".rstrip() for comment in comments.get(number, [])]
            body.append(text)
    fence = fence_for(body)
    out = [fence + fence_language(excerpt.path), *body, fence]
    if doc.commit and doc.repository and _SAFE_REF.fullmatch(doc.commit) and ranges:
        start, end = ranges[0][0], ranges[-1][1]
        out.append(f"[{markdown_text(excerpt.path)}#L{start}-L{end}]({permalink(doc.repository, doc.commit, excerpt.path, start, end)})")
    return out


def render_article(doc: Document) -> str:
    out = [f"# {markdown_text(doc.title)}", ""]
    if doc.description:
        out += [markdown_body(doc.description), ""]
    declarations = _Declarations(doc)
    for section in doc.sections:
        out += [f"## {markdown_text(section.title)}", ""]
        for entry in _group(section_entries(section), doc, declarations):
            if isinstance(entry, TextStep):
                title = one_line(localized(entry.title, doc.lang))
                body = localized(entry.body, doc.lang).strip("\n")
                out += ([f"**{markdown_text(title)}**", ""] if title else []) + ([markdown_body(body), ""] if body.strip() else [])
                continue
            prose = entry.items[0].where.note.body_in(doc.lang).strip("\n")
            if prose.strip():
                out += [markdown_body(prose), ""]
            out += excerpt_lines(doc, entry) + [""]
    if doc.orphans:
        out += [f"## {ORPHANS.get(doc.lang, ORPHANS['en'])}", ""]
        for item in doc.orphans:
            note = item.where.note
            title = one_line(note.title_in(doc.lang)) or one_line(note.body_in(doc.lang))[:60] or note.id
            out += [f"**{markdown_text(title)}** ({markdown_text(item.where.path)}: {GONE.get(doc.lang, GONE['en'])})", ""]
            body = note.body_in(doc.lang).strip("\n")
            if body.strip() and not note.is_comment:
                out += [markdown_body(body), ""]
    return "\n".join(out).rstrip("\n") + "\n"


def only_chapter(doc: Document, number: int) -> Document:
    """The document narrowed to the trail's chapter `number` (1-based)."""
    wanted = f"chapter-{number}"
    sections = [section for section in doc.sections if section.anchor == wanted]
    if not sections:
        count = sum(1 for section in doc.sections if section.anchor.startswith("chapter-"))
        raise K8sreadError(f"pack {doc.pack.name} has no chapter {number} (it has {count})")
    doc.sections = sections
    shown = {item.where.note.id for item in sections[0].items + sections[0].orphaned_steps}
    doc.orphans = [item for item in doc.orphans if item.where.note.id in shown]
    return doc


def export_article(pack: Pack, tree: SourceTree, *, lang: str, chapter: int | None = None, **scope) -> tuple[str, Document]:
    if chapter is not None:
        scope = {**scope, "trail_only": True}
    doc = build(pack, tree, lang=lang, **scope)
    if chapter is not None:
        doc = only_chapter(doc, chapter)
    return render_article(doc), doc

"""A pack (or its trail, one component, one file) as a Markdown document ready to publish.

The document has a table of contents; a Mermaid flowchart of the trail across components;
for each step or note a heading, the noted lines as a fenced, line-numbered excerpt taken
from the checkout, the note's Markdown body, and a permalink to those lines on GitHub at the
commit they were resolved against; and the orphaned notes in a section of their own.

Headings carry explicit anchors (`<a id="note-<id>">`) built from note ids, so links into
the document survive a retitled note; those anchors are the only HTML in the document.

Notes come from strangers, and the document is published and rendered. Bodies, the pack's
description and component summaries keep the author's Markdown, with raw HTML and links to
anything but http(s) URLs and anchors escaped, and a fence left open closed
(`sanitize.markdown_body`). Titles, names, paths and reasons are plain text, escaped. Links
are built only from an http(s) repository URL, percent-encoded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import quote, urlsplit

from k8sread.core.errors import K8sreadError
from k8sread.core.note import localized
from k8sread.core.pack import Pack
from k8sread.core.placement import Locator, Placement

# Strangers' text: controls become visible stand-ins (the project's one rule for it), so a
# hostile note shows what it tried instead of hiding it.
from k8sread.core.sanitize import inert, markdown_body, markdown_code, markdown_text
from k8sread.core.source_tree import SourceTree
from k8sread.core.trail import TextStep, Trail

DEFAULT_REPOSITORY = "https://github.com/kubernetes/kubernetes"

LABELS = {
    "en": {
        "contents": "Contents",
        "map": "Map of the trail",
        "steps": "steps",
        "step": "step",
        "other": "Other notes",
        "orphans": "Orphaned notes",
        "orphans_intro": "These notes' code was not found in the checkout they were exported against.",
        "lines": "lines",
        "view": "View on GitHub",
        "written": "written against",
        "moved": "moved from lines",
        "changed": "the code changed since this note was written at {commit} (lines {start}–{end} then)",
        "orphan_step": "its code was not found in this checkout; see",
        "source": "Exported from pack {pack} against commit {commit} of {repo}.",
        "file": "Notes on",
        "component": "Component",
        "reason": "why",
    },
    "zh": {
        "contents": "目录",
        "map": "路线图",
        "steps": "步",
        "step": "步",
        "other": "其他笔记",
        "orphans": "孤立的笔记",
        "orphans_intro": "下面这些笔记在导出所用的代码里找不到它们的代码了。",
        "lines": "行",
        "view": "在 GitHub 上查看",
        "written": "写于",
        "moved": "原在第",
        "changed": "代码在笔记写下后改过(写于 {commit},当时是第 {start}–{end} 行)",
        "orphan_step": "在这份代码里找不到它的代码，见",
        "source": "导出自笔记包 {pack}，对应 {repo} 的提交 {commit}。",
        "file": "笔记：",
        "component": "组件",
        "reason": "原因",
    },
}

_LANGUAGES = {
    ".go": "go",
    ".sh": "bash",
    ".py": "python",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".json": "json",
    ".proto": "protobuf",
    ".md": "markdown",
    ".c": "c",
    ".s": "asm",
}


def fence_language(path: str) -> str:
    return _LANGUAGES.get(PurePosixPath(path).suffix.lower(), "")


def fence_for(lines: list[str]) -> str:
    """A backtick fence longer than any backtick run in the lines, so none can close it."""
    longest = max((len(run) for line in lines for run in re.findall(r"`+", line)), default=0)
    return "`" * max(3, longest + 1)


# What may stay as written in a link target: URL characters that end neither the target nor the
# link in Markdown (no spaces, parentheses, angle brackets, backslashes or backticks).
_URL_SAFE = "/:@!$&'*+,;=-._~%"


def permalink(repository: str, commit: str, path: str, start: int, end: int) -> str:
    base = (repository or DEFAULT_REPOSITORY).rstrip("/").removesuffix(".git")
    return quote(f"{base}/blob/{commit}/{path}", safe=_URL_SAFE) + f"#L{start}-L{end}"


# A commit or ref as it may appear in a GitHub URL: no `..` to climb out of the repository.
_SAFE_REF = re.compile(r"(?!.*\.\.)[A-Za-z0-9._/-]{1,200}")


def safe_repository(url: str) -> str | None:
    """The pack's repository URL when it is an http(s) URL to a host, else None: it is the
    base of every link in the document, and comes from the pack."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return quote(url.strip(), safe=_URL_SAFE + "?#")


def anchor_id(kind: str, key: str) -> str:
    return f"{kind}-" + re.sub(r"[^A-Za-z0-9._-]", "-", key)


def one_line(text: str) -> str:
    """Plain one-line text (titles, names); `markdown_text` escapes it where it goes into Markdown."""
    return " ".join(inert(text).split())


# ---- what goes in the document ------------------------------------------------------------


@dataclass
class Item:
    where: Placement
    number: int | None = None  # the step's number in the trail


@dataclass
class Section:
    anchor: str
    title: str
    summary: str = ""
    items: list[Item] = field(default_factory=list)
    orphaned_steps: list[Item] = field(default_factory=list)
    texts: list[tuple[int, TextStep]] = field(default_factory=list)  # (step number, text step)


@dataclass
class MapNode:
    id: str
    title: str
    steps: int


@dataclass
class Document:
    pack: Pack
    lang: str
    title: str
    description: str
    repository: str
    commit: str  # the checkout's commit when known, else the pack's
    pack_commit: str
    sections: list[Section]
    orphans: list[Item]
    map: list[MapNode]
    locator: Locator
    warnings: list[str] = field(default_factory=list)
    highlight: str | None = None  # the component exported alone

    @property
    def items(self) -> list[Item]:
        return [item for section in self.sections for item in section.items]


def pack_trail(pack: Pack) -> Trail | None:
    raw = pack.meta.raw
    if not (raw.get("chapters") or raw.get("components") or any(n.trail is not None for notes in pack.load_all().values() for n in notes)):
        return None
    trail = Trail.from_pack(pack)
    return None if trail.empty else trail


def build(
    pack: Pack,
    tree: SourceTree,
    *,
    lang: str,
    trail_only: bool = False,
    component: str | None = None,
    file: str | None = None,
) -> Document:
    """Collect what the document shows; the scope is the whole pack unless one of
    `trail_only`, `component` or `file` narrows it."""
    locator = Locator(pack, tree)
    trail = pack_trail(pack) if file is None else None
    if (trail_only or component) and trail is None and not (component and pack.meta.raw.get("components")):
        raise K8sreadError(f"pack {pack.name} has no trail (no [[chapters]] or trail numbers in its notes)")
    sections: list[Section] = []
    orphans: list[Item] = []
    warnings: list[str] = []
    used: set[str] = set()
    comments: list[tuple[Item, Section]] = []

    def place(where: Placement, number: int | None, section: Section) -> None:
        used.add(where.note.id)
        item = Item(where, number)
        if where.note.is_comment and not where.orphan:
            comments.append((item, section))  # drawn inside the excerpts around it (settled below)
            return
        if where.orphan:
            orphans.append(item)
            if number is not None:
                section.orphaned_steps.append(item)
        else:
            section.items.append(item)

    if file is not None:
        notes = locator.file(file)
        if not notes and file not in pack.files():
            raise K8sreadError(f"pack {pack.name} has no notes on {file}")
        section = Section(anchor_id("file", file), f"{LABELS_FOR(lang)['file']} {file}")
        for where in sorted(notes.values(), key=_by_place):
            place(where, None, section)
        sections.append(section)
    else:
        if component is not None and trail is not None and trail.component(component) is None:
            known = ", ".join(c.id for c in trail.components) or "none"
            raise K8sreadError(f"pack {pack.name} has no component {component!r} (components: {known})")
        if trail is not None:
            for chapter_index, chapter in enumerate(trail.chapters):
                if component is not None and chapter.component != component:
                    continue
                owner = trail.component(chapter.component)
                section = Section(anchor_id("chapter", str(chapter_index + 1)), one_line(localized(chapter.title, lang)) or chapter.component)
                if owner is not None:
                    section.summary = inert(localized(owner.summary, lang))
                for step in trail.steps:
                    if step.chapter != chapter_index:
                        continue
                    if step.is_text:
                        text = trail.text(step)
                        if text is None:
                            warnings.append(f"trail step {step.index + 1} names text {step.text_id!r}, which pack.toml has no [[texts]] for")
                        else:
                            section.texts.append((step.index + 1, text))
                        continue
                    found = trail.locate(step.note_id)
                    if found is None:
                        warnings.append(f"trail step {step.index + 1} names note {step.note_id!r}, which is not in the pack")
                        continue
                    path, _ = found
                    step_note = locator.file(path).get(step.note_id)
                    if step_note is not None:
                        place(step_note, step.index + 1, section)
                sections.append(section)
        if not trail_only:
            rest = Section("other-notes", LABELS_FOR(lang)["other"])
            owner = trail.component(component) if (trail is not None and component) else None
            for path in pack.files():
                if component is not None and (owner is None or not owner.owns(path)):
                    continue
                for where in sorted(locator.file(path).values(), key=_by_place):
                    if where.note.id not in used:
                        place(where, None, rest)
            _settle_comments(comments, [*sections, rest])
            comments = []
            if rest.items:
                sections.append(rest)
    _settle_comments(comments, sections)
    for _path, error in sorted(pack.errors.items()):
        warnings.append(str(error))
    node_map = _map(trail, lang) if (trail is not None and file is None) else []
    pack_commit = pack.meta.commit
    repository = safe_repository(pack.meta.repository or DEFAULT_REPOSITORY)
    if repository is None:
        warnings.append(f"pack.toml [source] repository {pack.meta.repository!r} is not an http(s) URL; the export has no links to the code")
    if pack_commit and not _SAFE_REF.fullmatch(pack_commit):
        warnings.append(f"pack.toml [source] commit {pack_commit!r} is not a commit or ref name; notes are not linked to it")
    return Document(
        pack=pack,
        lang=lang,
        title=one_line(localized(pack.meta.title, lang)) or pack.name,
        description=inert(localized(pack.meta.description, lang)).strip(),
        repository=repository or "",
        commit=tree.commit or pack_commit,
        pack_commit=pack_commit,
        sections=sections,
        orphans=orphans,
        map=node_map,
        locator=locator,
        warnings=warnings,
        highlight=component,
    )


def _settle_comments(comments: list[tuple[Item, Section]], sections: list[Section]) -> None:
    """A line comment inside a note's lines shows in that note's excerpt; one outside every
    note shown gets an item (and an excerpt) of its own."""
    shown = [item.where for section in sections for item in section.items]
    for item, section in comments:
        where = item.where
        inside = any(other.path == where.path and other.placed and other.start <= where.start <= other.end for other in shown)  # type: ignore[operator]
        if not inside:
            section.items.append(item)
            shown.append(where)


def comments_by_line(doc: Document, path: str, start: int, end: int) -> dict[int, list[str]]:
    """The line comments on lines start..end of path, line -> their lines of text."""
    found: dict[int, list[str]] = {}
    for where in sorted(doc.locator.file(path).values(), key=_by_place):
        if where.note.is_comment and where.placed and start <= where.start <= end:  # type: ignore[operator]
            found.setdefault(where.start, []).extend(inert(where.note.body_in(doc.lang)).strip("\n").split("\n"))  # type: ignore[arg-type]
    return found


def LABELS_FOR(lang: str) -> dict[str, str]:
    return LABELS.get(lang, LABELS["en"])


def _by_place(where: Placement) -> tuple[int, int, str]:
    return (where.start or where.note.start, where.end or where.note.end, where.note.id)


def _map(trail: Trail, lang: str) -> list[MapNode]:
    counts: dict[str, int] = {}
    for step in trail.steps:
        counts[step.component] = counts.get(step.component, 0) + 1
    order = list(trail.map) or [c.id for c in trail.components]
    for component_id in counts:  # a chapter's component missing from the map still shows
        if component_id not in order:
            order.append(component_id)
    nodes = []
    for node_id in order:
        component = trail.component(node_id)
        title = component.title_in(lang) if component else node_id
        nodes.append(MapNode(node_id, one_line(title), counts.get(node_id, 0)))
    return nodes


# ---- writing it -----------------------------------------------------------------------------


def _mermaid_label(text: str) -> str:
    # Mermaid entity codes: no quote ends the label, no tag, no "`markdown string`".
    return text.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;").replace("`", "#96;")


def mermaid(doc: Document) -> list[str]:
    labels = LABELS_FOR(doc.lang)
    out = ["```mermaid", "flowchart LR"]
    ids = {node.id: f"c{index}" for index, node in enumerate(doc.map)}
    for node in doc.map:
        count = f"<br/>{node.steps} {labels['steps'] if node.steps != 1 else labels['step']}" if node.steps else ""
        out.append(f'  {ids[node.id]}["{_mermaid_label(node.title)}{count}"]')
    for left, right in zip(doc.map, doc.map[1:]):
        out.append(f"  {ids[left.id]} --> {ids[right.id]}")
    if doc.highlight in ids:
        out.append(f"  style {ids[doc.highlight]} stroke-width:4px")
    out.append("```")
    return out


def _heading_title(item: Item, doc: Document) -> str:
    """The step's number and the note's title, as Markdown (the title escaped)."""
    note = item.where.note
    fallback = f"// {one_line(note.body_in(doc.lang))[:60]}" if note.is_comment else note.id  # a line comment has no title
    title = markdown_text(one_line(note.title_in(doc.lang)) or fallback)
    return f"{item.number}. {title}" if item.number is not None else title


def _excerpt(item: Item, doc: Document) -> list[str]:
    lines = doc.locator.excerpt(item.where)
    if not lines:
        return []
    width = len(str(lines[-1][0]))
    comments = comments_by_line(doc, item.where.path, lines[0][0], lines[-1][0])
    numbered: list[str] = []
    for number, text in lines:
        # Line comments sit above their line, indented like it, with no line number: read as
        # the articles print them, never mistaken for the file's own lines.
        indent = text[: len(text) - len(text.lstrip())]
        numbered += [f"{'':>{width}} | {inert(indent)}// {comment}".rstrip() for comment in comments.get(number, [])]
        numbered.append(f"{number:>{width}} | {inert(text)}")
    fence = fence_for(numbered)
    return [fence + fence_language(item.where.path), *numbered, fence]


def _item(item: Item, doc: Document, level: str) -> list[str]:
    labels = LABELS_FOR(doc.lang)
    where = item.where
    out = [f'<a id="{anchor_id("note", where.note.id)}"></a>', "", f"{level} {_heading_title(item, doc)}", ""]
    place = (
        f"{markdown_code(where.path)} {labels['lines']} {where.start}–{where.end}"
        if not where.orphan
        else f"{markdown_code(where.path)} {labels['lines']} {where.note.start}–{where.note.end}"
    )
    if where.moved:
        place += f" ({labels['moved']} {where.note.start}–{where.note.end})"
    if where.changed:
        written = markdown_text(where.written_at[:12]) or "?"
        place += " (" + labels["changed"].format(commit=written, start=where.note.start, end=where.note.end) + ")"
    if where.orphan:
        place += f" ({labels['reason']}: {markdown_text(one_line(where.reason))})"
    out += [place, ""]
    if not where.orphan:
        out += _excerpt(item, doc) + [""]
    body = markdown_body(where.note.body_in(doc.lang).strip("\n"))
    if body.strip():
        out += [body, ""]
    commit = doc.pack_commit if where.orphan else doc.commit
    start, end = (where.note.start, where.note.end) if where.orphan else (where.start, where.end)
    if commit and doc.repository and _SAFE_REF.fullmatch(commit) and start is not None and end is not None:
        label = labels["view"] + (f" ({labels['written']} {markdown_code(commit[:12])})" if where.orphan else "")
        out += [f"[{label}]({permalink(doc.repository, commit, where.path, start, end)})", ""]
    return out


def render(doc: Document) -> str:
    labels = LABELS_FOR(doc.lang)
    out = [f"# {markdown_text(doc.title)}", ""]
    if doc.description:
        out += [markdown_body(doc.description), ""]
    if doc.commit and doc.repository:
        repo = markdown_text(doc.repository.rstrip("/").removesuffix(".git"))
        out += ["> " + labels["source"].format(pack=markdown_code(doc.pack.name), commit=markdown_code(doc.commit), repo=repo), ""]
    # Table of contents
    out += [f"## {labels['contents']}", ""]
    if doc.map:
        out.append(f"- [{labels['map']}](#map)")
    for section in doc.sections:
        out.append(f"- [{markdown_text(section.title)}](#{section.anchor})")
        for item in section.items:
            out.append(f"  - [{_heading_title(item, doc)}](#{anchor_id('note', item.where.note.id)})")
    if doc.orphans:
        out.append(f"- [{labels['orphans']}](#orphaned-notes)")
        for item in doc.orphans:
            out.append(f"  - [{_heading_title(item, doc)}](#{anchor_id('note', item.where.note.id)})")
    out.append("")
    if doc.map:
        out += ['<a id="map"></a>', "", f"## {labels['map']}", ""] + mermaid(doc) + [""]
    for section in doc.sections:
        out += [f'<a id="{section.anchor}"></a>', "", f"## {markdown_text(section.title)}", ""]
        if section.summary.strip():
            out += [markdown_body(section.summary), ""]
        steps = sorted(section.items + section.orphaned_steps, key=lambda item: (item.number is None, item.number or 0))
        for number, text in section.texts:
            # A text step goes before the first note step that comes after it in the trail.
            at = next((k for k, item in enumerate(steps) if item.number is None or item.number > number), len(steps))
            steps.insert(at, text)  # type: ignore[arg-type]
        for item in steps:
            if isinstance(item, TextStep):
                title = one_line(localized(item.title, doc.lang))
                out += ([f"### {markdown_text(title)}", ""] if title else []) + [markdown_body(localized(item.body, doc.lang).strip("\n")), ""]
                continue
            if item.where.orphan:
                out += [f"_{_heading_title(item, doc)}: {labels['orphan_step']} [{labels['orphans']}](#{anchor_id('note', item.where.note.id)})._", ""]
            else:
                out += _item(item, doc, "###")
    if doc.orphans:
        out += ['<a id="orphaned-notes"></a>', "", f"## {labels['orphans']}", "", labels["orphans_intro"], ""]
        for item in doc.orphans:
            out += _item(item, doc, "###")
    return "\n".join(out).rstrip("\n") + "\n"


def export_markdown(pack: Pack, tree: SourceTree, *, lang: str, **scope) -> tuple[str, Document]:
    doc = build(pack, tree, lang=lang, **scope)
    return render(doc), doc

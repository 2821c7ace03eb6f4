"""CodeTour (the VS Code extension) tours to and from packs.

A tour is JSON (`.tours/<name>.tour`, schema https://aka.ms/codetour-schema): a title, an
optional description and git `ref`, and steps. A step has a `description` (Markdown) and may
name a `file` (relative to the workspace root) with a 1-based `line`, a `selection`
({start: {line, character}, end: {...}}, 1-based), or a `pattern` (a regular expression the
extension searches the file for); or a `directory`, a `uri`, a `view`, or nothing (a
content-only step).

Export: the trail's steps in order (or the notes of the chosen scope), each with file, line,
selection, title and description, and the commit as `ref`; text steps of the trail become
content steps (with their `directory`, `uri` or `view` when they came from a tour). A note's
line comments are folded into its step's description (a list under "Line comments"); a line
comment outside every note exported is a one-line step of its own. Orphaned notes cannot
point at code, so they are left out and listed.

Import: each step anchored in a file of the tree becomes a note; a content step (no file),
and a step that points at a directory, a URI or a view, becomes a text step of the trail
([[texts]] in pack.toml) with its title and description. The tour becomes one chapter of the
pack's trail, in tour order, with the tour's title and description. Steps on a missing file,
a pattern that matches nothing or lines past the end are reported, not dropped silently.
"""

from __future__ import annotations

import json
import math
import os
import re
import select
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from k8sread.core.errors import K8sreadError
from k8sread.core.export_article import section_entries
from k8sread.core.export_markdown import Document, Item, build, comments_by_line, inert, one_line
from k8sread.core.note import Note, NoteError, localized, now
from k8sread.core.pack import Pack
from k8sread.core.placement import anchored
from k8sread.core.source_tree import SourceTree
from k8sread.core.trail import TEXT_STEP, TextStep
from k8sread.core.trail_write import TrailAddition, add_to_trail, previous_import, save_replacing, text_ids_in_use

SCHEMA_URL = "https://aka.ms/codetour-schema"
TAG = "codetour"
IMPORT_KEY = "codetour:"  # the chapters a tour import writes carry import = "codetour:<tour>"
MAX_TOUR_BYTES = 16 * 1024 * 1024
# A tour comes from anyone: its size, its numbers and its regular expressions are bounded.
MAX_TOUR_STEPS = 5000
MAX_LINE = 2**31 - 1  # line numbers past this are no line of any file (and 1e400 is infinity)
MAX_PATTERN_CHARS = 1000
# Python's re has no time limit, and `^(\s*\S+)*@` backtracks for hours on a long line: each
# pattern runs in a forked child that is killed after PATTERN_SECONDS, and once the tour's
# patterns have taken PATTERN_TOTAL_SECONDS the remaining pattern steps are skipped.
PATTERN_SECONDS = 1.0
PATTERN_TOTAL_SECONDS = 3.0


# ---- export -------------------------------------------------------------------------------


def _content_step(text: TextStep, lang: str) -> dict[str, Any]:
    """A text step as a step with no file (or on the directory, URI or view it came from)."""
    title = one_line(localized(text.title, lang))
    description = inert(localized(text.body, lang)).strip()
    step: dict[str, Any] = {key: text.extra[key] for key in ("directory", "uri", "view") if isinstance(text.extra.get(key), str)}
    if title:
        step["title"] = title
    step["description"] = description or title or text.id
    return step


def tour_from_document(doc: Document) -> dict[str, Any]:
    steps: list[dict[str, Any]] = []
    entries: list[Item | TextStep] = [entry for section in doc.sections for entry in section_entries(section)]
    for entry in entries:
        if isinstance(entry, TextStep):
            steps.append(_content_step(entry, doc.lang))
            continue
        item = entry
        where = item.where
        if where.orphan:
            continue
        note = where.note
        if note.is_comment:  # a line comment outside every note exported: a step on its line
            text = one_line(note.body_in(doc.lang))
            steps.append(
                {
                    "file": where.path,
                    "line": where.start,
                    "title": "// " + (text[:60] or note.id),
                    "description": inert(note.body_in(doc.lang)).strip() or note.id,
                }
            )
            continue
        title = one_line(where.note.title_in(doc.lang)) or where.note.id
        start, end = where.start, where.end
        assert start is not None and end is not None  # orphans were left out above
        # The extension shows the step's comment under `line`: under the block reads best.
        step: dict[str, Any] = {"file": where.path, "line": end}
        if end > start:
            last = doc.locator.source(where.path).lines or []
            end_character = len(last[end - 1]) + 1 if end <= len(last) else 1
            step["selection"] = {"start": {"line": start, "character": 1}, "end": {"line": end, "character": end_character}}
        step["title"] = title
        step["description"] = (inert(where.note.body_in(doc.lang)).strip() or title) + _folded_comments(doc, where)
        steps.append(step)
    title, description = _tour_title(doc)
    tour: dict[str, Any] = {"$schema": SCHEMA_URL, "title": title, "steps": steps}
    if description:
        tour["description"] = description
    if doc.commit:
        tour["ref"] = doc.commit
    return tour


def _folded_comments(doc: Document, where) -> str:
    """The note's line comments as a list under its description: CodeTour has one comment
    box per step, and a step per line comment would make the tour a walk through one-liners."""
    found = comments_by_line(doc, where.path, where.start, where.end)
    if not found:
        return ""
    items = [f"- {'行' if doc.lang == 'zh' else 'line'} {line}: {text}" for line, texts in sorted(found.items()) for text in texts]
    return "\n\n" + ("行内注释：" if doc.lang == "zh" else "Line comments:") + "\n" + "\n".join(items)


def _tour_title(doc: Document) -> tuple[str, str]:
    """A pack that is one imported tour exports under the tour's own title and description."""
    chapters = doc.pack.meta.raw.get("chapters")
    if isinstance(chapters, list) and len(chapters) == 1 and isinstance(chapters[0], dict) and str(chapters[0].get("import", "")).startswith(IMPORT_KEY):
        chapter = chapters[0]
        title = one_line(localized(chapter.get("title", ""), doc.lang)) if isinstance(chapter.get("title"), (str, dict)) else ""
        description = inert(localized(chapter.get("description", ""), doc.lang)).strip() if isinstance(chapter.get("description"), (str, dict)) else ""
        return title or doc.title, description or doc.description
    return doc.title, doc.description


def export_tour(pack: Pack, tree: SourceTree, *, lang: str, **scope) -> tuple[str, Document, list[str]]:
    """The tour's JSON text, the document it came from, and the notes left out (orphans)."""
    doc = build(pack, tree, lang=lang, **scope)
    tour = tour_from_document(doc)
    left_out = [f"{item.where.path}: note {item.where.note.id} is orphaned ({item.where.reason}); not in the tour" for item in doc.orphans]
    return json.dumps(tour, ensure_ascii=False, indent=2) + "\n", doc, left_out


def tour_path(base: Path, pack_name: str) -> Path:
    return Path(base) / ".tours" / f"{pack_name}.tour"


# ---- import -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Imported:
    step: int  # 1-based
    note: Note
    path: str
    how: str  # line | selection | pattern | file


@dataclass(frozen=True)
class Skipped:
    step: int
    reason: str


@dataclass(frozen=True)
class ImportedText:
    step: int  # 1-based
    text_id: str
    kind: str  # content | directory | uri | view


@dataclass
class ImportReport:
    title: str
    ref: str | None
    imported: list[Imported] = field(default_factory=list)
    texts: list[ImportedText] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def read_tour(path: Path) -> dict[str, Any]:
    path = Path(path)
    try:
        if path.stat().st_size > MAX_TOUR_BYTES:
            raise K8sreadError(f"{path}: over {MAX_TOUR_BYTES // (1024 * 1024)} MiB; not a tour")
        data = json.loads(path.read_text("utf-8-sig"))
    except RecursionError:
        # json recurses once per '[' or '{'; 100,000 of them are 200 KB.
        raise K8sreadError(f"{path}: not a CodeTour file: values nested too deeply") from None
    except FileNotFoundError:
        raise K8sreadError(f"{path}: no such file") from None
    except OSError as error:
        raise K8sreadError(f"{path}: cannot read ({error.strerror})") from None
    except UnicodeDecodeError:
        raise K8sreadError(f"{path}: not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise K8sreadError(f"{path}:{error.lineno}:{error.colno}: not valid JSON ({error.msg})") from None
    problems = tour_problems(data)
    if problems:
        raise K8sreadError(f"{path}: not a CodeTour file: {problems[0]}")
    return data


def _is_number(value: Any) -> bool:
    """A line or character number: JSON lets through NaN, Infinity and 1e400 (infinity), which
    int() refuses with a traceback; and no file has 10**100 lines."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and abs(value) <= MAX_LINE


def tour_problems(tour: Any) -> list[str]:
    """Where `tour` breaks the CodeTour schema's required fields and types ([] when it fits)."""
    if not isinstance(tour, dict):
        return ["a tour is a JSON object"]
    problems: list[str] = []
    if not isinstance(tour.get("title"), str):
        problems.append("title must be a string")
    for key in ("description", "ref"):
        if key in tour and not isinstance(tour[key], str):
            problems.append(f"{key} must be a string")
    if "isPrimary" in tour and not isinstance(tour["isPrimary"], bool):
        problems.append("isPrimary must be true or false")
    steps = tour.get("steps")
    if not isinstance(steps, list):
        return problems + ["steps must be an array"]
    if len(steps) > MAX_TOUR_STEPS:
        return problems + [f"{len(steps)} steps, over the {MAX_TOUR_STEPS} a tour may have"]
    for number, step in enumerate(steps, start=1):
        if not isinstance(step, dict):
            problems.append(f"step {number} must be an object")
            continue
        if not isinstance(step.get("description"), str):
            problems.append(f"step {number}: description must be a string")
        for key in ("file", "directory", "uri", "title", "view", "pattern"):
            if key in step and not isinstance(step[key], str):
                problems.append(f"step {number}: {key} must be a string")
        if "line" in step and not _is_number(step["line"]):
            problems.append(f"step {number}: line must be a number from 1 to {MAX_LINE}")
        if "selection" in step:
            selection = step["selection"]
            ok = isinstance(selection, dict) and all(
                isinstance(selection.get(end), dict) and _is_number(selection[end].get("line")) and _is_number(selection[end].get("character"))
                for end in ("start", "end")
            )
            if not ok:
                problems.append(f"step {number}: selection needs start and end, each with a line and a character number (finite, at most {MAX_LINE})")
        if isinstance(step.get("pattern"), str) and len(step["pattern"]) > MAX_PATTERN_CHARS:
            problems.append(f"step {number}: pattern is over {MAX_PATTERN_CHARS} characters")
        if "commands" in step and not (isinstance(step["commands"], list) and all(isinstance(c, str) for c in step["commands"])):
            problems.append(f"step {number}: commands must be an array of strings")
    return problems


def _clean_path(raw: str) -> str:
    path = raw.replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return str(PurePosixPath(path)) if path else ""


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:40].strip("-") or "tour"


def _title_from(step: dict[str, Any], number: int) -> str:
    if isinstance(step.get("title"), str) and step["title"].strip():
        return one_line(step["title"])
    for line in inert(step.get("description", "")).split("\n"):
        text = line.strip().lstrip("#").strip()
        if text:
            return text if len(text) <= 80 else text[:79] + "…"
    return f"Step {number}"


class _PatternClock:
    """The time a tour's patterns may still take (PATTERN_TOTAL_SECONDS in all)."""

    def __init__(self, total: float = PATTERN_TOTAL_SECONDS) -> None:
        self.left = total


def _search_limited(pattern: re.Pattern[str], text: str, seconds: float) -> int | None:
    """Where `pattern` first matches `text` (an offset), None when it does not; TimeoutError
    when it takes longer than `seconds`. The search runs in a forked child, killed at the
    limit: re cannot be interrupted, and a thread running it could never be stopped."""
    if not hasattr(os, "fork"):
        raise TimeoutError("patterns are only searched where processes can fork")
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: search, report, leave without running any cleanup of the parent's
        try:
            os.close(read_end)
            match = pattern.search(text)
            os.write(write_end, str(-1 if match is None else match.start()).encode("ascii"))
        finally:
            os._exit(0)
    os.close(write_end)
    try:
        ready, _, _ = select.select([read_end], [], [], seconds)
        answer = os.read(read_end, 64) if ready else b""
    finally:
        os.close(read_end)
        if not ready:
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    if not ready:
        raise TimeoutError(f"took over {seconds:g} s")
    if not answer:
        raise TimeoutError("the search failed")  # the child died (out of memory)
    offset = int(answer)
    return None if offset < 0 else offset


def _lines_of(step: dict[str, Any], lines: list[str], clock: _PatternClock | None = None) -> tuple[int, int, str] | str:
    """(start, end, how), or why the step cannot be placed."""
    if isinstance(step.get("selection"), dict):
        start = int(step["selection"]["start"]["line"])
        end = int(step["selection"]["end"]["line"])
        # A selection ending at the very start of a line does not cover that line.
        if end > start and int(step["selection"]["end"]["character"]) <= 1:
            end -= 1
        how = "selection"
    elif _is_number(step.get("line")):
        start = end = int(step["line"])
        how = "line"
    elif isinstance(step.get("pattern"), str):
        try:
            pattern = re.compile(step["pattern"][:MAX_PATTERN_CHARS], re.MULTILINE)
        except (re.error, RecursionError, OverflowError) as error:
            return f"pattern {step['pattern']!r} is not a regular expression ({error})"
        clock = clock if clock is not None else _PatternClock()
        if clock.left <= 0:
            return f"pattern {step['pattern']!r} not searched: the tour's patterns already took {PATTERN_TOTAL_SECONDS:g} s"
        text = "\n".join(lines)
        started = time.monotonic()
        try:
            offset = _search_limited(pattern, text, min(PATTERN_SECONDS, clock.left))
        except TimeoutError as error:
            return f"pattern {step['pattern']!r} was given up: {error}"
        finally:
            clock.left -= time.monotonic() - started
        if offset is None:
            return f"pattern {step['pattern']!r} matches nothing in the file"
        start = end = text.count("\n", 0, offset) + 1
        how = "pattern"
    else:
        start = end = 1
        how = "file"
    if start < 1 or end < start:
        return f"lines {start}-{end} are not a valid range"
    if end > len(lines):
        return f"lines {start}-{end} are past the end of the file ({len(lines)} lines)"
    return start, end, how


def import_tour(tour: dict[str, Any], tree: SourceTree, pack: Pack, *, author: str = "", lang: str | None = None) -> ImportReport:
    """Turn the tour's steps into notes of `pack` (ids `<tour>-<n>`, in tour order).

    The whole tour is checked and every step placed (files read, patterns searched under
    their time limit) before the first note is written: a tour that fails half-way leaves the
    pack as it was, not with its first steps in it."""
    problems = tour_problems(tour)
    if problems:
        raise K8sreadError(f"not a CodeTour file: {problems[0]}")
    report = ImportReport(title=tour.get("title", ""), ref=tour.get("ref"))
    if report.ref and tree.commit and not tree.commit.startswith(report.ref) and report.ref != tree.commit:
        report.warnings.append(f"the tour was recorded at {report.ref}; the tree is at {tree.commit[:12]}: line numbers may not match")
    prefix = _slug(report.title)
    key = IMPORT_KEY + prefix
    old = previous_import(pack, key)
    # Importing the tour again replaces what the first import wrote: its ids are free again.
    existing = {note.id for path in pack.files() for note in pack.notes_for(path)} - set(old.note_ids)
    taken_texts = text_ids_in_use(pack) - set(old.text_ids)
    addition = TrailAddition()
    order: list[str] = []  # the chapter's steps, in tour order
    next_trail = 1 + max((note.trail or 0 for path in pack.files() for note in pack.notes_for(path)), default=0)
    stamp = now()
    clock = _PatternClock()
    planned: list[tuple[int, str, Note, str]] = []  # step, file, note, how
    for number, step in enumerate(tour.get("steps", []), start=1):
        if isinstance(step.get("directory"), str) or not isinstance(step.get("file"), str) or not step["file"].strip():
            # A content step (or one on a folder, a URI, a view) is part of the tour: a text step.
            text = _text_from(step, number, prefix, taken_texts, lang)
            taken_texts.add(text["id"])
            addition.texts.append(text)
            order.append(TEXT_STEP + text["id"])
            kind = next((k for k in ("directory", "uri", "view") if k in text), "content")
            report.texts.append(ImportedText(number, text["id"], kind))
            continue
        path = _clean_path(step["file"])
        try:
            source = tree.read_text(path)
        except K8sreadError as error:
            report.skipped.append(Skipped(number, f"file {path!r} cannot be used: {error}"))
            continue
        if source.binary:
            report.skipped.append(Skipped(number, f"file {path!r} is binary"))
            continue
        lines = source.lines()
        placed = _lines_of(step, lines, clock)
        if isinstance(placed, str):
            report.skipped.append(Skipped(number, f"{path}: {placed}"))
            continue
        start, end, how = placed
        note_id = f"{prefix}-{number}"
        while note_id in existing:
            note_id += "x"
        title = _title_from(step, number)
        body = inert(step.get("description", "")).strip()
        try:
            note = Note(
                id=note_id,
                start=start,
                end=end,
                title={lang: title} if lang else title,
                body=({lang: body} if lang else body) if body else "",
                tags=(TAG,),
                author=author,
                created=stamp,
                updated=stamp,
                trail=next_trail,
            )
        except NoteError as error:
            report.skipped.append(Skipped(number, str(error)))
            continue
        existing.add(note_id)
        next_trail += 1
        order.append(note_id)
        planned.append((number, path, anchored(note, lines, is_go=path.endswith(".go")), how))
    # The tour is one chapter of the trail, under its own title: written before the notes so
    # their `trail` numbers (kept for older readers) are not made a chapter of their own.
    title = report.title or prefix
    chapter: dict[str, Any] = {"component": prefix, "title": {lang: title} if lang else title, "steps": order}
    description = tour.get("description")
    if isinstance(description, str) and description.strip():
        chapter["description"] = {lang: inert(description).strip()} if lang else inert(description).strip()
    addition.chapters.append(chapter)
    add_to_trail(pack, addition, key=key)
    where = {note.id: path for _, path, note, _ in planned}
    for note_id in old.note_ids:  # an earlier import's steps this one has not, or on another file
        found = pack.find(note_id)
        if found is not None and where.get(note_id) != found[0]:
            pack.delete(found[0], note_id)
    for number, path, note, how in planned:
        saved = save_replacing(pack, path, note)
        report.imported.append(Imported(number, saved, path, how))
    return report


def _text_from(step: dict[str, Any], number: int, prefix: str, taken: set[str], lang: str | None) -> dict[str, Any]:
    """A [[texts]] table for a step that is not on a file's lines."""
    text_id = f"{prefix}-{number}"
    while text_id in taken:
        text_id += "x"
    table: dict[str, Any] = {"id": text_id}
    if isinstance(step.get("title"), str) and step["title"].strip():
        title = one_line(step["title"])
        table["title"] = {lang: title} if lang else title
    body = inert(step.get("description", "")).strip()
    if body:
        table["body"] = {lang: body} if lang else body
    for key in ("directory", "uri", "view"):
        if isinstance(step.get(key), str):
            table[key] = step[key]
    return table

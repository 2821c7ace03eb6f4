"""The reading trail a pack declares: components, the map between them, and chapters of steps.

All of it is data in pack.toml, so a pack for another Go project declares its own:

    map = ["kubectl", "kube-apiserver", "etcd", ...]          # nodes of the component map
    [[components]]                                             # the ones you can jump to
    id = "kubectl"; key = "1"; title.zh = "..."; entry = "cmd/kubectl/kubectl.go"
    entry_symbol = "main"; folders = ["cmd/kubectl", "staging/src/k8s.io/kubectl"]
    [[chapters]]
    component = "kubectl"; title.en = "..."; description.en = "..."; steps = ["note-id", "text:intro", ...]
    [[texts]]                                                  # text steps: prose on no code
    id = "intro"; title.en = "..."; body.en = "..."            # (an article's non-code block,
                                                               # a CodeTour content step)

A step is a note id, or `text:<id>` naming a [[texts]] entry: note ids cannot contain ':', so
the two never collide, and an older k8sread sees an unknown step rather than a broken trail.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from k8sread.core.errors import PackFileError
from k8sread.core.note import ID_RE, Note, NoteError, Text, check_text, localized
from k8sread.core.pack import FileScan, Pack

# A trail is read from a stranger's pack.toml and drawn on every screen: its size is bounded
# where it is read. Over these, the trail is refused with a message naming the count (a map of
# 100k ids and 40k components froze the reader for 3 minutes before its first screen).
MAX_COMPONENTS = 64
MAX_MAP_NODES = 64  # the map is one line of the screen
MAX_FOLDERS = 64  # per component: every file opened asks each component which folders it owns
MAX_CHAPTERS = 500
MAX_STEPS = 2000
MAX_TEXTS = 2000
# The notes a trail points to are found without parsing the whole pack: a quick scan of each
# notes file for the ids (or `trail =` numbers) wanted, then only those files are parsed, the
# files of the earliest steps first, up to this many TOML tokens in all (about 0.35 s at worst;
# all the notes files of the series pack, 527 notes, hold 67,000). Steps in files past it show
# as missing, and say so.
TRAIL_PARSE_TOKENS = 200_000


@dataclass(frozen=True)
class Component:
    id: str
    title: Text
    key: str | None = None
    entry: str | None = None
    entry_symbol: str | None = None
    folders: tuple[str, ...] = ()
    summary: Text = ""

    def title_in(self, lang: str | None) -> str:
        return localized(self.title, lang) or self.id

    def owns(self, path: str) -> int:
        """Length of the longest declared folder that contains `path` (0: not ours)."""
        best = 0
        for folder in self.folders:
            prefix = folder.rstrip("/") + "/"
            if path.startswith(prefix) or path == folder:
                best = max(best, len(prefix))
        return best


@dataclass(frozen=True)
class Chapter:
    component: str
    title: Text
    steps: tuple[str, ...]
    description: Text = ""


TEXT_STEP = "text:"
# Keys of a [[texts]] entry this version reads; the rest (a CodeTour step's `directory` or
# `uri`) is kept in `extra` for the exporters.
TEXT_KEYS = ("id", "title", "body")


@dataclass(frozen=True)
class TextStep:
    """A step of prose on no code: shown as a page of its own when the trail reaches it."""

    id: str
    body: Text = ""
    title: Text = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Step:
    index: int  # 0-based position in the whole trail
    note_id: str  # the step as written: a note id, or "text:<id>" for a text step
    component: str
    chapter: int

    @property
    def text_id(self) -> str | None:
        """The [[texts]] id of a text step; None for a note."""
        return self.note_id[len(TEXT_STEP) :] if self.note_id.startswith(TEXT_STEP) else None

    @property
    def is_text(self) -> bool:
        return self.note_id.startswith(TEXT_STEP)


@dataclass
class Trail:
    pack: Pack
    components: list[Component]
    chapters: list[Chapter]
    map: list[str]
    steps: list[Step] = field(default_factory=list)
    texts: dict[str, TextStep] = field(default_factory=dict)
    # Note id -> the notes files whose bytes mention it, in reading order (from the scans only),
    # and the steps located one by one from it.
    _mentions: dict[str, list[str]] | None = field(default=None, repr=False)
    _located: dict[str, tuple[str, Note] | None] = field(default_factory=dict, repr=False)
    _by_file: dict[str, dict[str, Note]] = field(default_factory=dict, repr=False)  # path -> id -> note
    # What was dropped while reading the trail (a step listed twice), for the reader to say.
    problems: list[str] = field(default_factory=list)
    # What finding the steps' notes left unread (TRAIL_PARSE_TOKENS); rebuilt with the index.
    index_problems: list[str] = field(default_factory=list)
    _by_id: dict[str, Component] = field(default_factory=dict, repr=False)
    _by_key: dict[str, Component] = field(default_factory=dict, repr=False)
    _step_at: dict[str, Step] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        # Lookups by id, key and step: the map and the header ask them on every render, and a
        # linear search per map node was what made a big map freeze the reader. The first
        # component with an id or key wins, as the linear search did.
        for component in self.components:
            self._by_id.setdefault(component.id, component)
            if component.key:
                self._by_key.setdefault(component.key, component)
        for step in self.steps:
            self._step_at.setdefault(step.note_id, step)

    @classmethod
    def from_pack(cls, pack: Pack) -> Trail:
        raw = pack.meta.raw
        path = pack.root / "pack.toml"
        components = [_component(path, item) for item in _tables(path, raw, "components", MAX_COMPONENTS)]
        chapters = [_chapter(path, item) for item in _tables(path, raw, "chapters", MAX_CHAPTERS)]
        node_map = raw.get("map", [c.id for c in components])
        if not isinstance(node_map, list) or not all(isinstance(item, str) for item in node_map):
            raise PackFileError(path, "map must be a list of component ids")
        _at_most(path, "map", len(node_map), MAX_MAP_NODES)
        problems: list[str] = []
        if not chapters:
            chapters = _chapters_from_trail_fields(pack, components, problems)
        _at_most(path, "steps", sum(len(chapter.steps) for chapter in chapters), MAX_STEPS)
        steps: list[Step] = []
        seen: set[str] = set()
        for chapter_index, chapter in enumerate(chapters):
            for note_id in chapter.steps:
                # A step is known by its note: listed twice, walking [ and ] would loop and the
                # trail view crashed on the duplicate row id. The first place is kept.
                if note_id in seen:
                    problems.append(f"{path}: the trail lists {note_id!r} more than once; only its first place is kept")
                    continue
                seen.add(note_id)
                steps.append(Step(len(steps), note_id, chapter.component, chapter_index))
        texts: dict[str, TextStep] = {}
        for item in _tables(path, raw, "texts", MAX_TEXTS):
            text = _text_step(path, item)
            if text.id in texts:
                raise PackFileError(path, f"[[texts]] id {text.id!r} is used twice")
            texts[text.id] = text
        return cls(pack, components, chapters, list(node_map), steps, texts, problems=problems)

    @property
    def empty(self) -> bool:
        return not self.steps and not self.components

    # ---- where things are ------------------------------------------------------------

    def _files_by_id(self) -> dict[str, list[str]]:
        """For each step's note id, the notes files that mention it, the files of the earliest
        steps first, within TRAIL_PARSE_TOKENS: from the raw-byte scans, nothing parsed. The
        whole pack (20 MB of TOML is a minute of parsing) is never parsed for the trail."""
        if self._mentions is None:
            rank = {step.note_id: step.index for step in self.steps if not step.is_text}
            wanted = rank.keys()
            self.index_problems = []

            def first_step(scan: FileScan) -> int | None:
                return min((rank[i] for i in wanted & scan.ids), default=None)  # a set op, in C

            mentions: dict[str, list[str]] = {}
            for path in _files_mentioning(self.pack, first_step, self.index_problems, "trail steps"):
                scan = self.pack.scan(path)
                for note_id in wanted & scan.ids if scan is not None else ():
                    mentions.setdefault(note_id, []).append(path)
            self._mentions = mentions
        return self._mentions

    def _index(self) -> dict[str, tuple[str, Note]]:
        """Where every step's note is (parses every notes file that mentions a step)."""
        located = ((note_id, self.locate(note_id)) for note_id in self._files_by_id())
        return {note_id: where for note_id, where in located if where is not None}

    def invalidate(self) -> None:
        self._mentions = None
        self._located = {}
        self._by_file = {}

    def locate(self, note_id: str) -> tuple[str, Note] | None:
        """Where one step's note is: the first notes file (in reading order) that has it.
        Parses only the files that mention its id, so a step costs one file, not the pack:
        building the whole index on the first `]` was 160 ms on the series pack."""
        if note_id in self._located:
            return self._located[note_id]
        found = None
        for path in self._files_by_id().get(note_id, ()):
            notes = self._by_file.get(path)
            if notes is None:
                # Once per file: the trail view locates 2000 steps, many in one file of 5000 notes.
                notes = self._by_file[path] = {}
                for note in self.pack.notes_for(path):
                    notes.setdefault(note.id, note)
            hit = notes.get(note_id)
            if hit is not None:
                found = (path, hit)
                break
        self._located[note_id] = found
        return found

    def text(self, step: Step | str | None) -> TextStep | None:
        """The text of a text step (a Step, or its "text:<id>" string); None otherwise."""
        raw = step.note_id if isinstance(step, Step) else step
        if not raw or not raw.startswith(TEXT_STEP):
            return None
        return self.texts.get(raw[len(TEXT_STEP) :])

    def missing_steps(self) -> list[str]:
        return [step.note_id for step in self.steps if (self.text(step) is None if step.is_text else step.note_id not in self._index())]

    def component(self, component_id: str) -> Component | None:
        return self._by_id.get(component_id)

    def component_by_key(self, key: str) -> Component | None:
        return self._by_key.get(key)

    def component_for_path(self, path: str | None) -> Component | None:
        if not path:
            return None
        scored = [(c.owns(path), c) for c in self.components]
        best = max(scored, key=lambda item: item[0], default=(0, None))
        return best[1] if best[0] else None

    def step_for(self, note_id: str | None) -> Step | None:
        return self._step_at.get(note_id) if note_id is not None else None

    def first_step_of(self, component_id: str) -> Step | None:
        return next((s for s in self.steps if s.component == component_id), None)

    def next_step(self, current: str | None) -> Step | None:
        step = self.step_for(current)
        if step is None:
            return self.steps[0] if self.steps else None
        return self.steps[step.index + 1] if step.index + 1 < len(self.steps) else None

    def previous_step(self, current: str | None) -> Step | None:
        step = self.step_for(current)
        if step is None or step.index == 0:
            return None
        return self.steps[step.index - 1]

    def step_near(self, path: str, line: int) -> Step | None:
        """The step whose note covers `line` of `path` (to pick the trail up from where you are)."""
        mentions = self._files_by_id()
        for step in self.steps:
            if path not in mentions.get(step.note_id, ()):
                continue  # its note cannot be on `path`: no need to parse where it is
            where = self.locate(step.note_id)
            if where and where[0] == path and where[1].covers(line):
                return step
        return None

    def progress(self, read_notes: set[str]) -> dict[str, tuple[int, int]]:
        """Per component: (steps read, steps in all)."""
        result: dict[str, tuple[int, int]] = {}
        for step in self.steps:
            done, total = result.get(step.component, (0, 0))
            result[step.component] = (done + (step.note_id in read_notes), total + 1)
        return result


def _at_most(path, what: str, count: int, limit: int) -> None:
    if count > limit:
        raise PackFileError(path, f"the trail has {count} {what}, over the {limit} a pack may declare")


def _tables(path, raw: dict[str, Any], key: str, limit: int) -> list[dict[str, Any]]:
    items = raw.get(key, [])
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise PackFileError(path, f"{key} must be an array of tables ([[{key}]])")
    _at_most(path, key, len(items), limit)
    return items


def _files_mentioning(pack: Pack, rank: Callable[[FileScan], int | None], problems: list[str], what: str) -> list[str]:
    """The pack's notes files worth parsing: those whose scan `rank` gives a number (None: not
    wanted), lowest first, cut at TRAIL_PARSE_TOKENS. The scans read raw bytes (and are shared
    with the tree's note counts): a file is parsed only when it may matter."""
    candidates: list[tuple[int, str, int]] = []
    for path in pack.files():
        scan = pack.scan(path)
        place = rank(scan) if scan is not None else None
        if scan is not None and place is not None:
            candidates.append((place, path, scan.tokens))
    candidates.sort(key=lambda item: (item[0], item[1]))
    chosen: list[str] = []
    spent = 0
    for number, (_, path, tokens) in enumerate(candidates):
        spent += tokens
        if spent > TRAIL_PARSE_TOKENS:
            problems.append(
                f"pack {pack.name}: {len(candidates) - number} notes files with {what} were not read: "
                f"the trail reads at most {TRAIL_PARSE_TOKENS} TOML tokens of notes"
            )
            break
        chosen.append(path)
    return chosen


def _strings(path, value: Any, name: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise PackFileError(path, f"{name} must be a list of strings")
    return tuple(value)


def _text(path, item: dict[str, Any], key: str, default: Any, what: str) -> Any:
    """A title-like field, checked here: the map, the trail view and exports expect text, and a
    pack from anyone may hold `title = 3`."""
    value = item.get(key, default)
    try:
        check_text(f"{what}: {key}", value, required=False)
    except NoteError as error:
        raise PackFileError(path, str(error)) from None
    return value


def _optional_string(path, item: dict[str, Any], key: str, what: str) -> str | None:
    value = item.get(key)
    if value is not None and not (isinstance(value, str) and value and "\0" not in value):
        raise PackFileError(path, f"{what}: {key} must be a string")
    return value


def _component(path, item: dict[str, Any]) -> Component:
    component_id = item.get("id")
    if not isinstance(component_id, str) or not component_id:
        raise PackFileError(path, "every [[components]] needs an id")
    key = item.get("key")
    if key is not None and not (isinstance(key, str) and re.fullmatch(r"[0-9]", key)):
        raise PackFileError(path, f"component {component_id}: key must be one digit as a string")
    what = f"component {component_id}"
    return Component(
        id=component_id,
        title=_text(path, item, "title", component_id, what),
        key=key,
        entry=_optional_string(path, item, "entry", what),
        entry_symbol=_optional_string(path, item, "entry_symbol", what),
        folders=_folders(path, item, component_id),
        summary=_text(path, item, "summary", "", what),
    )


def _folders(path, item: dict[str, Any], component_id: str) -> tuple[str, ...]:
    folders = _strings(path, item.get("folders", []), f"component {component_id}: folders")
    if len(folders) > MAX_FOLDERS:
        raise PackFileError(path, f"component {component_id} has {len(folders)} folders, over the {MAX_FOLDERS} a component may declare")
    return folders


def _chapter(path, item: dict[str, Any]) -> Chapter:
    component = item.get("component")
    if not isinstance(component, str):
        raise PackFileError(path, "every [[chapters]] needs a component")
    title = _text(path, item, "title", component, f"chapter {component}")
    description = _text(path, item, "description", "", f"chapter {component}")
    return Chapter(component, title, _strings(path, item.get("steps", []), f"chapter {component}: steps"), description)


def _text_step(path, item: dict[str, Any]) -> TextStep:
    text_id = item.get("id")
    if not isinstance(text_id, str) or not ID_RE.match(text_id):
        raise PackFileError(path, f"every [[texts]] needs an id of letters, digits, '.', '_' or '-' (got {text_id!r})")
    what = f"text {text_id}"
    extra = {key: value for key, value in item.items() if key not in TEXT_KEYS}
    return TextStep(text_id, _text(path, item, "body", "", what), _text(path, item, "title", "", what), extra)


def _chapters_from_trail_fields(pack: Pack, components: list[Component], problems: list[str]) -> list[Chapter]:
    """Packs without chapters may number notes with `trail = N`; group them by component.
    Only files whose text has a `trail =` are parsed, within TRAIL_PARSE_TOKENS (this runs as
    the reader starts)."""
    numbered: list[tuple[int, str, str]] = []
    for path in _files_mentioning(pack, lambda scan: 0 if scan.trail_numbers else None, problems, "trail numbers"):
        for note in pack.notes_for(path):
            if note.trail is not None:
                owner = max(components, key=lambda c: c.owns(path), default=None)
                numbered.append((note.trail, note.id, owner.id if owner and owner.owns(path) else ""))
    numbered.sort()
    chapters: list[Chapter] = []
    for _, note_id, component in numbered:
        if chapters and chapters[-1].component == component:
            chapters[-1] = Chapter(component, chapters[-1].title, chapters[-1].steps + (note_id,))
        else:
            chapters.append(Chapter(component, component or "trail", (note_id,)))
    return chapters


_FUNC_RE = r"^func\s+(\([^)]*\)\s*)?{name}\s*[\[(]"


def entry_line(text: str, symbol: str | None) -> int:
    """Line of `func <symbol>` in an entry file (1 when absent or not found)."""
    if not symbol:
        return 1
    name = symbol.rsplit(".", 1)[-1]
    pattern = re.compile(_FUNC_RE.format(name=re.escape(name)), re.MULTILINE)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else 1

"""Where a block of Go pasted into an article is in a source tree.

Source-reading articles paste code the way people read it, not the way it is stored: the
author adds comments (`// 兼容用原生flag库设置的命令行参数`) above lines or at their end,
leaves parts out (`...`, `// ...`, `// 省略部分代码`), drops blank lines and the original
comments, re-indents, and pastes two functions, from one file or two, in one block. The
article may also have been written against a slightly different commit. This module finds,
for one block, every place of the tree it could come from, with the evidence for each:

1. `parse_block` sorts the block's lines into code, comments and elisions. Lines are compared
   with every whitespace removed (re-indentation and gofmt alignment do not matter), code
   without its trailing comment.
2. `TreeIndex` reads every .go file of the tree once and records, for each distinctive line
   the article's blocks contain, which files hold it (one pass over two million lines takes
   about a second; nothing is kept for lines the article does not quote).
3. For each file holding the block's rarer lines, and each top-level declaration of that file
   those lines fall in, `_chain` finds the best ordered chain of matching lines (gaps are
   cheap where the author wrote an elision, a few changed lines cost a little), then fills
   in the common lines (`}`, `return nil`) between the chained ones, pairs changed lines by
   similarity, and notes which of the block's comments the file does not have: the author's.
4. `match_block` picks the set of candidates that explains the most of the block without
   overlapping (a block of two declarations gets two placements) and, for each, lists its
   rivals: other places that explain the same lines about as well (the same function in the
   iptables, ipvs and winkernel proxiers). Choosing between rivals needs the article's
   context and belongs to the caller (k8sread.core.article_import); this module never picks
   one by position or by chance.
"""

from __future__ import annotations

import bisect
import html
import itertools
import os
import re
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from k8sread.core.errors import K8sreadError
from k8sread.core.source_tree import BINARY_SNIFF, READ_CAP, SourceTree

CODE = "code"
COMMENT = "comment"
ELISION = "elision"

# Lines held by more files than this are not used to find candidate files (every file has
# `return nil`); they still count once a candidate is found.
RARE_FILES = 40
POSTINGS_CAP = 200
MAX_CANDIDATE_FILES = 40
MEANINGFUL_WEIGHT = 2.0
TRIVIAL_WEIGHT = 0.5
FUZZY_WEIGHT = 1.2
FUZZY_MIN = 0.6
RIVAL_SHARE = 0.85  # a candidate this close to the best one's score needs context to decide
MIN_EVIDENCE = 3  # exact matches of distinctive lines a placement needs (short blocks: all of them)
SEGMENT_SHARE = 0.5  # of a pasted declaration's code lines, the least a placement must explain
SEGMENT_SHARE_SIGNED = 0.3  # ... when its declaration line matches exactly
SHORT_BLOCK_PLACES = 5  # a short passage found whole in at most this many places is a candidate in each
MAX_GAP_COST = 3.0

_DELETE_WS = str.maketrans("", "", " \t\r\f\v\u00a0\u3000\ufeff")
_DECL_START = re.compile(r"^(func|type|var|const|import)\b")
# In a pasted block (not gofmt'd, maybe re-indented): a declaration, not a func literal `func() {`.
_BLOCK_DECL = re.compile(r"^(?:func\s+[\w(]|type\s+\w|var\s+[\w(]|const\s+[\w(])")
# Lines in nearly every Go file (keys: whitespace removed); they never find a candidate alone.
_COMMON_KEYS = frozenset(
    ["}", ")", "{", "})", "},", "}()", "])", "),", "(", "return", "returnnil", "returnerr", "returnfalse", "returntrue"]
    + ["returnnil,err", "break", "continue", "default:", "}else{", "else{", "iferr!=nil{", "deferwg.Done()", "wg.Done()"]
    + ["select{", "for{", "gofunc(){", "//", "/*", "*/"]
)
# A comment that stands for lines left out: dots, 省略…, "code omitted", "other code". Not any
# comment starting with "other": "// other service portal rules." is the tree's own.
_ELISION_COMMENT = re.compile(
    r"^(?:[.。…⋯·]{2,}.*|(?:此处|这里|以下|以上|中间|下面|其他|其余|部分|无关)?(?:代码)?(?:省略|略去|省去|略过|忽略)\S{0,20}"
    r"|(?:(?:some|other|more|the\s+rest\s+of\s+the|rest\s+of\s+the|unrelated)\s+)?(?:code|logic|lines|details)\s+(?:omitted|elided|snipped|skipped|removed)\b.*"
    r"|(?:omitted|snip|snipped|elided)\b.{0,30}|(?:other|more|some)\s+code(?:\s+here)?\.?(?:\s*\.{2,})?)\s*$",
    re.IGNORECASE,
)
_ELISION_CODE = re.compile(r"^(?:[.。…⋯·]{2,}|\{\s*\.{3}\s*\}|\(\s*\.{3}\s*\))$")
_GO_PATH = re.compile(r"[A-Za-z0-9_.\-/]*[A-Za-z0-9_\-]\.go\b")


def line_key(text: str) -> str:
    """A line with every whitespace character removed: re-indented or re-aligned code compares equal."""
    return text.translate(_DELETE_WS)


def split_trailing_comment(line: str) -> tuple[str, str]:
    """(code, comment) of a Go line: the `//` comment that is not inside a string or rune."""
    quote = ""
    index = 0
    length = len(line)
    while index < length:
        char = line[index]
        if quote:
            if char == "\\" and quote != "`":
                index += 2
                continue
            if char == quote:
                quote = ""
        elif char in "\"'`":
            quote = char
        elif char == "/" and index + 1 < length:
            if line[index + 1] == "/":
                return line[:index].rstrip(), line[index + 2 :].strip()
            if line[index + 1] == "*":
                close = line.find("*/", index + 2)
                if close != -1 and not line[close + 2 :].strip():
                    return line[:index].rstrip(), line[index + 2 : close].strip()
        index += 1
    return line, ""


def meaningful_key(key: str) -> bool:
    """A line that says something: not a brace, not `return nil`, not a bare keyword."""
    if key in _COMMON_KEYS or len(key) < 5:
        return False
    return sum(ch.isalnum() for ch in key) >= 3


def _comment_text(stripped: str) -> str:
    text = stripped
    for opener in ("//", "/*", "*"):
        if text.startswith(opener):
            text = text[len(opener) :]
            break
    if text.endswith("*/"):
        text = text[:-2]
    return text.strip()


# ---- a pasted block ---------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One non-blank line of a block."""

    index: int  # 0-based line within the block
    text: str  # as pasted
    kind: str  # CODE | COMMENT | ELISION
    key: str  # whitespace-free; for code, without the trailing comment
    full: str  # whitespace-free whole line
    comment: str = ""  # a comment line's text, or a code line's trailing comment
    weight: float = TRIVIAL_WEIGHT

    @property
    def meaningful(self) -> bool:
        return self.weight >= MEANINGFUL_WEIGHT


@dataclass(frozen=True)
class Block:
    entries: tuple[Entry, ...]
    leading_blank: int = 0  # blank lines before the first entry (an exported excerpt keeps them)
    trailing_blank: int = 0

    @property
    def code_entries(self) -> list[Entry]:
        return [e for e in self.entries if e.kind == CODE]

    @property
    def meaningful_entries(self) -> list[Entry]:
        return [e for e in self.entries if e.kind != ELISION and e.meaningful]

    def path_mentions(self) -> list[str]:
        """File paths the block's comments name (`// pkg/kubelet/kubelet.go`): where the author says it is from."""
        found: list[str] = []
        for entry in self.entries:
            if entry.kind == COMMENT:
                found.extend(match.group(0).lstrip("./") for match in _GO_PATH.finditer(entry.comment))
        return found


def parse_block(text: str) -> Block:
    lines = text.split("\n")
    if any(entity in text for entity in ("&lt;", "&gt;", "&amp;", "&quot;", "&#")):
        # Pasted from HTML: Go code does not contain these, its `<-chan` and `&x` do.
        lines = [html.unescape(line) for line in lines]
    entries: list[Entry] = []
    in_block_comment = False
    for index, raw in enumerate(lines):
        line = raw.rstrip()
        stripped = line.strip()
        if not stripped:
            continue
        key = line_key(line)
        if in_block_comment or stripped.startswith(("/*", "*/")) or (stripped.startswith("*") and in_block_comment):
            if stripped.startswith("/*") and "*/" not in stripped:
                in_block_comment = True
            elif "*/" in stripped:
                in_block_comment = False
            comment = _comment_text(stripped)
            kind = ELISION if _ELISION_COMMENT.match(comment) or not comment.strip("*/ ") else COMMENT
            entries.append(Entry(index, line, kind, key, key, comment, _weight(key, COMMENT)))
            continue
        if stripped.startswith("//"):
            comment = _comment_text(stripped)
            kind = ELISION if _ELISION_COMMENT.match(comment) else COMMENT
            entries.append(Entry(index, line, kind, key, key, comment, _weight(key, COMMENT)))
            continue
        if _ELISION_CODE.match(stripped):
            entries.append(Entry(index, line, ELISION, key, key))
            continue
        code, comment = split_trailing_comment(line) if ("//" in line or "/*" in line) else (line, "")
        code_key = line_key(code)
        entries.append(Entry(index, line, CODE, code_key, key, comment, _weight(code_key, CODE)))
    first = next((i for i, raw in enumerate(lines) if raw.strip()), len(lines))
    last = next((i for i in range(len(lines) - 1, -1, -1) if lines[i].strip()), -1)
    trailing = len(lines) - 1 - last if last >= 0 else 0
    return Block(tuple(entries), first, trailing)


def _weight(key: str, kind: str) -> float:
    if not meaningful_key(key):
        return TRIVIAL_WEIGHT
    return MEANINGFUL_WEIGHT if kind == CODE else MEANINGFUL_WEIGHT * 0.75


def looks_like_go(block: Block) -> bool:
    """An unlabelled fence: Go if it has the shapes Go code has."""
    text = "\n".join(e.text for e in block.entries)
    return bool(re.search(r"\bfunc\b|:=|\bpackage \w|\bstruct\s*\{|\bif err != nil|\breturn\b.*\n", text))


# ---- the tree ------------------------------------------------------------------------


@dataclass
class FileView:
    """One Go file, read for matching: keys per line and where its top-level declarations start."""

    path: str
    lines: list[str]
    keys: list[str]
    code_keys: list[str]
    is_code: list[bool]  # not blank, not a comment line
    is_meaningful: list[bool]
    positions: dict[str, list[int]]
    starts: list[int]  # 0-based first line of each top-level declaration (its doc comment included)
    meaningful_prefix: list[int]

    @classmethod
    def build(cls, path: str, lines: list[str]) -> FileView:
        keys = [line_key(line) for line in lines]
        code_keys = [line_key(split_trailing_comment(line)[0]) if "/" in line else key for line, key in zip(lines, keys)]
        is_code = [bool(key) and not key.startswith(("//", "/*", "*")) for key in keys]
        is_meaningful = [code and meaningful_key(key) for code, key in zip(is_code, code_keys)]
        positions: dict[str, list[int]] = {}
        for number, (key, code_key) in enumerate(zip(keys, code_keys)):
            positions.setdefault(key, []).append(number)
            if code_key != key:
                positions.setdefault(code_key, []).append(number)
        starts: list[int] = []
        for number, line in enumerate(lines):
            if _DECL_START.match(line):
                first = number
                while first > 0 and lines[first - 1].startswith("//"):
                    first -= 1
                starts.append(first)
        prefix = [0]
        for flag in is_meaningful:
            prefix.append(prefix[-1] + flag)
        return cls(path, lines, keys, code_keys, is_code, is_meaningful, positions, starts, prefix)

    def region(self, line: int) -> tuple[int, int, int]:
        """(region number, first line, last line), 0-based: the top-level declaration `line` is in
        (region -1 is the package clause and imports before the first one)."""
        at = bisect.bisect_right(self.starts, line) - 1
        first = self.starts[at] if at >= 0 else 0
        last = self.starts[at + 1] - 1 if at + 1 < len(self.starts) else len(self.lines) - 1
        return at, first, last

    def declaration_end(self, first: int, last: int) -> int | None:
        """The line closing the declaration of region [first, last]: its last `}` or `)` at column 0."""
        for number in range(last, first - 1, -1):
            if self.lines[number].rstrip() in ("}", ")"):
                return number
        return None

    def meaningful_between(self, a: int, b: int) -> int:
        """Distinctive code lines strictly between lines a and b (0-based)."""
        if b - a <= 1:
            return 0
        return self.meaningful_prefix[b] - self.meaningful_prefix[a + 1]


class TreeIndex:
    """Which files hold which of the lines an article quotes; FileViews of the files that matter."""

    def __init__(self, tree: SourceTree, wanted: set[str], *, progress: Callable[[str], None] | None = None):
        self.tree = tree
        started = time.monotonic()
        paths = [p for p in tree.list_files(include_hidden=True) if p.endswith(".go") and not p.startswith((".git/", "_output/"))]
        self.paths = paths
        self.postings: dict[str, list[int]] = {}
        self._views: dict[int, FileView | None] = {}
        self._by_name: dict[str, list[int]] | None = None
        # Compared as UTF-8 bytes: decoding 80 MB of Go only to compare lines would triple the time.
        by_bytes = {key.encode("utf-8", "surrogatepass"): key for key in wanted if key}
        wanted_bytes = set(by_bytes)
        self._inside: dict[str, bool] = {}
        for number, path in enumerate(paths):
            if progress and number % 2000 == 0 and number:
                progress(f"indexing {number}/{len(paths)} Go files")
            if not wanted_bytes:
                break
            keys = self._keys(path)
            if keys is None:
                continue
            for key in wanted_bytes.intersection(keys):
                holders = self.postings.setdefault(by_bytes[key], [])
                if len(holders) <= POSTINGS_CAP:
                    holders.append(number)
        self.seconds = time.monotonic() - started

    def _keys(self, path: str) -> list[bytes] | None:
        """The file's line keys (ASCII whitespace removed), or None when it cannot be read as text.

        The reader's SourceTree.read_text resolves every path fully to refuse symlinks out of the
        tree; for 15,000 files that is most of the time, so folders are resolved once each and a
        file that is itself a symlink (or not a regular file) goes the careful way."""
        folder = path.rpartition("/")[0]
        inside = self._inside.get(folder)
        if inside is None:
            real = os.path.realpath(os.path.join(self.tree.root, folder))
            root = str(self.tree.root)
            inside = self._inside[folder] = real == root or real.startswith(root.rstrip("/") + "/")
        if not inside:
            return None
        try:
            handle = os.open(os.path.join(self.tree.root, path), os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            return self._careful_keys(path)
        try:
            info = os.fstat(handle)
            if not stat.S_ISREG(info.st_mode) or info.st_size > READ_CAP:
                return None
            with os.fdopen(handle, "rb", closefd=False) as stream:
                data = stream.read()
        except OSError:
            return None
        finally:
            os.close(handle)
        if b"\0" in data[:BINARY_SNIFF]:
            return None
        return data.translate(None, b" \t\r\f\v").split(b"\n")

    def _careful_keys(self, path: str) -> list[bytes] | None:
        try:
            source = self.tree.read_text(path)
        except K8sreadError:
            return None
        if source.binary:
            return None
        return source.text.encode("utf-8", "surrogatepass").translate(None, b" \t\r\f\v").split(b"\n")

    def files_named(self, mention: str) -> list[int]:
        """The files a path in an article can mean: the path itself, or a file ending in it
        (`proxier.go`, `iptables/proxier.go`); none when it fits more than a few."""
        if self._by_name is None:
            self._by_name = {}
            for number, path in enumerate(self.paths):
                self._by_name.setdefault(path.rsplit("/", 1)[-1], []).append(number)
        mention = mention.strip("/")
        found = [n for n in self._by_name.get(mention.rsplit("/", 1)[-1], []) if self.paths[n] == mention or self.paths[n].endswith("/" + mention)]
        return found if len(found) <= 3 else []

    def files_holding(self, key: str) -> list[int]:
        return self.postings.get(key, [])

    def view_of(self, path: str) -> FileView | None:
        """The FileView of a path already looked at (None for a file no candidate came from)."""
        return next((view for view in self._views.values() if view is not None and view.path == path), None)

    def view(self, number: int) -> FileView | None:
        if number not in self._views:
            try:
                source = self.tree.read_text(self.paths[number])
                self._views[number] = None if source.binary else FileView.build(self.paths[number], source.lines())
            except K8sreadError:
                self._views[number] = None
        return self._views[number]


def wanted_keys(blocks: list[Block]) -> set[str]:
    """The distinctive line keys of the blocks: what TreeIndex records holders for."""
    keys: set[str] = set()
    for block in blocks:
        for entry in block.entries:
            if entry.kind != ELISION and entry.meaningful:
                keys.add(entry.key)
                if entry.full != entry.key:
                    keys.add(entry.full)
    return keys


# ---- one candidate place ----------------------------------------------------------------------


@dataclass
class Pair:
    entry: int  # index into Block.entries
    line: int  # 0-based file line
    how: str  # exact | fuzzy
    author_trailing: str = ""  # the block line's trailing comment, when the file line lacks it


@dataclass
class Candidate:
    path: str
    region: tuple[int, int]  # 0-based lines of the declaration the match lies in
    pairs: list[Pair]
    score: float
    evidence: int  # exact matches of distinctive lines
    rarest: int  # fewest files any matched distinctive line is in
    code_total: int  # code lines of the block in [first, last]
    code_matched: int
    fuzzy: int
    start: int = 0  # 1-based, inclusive
    end: int = 0
    symbol_start: bool = False  # the match begins at the declaration's first line
    named: bool = False  # looked at because the article names the file

    @property
    def first(self) -> int:
        return self.pairs[0].entry

    @property
    def last(self) -> int:
        return self.pairs[-1].entry

    @property
    def coverage(self) -> float:
        return self.code_matched / self.code_total if self.code_total else 1.0

    def overlaps(self, other: Candidate) -> float:
        """Share of the smaller block interval the two have in common."""
        low, high = max(self.first, other.first), min(self.last, other.last)
        if high < low:
            return 0.0
        smaller = min(self.last - self.first, other.last - other.first) + 1
        return (high - low + 1) / smaller

    def where(self) -> str:
        return f"{self.path}:{self.start}-{self.end}"


@dataclass
class Slot:
    """One placement of (part of) a block: the best candidate and the rivals it must beat."""

    best: Candidate
    rivals: list[Candidate] = field(default_factory=list)
    common: bool = False  # short code found in many places: only a path the article gives can choose

    @property
    def ambiguous(self) -> bool:
        return bool(self.rivals)

    @property
    def choices(self) -> list[Candidate]:
        return [self.best, *self.rivals]


@dataclass
class BlockMatch:
    slots: list[Slot]
    status: str  # placed | partial | absent
    coverage: float  # share of the block's code lines the slots explain
    evidence: int
    best_weak: Candidate | None = None  # the best candidate that was not good enough (for the report)
    reason: str = ""  # why a partial match was not placed, when it is not the usual one


def _points(block: Block, view: FileView) -> list[tuple[int, int]]:
    found: list[tuple[int, int]] = []
    for i, entry in enumerate(block.entries):
        if entry.kind == ELISION or not entry.meaningful:
            continue
        lines = set(view.positions.get(entry.key, ()))
        if entry.full != entry.key:
            lines.update(view.positions.get(entry.full, ()))
        found.extend((i, j) for j in lines)
    found.sort()
    return found


def _chain(block: Block, view: FileView, points: list[tuple[int, int]], skip_cost: list[float], elisions: list[int]) -> tuple[float, list[tuple[int, int]]]:
    """The best-scoring ordered chain of (entry, line) matches; local, so it may cover part of the block."""
    entries = block.entries
    best: list[float] = []
    back: list[int] = []
    for p, (i, j) in enumerate(points):
        gain = entries[i].weight
        score, link = gain, -1
        for q in range(p - 1, -1, -1):
            qi, qj = points[q]
            if qi >= i or qj >= j:
                continue
            if best[q] <= 0:
                continue
            gap = skip_cost[i] - skip_cost[qi + 1]
            if elisions[i] - elisions[qi + 1] == 0:
                gap -= min(MAX_GAP_COST, 0.5 * view.meaningful_between(qj, j))
            candidate = best[q] + gap + gain
            if candidate > score:
                score, link = candidate, q
        best.append(score)
        back.append(link)
    if not best:
        return 0.0, []
    top = max(range(len(best)), key=lambda p: (best[p], -points[p][0]))
    chain: list[tuple[int, int]] = []
    p = top
    while p != -1:
        chain.append(points[p])
        p = back[p]
    chain.reverse()
    return best[top], chain


def _entry_matches(entry: Entry, view: FileView, line: int) -> str | None:
    """'' when the file line is the entry's line; the author's trailing comment when only the
    code matches; None when they differ."""
    key, code_key = view.keys[line], view.code_keys[line]
    if entry.full == key:
        return ""
    if entry.kind == CODE and entry.key and (entry.key == key or entry.key == code_key):
        return entry.comment
    if entry.kind == COMMENT and entry.key == key:
        return ""
    return None


def _lcs(block: Block, indexes: list[int], view: FileView, lo: int, hi: int, *, late: bool = False) -> list[Pair]:
    """Weighted longest common subsequence of block entries and file lines lo..hi (0-based,
    inclusive). Among equally good alignments the earliest lines are taken, or with `late`
    the latest (the lines after an elision lead up to what follows them)."""
    if not indexes or hi < lo:
        return []
    if late:
        flipped = _lcs_core(block, indexes[::-1], view, list(range(hi, lo - 1, -1)))
        return flipped[::-1]
    return _lcs_core(block, indexes, view, list(range(lo, hi + 1)))


def _lcs_core(block: Block, indexes: list[int], view: FileView, lines: list[int]) -> list[Pair]:
    rows, cols = len(indexes), len(lines)
    if rows * cols > 60000:
        return []
    table = [[0.0] * (cols + 1) for _ in range(rows + 1)]
    for r in range(rows - 1, -1, -1):
        entry = block.entries[indexes[r]]
        row, below = table[r], table[r + 1]
        for c in range(cols - 1, -1, -1):
            value = max(below[c], row[c + 1])
            if entry.kind != ELISION and _entry_matches(entry, view, lines[c]) is not None:
                value = max(value, below[c + 1] + entry.weight)
            row[c] = value
    pairs: list[Pair] = []
    r = c = 0
    while r < rows and c < cols:
        entry = block.entries[indexes[r]]
        trailing = _entry_matches(entry, view, lines[c]) if entry.kind != ELISION else None
        if trailing is not None and table[r][c] == table[r + 1][c + 1] + entry.weight:
            pairs.append(Pair(indexes[r], lines[c], "exact", trailing))
            r, c = r + 1, c + 1
        elif table[r][c] == table[r + 1][c]:
            r += 1
        else:
            c += 1
    return pairs


def _similar(a: str, b: str) -> float:
    if not a or not b or min(len(a), len(b)) / max(len(a), len(b)) < 0.5:
        return 0.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _fill(block: Block, view: FileView, chain: list[tuple[int, int]], region: tuple[int, int]) -> list[Pair]:
    entries = block.entries
    pairs: list[Pair] = []
    for (i1, j1), (i2, j2) in itertools.pairwise(chain):
        pairs.append(Pair(i1, j1, "exact", _entry_matches(entries[i1], view, j1) or ""))
        between = list(range(i1 + 1, i2))
        pairs.extend(_fill_gap(block, view, between, j1 + 1, j2 - 1))
    last_i, last_j = chain[-1]
    pairs.append(Pair(last_i, last_j, "exact", _entry_matches(entries[last_i], view, last_j) or ""))
    # Before the first and after the last distinctive match, up to the next distinctive line
    # that did not match here (it belongs to another declaration): across an elision the
    # lines shown lead up to the declaration's end (`...` `return true` `}`) or follow its start.
    first_i, first_j = chain[0]
    head = list(range(first_i - 1, -1, -1))
    head = list(reversed(head[: next((k for k, i in enumerate(head) if entries[i].kind == CODE and entries[i].meaningful), len(head))]))
    if any(entries[i].kind == ELISION for i in head):
        pairs.extend(_fill_gap(block, view, head, region[0], first_j - 1))
    tail = list(range(last_i + 1, len(entries)))
    tail = tail[: next((k for k, i in enumerate(tail) if entries[i].kind == CODE and entries[i].meaningful), len(tail))]
    if any(entries[i].kind == ELISION for i in tail):
        pairs.extend(_fill_gap(block, view, tail, last_j + 1, region[1]))
    pairs.sort(key=lambda p: p.entry)
    pairs = _extend(block, view, pairs, region)
    pairs = _fuzzy(block, view, pairs)
    return _snap_closing_brace(block, view, pairs, region)


def _fill_gap(block: Block, view: FileView, between: list[int], lo: int, hi: int) -> list[Pair]:
    if not between or hi < lo:
        return []
    cuts = [k for k, i in enumerate(between) if block.entries[i].kind == ELISION]
    if not cuts and (hi - lo + 1) * len(between) <= 60000:
        return _lcs(block, between, view, lo, hi)
    # Around an elision the lines before it follow the upper match and those after it lead to
    # the lower one: align each part near its own end, not anywhere in a long gap.
    head = between[: cuts[0]] if cuts else between
    tail = between[cuts[-1] + 1 :] if cuts else []
    pairs = _lcs(block, head, view, lo, min(hi, lo + 2 * len(head) + 6))
    floor = pairs[-1].line + 1 if pairs else lo
    tail_pairs = _lcs(block, tail, view, max(floor, hi - 2 * len(tail) - 6), hi, late=True)
    ceiling = tail_pairs[0].line - 1 if tail_pairs else hi
    if cuts and len(cuts) > 1:
        middle = [i for i in between[cuts[0] + 1 : cuts[-1]] if block.entries[i].kind != ELISION]
        pairs += _lcs(block, middle, view, floor, ceiling) if (ceiling - floor + 1) * len(middle) <= 60000 else []
    return pairs + tail_pairs


def _extend(block: Block, view: FileView, pairs: list[Pair], region: tuple[int, int]) -> list[Pair]:
    """Walk outwards from the first and last matches while the block's lines keep matching
    the file's (inside the same declaration; the author's comments are stepped over)."""
    entries = block.entries
    first, last = pairs[0], pairs[-1]
    extra: list[Pair] = []
    i, j = first.entry - 1, first.line - 1
    while i >= 0 and j >= region[0]:
        entry = entries[i]
        if entry.kind == ELISION:
            break
        found, how = _look(entry, view, j, -1, region)
        if found is None:
            if entry.kind == COMMENT:
                i -= 1
                continue
            break
        extra.append(Pair(i, found, how, (_entry_matches(entry, view, found) or "") if how == "exact" else entry.comment))
        i, j = i - 1, found - 1
    i, j = last.entry + 1, last.line + 1
    while i < len(entries) and j <= region[1]:
        entry = entries[i]
        if entry.kind == ELISION:
            break
        found, how = _look(entry, view, j, 1, region)
        if found is None:
            if entry.kind == COMMENT:
                i += 1
                continue
            break
        extra.append(Pair(i, found, how, (_entry_matches(entry, view, found) or "") if how == "exact" else entry.comment))
        i, j = i + 1, found + 1
    return sorted(pairs + extra, key=lambda p: p.entry)


def _look(entry: Entry, view: FileView, start: int, step: int, region: tuple[int, int]) -> tuple[int | None, str]:
    """The first file line from `start` (going `step`) equal to the entry, stepping over blank
    and comment lines and at most one line of code; else the next line of code when it is
    alike (a line changed since the article was written). (line, "exact" | "fuzzy")."""
    code_skipped = 0
    first_code: int | None = None
    j = start
    while region[0] <= j <= region[1]:
        if _entry_matches(entry, view, j) is not None:
            return j, "exact"
        if view.is_code[j]:
            if first_code is None:
                first_code = j
            code_skipped += 1
            if code_skipped > 1:
                break
        j += step
    if first_code is not None and entry.kind == CODE and entry.meaningful and _similar(entry.key, view.code_keys[first_code]) >= FUZZY_MIN:
        return first_code, "fuzzy"
    return None, ""


def _fuzzy(block: Block, view: FileView, pairs: list[Pair]) -> list[Pair]:
    """Between two matched lines with no elision between them, pair the block's unmatched code
    with the file's unmatched code when they are alike (a renamed variable, an added argument)."""
    entries = block.entries
    result: list[Pair] = []
    for a, b in itertools.pairwise(pairs):
        result.append(a)
        block_gap = [i for i in range(a.entry + 1, b.entry) if entries[i].kind == CODE]
        if not block_gap or any(entries[i].kind == ELISION for i in range(a.entry + 1, b.entry)):
            continue
        file_gap = [j for j in range(a.line + 1, b.line) if view.is_code[j]]
        if not file_gap or len(file_gap) > 3 * len(block_gap) + 3:
            continue
        cursor = 0
        for i in block_gap:
            for k in range(cursor, len(file_gap)):
                if _similar(entries[i].key, view.code_keys[file_gap[k]]) >= FUZZY_MIN:
                    result.append(Pair(i, file_gap[k], "fuzzy", entries[i].comment))
                    cursor = k + 1
                    break
    result.append(pairs[-1])
    return result


def _snap_closing_brace(block: Block, view: FileView, pairs: list[Pair], region: tuple[int, int]) -> list[Pair]:
    """`func X() {` ... `// ...` ... `}`: the closing brace after an elision is the declaration's,
    not the first `}` after the last line shown."""
    entries = block.entries
    last_code = next((i for i in range(len(entries) - 1, -1, -1) if entries[i].kind == CODE), None)
    if last_code is None or entries[last_code].key not in ("}", ")"):
        return pairs
    if not any(e.kind == ELISION for e in entries[:last_code]):
        return pairs
    if not pairs or pairs[0].line > _first_code_line(view, region):
        return pairs
    end = view.declaration_end(region[0], region[1])
    before = [p for p in pairs if p.entry < last_code]
    if end is None or not before or end <= before[-1].line:
        return pairs
    return [*before, Pair(last_code, end, "exact")]


def _first_code_line(view: FileView, region: tuple[int, int]) -> int:
    for j in range(region[0], region[1] + 1):
        if view.is_code[j]:
            return j
    return region[0]


def _candidate(block: Block, view: FileView, pairs: list[Pair], region: tuple[int, int], holders: dict[str, int]) -> Candidate:
    entries = block.entries
    first, last = pairs[0].entry, pairs[-1].entry
    code_total = sum(1 for e in entries[first : last + 1] if e.kind == CODE)
    code_pairs = [p for p in pairs if entries[p.entry].kind == CODE]
    exact_meaningful = [p for p in pairs if p.how == "exact" and entries[p.entry].meaningful]
    fuzzy = sum(1 for p in code_pairs if p.how == "fuzzy")
    unmatched = sum(1 for e in entries[first : last + 1] if e.kind == CODE and e.meaningful) - sum(1 for p in code_pairs if entries[p.entry].meaningful)
    score = sum(entries[p.entry].weight if p.how == "exact" else FUZZY_WEIGHT for p in pairs) - 1.0 * unmatched
    rarest = min((holders.get(entries[p.entry].key, holders.get(entries[p.entry].full, POSTINGS_CAP)) for p in exact_meaningful), default=POSTINGS_CAP)
    start, end = pairs[0].line, pairs[-1].line
    if first == 0 and block.leading_blank:
        start = _blank_edge(view, start, -1, block.leading_blank, region)
    if last == len(entries) - 1 and block.trailing_blank:
        end = _blank_edge(view, end, 1, block.trailing_blank, region)
    return Candidate(
        path=view.path,
        region=region,
        pairs=pairs,
        score=score,
        evidence=len(exact_meaningful),
        rarest=rarest,
        code_total=code_total,
        code_matched=len(code_pairs),
        fuzzy=fuzzy,
        start=start + 1,
        end=end + 1,
        symbol_start=pairs[0].line == _first_code_line(view, region) or pairs[0].line == region[0],
    )


def _blank_edge(view: FileView, line: int, step: int, count: int, region: tuple[int, int]) -> int:
    """Take in the blank lines the block itself starts or ends with, when the file has them too."""
    for _ in range(count):
        nxt = line + step
        if not (0 <= nxt < len(view.lines)) or view.keys[nxt]:
            break
        line = nxt
    return line


def candidates_for(block: Block, index: TreeIndex, named: tuple[int, ...] = ()) -> list[Candidate]:
    """Every place (file and declaration) that explains part of the block, scored. Files are
    found by the block's rarer lines; `named` files (the article names them) are looked at
    even when every line of the block is common (generated code, copied in fifty places)."""
    meaningful = [e for e in block.entries if e.kind != ELISION and e.meaningful]
    holders: dict[str, int] = {}
    votes: dict[int, int] = {number: 1000 for number in named}
    for entry in meaningful:
        for key in {entry.key, entry.full}:
            files = index.files_holding(key)
            if not files:
                continue
            holders[key] = len(files)
            if len(files) <= RARE_FILES:
                for number in set(files):
                    votes[number] = votes.get(number, 0) + 1
    if not votes:
        return []
    skip_cost = [0.0]
    elisions = [0]
    for entry in block.entries:
        skip_cost.append(skip_cost[-1] - (1.0 if entry.kind == CODE and entry.meaningful else 0.0))
        elisions.append(elisions[-1] + (entry.kind == ELISION))
    found: list[Candidate] = []
    for number, _ in sorted(votes.items(), key=lambda item: (-item[1], item[0]))[:MAX_CANDIDATE_FILES]:
        view = index.view(number)
        if view is None:
            continue
        by_region: dict[int, list[tuple[int, int]]] = {}
        for i, j in _points(block, view):
            by_region.setdefault(view.region(j)[0], []).append((i, j))
        for points in by_region.values():
            if number not in named and not any(
                holders.get(block.entries[i].key, holders.get(block.entries[i].full, POSTINGS_CAP + 1)) <= RARE_FILES for i, _ in points
            ):
                continue
            _, first, last = view.region(points[0][1])
            score, chain = _chain(block, view, points, skip_cost, elisions)
            if not chain or score <= 0:
                continue
            pairs = _fill(block, view, chain, (first, last))
            candidate = _candidate(block, view, pairs, (first, last), holders)
            candidate.named = number in named
            found.append(candidate)
    found.sort(key=lambda c: (-c.score, c.path, c.start))
    return found


def acceptable(block: Block, candidate: Candidate) -> bool:
    """Enough evidence that the block's lines are this code: several distinctive lines, or
    every distinctive line of a short passage, found in few places (when in more than one,
    the rivals need the article's context to choose)."""
    if candidate.evidence >= MIN_EVIDENCE and candidate.coverage >= 0.5:
        return True
    shown = [e for e in block.entries[candidate.first : candidate.last + 1] if e.kind == CODE and e.meaningful]
    return bool(shown) and candidate.evidence >= len(shown) and candidate.rarest <= SHORT_BLOCK_PLACES and candidate.coverage >= 0.8


def _complete(block: Block, candidate: Candidate) -> bool:
    shown = [e for e in block.entries[candidate.first : candidate.last + 1] if e.kind == CODE and e.meaningful]
    return bool(shown) and candidate.evidence >= len(shown) and candidate.coverage >= 0.8 and candidate.first == 0


def segments(block: Block) -> list[tuple[int, int]]:
    """The block cut at its top-level declarations (entry ranges, inclusive): each `func`,
    `type`, `var` or `const` at the block's outermost indentation starts one, with the comments
    right above it. A block with none (a passage from inside a function) is one segment."""
    entries = block.entries
    code = [e for e in entries if e.kind == CODE]
    if not code:
        return [(0, len(entries) - 1)] if entries else []
    outer = min(_indent_width(e.text) for e in code)
    # `var x` or `type t` inside a function body is a statement: they cut only a block that
    # starts with a declaration. `func name(` exists only at the top level.
    top_level = bool(_BLOCK_DECL.match(code[0].text.lstrip()))
    starts = [0]
    for i, entry in enumerate(entries):
        text = entry.text.lstrip()
        if i and entry.kind == CODE and _indent_width(entry.text) == outer and _BLOCK_DECL.match(text) and (top_level or text.startswith("func")):
            first = i
            while first > starts[-1] and entries[first - 1].kind == COMMENT:
                first -= 1
            if first > starts[-1]:
                starts.append(first)
    return [(a, b - 1) for a, b in zip(starts, [*starts[1:], len(entries)])]


def _indent_width(text: str) -> int:
    width = 0
    for char in text:
        if char == "\t":
            width += 4
        elif char == " ":
            width += 1
        else:
            break
    return width


def match_block(block: Block, index: TreeIndex, named: tuple[int, ...] = ()) -> BlockMatch:
    """The placements of a block: per declaration it pastes (k8sread.core.code_match.segments),
    the best candidate explaining at least half of that declaration's code, with its rivals.
    A candidate explaining a few lines of it (code from another version that happens to share
    them with other files) is not one."""
    candidates = candidates_for(block, index, named)
    good = [c for c in candidates if acceptable(block, c) or (c.named and _complete(block, c))]
    code_total = len(block.code_entries) or 1
    if not good:
        complete = [c for c in candidates if _complete(block, c)]
        if complete:
            return BlockMatch([Slot(complete[0], complete[1:], common=True)], "placed", complete[0].coverage, complete[0].evidence)
        weak = candidates[0] if candidates else None
        status = "partial" if weak is not None and weak.evidence >= 2 else "absent"
        return BlockMatch([], status, 0.0, weak.evidence if weak else 0, weak)
    slots: list[Slot] = []
    for first, last in segments(block):
        shown = sum(1 for e in block.entries[first : last + 1] if e.kind == CODE) or 1
        head = next((i for i in range(first, last + 1) if block.entries[i].kind == CODE), None)
        signature = head if head is not None and _BLOCK_DECL.match(block.entries[head].text.lstrip()) else None
        mine = [c for c in good if _inside(c, first, last) and _explains(c, shown, signature)]
        if not mine:
            continue
        best = max(mine, key=lambda c: (c.score, -c.fuzzy))
        rivals = [
            c
            for c in mine
            if c is not best and c.score >= RIVAL_SHARE * best.score and (c.path, c.start) != (best.path, best.start) and _explains_as_much(block, c, best)
        ]
        slots.append(Slot(best, rivals))
    if not slots:
        why = f"its lines match only pieces of declarations (the most in {good[0].where()}): code from another version, not placed"
        return BlockMatch([], "partial", 0.0, max(c.evidence for c in good), good[0], why)
    covered = sum(slot.best.code_matched for slot in slots)
    evidence = sum(slot.best.evidence for slot in slots)
    coverage = covered / code_total
    if coverage < 0.5 and evidence < 8:
        return BlockMatch([], "partial", coverage, evidence, slots[0].best)
    return BlockMatch(slots, "placed", coverage, evidence)


def _explains(candidate: Candidate, shown: int, signature: int | None) -> bool:
    """Enough of a pasted declaration (`shown` code lines) is this candidate's: half of it, or
    (the same declaration at another version) its declaration line exactly and a good part."""
    share = candidate.code_matched / shown
    if share >= SEGMENT_SHARE:
        return True
    return signature is not None and share >= SEGMENT_SHARE_SIGNED and any(p.entry == signature and p.how == "exact" for p in candidate.pairs)


def _inside(candidate: Candidate, first: int, last: int) -> bool:
    """Most of the candidate's matches fall in entries first..last."""
    inside = sum(1 for p in candidate.pairs if first <= p.entry <= last)
    return inside * 2 > len(candidate.pairs)


def merged(parts: list[Candidate]) -> Candidate:
    """Several placements in one file read as one range (the article's link says they are one)."""
    pairs = sorted((pair for part in parts for pair in part.pairs), key=lambda p: p.entry)
    return Candidate(
        path=parts[0].path,
        region=(min(p.region[0] for p in parts), max(p.region[1] for p in parts)),
        pairs=pairs,
        score=sum(p.score for p in parts),
        evidence=sum(p.evidence for p in parts),
        rarest=min(p.rarest for p in parts),
        code_total=sum(p.code_total for p in parts),
        code_matched=sum(p.code_matched for p in parts),
        fuzzy=sum(p.fuzzy for p in parts),
        start=min(p.start for p in parts),
        end=max(p.end for p in parts),
        symbol_start=parts[0].symbol_start,
    )


def _explains_as_much(block: Block, rival: Candidate, best: Candidate) -> bool:
    """A rival must match what the best match matches: two of the block's distinctive lines, or
    its declaration line (`func (m *Broadcaster) Watch()` is not `WatchWithPrefix`), that only
    the best one has settle it; one changed line may be a version difference, and leaves the
    choice to the article's context."""
    mine = {p.entry for p in best.pairs if p.how == "exact" and block.entries[p.entry].meaningful}
    theirs = {p.entry for p in rival.pairs if p.how == "exact"}
    missing = mine - theirs
    declares = any(_DECL_START.match(block.entries[i].text.lstrip()) for i in missing)
    return len(missing) <= 1 and not declares

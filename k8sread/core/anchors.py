"""Anchors: what a note remembers about its code, so it can find that code again after edits.

A note stores its line range plus an anchor (TOML `anchor.*` keys):

    symbol       enclosing package-level Go declaration, e.g. "(*Kubelet).syncLoop" (absent
                 when the note is outside every declaration, or the file is not Go)
    offset       note start line - symbol start line (negative when the note starts in the
                 symbol's doc comment)
    fingerprint  sha1 (16 hex digits) of the covered lines, whitespace-normalised
    before/after up to 3 lines of context above / below (raw text, compared normalised)
    line_hashes  sha1 (6 hex digits) of each covered line, normalised; lets fuzzy matching
                 compare the old block with a candidate without storing the text. Left out for
                 notes over MAX_HASHED_LINES lines (those skip fuzzy matching).

`resolve` tries, in order, and stops at the first answer it trusts:

1. unchanged: the fingerprint matches at the old lines (and the old lines are still inside
   the anchor's symbol, when that symbol still exists) -> "exact".
2. symbol: the symbol's new place + offset, confirmed by the fingerprint; else the fingerprint
   anywhere inside that symbol -> "moved".
3. text: the fingerprint anywhere in the file -> "moved".
4. fuzzy: difflib over the block's line hashes and the context text, score >= FUZZY_THRESHOLD
   -> "moved" (even when the place is the same: the text changed and the note needs re-pinning).
5. otherwise "orphan": never drawn at a guessed place.

Landing on the wrong code is worse than an orphan, so every search step refuses doubt:
- while the anchor's symbol exists, only places overlapping it are considered;
- several equally good candidates (duplicated code) make the step give up, they are not
  settled by distance;
- a match found by text search needs some surrounding context to agree (a lone `return nil`
  matches everywhere); a fuzzy match needs both the block and its context mostly intact, and
  at least one meaningful line of the block (not just braces and blanks) surviving;
- a block of only braces and blank lines is trusted, even at its old place, only when its
  context agrees (the nearest meaningful line above or below is the remembered one);
- when the anchor's symbol is gone (renamed, or deleted) a place inside another declaration
  needs every meaningful context line to agree: a renamed function's body keeps its notes,
  a deleted function's notes do not jump to a twin function with the same lines.
A note that carries no fingerprint (a pack written before anchors existed) is "unanchored":
shown at its stored lines when they are inside the file, else an orphan; `k8sread check`
warns about it and `--fix` computes its anchor from the current tree.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cached_property
from typing import Any

from k8sread.core.symbols import Symbol, enclosing_symbol

CONTEXT_LINES = 3
FINGERPRINT_HEX = 16
LINE_HASH_HEX = 6
MAX_HASHED_LINES = 400
FUZZY_THRESHOLD = 0.8
FUZZY_MIN_BLOCK = 0.6  # share of the block's lines that must survive for a fuzzy match
FUZZY_MIN_CONTEXT = 0.6
FUZZY_AMBIGUITY = 0.05  # a rival this close to the best fuzzy score makes the match doubtful
MIN_CONTEXT_SCORE = 1.0  # one meaningful context line (or four trivial ones) must agree
MAX_FUZZY_STARTS = 40
COMMON_LINE_LIMIT = 50  # lines this frequent in the file cast no vote for a fuzzy start
NO_HINT_SCAN_RADIUS = 2000

EXACT = "exact"
MOVED = "moved"
ORPHAN = "orphan"
UNANCHORED = "unanchored"
ANCHOR_KEYS = ("symbol", "offset", "fingerprint", "before", "after", "line_hashes")


def normalise(line: str) -> str:
    return " ".join(line.split())


def _sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", errors="surrogatepass")).hexdigest()


def line_hash(normalised: str) -> str:
    return _sha1(normalised)[:LINE_HASH_HEX]


def fingerprint(lines: Iterable[str]) -> str:
    """Hash of lines with whitespace runs collapsed: re-indenting or gofmt-aligning a block
    does not change it."""
    return _sha1("\n".join(normalise(line) for line in lines))[:FINGERPRINT_HEX]


def _fingerprint_normalised(normalised: Sequence[str]) -> str:
    return _sha1("\n".join(normalised))[:FINGERPRINT_HEX]


def meaningful(normalised: str) -> bool:
    """A line that says something: not blank, not a lone brace or paren."""
    return len(normalised) >= 4 and any(ch.isalnum() for ch in normalised)


# ---- computing ------------------------------------------------------------------------


def compute_anchor(lines: Sequence[str], start: int, end: int, symbols: Sequence[Symbol] = ()) -> dict[str, Any]:
    """The anchor of lines [start, end] (1-based, inclusive) of a file split into lines."""
    if start < 1 or end < start or end > len(lines):
        raise ValueError(f"lines [{start}, {end}] are not inside a file of {len(lines)} lines")
    covered = [line.rstrip("\r\n") for line in lines[start - 1 : end]]
    anchor: dict[str, Any] = {}
    symbol = enclosing_symbol(symbols, start, end)
    if symbol is not None:
        anchor["symbol"] = symbol.name
        anchor["offset"] = start - symbol.start_line
    anchor["fingerprint"] = fingerprint(covered)
    anchor["before"] = [line.rstrip("\r\n") for line in lines[max(0, start - 1 - CONTEXT_LINES) : start - 1]]
    anchor["after"] = [line.rstrip("\r\n") for line in lines[end : end + CONTEXT_LINES]]
    if len(covered) <= MAX_HASHED_LINES:
        anchor["line_hashes"] = [line_hash(normalise(line)) for line in covered]
    return anchor


# ---- the new file, indexed once for all its notes ---------------------------------------


class TextIndex:
    """A file's lines with normalised forms and per-line hashes, built lazily: resolving
    notes whose lines did not change touches only those lines."""

    def __init__(self, lines: Sequence[str]):
        self.lines = list(lines)

    def __len__(self) -> int:
        return len(self.lines)

    @cached_property
    def norm(self) -> list[str]:
        return [normalise(line) for line in self.lines]

    @cached_property
    def hashes(self) -> list[str]:
        return [line_hash(text) for text in self.norm]

    @cached_property
    def positions(self) -> dict[str, list[int]]:
        """line hash -> 1-based line numbers."""
        found: dict[str, list[int]] = defaultdict(list)
        for number, digest in enumerate(self.hashes, start=1):
            found[digest].append(number)
        return found

    def normalised(self, start: int, end: int) -> list[str]:
        if "norm" in self.__dict__:
            return self.norm[start - 1 : end]
        return [normalise(line) for line in self.lines[start - 1 : end]]

    def fingerprint_at(self, start: int, count: int) -> str | None:
        end = start + count - 1
        if start < 1 or end > len(self.lines):
            return None
        return _fingerprint_normalised(self.normalised(start, end))


def as_index(lines: Sequence[str] | TextIndex) -> TextIndex:
    return lines if isinstance(lines, TextIndex) else TextIndex(lines)


# ---- resolving ------------------------------------------------------------------------


@dataclass(frozen=True)
class Resolution:
    status: str  # exact | moved | orphan | unanchored
    start: int | None
    end: int | None
    method: str | None = None  # unchanged | symbol | text | fuzzy
    score: float = 0.0  # 1.0 for fingerprint matches, the similarity for fuzzy ones
    reason: str = ""  # why a note is an orphan

    @property
    def placed(self) -> bool:
        """Whether the note can be drawn (at start..end)."""
        return self.start is not None and self.end is not None

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "method": self.method,
            "new": [self.start, self.end] if self.placed else None,
            "score": round(self.score, 3),
            "reason": self.reason or None,
        }


@dataclass
class _Anchor:
    symbol: str | None = None
    offset: int | None = None
    fingerprint: str | None = None
    before: list[str] = field(default_factory=list)
    after: list[str] = field(default_factory=list)
    line_hashes: list[str] | None = None

    @classmethod
    def read(cls, raw: Any) -> _Anchor:
        """Tolerant: a field of the wrong type (a hand-edited pack) counts as absent."""
        if not isinstance(raw, dict):
            return cls()

        def strings(value: Any) -> list[str] | None:
            if isinstance(value, list) and all(isinstance(item, str) for item in value):
                return list(value)
            return None

        offset = raw.get("offset")
        return cls(
            symbol=raw.get("symbol") if isinstance(raw.get("symbol"), str) and raw.get("symbol") else None,
            offset=offset if isinstance(offset, int) and not isinstance(offset, bool) else None,
            fingerprint=raw.get("fingerprint") if isinstance(raw.get("fingerprint"), str) and raw.get("fingerprint") else None,
            before=(strings(raw.get("before")) or [])[-CONTEXT_LINES:],
            after=(strings(raw.get("after")) or [])[:CONTEXT_LINES],
            line_hashes=strings(raw.get("line_hashes")),
        )


def _orphan(reason: str) -> Resolution:
    return Resolution(ORPHAN, None, None, None, 0.0, reason)


class _Resolver:
    def __init__(self, start: int, end: int, anchor: _Anchor, index: TextIndex, symbols: Sequence[Symbol] | None):
        self.start = start
        self.end = end
        self.count = end - start + 1
        self.anchor = anchor
        self.index = index
        self.symbols = list(symbols or ())
        self.same_name = [s for s in self.symbols if anchor.symbol and s.name == anchor.symbol]
        self.before = [normalise(line) for line in anchor.before]
        self.after = [normalise(line) for line in anchor.after]
        hashes = anchor.line_hashes
        self.hashes = hashes if hashes is not None and len(hashes) == self.count else None

    # -- helpers --

    def matches(self, start: int) -> bool:
        return self.index.fingerprint_at(start, self.count) == self.anchor.fingerprint

    def in_symbol(self, start: int, end: int) -> bool:
        """While the anchor's symbol exists, a place outside it is someone else's code."""
        return not self.same_name or any(s.overlaps(start, end) for s in self.same_name)

    def context_score(self, start: int) -> float:
        end = start + self.count - 1
        lines = self.index
        score = 0.0
        for distance, text in enumerate(reversed(self.before), start=1):
            number = start - distance
            if number >= 1 and normalise(lines.lines[number - 1]) == text:
                score += 1.0 if meaningful(text) else 0.25
        for distance, text in enumerate(self.after, start=1):
            number = end + distance
            if number <= len(lines) and normalise(lines.lines[number - 1]) == text:
                score += 1.0 if meaningful(text) else 0.25
        return score

    def foreign(self, start: int, end: int) -> bool:
        """The anchor's symbol is gone and this place belongs to another declaration: either
        the function was renamed, or it was deleted and similar code sits here. Only context
        that fully agrees tells the first from the second."""
        if not self.anchor.symbol or self.same_name:
            return False
        holder = enclosing_symbol(self.symbols, start, end)
        return holder is not None and holder.name != self.anchor.symbol

    def full_context(self, start: int, end: int) -> bool:
        """Every meaningful context line is where it was, and there is at least one."""
        lines = self.index.lines
        checked = 0
        for number, text in [(start - d, t) for d, t in enumerate(reversed(self.before), start=1)] + [
            (end + d, t) for d, t in enumerate(self.after, start=1)
        ]:
            if not meaningful(text):
                continue
            if not (1 <= number <= len(lines)) or normalise(lines[number - 1]) != text:
                return False
            checked += 1
        return checked > 0

    def trusted_place(self, start: int, end: int) -> bool:
        return not self.foreign(start, end) or self.full_context(start, end)

    def block_is_meaningful(self, start: int) -> bool:
        return any(meaningful(text) for text in self.index.normalised(start, start + self.count - 1))

    def context_agrees(self, start: int, *, strict: bool) -> bool:
        """Enough context to trust a match: all of it (a brace among braces in an unchanged
        file is still itself), or one meaningful line's worth; `strict` (for blocks of braces
        and blanks, which match almost anywhere) also wants a next-door line to agree."""
        end = start + self.count - 1
        lines = self.index.lines

        def agrees(number: int, text: str) -> bool:
            return 1 <= number <= len(lines) and normalise(lines[number - 1]) == text

        wanted = [(start - d, t) for d, t in enumerate(reversed(self.before), start=1)] + [(end + d, t) for d, t in enumerate(self.after, start=1)]
        if all(agrees(number, text) for number, text in wanted):
            return True
        if self.context_score(start) < MIN_CONTEXT_SCORE:
            return False
        if strict:
            return self.nearest_meaningful_agrees(start, end)
        return True

    def nearest_meaningful_agrees(self, start: int, end: int) -> bool:
        """The first meaningful line above (or below) is the one the anchor remembers there.
        Counted from the block outward, not by position: a line inserted next to the block
        does not hide its real neighbour, and another brace's neighbours do not pass."""
        norm = self.index.normalised
        wanted_above = next((t for t in reversed(self.before) if meaningful(t)), None)
        wanted_below = next((t for t in self.after if meaningful(t)), None)
        if wanted_above is not None:
            above = next((t for t in reversed(norm(max(1, start - 2 * CONTEXT_LINES), start - 1)) if meaningful(t)), None)
            if above == wanted_above:
                return True
        if wanted_below is not None:
            below = next((t for t in norm(end + 1, end + 2 * CONTEXT_LINES) if meaningful(t)), None)
            if below == wanted_below:
                return True
        return False

    def trivial_but_confirmed(self, start: int) -> bool:
        return self.block_is_meaningful(start) or self.context_agrees(start, strict=True)

    def pick(self, candidates: Iterable[int], *, need_context: bool) -> int | None:
        """The one candidate the context clearly prefers, or None when in doubt."""
        unique = sorted(set(candidates))
        if need_context:
            unique = [c for c in unique if self.context_agrees(c, strict=not self.block_is_meaningful(c))]
        if not unique:
            return None
        scored = sorted(((self.context_score(c), c) for c in unique), reverse=True)
        best_score, best = scored[0]
        if len(scored) > 1 and best_score - scored[1][0] < 0.5:
            return None
        return best

    def placed(self, start: int, method: str, score: float = 1.0) -> Resolution:
        end = start + self.count - 1
        status = EXACT if (start, end) == (self.start, self.end) and method == "unchanged" else MOVED
        return Resolution(status, start, end, method, score)

    def fingerprint_starts(self, low: int, high: int) -> list[int]:
        """Lines in [low, high] where the covered block starts again, exactly."""
        low = max(1, low)
        high = min(high, len(self.index) - self.count + 1)
        if high < low:
            return []
        if self.hashes is not None:
            first = self.index.positions.get(self.hashes[0], [])
            return [line for line in first if low <= line <= high and self.matches(line)]
        return [line for line in range(low, high + 1) if self.matches(line)]

    # -- the steps --

    def unchanged(self) -> Resolution | None:
        if not self.matches(self.start):
            return None
        # A lone `}` matches any other `}`: the lines around it must agree too.
        if not self.trivial_but_confirmed(self.start):
            return None
        if self.anchor.symbol is None:
            return self.placed(self.start, "unchanged")
        if self.same_name:
            return self.placed(self.start, "unchanged") if self.in_symbol(self.start, self.end) else None
        # The symbol is gone (renamed or deleted): the same text at the same lines is the
        # same code unless another declaration now holds it without its context, or it is
        # only braces with nothing around it agreeing.
        if not self.trusted_place(self.start, self.end):
            return None
        return self.placed(self.start, "unchanged")

    def by_symbol(self) -> Resolution | None:
        if not self.same_name:
            return None
        offset = self.anchor.offset
        if offset is not None:
            expected = [s.start_line + offset for s in self.same_name]
            hits = [line for line in expected if self.matches(line)]
            # A lone brace at the old offset may be another brace after the body changed.
            if len(set(hits)) == 1 and self.trivial_but_confirmed(hits[0]):
                return self.placed(hits[0], "symbol")
        inside: list[int] = []
        for symbol in self.same_name:
            inside.extend(self.fingerprint_starts(symbol.first_line, symbol.end_line))
        if not inside:
            return None
        need_context = not self.block_is_meaningful(inside[0])
        chosen = self.pick(inside, need_context=need_context)
        return self.placed(chosen, "symbol") if chosen is not None else None

    def by_text(self) -> Resolution | None:
        if self.hashes is None and len(self.index) * self.count > 4_000_000:
            starts = self.fingerprint_starts(self.start - NO_HINT_SCAN_RADIUS, self.start + NO_HINT_SCAN_RADIUS)
        else:
            starts = self.fingerprint_starts(1, len(self.index))
        starts = [line for line in starts if self.in_symbol(line, line + self.count - 1) and self.trusted_place(line, line + self.count - 1)]
        chosen = self.pick(starts, need_context=True)
        return self.placed(chosen, "text") if chosen is not None else None

    def fuzzy(self) -> Resolution | None:
        if self.hashes is None or not self.index.lines:
            return None
        index = self.index
        votes: Counter[int] = Counter()
        positions = index.positions

        def vote(digest: str, shift: int) -> None:
            found = positions.get(digest)
            if found and len(found) <= COMMON_LINE_LIMIT:
                for line in found:
                    votes[line + shift] += 1

        for i, digest in enumerate(self.hashes):
            vote(digest, -i)
        for distance, text in enumerate(reversed(self.before), start=1):
            if meaningful(text):
                vote(line_hash(text), distance)
        for distance, text in enumerate(self.after, start=1):
            if meaningful(text):
                vote(line_hash(text), -(self.count - 1) - distance)
        if not votes:
            return None
        spread = min(3, max(1, self.count // 3))
        old_context = "\n".join(self.before) + "\n\x00\n" + "\n".join(self.after)
        results: list[tuple[float, float, int, int]] = []  # score, block ratio, start, end
        for start, _ in votes.most_common(MAX_FUZZY_STARTS):
            for length in range(max(1, self.count - spread), self.count + spread + 1):
                end = start + length - 1
                if start < 1 or end > len(index) or not self.in_symbol(start, end) or not self.trusted_place(start, end):
                    continue
                # A longer or shorter window is for lines added or removed inside the note: its
                # ends must be the note's ends, or it would just swallow a neighbour's line.
                if length != self.count and (index.hashes[start - 1] != self.hashes[0] or index.hashes[end - 1] != self.hashes[-1]):
                    continue
                matcher = SequenceMatcher(None, self.hashes, index.hashes[start - 1 : end], autojunk=False)
                block = matcher.ratio()
                if block < FUZZY_MIN_BLOCK:
                    continue
                # Braces and blanks that survived say nothing about where the note was.
                if not any(
                    meaningful(index.norm[start - 1 + match.b + k])
                    for match in matcher.get_matching_blocks()
                    for k in range(match.size)
                ):
                    continue
                before = index.norm[max(0, start - 1 - len(self.before)) : start - 1] if self.before else []
                after = index.norm[end : end + len(self.after)]
                new_context = "\n".join(before) + "\n\x00\n" + "\n".join(after)
                context = SequenceMatcher(None, old_context, new_context, autojunk=False).ratio()
                if context < FUZZY_MIN_CONTEXT:
                    continue
                score = 0.6 * block + 0.4 * context
                results.append((score, block, start, end))
        if not results:
            return None
        # Best score; among equals the original length, then the place nearest the old one.
        results.sort(key=lambda r: (-r[0], abs((r[3] - r[2] + 1) - self.count), abs(r[2] - self.start)))
        score, _, start, end = results[0]
        if score < FUZZY_THRESHOLD:
            return None
        rivals = [r[0] for r in results[1:] if r[3] < start or r[2] > end]
        if rivals and rivals[0] >= score - FUZZY_AMBIGUITY:
            return None
        return Resolution(MOVED, start, end, "fuzzy", score)


def resolve(
    note_range: tuple[int, int],
    anchor: dict[str, Any] | None,
    new_lines: Sequence[str] | TextIndex,
    new_symbols: Sequence[Symbol] | None = (),
) -> Resolution:
    """Where a note's code is in the new version of its file (see the module docstring).
    `new_symbols` is None or empty for files that are not Go: the symbol step is skipped."""
    index = as_index(new_lines)
    start, end = note_range
    if not isinstance(start, int) or not isinstance(end, int) or start < 1 or end < start:
        return _orphan("invalid line range")
    parsed = _Anchor.read(anchor)
    if parsed.fingerprint is None:
        if end <= len(index):
            return Resolution(UNANCHORED, start, end, None, 0.0)
        return _orphan(f"lines {start}-{end} are past the end of the file ({len(index)} lines)")
    resolver = _Resolver(start, end, parsed, index, new_symbols)
    for step in (resolver.unchanged, resolver.by_symbol, resolver.by_text, resolver.fuzzy):
        found = step()
        if found is not None:
            return found
    if parsed.symbol and not resolver.same_name:
        return _orphan(f"{parsed.symbol} is gone and the text was not found")
    return _orphan("the text was not found")


def resolve_all(
    notes: Iterable[tuple[tuple[int, int], dict[str, Any] | None]],
    new_lines: Sequence[str] | TextIndex,
    new_symbols: Sequence[Symbol] | None = (),
) -> list[Resolution]:
    """Resolve several notes of one file against one shared index."""
    index = as_index(new_lines)
    return [resolve(note_range, anchor, index, new_symbols) for note_range, anchor in notes]


def reanchored(anchor: dict[str, Any] | None, lines: Sequence[str], start: int, end: int, symbols: Sequence[Symbol] = ()) -> dict[str, Any]:
    """A fresh anchor for [start, end]; keys this version does not know are kept."""
    fresh = compute_anchor(lines, start, end, symbols)
    kept = {key: value for key, value in (anchor or {}).items() if key not in ANCHOR_KEYS}
    return {**kept, **fresh}

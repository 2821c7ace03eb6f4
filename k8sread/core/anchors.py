"""Anchors: what a note remembers about its code, so it can find that code again after edits.

A note stores its line range plus an anchor (TOML `anchor.*` keys):

    symbol       enclosing package-level Go declaration, e.g. "(*Kubelet).syncLoop" (absent
                 when the note is outside every declaration, or the file is not Go)
    offset       note start line - symbol start line (negative when the note starts in the
                 symbol's doc comment)
    outside      true when the note reaches outside that declaration (it starts in it and
                 ends in the next one, say): such a note is never `changed`, only moved or
                 orphaned
    fingerprint  sha1 (16 hex digits) of the covered lines, whitespace-normalised
    line_hashes  sha1 (6 hex digits) of each covered line, normalised; lets fuzzy matching
                 compare the old block with a candidate without storing the text. Left out for
                 notes over MAX_HASHED_LINES lines (those skip fuzzy matching).
    before_hashes / after_hashes
                 the same hash for up to 3 lines of context above / below, prefixed with "~"
                 for a line that says nothing (blank, a lone brace: see `meaningful`). A pack
                 stores hashes, never the code: it holds only text its authors wrote.
    commit       the commit the anchor was computed at, when it is not the pack's
                 `source.commit` (a note re-pinned by `check --fix` on another version).
    text         optional, only in packs that ask for it (`store_text`): the covered lines,
                 so "what changed" can be shown without the tree's git history.

Older packs stored the context as text (`before`, `after`): it is still read, hashed on
reading, and written back as hashes by the next save or `check --fix`.

`resolve` tries, in order, and stops at the first answer it trusts:

1. unchanged: the fingerprint matches at the old lines (and the old lines are still inside
   the anchor's symbol, when that symbol still exists) -> "exact".
2. symbol: the symbol's new place + offset, confirmed by the fingerprint; else the fingerprint
   anywhere inside that symbol -> "moved".
3. text: the fingerprint anywhere in the file -> "moved".
4. fuzzy: difflib over the block's line hashes and the context hashes, score >= FUZZY_THRESHOLD
   -> "moved" (even when the place is the same: the text changed and the note needs re-pinning).
5. changed: the anchor's symbol is still declared here, once, but its lines were edited beyond
   recognition -> "changed", on the part of that declaration that best matches the old lines
   (an order-keeping alignment of the line hashes), or the whole declaration when nothing
   telling survived. Never on another declaration: without its symbol a note is an orphan.
6. otherwise "orphan": never drawn at a guessed place.

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

Every search is on a work budget (`Budget`): a note whose search would cost more than
NOTE_BUDGET, or that comes after its file's notes spent FILE_BUDGET, is an orphan whose reason
says so. Work is counted, not timed, so the answer never depends on how busy the machine is.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cached_property
from typing import Any, NamedTuple

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
# The work budget, in units of about one line looked at (hashed, normalised or compared), one
# comparison inside difflib, or CALL per helper call; a unit is 0.05-0.15 µs. A stranger's
# anchor could ask for a 30,000-line block at every line of a ±2000-line window (26 s for one
# note; 5000 such notes fit in 1 MB). Honest notes cost their length when unchanged; the 122
# notes of the series pack, each shifted and edited so that all of them are found by fuzzy
# matching, cost 18,600 units on average, 122,000 at most, 189,000 for the costliest file.
NOTE_BUDGET = 1_000_000
FILE_BUDGET = 2_000_000
BUDGET_REASON = "anchor search budget exceeded"

EXACT = "exact"
MOVED = "moved"
CHANGED = "changed"
ORPHAN = "orphan"
UNANCHORED = "unanchored"
# Keys computed from the code; `before`/`after` (text, older packs) are replaced by the hashes.
ANCHOR_KEYS = ("symbol", "offset", "outside", "fingerprint", "before", "after", "line_hashes", "before_hashes", "after_hashes", "commit", "text")
TRIVIAL_MARK = "~"  # before_hashes/after_hashes: this line is blank or punctuation
SKETCH_BITS = 32
# A `changed` note is placed on the part of its declaration its old lines point to only when
# that much survived: two telling lines in order, or one long one; else the whole declaration.
CHANGED_MIN_EVIDENCE = 2
CHANGED_LONG_LINE = 24
CHANGED_WEAK_SHARE = 0.25  # under this share of the old lines found, the part must also be
CHANGED_SPREAD = 1.5  # no longer than this many times the note (plus 5 lines)


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


_TOKEN = re.compile(r"\w+|[^\w\s]")
# A sketch reads at most this much of a line: a stranger's context line (or a tree's generated
# line) of 2 MB is 400,000 tokens, 1.6 s to sketch, on every read of the pack. Code lines are
# far shorter; a longer line is told apart by its hash anyway.
SKETCH_CHARS = 2000


def line_sketch(normalised: str) -> int:
    """A 32-bit simhash of a line's tokens: lines that share most tokens (an identifier
    renamed, an argument added) differ in few bits, unrelated lines in about half. It lets a
    context line that was edited count for what it kept, without storing its text."""
    weights = [0] * SKETCH_BITS
    for token in _TOKEN.findall(normalised[:SKETCH_CHARS]):
        digest = int.from_bytes(hashlib.blake2b(token.encode("utf-8", errors="surrogatepass"), digest_size=4).digest(), "big")
        for bit in range(SKETCH_BITS):
            weights[bit] += 1 if digest >> bit & 1 else -1
    return sum(1 << bit for bit, weight in enumerate(weights) if weight > 0)


def sketch_similarity(a: int, b: int) -> float:
    """About the cosine of the two lines' token counts: 1 alike, 0 unrelated."""
    return max(0.0, math.cos(math.pi * bin(a ^ b).count("1") / SKETCH_BITS))


def context_hash(line: str) -> str:
    """How a context line is stored: `hash.sketch` (hex) for a line that says something,
    `~hash` for one that does not (blank, a lone brace)."""
    text = normalise(line)
    if not meaningful(text):
        return TRIVIAL_MARK + line_hash(text)
    return f"{line_hash(text)}.{line_sketch(text):0{SKETCH_BITS // 4}x}"


class Context(NamedTuple):
    """A context line as the resolver compares it."""

    digest: str  # line_hash of the normalised line
    telling: bool  # it says something (see `meaningful`)
    sketch: int | None = None  # line_sketch, when stored


GAP = Context("|", False)  # between the lines above and below, in the fuzzy step


def _parse_context(item: str) -> Context:
    if item.startswith(TRIVIAL_MARK):
        return Context(item[len(TRIVIAL_MARK) :], False)
    digest, _, sketch = item.partition(".")
    try:
        return Context(digest, True, int(sketch, 16) if sketch else None)
    except ValueError:
        return Context(digest, True)


def _text_context(line: str) -> Context:
    text = normalise(line)
    return Context(line_hash(text), meaningful(text), line_sketch(text) if meaningful(text) else None)


def _read_context(hashes: Any, text: Any, keep: slice) -> list[Context] | None:
    """Stored context hashes, or (an older pack) context text hashed now; None when neither
    is a list of strings. Only the `keep` part is hashed: a pack may list 30,000 lines where
    3 are read."""
    if isinstance(hashes, list) and all(isinstance(item, str) and item for item in hashes):
        return [_parse_context(item) for item in hashes[keep]]
    if isinstance(text, list) and all(isinstance(item, str) for item in text):
        return [_text_context(item) for item in text[keep]]
    return None


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
        if not symbol.contains(start, end):
            anchor["outside"] = True
    anchor["fingerprint"] = fingerprint(covered)
    anchor["before_hashes"] = [context_hash(line) for line in lines[max(0, start - 1 - CONTEXT_LINES) : start - 1]]
    anchor["after_hashes"] = [context_hash(line) for line in lines[end : end + CONTEXT_LINES]]
    if len(covered) <= MAX_HASHED_LINES:
        anchor["line_hashes"] = [line_hash(normalise(line)) for line in covered]
    return anchor


# ---- the new file, indexed once for all its notes ---------------------------------------


class TextIndex:
    """A file's lines with normalised forms and per-line hashes, built lazily: resolving
    notes whose lines did not change touches only those lines."""

    def __init__(self, lines: Sequence[str]):
        self.lines = list(lines)
        self._normalised_on_the_fly = 0
        self._contexts: dict[int, Context] = {}

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
        # Once more lines were normalised on the fly than the file has, normalise it once:
        # a search that hashes a long block at many starts then only joins and hashes.
        self._normalised_on_the_fly += end - start + 1
        if self._normalised_on_the_fly > len(self.lines):
            return self.norm[start - 1 : end]
        return [normalise(line) for line in self.lines[start - 1 : end]]

    def context_at(self, number: int) -> Context:
        """Line `number` as a context line, sketched once per line."""
        found = self._contexts.get(number)
        if found is None:
            text = self.norm[number - 1]
            telling = meaningful(text)
            found = Context(self.hashes[number - 1], telling, line_sketch(text) if telling else None)
            self._contexts[number] = found
        return found

    def hash_at(self, number: int) -> str:
        """Line `number`'s hash (1-based): from the whole file's when they were computed,
        else of that line alone, so checking a note's context does not hash the file."""
        if "hashes" in self.__dict__:
            return self.hashes[number - 1]
        return line_hash(normalise(self.lines[number - 1]))

    def fingerprint_at(self, start: int, count: int) -> str | None:
        end = start + count - 1
        if start < 1 or end > len(self.lines):
            return None
        return _fingerprint_normalised(self.normalised(start, end))


def as_index(lines: Sequence[str] | TextIndex) -> TextIndex:
    return lines if isinstance(lines, TextIndex) else TextIndex(lines)


class Budget:
    """Work left for the notes of one file (`resolve_all` shares one between them).

    Each note may also spend at most NOTE_BUDGET of it; a note that runs out is an orphan with
    BUDGET_REASON, and so is every note searched after the file's budget is gone."""

    def __init__(self, units: int = FILE_BUDGET, per_note: int = NOTE_BUDGET) -> None:
        self.left = units
        self.per_note = per_note
        self.spent = 0

    @property
    def exhausted(self) -> bool:
        return self.left <= 0


class _OverBudget(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# Hashing one line (sha1 of its normalised text) costs about this many units.
HASH_COST = 8
# Sketching a line (see line_sketch) costs about this many units.
SKETCH_COST = 60

# What one call of a helper costs beyond the lines it touches (slicing, a generator, a hash
# object): without it, a million one-line checks would count as a million units but take 2 s.
CALL = 20


# ---- resolving ------------------------------------------------------------------------


@dataclass(frozen=True)
class Resolution:
    status: str  # exact | moved | changed | orphan | unanchored
    start: int | None
    end: int | None
    method: str | None = None  # unchanged | symbol | text | fuzzy | declaration (changed)
    score: float = 0.0  # 1.0 for fingerprint matches, the similarity for fuzzy ones, the share of old lines found for changed ones
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
    outside: bool = False
    fingerprint: str | None = None
    before: list[Context] = field(default_factory=list)
    after: list[Context] = field(default_factory=list)
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
            outside=raw.get("outside") is True,
            fingerprint=raw.get("fingerprint") if isinstance(raw.get("fingerprint"), str) and raw.get("fingerprint") else None,
            before=_read_context(raw.get("before_hashes"), raw.get("before"), slice(-CONTEXT_LINES, None)) or [],
            after=_read_context(raw.get("after_hashes"), raw.get("after"), slice(None, CONTEXT_LINES)) or [],
            line_hashes=strings(raw.get("line_hashes")),
        )


TRIVIAL_WEIGHT = 0.25  # a blank line or a brace says little about where a block is


def _context_similarity(old: Sequence[Context], new: Sequence[Context]) -> float:
    """How alike the context around a note and around a candidate place are, from hashes: the
    lines difflib pairs as equal count fully, a line says-nothing line a quarter, and a line
    replaced one for one by another counts for what the two sketches share (an edited line
    keeps most of its tokens; an unrelated one nothing). This stands in for difflib's ratio
    over the text, which packs stored before hashes replaced it."""
    if not old and not new:
        return 1.0

    def weight(context: Context) -> float:
        return 1.0 if context.telling else TRIVIAL_WEIGHT

    matched = 0.0
    total = sum(weight(c) for c in old) + sum(weight(c) for c in new)
    matcher = SequenceMatcher(None, [c.digest for c in old], [c.digest for c in new], autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag == "equal":
            matched += sum(weight(c) for c in old[a1:a2]) + sum(weight(c) for c in new[b1:b2])
        elif tag == "replace":
            for a, b in zip(old[a1:a2], new[b1:b2]):
                if a.sketch is not None and b.sketch is not None:
                    matched += 2 * sketch_similarity(a.sketch, b.sketch)
            # A line replaced one for one is that line edited: it weighs what it weighed.
            pairs = min(a2 - a1, b2 - b1)
            total += sum(weight(c) for c in old[a1 : a1 + pairs]) - sum(weight(c) for c in new[b1 : b1 + pairs])
    return matched / total


def _orphan(reason: str) -> Resolution:
    return Resolution(ORPHAN, None, None, None, 0.0, reason)


class _Symbols:
    """A file's symbols, and the same by name: shared by all the notes of the file, so a
    note does not cost a pass over thousands of declarations just to find its own."""

    def __init__(self, symbols: Sequence[Symbol] | None):
        self.all = list(symbols or ())
        self.by_name: dict[str, list[Symbol]] = defaultdict(list)
        for symbol in self.all:
            self.by_name[symbol.name].append(symbol)


class _Resolver:
    def __init__(self, start: int, end: int, anchor: _Anchor, index: TextIndex, symbols: _Symbols, budget: Budget):
        self.start = start
        self.end = end
        self.count = end - start + 1
        self.anchor = anchor
        self.index = index
        self.budget = budget
        self.spent = 0
        self.symbols = symbols.all
        self.same_name = list(symbols.by_name.get(anchor.symbol, ())) if anchor.symbol else []
        self.before = anchor.before  # (hash, meaningful) per context line, nearest last
        self.after = anchor.after
        hashes = anchor.line_hashes
        self.hashes = hashes if hashes is not None and len(hashes) == self.count else None

    # -- helpers --

    def charge(self, units: int) -> None:
        """Count work; over this note's or this file's budget, the search stops here."""
        self.spent += units
        self.budget.spent += units
        self.budget.left -= units
        if self.spent > self.budget.per_note:
            raise _OverBudget(f"{BUDGET_REASON} (this note's search)")
        if self.budget.left < 0:
            raise _OverBudget(f"{BUDGET_REASON} (this file's notes)")

    def charge_matching(self, a: Sequence[Any], b: Sequence[Any]) -> None:
        """What SequenceMatcher(None, a, b).ratio() costs, about: its inner loop visits, for
        each item of `a`, every place of that item in `b`, on each level of its recursion.
        The lengths are charged first, so counting a huge pair is itself refused; the rest is
        counted per distinct item (Counter runs in C)."""
        self.charge(4 * CALL + len(a) + len(b))
        in_b = Counter(b)
        self.charge(2 * sum(times * in_b.get(item, 0) for item, times in Counter(a).items()))

    def matches(self, start: int) -> bool:
        if start < 1 or start + self.count - 1 > len(self.index):
            return False  # the block does not fit there: nothing is hashed
        self.charge(CALL + self.count)
        return self.index.fingerprint_at(start, self.count) == self.anchor.fingerprint

    def in_symbol(self, start: int, end: int) -> bool:
        """While the anchor's symbol exists, a place outside it is someone else's code."""
        self.charge(1 + len(self.same_name))
        return not self.same_name or any(s.overlaps(start, end) for s in self.same_name)

    def context_places(self, start: int) -> list[tuple[int, Context]]:
        """(line number, remembered context line) for a block starting at `start`."""
        end = start + self.count - 1
        return [(start - d, c) for d, c in enumerate(reversed(self.before), start=1)] + [(end + d, c) for d, c in enumerate(self.after, start=1)]

    def agrees(self, number: int, context: Context) -> bool:
        """Line `number` is the remembered context line (compared by hash)."""
        return 1 <= number <= len(self.index) and self.index.hash_at(number) == context.digest

    def context_score(self, start: int) -> float:
        self.charge(CALL + HASH_COST * (len(self.before) + len(self.after)))
        score = 0.0
        for number, context in self.context_places(start):
            if self.agrees(number, context):
                score += 1.0 if context.telling else 0.25
        return score

    def foreign(self, start: int, end: int) -> bool:
        """The anchor's symbol is gone and this place belongs to another declaration: either
        the function was renamed, or it was deleted and similar code sits here. Only context
        that fully agrees tells the first from the second."""
        if not self.anchor.symbol or self.same_name:
            return False
        self.charge(CALL + 3 * len(self.symbols))  # enclosing_symbol: three passes
        holder = enclosing_symbol(self.symbols, start, end)
        return holder is not None and holder.name != self.anchor.symbol

    def full_context(self, start: int, end: int) -> bool:
        """Every meaningful context line is where it was, and there is at least one."""
        self.charge(CALL + HASH_COST * (len(self.before) + len(self.after)))
        checked = 0
        for number, context in self.context_places(start):
            if not context.telling:
                continue
            if not self.agrees(number, context):
                return False
            checked += 1
        return checked > 0

    def trusted_place(self, start: int, end: int) -> bool:
        return not self.foreign(start, end) or self.full_context(start, end)

    def block_is_meaningful(self, start: int) -> bool:
        self.charge(CALL + 2 * self.count)
        return any(meaningful(text) for text in self.index.normalised(start, start + self.count - 1))

    def context_agrees(self, start: int, *, strict: bool) -> bool:
        """Enough context to trust a match: all of it (a brace among braces in an unchanged
        file is still itself), or one meaningful line's worth; `strict` (for blocks of braces
        and blanks, which match almost anywhere) also wants a next-door line to agree."""
        end = start + self.count - 1
        self.charge(CALL + HASH_COST * (len(self.before) + len(self.after)))
        if all(self.agrees(number, context) for number, context in self.context_places(start)):
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
        self.charge(CALL + (8 + HASH_COST) * CONTEXT_LINES)
        wanted_above = next((c.digest for c in reversed(self.before) if c.telling), None)
        wanted_below = next((c.digest for c in self.after if c.telling), None)
        if wanted_above is not None:
            above = next((t for t in reversed(norm(max(1, start - 2 * CONTEXT_LINES), start - 1)) if meaningful(t)), None)
            if above is not None and line_hash(above) == wanted_above:
                return True
        if wanted_below is not None:
            below = next((t for t in norm(end + 1, end + 2 * CONTEXT_LINES) if meaningful(t)), None)
            if below is not None and line_hash(below) == wanted_below:
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

    def fingerprint_starts(self, low: int, high: int, keep: Callable[[int], bool] | None = None) -> list[int]:
        """Lines in [low, high] where the covered block starts again, exactly. `keep` is a
        cheap test a start must also pass: it runs first, so the block is hashed only there."""
        low = max(1, low)
        high = min(high, len(self.index) - self.count + 1)
        if high < low:
            return []
        if self.hashes is not None:
            first = self.index.positions.get(self.hashes[0], [])
            self.charge(len(first))
            candidates: Iterable[int] = (line for line in first if low <= line <= high)
        else:
            candidates = range(low, high + 1)
        return [line for line in candidates if (keep is None or keep(line)) and self.matches(line)]

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
        # pick(need_context=True) below keeps only starts whose context agrees, at least as
        # context_agrees(strict=False) asks: testing that first (a few lines) spares hashing a
        # long block at every start; the starts kept are the same.
        def context_possible(line: int) -> bool:
            return self.context_agrees(line, strict=False)

        if self.hashes is None and len(self.index) * self.count > 4_000_000:
            starts = self.fingerprint_starts(self.start - NO_HINT_SCAN_RADIUS, self.start + NO_HINT_SCAN_RADIUS, context_possible)
        else:
            starts = self.fingerprint_starts(1, len(self.index), context_possible)
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
            self.charge(2 + (len(found) if found else 0))
            if found and len(found) <= COMMON_LINE_LIMIT:
                for line in found:
                    votes[line + shift] += 1

        for i, digest in enumerate(self.hashes):
            vote(digest, -i)
        for distance, context in enumerate(reversed(self.before), start=1):
            if context.telling:
                vote(context.digest, distance)
        for distance, context in enumerate(self.after, start=1):
            if context.telling:
                vote(context.digest, -(self.count - 1) - distance)
        if not votes:
            return None
        spread = min(3, max(1, self.count // 3))
        old_context = [*self.before, GAP, *self.after]
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
                window = index.hashes[start - 1 : end]
                self.charge_matching(self.hashes, window)
                matcher = SequenceMatcher(None, self.hashes, window, autojunk=False)
                block = matcher.ratio()
                if block < FUZZY_MIN_BLOCK:
                    continue
                # Braces and blanks that survived say nothing about where the note was.
                if not any(meaningful(index.norm[start - 1 + match.b + k]) for match in matcher.get_matching_blocks() for k in range(match.size)):
                    continue
                before = range(max(1, start - len(self.before)), start) if self.before else range(0)
                after = range(end + 1, min(len(index), end + len(self.after)) + 1)
                new_context = [*(index.context_at(n) for n in before), GAP, *(index.context_at(n) for n in after)]
                self.charge_matching(old_context, new_context)
                self.charge(SKETCH_COST * len(new_context))
                alike = _context_similarity(old_context, new_context)
                if alike < FUZZY_MIN_CONTEXT:
                    continue
                score = 0.6 * block + 0.4 * alike
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

    def changed(self) -> Resolution | None:
        """The anchor's declaration is here (once) but the note's lines are not: the part of
        it the old lines still point to, or all of it. Never another declaration's lines."""
        if len(self.same_name) != 1 or self.anchor.outside:
            return None  # gone (an orphan), declared twice (`init`), or not all its own: no guessing
        symbol = self.same_name[0]
        offset = self.anchor.offset
        # Only a note that was inside its declaration (or in its doc comment, as long as the
        # comment is now) is about it: one that merely reached into it is not.
        if offset is None or offset < -(symbol.start_line - symbol.first_line):
            return None
        first = max(1, symbol.first_line if offset < 0 else symbol.start_line)
        last = min(symbol.end_line, len(self.index))  # a parse of broken code can run past the end
        if last < first:
            return None
        whole = Resolution(CHANGED, first, last, "declaration", 0.0)
        if self.hashes is None:
            return whole
        self.charge(CALL + HASH_COST * (last - first + 1))
        index = self.index
        window = index.hashes[first - 1 : last]
        self.charge_matching(self.hashes, window)
        blocks = SequenceMatcher(None, self.hashes, window, autojunk=False).get_matching_blocks()
        in_window = Counter(window)
        # Lines of the old block found in order in the declaration that tell where they are:
        # something is said on them, and they are unique in the declaration or come with a
        # neighbour (`return nil` alone could be any `return nil`).
        evidence: list[tuple[int, int]] = []  # (index in the note, line number now)
        for block in blocks:
            for k in range(block.size):
                number = first + block.b + k
                text = index.norm[number - 1]
                if meaningful(text) and (block.size > 1 or in_window[window[block.b + k]] == 1):
                    evidence.append((block.a + k, number))
        telling = len(evidence) >= CHANGED_MIN_EVIDENCE or any(len(index.norm[n - 1]) >= CHANGED_LONG_LINE for _, n in evidence)
        if not telling:
            return whole
        (first_at, first_line), (last_at, last_line) = evidence[0], evidence[-1]
        start = max(first, first_line - first_at)
        end = min(last, last_line + (self.count - 1 - last_at))
        share = len(evidence) / self.count
        if share < CHANGED_WEAK_SHARE and end - start + 1 > CHANGED_SPREAD * self.count + 5:
            return whole  # a few lines found far apart: which part is a guess
        return Resolution(CHANGED, start, end, "declaration", share)


def resolve(
    note_range: tuple[int, int],
    anchor: dict[str, Any] | None,
    new_lines: Sequence[str] | TextIndex,
    new_symbols: Sequence[Symbol] | None = (),
    *,
    budget: Budget | None = None,
) -> Resolution:
    """Where a note's code is in the new version of its file (see the module docstring).
    `new_symbols` is None or empty for files that are not Go: the symbol step is skipped.
    `budget` is the file's (see `Budget`); a fresh one when not given."""
    return resolve_all([(note_range, anchor)], new_lines, new_symbols, budget=budget)[0]


_STEPS = ("by_symbol", "by_text", "fuzzy", "changed")


def resolve_all(
    notes: Iterable[tuple[tuple[int, int], dict[str, Any] | None]],
    new_lines: Sequence[str] | TextIndex,
    new_symbols: Sequence[Symbol] | None = (),
    *,
    budget: Budget | None = None,
) -> list[Resolution]:
    """Resolve several notes of one file against one shared index and one work budget.

    Two rounds, shortest notes first, answers in the order asked: first every note is checked
    at its own lines (the common case, and cheap), then the notes that moved are searched for.
    So a pack's expensive notes cannot spend the budget before the plain notes of the same
    file (another pack's, or the reader's own) have been placed. Each note's answer is what it
    would be alone, until a budget runs out."""
    index = as_index(new_lines)
    budget = budget if budget is not None else Budget()
    symbols = _Symbols(new_symbols)
    items = list(notes)
    results: list[Resolution | None] = [None] * len(items)
    resolvers: dict[int, _Resolver] = {}
    for number, (note_range, anchor) in enumerate(items):
        start, end = note_range if isinstance(note_range, (tuple, list)) and len(note_range) == 2 else (None, None)
        if not isinstance(start, int) or not isinstance(end, int) or start < 1 or end < start:
            results[number] = _orphan("invalid line range")
            continue
        parsed = _Anchor.read(anchor)
        if parsed.fingerprint is None:
            if end <= len(index):
                results[number] = Resolution(UNANCHORED, start, end, None, 0.0)
            else:
                results[number] = _orphan(f"lines {start}-{end} are past the end of the file ({len(index)} lines)")
            continue
        resolvers[number] = _Resolver(start, end, parsed, index, symbols, budget)
    order = sorted(resolvers, key=lambda number: (resolvers[number].count, number))
    for round_steps in (("unchanged",), _STEPS):
        for number in order:
            if results[number] is not None:
                continue
            resolver = resolvers[number]
            try:
                for step in round_steps:
                    found = getattr(resolver, step)()
                    if found is not None:
                        results[number] = found
                        break
            except _OverBudget as over:
                results[number] = _orphan(over.reason)
    for number, resolver in resolvers.items():
        if results[number] is None:
            parsed = resolver.anchor
            if parsed.symbol and not resolver.same_name:
                results[number] = _orphan(f"{parsed.symbol} is gone and the text was not found")
            elif parsed.symbol and parsed.outside:
                results[number] = _orphan(f"the text was not found, and the note reaches past {parsed.symbol}: it is not drawn on a part of it")
            else:
                results[number] = _orphan("the text was not found")
    return [result for result in results if result is not None]


def reanchored(
    anchor: dict[str, Any] | None,
    lines: Sequence[str],
    start: int,
    end: int,
    symbols: Sequence[Symbol] = (),
    *,
    commit: str | None = None,
    store_text: bool = False,
) -> dict[str, Any]:
    """A fresh anchor for [start, end]; keys this version does not know are kept. `commit`:
    the commit these lines are from, recorded when it is not the pack's; `store_text` (packs
    that ask for it) keeps the covered lines for "what changed"."""
    fresh = compute_anchor(lines, start, end, symbols)
    if commit:
        fresh["commit"] = commit
    if store_text:
        fresh["text"] = [line.rstrip("\r\n") for line in lines[start - 1 : end]]
    kept = {key: value for key, value in (anchor or {}).items() if key not in ANCHOR_KEYS}
    return {**kept, **fresh}


def same_code(anchor: dict[str, Any] | None, fresh: dict[str, Any]) -> bool:
    """Whether two anchors describe the same lines (an anchor stored as text in an older pack
    and the same one as hashes do): the fingerprint, symbol, offset and line hashes agree."""
    anchor = anchor or {}
    return all(anchor.get(key) == fresh.get(key) for key in ("symbol", "offset", "fingerprint", "line_hashes"))

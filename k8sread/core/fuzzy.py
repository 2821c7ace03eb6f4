"""Fuzzy path matching for the file finder (ctrl+p), fast enough to rerun on every keystroke.

A path matches when every whitespace-separated term of the query is a subsequence of it.
Smart case: a query without capitals ignores case; one capital makes the whole query exact.
Scores follow fzf's scheme (a point per matched character, bonuses for characters that start
a path segment or a word, for runs, penalties for gaps) plus what matters for paths: matches
in the file name, a file name that is the term, shorter paths.

Speed, for tens of thousands of paths in pure Python:
- The subsequence test is one possessive regex (`[^a]*+a[^b]*+b...`) per path: linear, never
  backtracking, about 0.2 us a path.
- Typing extends the query, and a path that matches the longer query matches the shorter one,
  so each query's candidates are cached and the next keystroke filters only those.
- Only MAX_SCORED candidates get a full score; a bigger set (short queries) is cut first by
  cheap C-level substring tests (term in the file name, term anywhere), shortest paths first.
- Highlight positions are computed only for the results returned.
"""

from __future__ import annotations

import heapq
import re
from dataclasses import dataclass
from itertools import accumulate

SCORE_MATCH = 16
GAP_START = -3
GAP_EXTENSION = -1
BONUS_START = 10  # first character of the path
BONUS_SEGMENT = 9  # after '/'
BONUS_WORD = 8  # after '_', '-', '.', ' ' and other punctuation
BONUS_CAMEL = 7  # aB, a1
BONUS_CONSECUTIVE = -(GAP_START + GAP_EXTENSION)
FIRST_CHAR_MULTIPLIER = 2
BONUS_BASENAME_CHAR = 2  # each matched character inside the file name
BONUS_IN_BASENAME = 8  # the whole term matched inside the file name
BONUS_BASENAME_PREFIX = 8  # ... starting at its first character
BONUS_BASENAME_EXACT = 16  # ... and the file name is the term (or the term without extension)
BONUS_PACKAGE_FILE = 4  # ... and the folder has the same name

# 600, not 1000: a third less scoring on every keystroke of a short query; on 202 queries typed
# letter by letter over the 1.22 tree the best match never changed, and ranks 6-10 twice.
MAX_SCORED = 600
CACHE_SIZE = 32  # queries whose candidates are kept (typing and backspacing reuse them)

_WORD_SEPARATORS = frozenset("_-. \t,:;+=@#~()[]{}")


@dataclass(frozen=True, slots=True)
class Match:
    path: str
    score: int
    positions: tuple[int, ...]  # indexes into path of the matched characters, ascending


def _fold(text: str) -> str:
    """Lowercase without changing the length, so positions in the folded text are positions
    in the original ('İ'.lower() is two characters)."""
    folded = text.lower()
    if len(folded) == len(text):
        return folded
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def _subsequence_pattern(term: str) -> re.Pattern[str]:
    parts = []
    for char in term:
        escaped = re.escape(char)
        parts.append(f"[^{escaped}]*+{escaped}")
    return re.compile("".join(parts), re.DOTALL)


# One byte per character of all paths joined by newlines. Before: what the previous character
# is (bits 2-3: 1 '/', 2 a word separator, 3 '\n' = start of a path; bit 0: lowercase letter,
# bit 1: any letter). Here: what the character itself is (bit 0: uppercase, bit 1: digit,
# bits 2-3 set, so AND keeps the previous character's kind). AND of the two then says it all.
_PREVIOUS = bytearray(256)
_CURRENT = bytearray(b"\x0c" * 256)
_BONUS_OF = bytearray(256)
for _code in range(256):
    _char = chr(_code)
    if _char == "/":
        _PREVIOUS[_code] = 1 << 2
    elif _char in _WORD_SEPARATORS:
        _PREVIOUS[_code] = 2 << 2
    elif _char == "\n":
        _PREVIOUS[_code] = 3 << 2
    elif "a" <= _char <= "z":
        _PREVIOUS[_code] = 0b11
    elif "A" <= _char <= "Z":
        _PREVIOUS[_code] = 0b10
    if "A" <= _char <= "Z":
        _CURRENT[_code] |= 0b01
    elif "0" <= _char <= "9":
        _CURRENT[_code] |= 0b10
    kind = _code >> 2 & 0b11
    _BONUS_OF[_code] = (0, BONUS_SEGMENT, BONUS_WORD, BONUS_START)[kind] if kind else (BONUS_CAMEL if _code & 0b11 else 0)
_PREVIOUS_TABLE, _CURRENT_TABLE, _BONUS_TABLE = bytes(_PREVIOUS), bytes(_CURRENT), bytes(_BONUS_OF)
_PREVIOUS, _CURRENT, _BONUS_OF = _PREVIOUS_TABLE, _CURRENT_TABLE, _BONUS_TABLE  # type: ignore[assignment]


def _bonus_table(paths: list[str]) -> bytes:
    """The boundary bonus of every character of every path, for all paths joined by newlines.

    Done with bytes.translate and one big-integer AND (C speed: a few ms for 23k paths) rather
    than a Python loop per character (over 100 ms). Non-ASCII characters become '?' (one byte
    each, so positions hold): no bonus after them, which only matters for exotic names.
    """
    if not paths:
        return b""
    joined = "\n".join(paths).encode("ascii", "replace")
    before = int.from_bytes((b"\n" + joined[:-1]).translate(_PREVIOUS), "big")
    here = int.from_bytes(joined.translate(_CURRENT), "big")
    return (before & here).to_bytes(len(joined), "big").translate(_BONUS_OF)


def _score_positions(bonuses: bytes, positions: list[int]) -> int:
    """fzf's score of one alignment: matches, boundary bonuses, runs, gaps."""
    pos = positions[0]
    run_bonus = bonuses[pos]
    score = SCORE_MATCH + run_bonus * FIRST_CHAR_MULTIPLIER
    prev = pos
    for pos in positions[1:]:
        bonus = bonuses[pos]
        if pos == prev + 1:
            # A run keeps the bonus of its first character (a word matched from its start).
            if bonus >= BONUS_WORD:
                run_bonus = bonus
            elif bonus < run_bonus:
                bonus = run_bonus
            if bonus < BONUS_CONSECUTIVE:
                bonus = BONUS_CONSECUTIVE
        else:
            score += GAP_START + GAP_EXTENSION * (pos - prev - 2)
            run_bonus = bonus
        score += SCORE_MATCH + bonus
        prev = pos
    return score


def _forward(text: str, term: str, start: int = 0) -> list[int] | None:
    positions = []
    pos = start - 1
    for char in term:
        pos = text.find(char, pos + 1)
        if pos < 0:
            return None
        positions.append(pos)
    return positions


def _backward(text: str, term: str, end: int) -> list[int] | None:
    """Rightmost alignment of term ending at or before `end` (exclusive)."""
    positions = []
    pos = end
    for char in reversed(term):
        pos = text.rfind(char, 0, pos)
        if pos < 0:
            return None
        positions.append(pos)
    positions.reverse()
    return positions


def _alignments(text: str, term: str, base_start: int):
    """A few cheap alignments of `term` in `text` when it is not a run inside the file name
    (one of them is usually the best): contiguous anywhere (rightmost), the rightmost subsequence
    (file-name leaning), fzf v1's shortest window, and the leftmost subsequence."""
    n = len(term)
    found = text.rfind(term)
    if found >= 0:
        yield list(range(found, found + n))
    right = _backward(text, term, len(text))
    if right is None:
        return
    yield right
    left = _forward(text, term)
    if left is not None:
        if left != right:
            yield left
        window = _backward(text, term, left[-1] + 1)
        if window is not None and window != left and window != right:
            yield window


def _path_bonus(text: str, folded_base: str, term: str, positions: list[int], base_start: int) -> int:
    if positions[0] < base_start:
        return BONUS_BASENAME_CHAR * sum(1 for p in positions if p >= base_start)
    bonus = BONUS_BASENAME_CHAR * len(positions) + BONUS_IN_BASENAME
    if positions[0] == base_start:
        bonus += BONUS_BASENAME_PREFIX
        stem = folded_base.rsplit(".", 1)[0] if "." in folded_base[1:] else folded_base
        if positions[-1] - positions[0] + 1 == len(term) and term in (folded_base, stem):
            bonus += BONUS_BASENAME_EXACT
            # pkg/kubelet/kubelet.go, cmd/apply/apply.go: the file named after its folder is
            # usually the one its package is about.
            if base_start and text[text.rfind("/", 0, base_start - 1) + 1 : base_start - 1] == stem:
                bonus += BONUS_PACKAGE_FILE
    return bonus


def _best(bonuses: bytes, text: str, term: str, base_start: int, base: str) -> tuple[int, list[int]]:
    found = text.find(term, base_start)
    if found >= 0:
        # The common case once a term is typed out: a run inside the file name beats any
        # other alignment, so it is scored alone.
        positions = list(range(found, found + len(term)))
        return _score_positions(bonuses, positions) + _path_bonus(text, base, term, positions, base_start), positions
    best_score = None
    best_positions: list[int] = []
    for positions in _alignments(text, term, base_start):
        score = _score_positions(bonuses, positions) + _path_bonus(text, base, term, positions, base_start)
        if best_score is None or score > best_score:
            best_score, best_positions = score, positions
    return (best_score or 0), best_positions


class _Query:
    __slots__ = ("exact", "matchers", "raw", "terms")

    def __init__(self, raw: str):
        self.raw = raw
        self.exact = any(c != _fold(c) for c in raw)
        self.terms = tuple(raw.split()) if self.exact else tuple(_fold(raw).split())
        self.matchers = [_subsequence_pattern(term).match for term in self.terms]


class FuzzyIndex:
    """Paths to search, with per-query candidate caches. Not thread-safe."""

    def __init__(self, paths: list[str]):
        self.paths = list(paths)
        self._folded = [_fold(p) for p in self.paths]
        self._base_starts = [p.rfind("/") + 1 for p in self.paths]
        self._folded_bases = [f[s:] for f, s in zip(self._folded, self._base_starts)]
        self._bases: list[str] | None = None  # exact-case names, only built for exact queries
        self._cache: dict[str, list[int]] = {}
        self._lengths = [len(p) for p in self.paths]
        self._bonus_all = _bonus_table(self.paths)
        self._offsets = [0, *accumulate(len(p) + 1 for p in self.paths)]

    def __len__(self) -> int:
        return len(self.paths)

    # ---- candidates -----------------------------------------------------------------

    def candidates(self, query: str) -> list[int]:
        """Indexes of the paths that match every term, ascending."""
        return self._candidates(_Query(query.strip()))

    def _candidates(self, query: _Query) -> list[int]:
        key = query.raw
        cached = self._cache.get(key)
        if cached is not None:
            self._cache[key] = self._cache.pop(key)  # most recently used goes last
            return cached
        if not query.terms:
            return list(range(len(self.paths)))
        base: list[int] | None = None
        base_len = -1
        for previous, found in self._cache.items():
            # A path matching the longer query matches every prefix of it (case can only
            # become exact as the query grows), so the prefix's candidates are a superset.
            if len(previous) > base_len and key.startswith(previous):
                base, base_len = found, len(previous)
        texts = self.paths if query.exact else self._folded
        matchers = query.matchers
        if base is None:
            if len(matchers) == 1:
                match = matchers[0]
                result = [i for i, text in enumerate(texts) if match(text)]
            else:
                result = [i for i, text in enumerate(texts) if all(m(text) for m in matchers)]
        elif len(matchers) == 1:
            match = matchers[0]
            result = [i for i in base if match(texts[i])]
        else:
            result = [i for i in base if all(m(texts[i]) for m in matchers)]
        self._cache[key] = result
        if len(self._cache) > CACHE_SIZE:
            del self._cache[next(iter(self._cache))]
        return result

    def _shortlist(self, query: _Query, candidates: list[int]) -> list[int]:
        """Cut a big candidate set down to MAX_SCORED with substring tests done in C:
        the longest term inside the file name first, then anywhere, then the rest; shorter
        paths first within a group that does not fit whole."""
        if len(candidates) <= MAX_SCORED:
            return candidates
        term = max(query.terms, key=len)
        texts = self.paths if query.exact else self._folded
        bases = self._names(query.exact)
        shortest_first = self._lengths.__getitem__  # nsmallest is stable: ties keep list order
        # Plain comprehensions, no per-item function call: this runs over ~20k candidates.
        in_name = [i for i in candidates if term in bases[i]]
        if len(in_name) >= MAX_SCORED:
            return sorted(heapq.nsmallest(MAX_SCORED, in_name, key=shortest_first))
        anywhere = [i for i in candidates if term in texts[i] and term not in bases[i]]
        room = MAX_SCORED - len(in_name)
        if len(anywhere) >= room:
            return sorted(in_name + heapq.nsmallest(room, anywhere, key=shortest_first))
        scattered = [i for i in candidates if term not in texts[i]]
        room -= len(anywhere)
        return sorted(in_name + anywhere + heapq.nsmallest(room, scattered, key=shortest_first))

    def _names(self, exact: bool) -> list[str]:
        if not exact:
            return self._folded_bases
        if self._bases is None:
            self._bases = [p[s:] for p, s in zip(self.paths, self._base_starts)]
        return self._bases

    # ---- search ---------------------------------------------------------------------

    def search(self, query: str, limit: int = 200) -> list[Match]:
        """Best matches first: score, then shorter path, then list order."""
        q = _Query(query.strip())
        if not q.terms or limit <= 0:
            return []
        candidates = self._shortlist(q, self._candidates(q))
        paths = self.paths
        texts = paths if q.exact else self._folded
        bases = self._names(q.exact)
        starts = self._base_starts
        terms = q.terms
        bonus_all = self._bonus_all
        offsets = self._offsets
        scored = []
        for i in candidates:
            text = texts[i]
            offset = offsets[i]
            bonuses = bonus_all[offset : offset + len(text)]
            start = starts[i]
            base = bases[i]
            score = 0
            for term in terms:
                score += _best(bonuses, text, term, start, base)[0]
            scored.append((score, -len(text), -i))
        top = heapq.nlargest(limit, scored)
        matches = []
        for score, _, neg_i in top:
            i = -neg_i
            offset = offsets[i]
            bonuses = bonus_all[offset : offset + len(paths[i])]
            positions: set[int] = set()
            for term in terms:
                positions.update(_best(bonuses, texts[i], term, starts[i], bases[i])[1])
            matches.append(Match(paths[i], score, tuple(sorted(positions))))
        return matches

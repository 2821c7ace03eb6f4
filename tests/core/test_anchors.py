"""Anchors keep notes on their code across edits, and never put them on other code.

The Go below is ours, written for these tests. Each drift case edits it the way real code
changes (lines inserted above, functions moved, renamed, bodies edited, duplicated blocks,
files gone) and checks where every note lands.
"""

from __future__ import annotations

import textwrap

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from k8sread.core import anchors
from k8sread.core.anchors import (
    CHANGED,
    EXACT,
    FUZZY_THRESHOLD,
    MOVED,
    ORPHAN,
    UNANCHORED,
    TextIndex,
    compute_anchor,
    context_hash,
    fingerprint,
    reanchored,
    resolve,
    resolve_all,
)
from k8sread.core.symbols import extract_symbols

BASE = textwrap.dedent(
    """\
    package drift

    import (
    	"errors"
    	"fmt"
    )

    // ErrEmpty is returned for empty input.
    var ErrEmpty = errors.New("empty input")

    // Parse turns a line into fields.
    func Parse(line string) ([]string, error) {
    	if line == "" {
    		return nil, ErrEmpty
    	}
    	fields := splitFields(line)
    	for i, field := range fields {
    		fields[i] = normalizeField(field)
    	}
    	return fields, nil
    }

    // Render joins fields back into a line.
    func Render(fields []string) (string, error) {
    	if len(fields) == 0 {
    		return "", ErrEmpty
    	}
    	out := ""
    	for _, field := range fields {
    		out += field + ","
    	}
    	return out, nil
    }

    func validateA(x int) error {
    	if x < 0 {
    		return fmt.Errorf("negative: %d", x)
    	}
    	return nil
    }

    func validateB(x int) error {
    	if x < 0 {
    		return fmt.Errorf("negative: %d", x)
    	}
    	return nil
    }
    """
)


def split(text: str) -> list[str]:
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def find(lines: list[str], needle: str, occurrence: int = 1) -> int:
    """1-based line of the n-th line containing `needle`."""
    hits = [number for number, line in enumerate(lines, start=1) if needle in line]
    return hits[occurrence - 1]


def anchor_for(text: str, start: int, end: int) -> dict:
    lines = split(text)
    return compute_anchor(lines, start, end, extract_symbols(text))


def resolve_in(new_text: str, note_range: tuple[int, int], anchor: dict):
    return resolve(note_range, anchor, split(new_text), extract_symbols(new_text))


def text_of(text: str, start: int, end: int) -> list[str]:
    return split(text)[start - 1 : end]


OLD = split(BASE)
PARSE_BODY = (find(OLD, "fields := splitFields"), find(OLD, "return fields, nil"))  # lines 16-20
PARSE_WHOLE = (find(OLD, "// Parse turns"), find(OLD, "return fields, nil") + 1)
RENDER_LOOP = (find(OLD, "for _, field"), find(OLD, "out += field") + 1)
VALIDATE_A_IF = (find(OLD, "if x < 0"), find(OLD, "if x < 0") + 2)
VALIDATE_B_IF = (find(OLD, "if x < 0", 2), find(OLD, "if x < 0", 2) + 2)
ALL_NOTES = [PARSE_BODY, PARSE_WHOLE, RENDER_LOOP, VALIDATE_A_IF, VALIDATE_B_IF, (3, 6), (9, 9)]


def test_anchor_fields():
    anchor = anchor_for(BASE, *PARSE_BODY)
    assert anchor["symbol"] == "Parse"
    assert anchor["offset"] == PARSE_BODY[0] - find(OLD, "func Parse")
    assert anchor["fingerprint"] == fingerprint(text_of(BASE, *PARSE_BODY))
    assert len(anchor["fingerprint"]) == 16
    # Context is stored as hashes, never as the code itself.
    assert "before" not in anchor and "after" not in anchor
    assert anchor["before_hashes"] == [context_hash(line) for line in OLD[PARSE_BODY[0] - 4 : PARSE_BODY[0] - 1]]
    assert anchor["after_hashes"] == [context_hash(line) for line in OLD[PARSE_BODY[1] : PARSE_BODY[1] + 3]]
    assert not any(len(line.strip()) > 3 and line.strip() in str(anchor) for line in OLD[PARSE_BODY[0] - 4 : PARSE_BODY[1] + 3])
    assert len(anchor["line_hashes"]) == PARSE_BODY[1] - PARSE_BODY[0] + 1
    # The doc comment belongs to the function: negative offset.
    assert anchor_for(BASE, *PARSE_WHOLE)["offset"] == -1
    # Imports are outside every declaration; context is cut at the file's start.
    imports = anchor_for(BASE, 1, 2)
    assert "symbol" not in imports and imports["before_hashes"] == []
    with pytest.raises(ValueError):
        compute_anchor(OLD, 10, len(OLD) + 1)


def test_fingerprint_ignores_whitespace_only():
    assert fingerprint(["\tif x  <  0 {"]) == fingerprint(["    if x < 0 {   "])
    assert fingerprint(["if x < 0 {"]) != fingerprint(["if x <= 0 {"])


def test_unchanged_file_everything_exact():
    for note_range in ALL_NOTES:
        result = resolve_in(BASE, note_range, anchor_for(BASE, *note_range))
        assert (result.status, result.method, (result.start, result.end)) == (EXACT, "unchanged", note_range)


def test_reindented_code_is_still_exact():
    reindented = BASE.replace("\tfields := splitFields(line)", "        fields  :=  splitFields(line)")
    result = resolve_in(reindented, PARSE_BODY, anchor_for(BASE, *PARSE_BODY))
    assert result.status == EXACT


def test_lines_inserted_above_every_note_follows():
    extra = "// a new comment\n// and another\nvar Added = 1\n\n"
    new = BASE.replace("// ErrEmpty", extra + "// ErrEmpty")
    for note_range in ALL_NOTES[:-2]:
        result = resolve_in(new, note_range, anchor_for(BASE, *note_range))
        assert result.status == MOVED, note_range
        assert (result.start, result.end) == (note_range[0] + 4, note_range[1] + 4)
        assert text_of(new, result.start, result.end) == text_of(BASE, *note_range)
    # Above the insertion nothing moved.
    assert resolve_in(new, (3, 6), anchor_for(BASE, 3, 6)).status == EXACT


def test_functions_moved_within_the_file():
    lines = split(BASE)
    parse = lines[PARSE_WHOLE[0] - 1 : PARSE_WHOLE[1]]
    rest = lines[: PARSE_WHOLE[0] - 1] + lines[PARSE_WHOLE[1] + 1 :]
    new = "\n".join(rest + [""] + parse) + "\n"  # Parse now comes last
    for note_range in (PARSE_BODY, PARSE_WHOLE, RENDER_LOOP, VALIDATE_A_IF, VALIDATE_B_IF):
        result = resolve_in(new, note_range, anchor_for(BASE, *note_range))
        assert result.status == MOVED, note_range
        assert result.method == "symbol"
        assert text_of(new, result.start, result.end) == text_of(BASE, *note_range)
    moved_body = resolve_in(new, PARSE_BODY, anchor_for(BASE, *PARSE_BODY))
    assert moved_body.start > find(split(new), "func validateB")


def test_swapped_functions_do_not_keep_notes_at_the_old_lines():
    # validateA and validateB swap places: their texts are identical but for the name, so a
    # note on A's `if` must follow A, not stay on B's identical lines at A's old place.
    a_start, b_start = find(OLD, "func validateA"), find(OLD, "func validateB")
    a = OLD[a_start - 1 : a_start + 5]
    b = OLD[b_start - 1 : b_start + 5]
    new_lines = OLD[: a_start - 1] + b + a
    new = "\n".join(new_lines) + "\n"
    result = resolve_in(new, VALIDATE_A_IF, anchor_for(BASE, *VALIDATE_A_IF))
    assert result.status == MOVED and result.method == "symbol"
    assert result.start == find(new_lines, "func validateA") + 1


def test_renamed_function_in_place_is_exact_and_shifted_is_found_by_text():
    renamed = BASE.replace("func Parse(", "func ParseLine(")
    result = resolve_in(renamed, PARSE_BODY, anchor_for(BASE, *PARSE_BODY))
    assert (result.status, result.method) == (EXACT, "unchanged")
    shifted = renamed.replace("// ErrEmpty", "// Moved down.\n\n// ErrEmpty")
    result = resolve_in(shifted, PARSE_BODY, anchor_for(BASE, *PARSE_BODY))
    assert (result.status, result.method) == (MOVED, "text")
    assert (result.start, result.end) == (PARSE_BODY[0] + 2, PARSE_BODY[1] + 2)
    # The note covering the signature too: one line of eleven changed, context intact -> fuzzy.
    result = resolve_in(shifted, PARSE_WHOLE, anchor_for(BASE, *PARSE_WHOLE))
    assert (result.status, result.method) == (MOVED, "fuzzy")
    assert (result.start, result.end) == (PARSE_WHOLE[0] + 2, PARSE_WHOLE[1] + 2)
    assert result.score >= FUZZY_THRESHOLD


def test_body_edited_above_the_note_found_inside_its_symbol():
    edited = BASE.replace('\tif line == "" {\n\t\treturn nil, ErrEmpty\n\t}\n', "\tline = strings.TrimSpace(line)\n")
    result = resolve_in(edited, PARSE_BODY, anchor_for(BASE, *PARSE_BODY))
    assert (result.status, result.method) == (MOVED, "symbol")
    assert text_of(edited, result.start, result.end) == text_of(BASE, *PARSE_BODY)


def test_note_on_edited_lines_small_edit_fuzzy_big_edit_changed():
    small = BASE.replace("\t\tfields[i] = normalizeField(field)", "\t\tfields[i] = normalizeField(strings.ToLower(field))")
    result = resolve_in(small, PARSE_BODY, anchor_for(BASE, *PARSE_BODY))
    assert (result.status, result.method) == (MOVED, "fuzzy")
    assert (result.start, result.end) == PARSE_BODY
    rewritten = BASE.replace(
        "\tfields := splitFields(line)\n\tfor i, field := range fields {\n\t\tfields[i] = normalizeField(field)\n\t}\n",
        '\tparts := strings.Split(line, ",")\n\tparts = compact(parts)\n',
    )
    # Edited beyond recognition, but Parse is still there: changed, on Parse's lines.
    result = resolve_in(rewritten, PARSE_BODY, anchor_for(BASE, *PARSE_BODY))
    parse = next(s for s in extract_symbols(rewritten) if s.name == "Parse")
    assert result.status == CHANGED and parse.start_line <= result.start <= result.end <= parse.end_line
    # A one-line note whose line changed has nothing left to match: the whole declaration.
    one = (find(OLD, 'out := ""'),) * 2
    edited = BASE.replace('out := ""', "var out string")
    result = resolve_in(edited, one, anchor_for(BASE, *one))
    render = next(s for s in extract_symbols(edited) if s.name == "Render")
    assert (result.status, result.start, result.end) == (CHANGED, render.start_line, render.end_line)
    # Without its declaration the same note is an orphan.
    gone = edited[: edited.index("// Render joins")] + edited[edited.index("return out, nil\n}\n") + len("return out, nil\n}\n") :]
    assert resolve_in(gone, one, anchor_for(BASE, *one)).status == ORPHAN


def test_duplicated_block_with_its_function_deleted_is_an_orphan():
    # validateA is deleted; validateB holds the very same lines. The note on A's `if` must
    # not jump to B's.
    start = find(OLD, "func validateA")
    new_lines = OLD[: start - 1] + OLD[start + 6 :]
    new = "\n".join(new_lines) + "\n"
    assert text_of(new, find(new_lines, "if x < 0"), find(new_lines, "if x < 0") + 2) == text_of(BASE, *VALIDATE_A_IF)
    result = resolve_in(new, VALIDATE_A_IF, anchor_for(BASE, *VALIDATE_A_IF))
    assert result.status == ORPHAN
    # B's own note is unaffected in meaning: it follows B.
    result = resolve_in(new, VALIDATE_B_IF, anchor_for(BASE, *VALIDATE_B_IF))
    assert result.status == MOVED and result.start == find(new_lines, "if x < 0")


def test_duplicated_block_ambiguous_after_rename_is_an_orphan():
    # A renamed and everything shifted: the two identical blocks cannot be told apart by
    # their context, so the note becomes an orphan rather than a coin toss.
    new = BASE.replace("func validateA(", "func checkA(").replace("// ErrEmpty", "// shifted\n// ErrEmpty")
    result = resolve_in(new, VALIDATE_A_IF, anchor_for(BASE, *VALIDATE_A_IF))
    assert result.status == ORPHAN


def test_lone_brace_never_lands_on_another_brace():
    closing = (find(OLD, "return fields, nil") + 1,) * 2
    anchor = anchor_for(BASE, *closing)
    # Parse's body grows by a line: the old line is now another `}` inside Parse? No: the
    # closing brace must follow the function's end, or be an orphan.
    grown = BASE.replace("\treturn fields, nil\n", "\tlog(fields)\n\treturn fields, nil\n")
    result = resolve_in(grown, closing, anchor)
    if result.placed:
        assert result.start == closing[0] + 1


def test_file_gone_or_replaced_means_orphans():
    anchor = anchor_for(BASE, *PARSE_BODY)
    assert resolve(PARSE_BODY, anchor, [], []).status == ORPHAN
    other = "package other\n\nfunc Unrelated() {\n\treturn\n}\n"
    assert resolve_in(other, PARSE_BODY, anchor).status == ORPHAN


def test_unanchored_notes():
    result = resolve(PARSE_BODY, {}, OLD, extract_symbols(BASE))
    assert (result.status, result.start, result.end) == (UNANCHORED, *PARSE_BODY)
    assert resolve((40, 60), None, OLD[:45], []).status == ORPHAN
    # A hand-edited anchor with wrong types counts as no anchor, never a crash.
    assert resolve(PARSE_BODY, {"fingerprint": 3, "before": "x", "offset": "a"}, OLD, []).status == UNANCHORED


def test_non_go_file_without_symbols():
    text = "line one\nline two\nline three\nline four\n"
    anchor = compute_anchor(split(text), 2, 3)
    result = resolve((2, 3), anchor, split("new first\n" + text), None)
    assert (result.status, result.start, result.end, result.method) == (MOVED, 3, 4, "text")


def test_resolve_all_shares_one_index_and_keeps_order():
    new = BASE.replace("// ErrEmpty", "\n// ErrEmpty")
    index = TextIndex(split(new))
    results = resolve_all([(r, anchor_for(BASE, *r)) for r in ALL_NOTES], index, extract_symbols(new))
    assert [r.start for r in results] == [r[0] + (1 if r[0] > 7 else 0) for r in ALL_NOTES]


def test_reanchored_keeps_unknown_keys_and_refreshes_ours():
    anchor = {"fingerprint": "stale", "future_key": [1, 2]}
    fresh = reanchored(anchor, OLD, *PARSE_BODY, extract_symbols(BASE))
    assert fresh["future_key"] == [1, 2]
    assert fresh["fingerprint"] == fingerprint(text_of(BASE, *PARSE_BODY))
    assert resolve(PARSE_BODY, fresh, OLD, extract_symbols(BASE)).status == EXACT


# ---- properties ---------------------------------------------------------------------

POOL = sorted(set(OLD)) + ["", "}", "\tx := 1", "func Other() {", "// note", "\treturn nil", "\tif x < 0 {"]

edit = st.tuples(
    st.sampled_from(["insert", "delete", "replace"]),
    st.integers(min_value=0, max_value=len(OLD) + 20),
    st.integers(min_value=1, max_value=4),
    st.lists(st.one_of(st.sampled_from(POOL), st.text(max_size=30)), min_size=1, max_size=4),
)


def apply_edits(lines: list[str], edits) -> list[str]:
    lines = list(lines)
    for kind, at, count, new in edits:
        at = min(at, len(lines))
        if kind == "insert":
            lines[at:at] = new
        elif kind == "delete":
            del lines[at : at + count]
        else:
            lines[at : at + count] = new
    return lines


def note_ranges():
    return st.integers(min_value=1, max_value=len(OLD)).flatmap(
        lambda start: st.tuples(st.just(start), st.integers(min_value=start, max_value=min(len(OLD), start + 12)))
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(note_range=note_ranges(), edits=st.lists(edit, max_size=6))
def test_resolution_never_raises_and_claims_only_what_it_checked(note_range, edits):
    anchor = anchor_for(BASE, *note_range)
    new_lines = apply_edits(OLD, edits)
    new_text = "\n".join(new_lines) + "\n"
    new_symbols = extract_symbols(new_text)
    result = resolve(note_range, anchor, new_lines, new_symbols)
    assert result.status in (EXACT, MOVED, CHANGED, ORPHAN)
    if not result.placed:
        return
    assert 1 <= result.start <= result.end <= len(new_lines)
    if result.status == CHANGED:
        # Only ever on its own declaration, never on another's.
        assert any(s.name == anchor.get("symbol") and s.first_line <= result.start and result.end <= s.end_line for s in new_symbols)
        return
    assert result.end - result.start == note_range[1] - note_range[0] or result.method == "fuzzy"
    if result.method == "fuzzy":
        assert result.score >= FUZZY_THRESHOLD
    else:
        assert fingerprint(new_lines[result.start - 1 : result.end]) == anchor["fingerprint"]
    if result.status == EXACT:
        assert (result.start, result.end) == note_range


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    note_range=note_ranges(),
    inserts=st.lists(st.tuples(st.integers(min_value=0, max_value=len(OLD)), st.integers(min_value=1, max_value=5)), max_size=5),
)
def test_insertions_never_move_a_note_onto_other_code(note_range, inserts):
    """Only new, unique lines are added: every old line has one known new place, so a
    placed note must be exactly where its lines went (or, when lines were inserted inside
    it, overlap them); orphans are allowed, wrong places are not."""
    new_lines: list[str] = []
    where: dict[int, int] = {}  # old line -> new line
    by_position: dict[int, int] = {}
    for position, count in inserts:
        by_position[position] = by_position.get(position, 0) + count
    serial = 0
    for old_number in range(0, len(OLD) + 1):
        for _ in range(by_position.get(old_number, 0)):
            serial += 1
            new_lines.append(f"\tinserted{serial}()")
        if old_number < len(OLD):
            new_lines.append(OLD[old_number])
            where[old_number + 1] = len(new_lines)
    new_text = "\n".join(new_lines) + "\n"
    anchor = anchor_for(BASE, *note_range)
    new_symbols = extract_symbols(new_text)
    result = resolve(note_range, anchor, new_lines, new_symbols)
    if not result.placed:
        return
    new_start, new_end = where[note_range[0]], where[note_range[1]]
    if result.status == CHANGED:
        # Its own declaration, over the lines it had (they are all still there).
        assert any(s.name == anchor.get("symbol") and s.first_line <= result.start and result.end <= s.end_line for s in new_symbols)
        assert result.start <= new_end and new_start <= result.end
        return
    split_inside = new_end - new_start != note_range[1] - note_range[0]
    if split_inside:
        assert result.method == "fuzzy"
        assert result.start <= new_end and new_start <= result.end
    else:
        assert (result.start, result.end) == (new_start, new_end)


@settings(max_examples=100, deadline=None)
@given(
    anchor=st.dictionaries(
        st.sampled_from(["symbol", "offset", "fingerprint", "before", "after", "line_hashes", "before_hashes", "after_hashes", "commit", "text", "x"]),
        st.one_of(st.none(), st.integers(), st.text(max_size=20), st.lists(st.text(max_size=10), max_size=5), st.booleans()),
    ),
    start=st.integers(min_value=-3, max_value=80),
    length=st.integers(min_value=-2, max_value=10),
)
def test_garbage_anchors_never_raise(anchor, start, length):
    result = resolve((start, start + length), anchor, OLD, extract_symbols(BASE))
    assert result.status in (EXACT, MOVED, CHANGED, ORPHAN, UNANCHORED)
    if result.placed:
        assert 1 <= result.start <= result.end <= len(OLD)


def test_module_constants_are_sane():
    assert 0.5 < anchors.FUZZY_THRESHOLD < 1


def declaration_chunks(lines: list[str]) -> tuple[list[str], list[tuple[int, int]]]:
    """The header (package, imports) and each top-level declaration with its doc comment and
    the blank line after it, as 1-based ranges."""
    symbols = extract_symbols("\n".join(lines) + "\n")
    chunks = []
    for symbol in symbols:
        end = symbol.end_line + 1 if symbol.end_line < len(lines) else symbol.end_line
        chunks.append((symbol.first_line, end))
    return lines[: chunks[0][0] - 1], chunks


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(order=st.permutations(range(5)), note_range=note_ranges())
def test_reordered_declarations_notes_follow_their_lines(order, note_range):
    """Declarations shuffled (validateA and validateB are twins but for their names): a note
    inside one declaration lands exactly where that declaration's lines went, or is an
    orphan; never anywhere else."""
    header, chunks = declaration_chunks(OLD)
    assert len(chunks) == 5
    new_lines = list(header)
    where: dict[int, int] = {}
    for index in order:
        first, last = chunks[index]
        for old_number in range(first, last + 1):
            new_lines.append(OLD[old_number - 1])
            where[old_number] = len(new_lines)
    if new_lines[-1] != "":
        new_lines.append("")
    inside = next((c for c in chunks if c[0] <= note_range[0] and note_range[1] <= c[1]), None)
    new_text = "\n".join(new_lines) + "\n"
    result = resolve(note_range, anchor_for(BASE, *note_range), new_lines, extract_symbols(new_text))
    if inside is None:
        return  # spans two declarations: its lines are no longer together
    if note_range[1] == inside[1] and OLD[note_range[1] - 1] == "" and note_range[0] == note_range[1]:
        return  # a lone trailing blank line
    assert result.placed, (note_range, result)
    assert (result.start, result.end) == (where[note_range[0]], where[note_range[1]])


# ---- the work budget (issue 15, item 2) ---------------------------------------------------


def test_an_over_budget_search_is_an_orphan_that_says_so_every_time():
    """Counted, not timed: the same note over the same file gets the same answer on any machine."""
    lines = [f"line {i} = value({i})" for i in range(20_000)]
    hostile = {"fingerprint": "0000000000000000"}
    first = resolve((5_000, 15_000), hostile, lines)
    assert first.status == ORPHAN and first.reason == f"{anchors.BUDGET_REASON} (this note's search)"
    assert resolve((5_000, 15_000), hostile, lines) == first
    # Past the file's budget, a note that would be cheap alone gets the file's reason.
    budget = anchors.Budget(units=10)
    cheap = resolve((5, 5), {"fingerprint": "0000000000000000"}, lines, budget=budget)
    assert cheap.reason == f"{anchors.BUDGET_REASON} (this file's notes)"


def test_honest_notes_cost_a_small_part_of_the_budget():
    """Every drift case of this file, moved or edited: far under the note budget, so the budget
    changes nothing for them (the series pack, all 122 notes edited and shifted, costs at most
    122,000 units a note)."""
    edited = split(BASE.replace("\t\tfields[i] = normalizeField(field)", "\t\tfields[i] = normalizeField(strings.ToLower(field))"))
    assert edited != split(BASE)
    new = ["// inserted", ""] * 40 + edited
    for note_range in ALL_NOTES:
        budget = anchors.Budget()
        found = resolve(note_range, anchor_for(BASE, *note_range), new, extract_symbols("\n".join(new)), budget=budget)
        assert found.status in (EXACT, MOVED, ORPHAN) and not found.reason.startswith(anchors.BUDGET_REASON)
        assert budget.spent < anchors.NOTE_BUDGET // 20


def test_a_block_is_hashed_only_where_its_context_agrees(monkeypatch):
    """A long note without line hashes used to be hashed at every start of the file; the text
    search now asks its (cheap) context first, and the places it keeps are the same."""
    lines = [f"x{i} := {i}" for i in range(3_000)]
    start, end = 1_000, 1_499  # 500 lines: over MAX_HASHED_LINES, so no line hashes
    anchor = compute_anchor(lines, start, end)
    assert "line_hashes" not in anchor
    moved = lines[:10] + ["// new"] * 7 + lines[10:]
    hashed = [0]
    real = anchors._fingerprint_normalised
    monkeypatch.setattr(anchors, "_fingerprint_normalised", lambda normalised: hashed.__setitem__(0, hashed[0] + 1) or real(normalised))
    found = resolve((start, end), anchor, moved)
    assert (found.status, found.start, found.method) == (MOVED, start + 7, "text")
    assert hashed[0] <= 3  # the old place, then the one start whose context agrees


def test_a_huge_context_line_or_list_is_read_with_bounded_work(monkeypatch):
    """An older pack's context is text, sketched as it is read: a 2 MB line was 400,000 tokens
    to sketch (1.6 s) on every read, and a list of 30,000 lines was hashed whole to keep 3."""
    calls = [0]
    real = anchors.hashlib.blake2b

    def counting(*args, **kwargs):
        calls[0] += 1
        if calls[0] > 100_000:
            raise AssertionError("over 100,000 tokens sketched")
        return real(*args, **kwargs)

    monkeypatch.setattr(anchors.hashlib, "blake2b", counting)
    lines = [f"x{i} := {i}" for i in range(100)]
    anchor = {"fingerprint": "0000000000000000", "before": ["word " * 400_000] * 3, "after": ["a b c"] * 30_000}
    found = resolve((50, 50), anchor, lines)
    assert found.status == ORPHAN
    assert calls[0] <= 3 * 2000 + 3 * 10

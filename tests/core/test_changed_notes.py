"""Notes across versions (issue 13): the `changed` status, declarations that moved to another
file of their package, context stored as hashes (older packs' text still read), `check --fix
[--accept-changed]` recording the new commit, and "what changed" from git or from the pack.

The Go below is ours, written for these tests; every tree is a real git repository in a
temporary folder.
"""

from __future__ import annotations

import json
import subprocess
import textwrap
from pathlib import Path

import pytest

from k8sread.cli import main
from k8sread.core.anchors import CHANGED, EXACT, MOVED, ORPHAN, compute_anchor, resolve
from k8sread.core.note import Note
from k8sread.core.note_diff import note_diff
from k8sread.core.pack import Pack
from k8sread.core.packset import PackSet
from k8sread.core.placement import Locator, build_key, counts, place_file
from k8sread.core.reader import EditorText, Reader
from k8sread.core.source_tree import SourceTree
from k8sread.core.symbols import extract_symbols

V1 = textwrap.dedent(
    """\
    package queue

    import "sort"

    // Queue holds waiting items, most urgent first.
    type Queue struct {
    	items []Item
    	limit int
    }

    // Push adds an item and keeps the queue ordered.
    func (q *Queue) Push(item Item) bool {
    	if len(q.items) >= q.limit {
    		return false
    	}
    	q.items = append(q.items, item)
    	sort.Slice(q.items, func(i, j int) bool {
    		return q.items[i].Priority > q.items[j].Priority
    	})
    	return true
    }

    // Pop takes the most urgent item.
    func (q *Queue) Pop() (Item, bool) {
    	if len(q.items) == 0 {
    		return Item{}, false
    	}
    	first := q.items[0]
    	q.items = q.items[1:]
    	return first, true
    }
    """
)

# Release two: Push rewritten (a heap instead of a sort), Pop only shifted down.
V2 = textwrap.dedent(
    """\
    package queue

    import (
    	"container/heap"
    	"errors"
    )

    // ErrFull is returned when the queue is at its limit.
    var ErrFull = errors.New("queue full")

    // Queue holds waiting items, most urgent first.
    type Queue struct {
    	items itemHeap
    	limit int
    }

    // Push adds an item and keeps the queue ordered.
    func (q *Queue) Push(item Item) error {
    	if q.items.Len() >= q.limit {
    		return ErrFull
    	}
    	heap.Push(&q.items, item)
    	metricsPushed.Inc()
    	return nil
    }

    // Pop takes the most urgent item.
    func (q *Queue) Pop() (Item, bool) {
    	if len(q.items) == 0 {
    		return Item{}, false
    	}
    	first := q.items[0]
    	q.items = q.items[1:]
    	return first, true
    }
    """
)

PUSH_BODY = (13, 20)  # in V1: from the limit check to `return true`
POP_BODY = (25, 30)
SHIFT = V2.split("\n").index("\tif len(q.items) == 0 {") - V1.split("\n").index("\tif len(q.items) == 0 {")  # Pop's lines moved down


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args],
        check=True,
        capture_output=True,
        text=True,
        env={
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@t",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@t",
            "PATH": "/usr/bin:/bin",
            "HOME": str(repo),
        },
    ).stdout.strip()


def commit_files(repo: Path, files: dict[str, str | None], message: str) -> str:
    for rel, text in files.items():
        path = repo / rel
        if text is None:
            path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")


def note_at(text: str, note_id: str, start: int, end: int, title: str = "A note") -> Note:
    lines = text.splitlines()  # as SourceText.lines() reads a file
    return Note(id=note_id, start=start, end=end, title=title, body="Ours.", anchor=compute_anchor(lines, start, end, extract_symbols(text)))


def make_pack(root: Path, commit: str, notes: dict[str, list[Note]], *, store_text: bool = False) -> Pack:
    pack = Pack.create(root, "versions")
    meta = (root / "pack.toml").read_text()
    meta += f'\n[source]\nrepository = "https://example.invalid/queue"\ncommit = "{commit}"\n'
    if store_text:
        meta += "\n[anchors]\nstore_text = true\n"
    (root / "pack.toml").write_text(meta)
    pack = Pack.open(root)
    for path, items in notes.items():
        pack.save_notes(path, items)
    return pack


@pytest.fixture
def versions(tmp_path):
    """A repository at release one (notes written there), then release two checked out."""
    repo = tmp_path / "tree"
    repo.mkdir()
    git(repo, "init", "-q")
    one = commit_files(repo, {"pkg/queue/queue.go": V1, "go.mod": "module example.invalid/queue\n"}, "one")
    pack = make_pack(
        tmp_path / "pack",
        one,
        {"pkg/queue/queue.go": [note_at(V1, "push", *PUSH_BODY, "Push sorts"), note_at(V1, "pop", *POP_BODY, "Pop")]},
    )
    two = commit_files(repo, {"pkg/queue/queue.go": V2}, "two")
    return repo, pack, one, two


# ---- resolving ---------------------------------------------------------------------------


def test_an_edited_declaration_is_changed_and_a_shifted_one_moved(versions):
    _repo, pack, _, _ = versions
    placed = {p.note.id: p for p in place_file("pkg/queue/queue.go", [(0, pack, n) for n in pack.notes_for("pkg/queue/queue.go")], V2.split("\n"))}
    push = next(s for s in extract_symbols(V2) if s.name == "(*Queue).Push")
    assert placed["push"].status == CHANGED and placed["push"].changed and placed["push"].stale
    # On the part of Push its old lines point to, never outside Push.
    assert push.start_line <= placed["push"].start <= placed["push"].end <= push.end_line
    assert placed["pop"].status == MOVED and (placed["pop"].start - POP_BODY[0]) == SHIFT
    assert counts(placed.values()) == {EXACT: 0, MOVED: 1, CHANGED: 1, "unanchored": 0, ORPHAN: 0}


def test_a_changed_note_needs_its_declaration_to_be_there():
    gone = V2[: V2.index("// Push adds")] + V2[V2.index("// Pop takes") :]
    anchor = compute_anchor(V1.split("\n"), *PUSH_BODY, extract_symbols(V1))
    result = resolve(PUSH_BODY, anchor, gone.split("\n"), extract_symbols(gone))
    assert result.status == ORPHAN and "(*Queue).Push is gone" in result.reason


def test_a_declaration_twice_in_the_file_is_not_guessed_between():
    text = "package p\n\nfunc init() {\n\ta()\n\tb()\n}\n"
    anchor = compute_anchor(text.split("\n"), 4, 5, extract_symbols(text))
    twice = "package p\n\nfunc init() {\n\tx()\n}\n\nfunc init() {\n\ty()\n}\n"
    assert resolve((4, 5), anchor, twice.split("\n"), extract_symbols(twice)).status == ORPHAN


def test_older_packs_with_context_as_text_resolve_as_the_hashes_do():
    lines = V1.split("\n")
    symbols = extract_symbols(V1)
    hashed = compute_anchor(lines, *POP_BODY, symbols)
    as_text = {key: value for key, value in hashed.items() if not key.endswith("_hashes") or key == "line_hashes"}
    as_text["before"] = lines[POP_BODY[0] - 4 : POP_BODY[0] - 1]
    as_text["after"] = lines[POP_BODY[1] : POP_BODY[1] + 3]
    shifted = ("// header\n" * 5 + V1.replace("return first, true", "return first, len(q.items) > 0")).split("\n")
    new_symbols = extract_symbols("\n".join(shifted))
    one, two = resolve(POP_BODY, hashed, shifted, new_symbols), resolve(POP_BODY, as_text, shifted, new_symbols)
    assert (one.status, one.start, one.end) == (two.status, two.start, two.end) == (MOVED, POP_BODY[0] + 5, POP_BODY[1] + 5)


# ---- declarations that moved to another file of their package ------------------------------


def test_a_declaration_moved_to_another_file_of_the_package_takes_its_note(versions, tmp_path):
    repo, pack, _, _ = versions
    without_pop = V2[: V2.index("// Pop takes")]
    pop = "package queue\n\n" + V2[V2.index("// Pop takes") :]
    commit_files(
        repo,
        {
            "pkg/queue/queue.go": without_pop,
            "pkg/queue/pop.go": pop,
            "pkg/queue/pop_windows.go": "package queue\n\nfunc (q *Queue) Pop() (Item, bool) { return Item{}, false }\n",
        },
        "split",
    )
    tree = SourceTree.open(repo)
    placed = Locator(pack, tree).file("pkg/queue/queue.go")
    assert placed["pop"].status == MOVED and placed["pop"].path == "pkg/queue/pop.go" and placed["pop"].stored_path == "pkg/queue/queue.go"
    assert tree.read_text("pkg/queue/pop.go").lines()[placed["pop"].start - 1].strip() == "if len(q.items) == 0 {"
    # The reader shows it in pop.go, and says where it went in queue.go.
    reader = Reader(tree, PackSet(packs=[pack], writable=None), lang="en", remember=False)
    reader.open("pkg/queue/queue.go")
    left = next(p for p in reader.placements if p.note.id == "pop")
    assert left.orphan and "pkg/queue/pop.go" in left.reason
    reader.open("pkg/queue/pop.go")
    came = next(p for p in reader.placements if p.note.id == "pop")
    assert came.moved and came.elsewhere and came.start == placed["pop"].start


def test_two_files_declaring_it_or_another_build_is_no_move(tmp_path):
    assert build_key("a/pop_windows.go") != build_key("a/queue.go") == build_key("a/pop.go")
    assert build_key("a/x_linux_amd64.go") == ("linux", "amd64", False) and build_key("a/x_test.go")[2]
    repo = tmp_path / "tree"
    repo.mkdir()
    git(repo, "init", "-q")
    one = commit_files(repo, {"q/queue.go": V1}, "one")
    pack = make_pack(tmp_path / "pack", one, {"q/queue.go": [note_at(V1, "pop", *POP_BODY)]})
    pop = "package queue\n\n" + V1[V1.index("// Pop takes") :]
    commit_files(repo, {"q/queue.go": V1[: V1.index("// Pop takes")], "q/a.go": pop, "q/b.go": pop}, "twice")
    placed = Locator(pack, SourceTree.open(repo)).file("q/queue.go")
    assert placed["pop"].orphan


# ---- check ---------------------------------------------------------------------------------


def run_check(capsys, *args: str) -> tuple[int, str]:
    code = main(["check", *args])
    return code, capsys.readouterr().out


def test_check_counts_changed_and_fix_repins_moved_notes_recording_the_commit(versions, capsys):
    repo, pack, one, two = versions
    code, out = run_check(capsys, "--repo", str(repo), "--json", str(pack.root))
    document = json.loads(out)
    assert code == 0 and document["summary"]["changed"] == 1 and document["summary"]["moved"] == 1
    statuses = {n["id"]: n["status"] for f in document["packs"][0]["files"] for n in f["notes"]}
    assert statuses == {"push": "changed", "pop": "moved"}
    code, out = run_check(capsys, "--repo", str(repo), str(pack.root))
    assert "1 moved, 1 changed, 0 orphaned" in out and "code changed since " + one[:12] in out
    # --fix re-pins the moved note only; the changed one waits for a human.
    run_check(capsys, "--repo", str(repo), "--fix", str(pack.root))
    notes = {n.id: n for n in Pack.open(pack.root).notes_for("pkg/queue/queue.go")}
    assert notes["pop"].start == POP_BODY[0] + SHIFT and notes["pop"].anchor["commit"] == two
    assert notes["push"].lines == PUSH_BODY and "commit" not in notes["push"].anchor
    code, out = run_check(capsys, "--repo", str(repo), "--fix", "--accept-changed", str(pack.root))
    notes = {n.id: n for n in Pack.open(pack.root).notes_for("pkg/queue/queue.go")}
    assert notes["push"].anchor["commit"] == two and notes["push"].lines != PUSH_BODY
    document = json.loads(run_check(capsys, "--repo", str(repo), "--json", str(pack.root))[1])
    assert document["summary"]["exact"] == 2 and document["summary"]["changed"] == 0


def test_accept_changed_needs_fix(versions, capsys):
    repo, pack, _, _ = versions
    assert main(["check", "--repo", str(repo), "--accept-changed", str(pack.root)]) == 2


def test_fix_moves_a_note_to_the_file_its_declaration_went_to(versions, capsys):
    repo, pack, _, _ = versions
    without_pop = V2[: V2.index("// Pop takes")]
    commit_files(repo, {"pkg/queue/queue.go": without_pop, "pkg/queue/pop.go": "package queue\n\n" + V2[V2.index("// Pop takes") :]}, "split")
    run_check(capsys, "--repo", str(repo), "--fix", str(pack.root))
    fresh = Pack.open(pack.root)
    assert [n.id for n in fresh.notes_for("pkg/queue/pop.go")] == ["pop"]
    assert [n.id for n in fresh.notes_for("pkg/queue/queue.go")] == ["push"]


def test_fix_turns_context_text_into_hashes_without_moving_anything(tmp_path, capsys):
    repo = tmp_path / "tree"
    repo.mkdir()
    git(repo, "init", "-q")
    one = commit_files(repo, {"q/queue.go": V1}, "one")
    note = note_at(V1, "pop", *POP_BODY)
    lines = V1.splitlines()
    old_style = {key: value for key, value in note.anchor.items() if key not in ("before_hashes", "after_hashes")}
    old_style |= {"before": lines[POP_BODY[0] - 4 : POP_BODY[0] - 1], "after": lines[POP_BODY[1] : POP_BODY[1] + 3]}
    pack = make_pack(tmp_path / "pack", one, {"q/queue.go": [note.with_changes(anchor=old_style)]})
    run_check(capsys, "--repo", str(repo), "--fix", str(pack.root))
    (fixed,) = Pack.open(pack.root).notes_for("q/queue.go")
    assert fixed.lines == POP_BODY and fixed.anchor == note.anchor
    assert "first := q.items[0]" not in (pack.root / "q/queue.go.toml").read_text()


# ---- the reader: markers, re-pin, what changed -----------------------------------------------


def reader_for(repo: Path, pack: Pack) -> Reader:
    return Reader(SourceTree.open(repo), PackSet(packs=[pack], writable=pack), lang="en", remember=False)


def test_the_reader_draws_changed_notes_apart_and_shows_what_changed_from_git(versions):
    repo, pack, one, _ = versions
    reader = reader_for(repo, pack)
    reader.open("pkg/queue/queue.go")
    push = next(p for p in reader.placements if p.note.id == "push")
    exact, moved, changed = reader.markers()
    assert push.start in changed and push.start not in exact and push.start not in moved
    assert set(moved) == set(range(POP_BODY[0] + SHIFT, POP_BODY[1] + SHIFT + 1))
    assert push.written_at == one
    diff = reader.note_diff(push)
    assert diff.ok and diff.source.startswith("git") and not diff.same
    assert f"-{' ' * 0}\tsort.Slice(q.items, func(i, j int) bool {{" in diff.text
    assert "+\theap.Push(&q.items, item)" in diff.text or "+\tmetricsPushed.Inc()" in diff.text
    assert f"@@ -{PUSH_BODY[0]}" in diff.text  # the files' own line numbers
    pop = next(p for p in reader.placements if p.note.id == "pop")
    assert reader.note_diff(pop).same  # moved, not edited
    exact_note = reader.note_diff(None)
    assert not exact_note.ok


def test_what_changed_says_why_it_cannot_and_uses_text_the_pack_stored(tmp_path, versions):
    _repo, pack, one, _ = versions
    plain = tmp_path / "plain"  # the same release two, without git history
    (plain / "pkg/queue").mkdir(parents=True)
    (plain / "pkg/queue/queue.go").write_text(V2)
    reader = reader_for(plain, pack)
    reader.open("pkg/queue/queue.go")
    push = next(p for p in reader.placements if p.note.id == "push")
    diff = reader.note_diff(push)
    assert not diff.ok and "not a git checkout" in diff.reason and "stores no text" in diff.reason
    # A pack that stores its notes' lines can show them anyway.
    stored = make_pack(
        tmp_path / "stored",
        one,
        {
            "pkg/queue/queue.go": [
                note_at(V1, "push", *PUSH_BODY).with_changes(
                    anchor={**note_at(V1, "push", *PUSH_BODY).anchor, "text": V1.split("\n")[PUSH_BODY[0] - 1 : PUSH_BODY[1]]}
                )
            ]
        },
    )
    reader = reader_for(plain, stored)
    reader.open("pkg/queue/queue.go")
    diff = note_diff(next(p for p in reader.placements if p.note.id == "push"), reader.tree, reader.lines)
    assert diff.ok and diff.source == "the pack" and "-\treturn true" in diff.text


def test_repin_accepts_a_changed_note_and_an_edit_keeps_its_anchor(versions):
    repo, pack, _, two = versions
    reader = reader_for(repo, pack)
    reader.open("pkg/queue/queue.go")
    push = next(p for p in reader.placements if p.note.id == "push")
    # Editing its text does not re-anchor it at its stale lines.
    from k8sread.core.drafts import Draft

    draft = reader.begin_edit(push)
    assert isinstance(draft, Draft)
    reader.save(draft, EditorText("Push uses a heap now", "Ours, updated.", ()))
    saved = next(n for n in Pack.open(pack.root).notes_for("pkg/queue/queue.go") if n.id == "push")
    assert saved.anchor == push.note.anchor and saved.title == "Push uses a heap now"
    reader.refresh()
    push = next(p for p in reader.placements if p.note.id == "push")
    assert push.changed
    update = reader.repin(push)
    assert update.ok
    fixed = next(n for n in Pack.open(pack.root).notes_for("pkg/queue/queue.go") if n.id == "push")
    assert fixed.anchor["commit"] == two and (fixed.start, fixed.end) == (push.start, push.end)
    assert next(p for p in reader.placements if p.note.id == "push").status == EXACT


def test_the_markdown_export_says_which_notes_changed(versions):
    from k8sread.core.export_markdown import export_markdown

    repo, pack, one, _ = versions
    text, _ = export_markdown(pack, SourceTree.open(repo), lang="en")
    assert f"the code changed since this note was written at {one[:12]} (lines {PUSH_BODY[0]}–{PUSH_BODY[1]} then)" in text
    assert "moved from lines 25–30" in text


def test_what_a_file_may_declare_is_read_without_a_parse():
    from k8sread.core.placement import declared_names

    text = "package p\n\nfunc (q *Queue) Push(x int) {}\nfunc New[T any]() {}\ntype (\n\tA struct{}\n\tB = A\n)\nvar x = 1\nconst (\n\tOne = 1\n)\n\nfunc main() {\n\tinner := 1\n}\n"
    names = declared_names(text.splitlines())
    assert {"Push", "New", "A", "B", "x", "One", "main"} <= names and "inner" not in names


def test_a_note_reaching_past_its_declaration_is_never_changed():
    # From the end of Push into Pop's doc comment: its anchor says it reaches outside Push.
    lines = V1.splitlines()
    start, end = PUSH_BODY[1], POP_BODY[0] - 2
    anchor = compute_anchor(lines, start, end, extract_symbols(V1))
    assert anchor["symbol"] == "(*Queue).Push" and anchor["outside"] is True
    assert "outside" not in compute_anchor(lines, *PUSH_BODY, extract_symbols(V1))
    edited = V1.replace("\treturn true\n}\n\n// Pop takes the most urgent item.", "\treturn len(q.items) > 0\n}\n\n// Pop returns the first item.")
    result = resolve((start, end), anchor, edited.splitlines(), extract_symbols(edited))
    assert result.status == ORPHAN and "reaches past (*Queue).Push" in result.reason  # inside Push alone it would be changed

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from k8sread.core import fuzzy
from k8sread.core.fuzzy import FuzzyIndex, Match

PATHS = [
    "cmd/kubelet/app/server.go",
    "cmd/kubelet/app/options/options.go",
    "pkg/kubelet/kubelet.go",
    "pkg/kubelet/kubelet_test.go",
    "pkg/kubelet/kubelet_pods.go",
    "pkg/kubelet/kubelet_getters.go",
    "pkg/kubelet/kuberuntime/kuberuntime_manager.go",
    "pkg/kubelet/apis/config/types.go",
    "pkg/kubelet/kubeletconfig/controller.go",
    "pkg/scheduler/core/generic_scheduler.go",
    "pkg/scheduler/framework/runtime/framework.go",
    "staging/src/k8s.io/kubelet/config/v1beta1/types.go",
    "staging/src/k8s.io/apiserver/pkg/storage/etcd3/store.go",
    "staging/src/k8s.io/apiserver/pkg/storage/etcd3/store_test.go",
    "staging/src/k8s.io/apiserver/pkg/storage/cacher/cacher.go",
    "staging/src/k8s.io/kubectl/pkg/cmd/apply/apply.go",
    "staging/src/k8s.io/client-go/tools/cache/reflector.go",
    "test/e2e/node/kubelet.go",
    "test/e2e_node/services/kubelet.go",
    "vendor/github.com/onsi/ginkgo/reporters/stenographer/console_logging.go",
    "hack/lib/golang.sh",
    "test/cmd/apply.sh",
    "README.md",
]


def paths_of(matches: list[Match]) -> list[str]:
    return [m.path for m in matches]


def test_kubelet_go_ranks_the_kubelet_first():
    found = paths_of(FuzzyIndex(PATHS).search("kubelet.go"))
    assert found[0] == "pkg/kubelet/kubelet.go"
    # Same file name in a longer path next; the scattered matches after them.
    assert found[1:3] == ["test/e2e/node/kubelet.go", "test/e2e_node/services/kubelet.go"]
    assert found.index("pkg/kubelet/kubelet_test.go") < found.index("pkg/kubelet/kubeletconfig/controller.go")


def test_exact_file_name_beats_a_scattered_match():
    index = FuzzyIndex(["a/storage/etcd3/sto_re.go", "b/store.go", "s/t/o/r/e.go"])
    assert paths_of(index.search("store")) == ["b/store.go", "a/storage/etcd3/sto_re.go", "s/t/o/r/e.go"]


def test_segment_starts_beat_the_middle_of_words():
    index = FuzzyIndex(["xx/aschedb/xgenericx.go", "pkg/sched/generic.go"])
    assert paths_of(index.search("sched/generic"))[0] == "pkg/sched/generic.go"


def test_path_query_finds_the_file():
    index = FuzzyIndex(PATHS)
    assert index.search("storage/etcd3/store")[0].path == "staging/src/k8s.io/apiserver/pkg/storage/etcd3/store.go"
    assert index.search("sched/generic")[0].path == "pkg/scheduler/core/generic_scheduler.go"
    # Shorter, but the file named after its folder is what a reader means.
    assert paths_of(index.search("apply"))[:2] == ["staging/src/k8s.io/kubectl/pkg/cmd/apply/apply.go", "test/cmd/apply.sh"]


def test_shorter_path_wins_a_tie():
    index = FuzzyIndex(["a/bbb/x/types.go", "a/b/types.go"])
    first, second = index.search("types.go")
    assert first.path == "a/b/types.go" and first.score == second.score


def test_no_match_and_empty_query_give_nothing():
    index = FuzzyIndex(PATHS)
    assert index.search("zzqx") == []
    assert index.search("") == []
    assert index.search("   ") == []
    assert index.search("kubelet", limit=0) == []
    assert FuzzyIndex([]).search("a") == []


def test_positions_point_at_the_matched_characters():
    index = FuzzyIndex(PATHS)
    for query in ("kubelet.go", "sched/generic", "apply", "kbl"):
        for match in index.search(query):
            assert list(match.positions) == sorted(set(match.positions))
            assert "".join(match.path[p] for p in match.positions).lower() == query
    best = index.search("kubelet.go")[0]
    assert best.positions == tuple(range(len("pkg/kubelet/"), len("pkg/kubelet/kubelet.go")))
    two_terms = index.search("etcd store")[0]
    assert "".join(two_terms.path[p] for p in two_terms.positions) == "etcdstore"


def test_smart_case():
    index = FuzzyIndex(["pkg/Foo/bar.go", "pkg/foo/bar.go", "pkg/FOO/BAR.go"])
    assert sorted(paths_of(index.search("foo/bar"))) == ["pkg/FOO/BAR.go", "pkg/Foo/bar.go", "pkg/foo/bar.go"]
    assert paths_of(index.search("Foo/bar")) == ["pkg/Foo/bar.go"]
    assert paths_of(index.search("BAR")) == ["pkg/FOO/BAR.go"]


def test_camel_case_boundaries_score():
    index = FuzzyIndex(["x/getsomethingsync.go", "x/getSomethingSync.go"])
    assert index.search("gss")[0].path == "x/getSomethingSync.go"


def test_terms_are_matched_independently():
    index = FuzzyIndex(PATHS)
    found = paths_of(index.search("store etcd"))
    assert found[0] == "staging/src/k8s.io/apiserver/pkg/storage/etcd3/store.go"
    assert set(found) == set(paths_of(index.search("etcd store")))


def test_limit_keeps_the_best():
    index = FuzzyIndex(PATHS)
    everything = index.search("go", limit=1000)
    assert index.search("go", limit=3) == everything[:3]


def test_big_candidate_sets_are_cut_to_the_likeliest(monkeypatch):
    monkeypatch.setattr(fuzzy, "MAX_SCORED", 5)
    paths = [f"dir{n}/other{n}.txt" for n in range(50)] + ["pkg/kubelet/kubelet.go"]
    index = FuzzyIndex(paths)
    assert index.search("kubelet.go")[0].path == "pkg/kubelet/kubelet.go"
    # 'e' is in every path; only five are scored: those with it in the file name, shortest first.
    assert sorted(paths_of(index.search("e"))) == ["dir0/other0.txt", "dir1/other1.txt", "dir2/other2.txt", "dir3/other3.txt", "dir4/other4.txt"]


def test_non_ascii_paths_keep_positions():
    index = FuzzyIndex(["docs/İstanbul/çay.md", "docs/plain.md"])
    match = index.search("çay")[0]
    assert match.path == "docs/İstanbul/çay.md"
    assert "".join(match.path[p] for p in match.positions) == "çay"


SEGMENT = st.text(alphabet="abcAB_.-", min_size=1, max_size=5)
PATH = st.lists(SEGMENT, min_size=1, max_size=4).map("/".join)
QUERY = st.text(alphabet="abcAB/._ ", min_size=1, max_size=7)


@settings(max_examples=150, deadline=None)
@given(paths=st.lists(PATH, min_size=0, max_size=40), queries=st.lists(QUERY, min_size=1, max_size=4), limit=st.integers(1, 50))
def test_typing_narrows_to_the_same_results_as_a_fresh_search(paths, queries, limit):
    # One index for a whole session: several queries typed, erased and retyped, so the
    # candidate cache holds prefixes, longer queries and unrelated ones at once.
    typed = FuzzyIndex(paths)
    for query in queries:
        for n in [*range(1, len(query) + 1), *range(len(query) - 1, 0, -1)]:
            assert typed.search(query[:n], limit=limit) == FuzzyIndex(paths).search(query[:n], limit=limit)


@settings(max_examples=150, deadline=None)
@given(paths=st.lists(PATH, min_size=0, max_size=40), query=QUERY)
def test_matches_are_exactly_the_subsequence_matches(paths, query):
    terms = query.split()
    exact = any(c.isupper() for c in query)

    def contains(path: str, term: str) -> bool:
        text = path if exact else path.lower()
        it = iter(text)
        return all(c in it for c in (term if exact else term.lower()))

    expected = sorted(p for p in paths if terms and all(contains(p, t) for t in terms))
    got = FuzzyIndex(paths).search(query, limit=1000)
    assert sorted(paths_of(got)) == expected
    for match in got:
        assert all(0 <= p < len(match.path) for p in match.positions)
        assert len(match.positions) >= max((len(t) for t in terms), default=0)


def _reference_bonuses(path: str) -> bytes:
    out = bytearray(len(path))
    prev = ""
    for i, char in enumerate(path):
        if i == 0:
            out[i] = fuzzy.BONUS_START
        elif prev == "/":
            out[i] = fuzzy.BONUS_SEGMENT
        elif prev in fuzzy._WORD_SEPARATORS:
            out[i] = fuzzy.BONUS_WORD
        elif prev.isascii() and ((prev.islower() and char.isupper()) or (prev.isalpha() and char.isdigit())):
            out[i] = fuzzy.BONUS_CAMEL
        prev = char
    return bytes(out)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="aZ09/_-. é\t", min_size=1, max_size=12), min_size=1, max_size=8))
def test_bonus_table_matches_a_per_character_reference(paths):
    table = fuzzy._bonus_table(paths)
    offset = 0
    for path in paths:
        assert table[offset : offset + len(path)] == _reference_bonuses(path), path
        offset += len(path) + 1

"""Property tests for the stores tests/core/test_pack_properties.py does not cover: pack.toml
as k8sread writes it, the pack registry, and drafts. Any text goes in, the same text comes out.

(Notes files round-trip any text and the loader survives random bytes in
tests/core/test_pack_properties.py; anchor resolution never raises in tests/core/test_anchors.py.)
"""

from __future__ import annotations

import json
import string
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from k8sread.core.drafts import Draft, DraftStore
from k8sread.core.pack import Pack
from k8sread.core.registry import Entry, Registry

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
tricky = st.sampled_from(
    ['"""', "'''", "\\", "\\u0000", "\r\n", "\r", "\x1b]52;c;ZXZpbA==\x07", "\x1b[2J", "中文", "\t", "\x00", "\u2028", "\ufeff", "[link=x]y[/link]", "a" * 3000]
)
any_text = st.lists(st.one_of(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80), tricky), max_size=5).map("".join)
names = st.text(alphabet=string.ascii_lowercase + string.digits, min_size=1, max_size=12).map(lambda s: "p" + s)


@SETTINGS
@given(title=any_text, languages=st.lists(st.sampled_from(["zh", "en", "ja"]), max_size=3, unique=True), authors=st.lists(any_text, max_size=3))
def test_pack_toml_round_trips_any_title_and_authors(tmp_path_factory, title, languages, authors):
    root = tmp_path_factory.mktemp("meta") / "pack"
    Pack.create(root, "meta", title=title, languages=tuple(languages), authors=tuple(authors))
    meta = Pack.open(root).meta
    assert (meta.title, meta.languages, meta.authors) == (title or "meta", tuple(languages), tuple(authors))


@SETTINGS
@given(
    st.dictionaries(names, st.tuples(any_text.filter(lambda t: "\x00" not in t), st.one_of(st.none(), any_text.filter(bool))), max_size=5),
    st.sets(names, max_size=3),
)
def test_registry_round_trips_any_path_and_url(packs, disabled):
    registry = Registry(packs={name: Entry(name, Path(path), url) for name, (path, url) in packs.items()}, disabled=disabled, target=next(iter(packs), None))
    registry.save()
    loaded = Registry.load()
    assert loaded == registry


@SETTINGS
@given(title=any_text, body=any_text, tags=any_text, start=st.integers(1, 10**6), length=st.integers(0, 10**4))
def test_drafts_round_trip_any_text(tmp_path_factory, title, body, tags, start, length):
    store = DraftStore(tmp_path_factory.mktemp("drafts"))
    draft = Draft.new(tree_root="/t", path="pkg/x.go", start=start, end=start + length, pack="mine").with_text(title=title, body=body, tags=tags)
    saved = store.save(draft)
    (loaded,) = store.load_all()
    assert loaded == draft and loaded.saved_at == saved.saved_at and store.problems == []
    json.loads(store.path_for(draft.key).read_text("utf-8"))

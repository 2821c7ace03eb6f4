"""Property tests: any text round-trips; random bytes never crash the loader."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from k8sread.core.errors import PackFileError
from k8sread.core.note import Note
from k8sread.core.pack import parse_notes_file, render_notes_file

# Every code point TOML can carry in a string: all but surrogates (and NUL is allowed escaped).
any_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)
tricky = st.sampled_from(
    ['"""', "'''", "\\", "\\n", "\r\n", "\r", "\x1b[2J", "\x1b]52;c;ZXZpbA==\x07", "中文", "\t", "\x00", "\u2028", "[link=x]y[/link]", "a" * 5000]
)
texts = st.lists(st.one_of(any_text, tricky), max_size=6).map("".join)
ids = st.text(alphabet=string.ascii_letters + string.digits + "._-", min_size=1, max_size=40).filter(lambda s: s[0].isalnum())


@st.composite
def notes(draw):
    start = draw(st.integers(1, 10_000))
    bilingual = draw(st.booleans())
    title = draw(texts.filter(lambda t: t.strip()))
    body = draw(texts)
    return Note(
        id=draw(ids),
        start=start,
        end=start + draw(st.integers(0, 500)),
        title={"zh": title, "en": draw(texts)} if bilingual else title,
        body={"zh": body, "en": draw(texts)} if bilingual else body,
        tags=tuple(draw(st.lists(texts, max_size=3))),
        author=draw(texts),
        symbol=draw(st.one_of(st.none(), texts.filter(bool))),
        anchor=draw(st.one_of(st.just({}), st.fixed_dictionaries({"before": st.lists(texts, max_size=3), "fingerprint": texts}))),
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(notes(), max_size=5, unique_by=lambda n: n.id))
def test_round_trip_any_text(tmp_path_factory, batch):
    path = tmp_path_factory.mktemp("rt") / "x.go.toml"
    path.write_text(render_notes_file("x.go", batch), encoding="utf-8")
    assert parse_notes_file(path, "x.go") == sorted(batch, key=Note.sort_key)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000) | st.text(max_size=2000).map(lambda s: s.encode("utf-8", "surrogatepass")))
def test_loader_never_crashes_on_random_bytes(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("rb") / "x.go.toml"
    path.write_bytes(data)
    try:
        parse_notes_file(path, "x.go")
    except PackFileError as error:
        assert str(error).startswith(str(path))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.sampled_from(
            [
                "[[notes]]",
                'id = "a"',
                "lines = [1, 2]",
                "lines = [2, 1]",
                'title = "t"',
                "title = 3",
                "tags = 4",
                "anchor = 1",
                'created = "x"',
                "format = 2",
                "notes = 1",
                "<<<<<<< HEAD",
                "=",
                "[notes]",
                'title.zh = "中"',
                'body = """',
                "",
            ]
        ),
        max_size=12,
    )
)
def test_loader_never_crashes_on_plausible_toml(tmp_path_factory, lines):
    path = tmp_path_factory.mktemp("pt") / "x.go.toml"
    path.write_text("\n".join(lines) + "\n")
    try:
        parse_notes_file(path, "x.go")
    except PackFileError:
        pass

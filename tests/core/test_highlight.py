"""Go spans, the preview/full-parse equivalence, and cell-exact display of tabs, CJK, controls."""

from __future__ import annotations

import gc
import threading
import weakref

from k8sread.core.highlight import (
    CHUNK_LINES,
    PARSE_AT_ONCE_BYTES,
    GoHighlighter,
    PlainText,
    cell_of_char,
    char_at_cell,
    fragments,
    inert_text,
    line_cells,
    make_highlighter,
    max_line_cells,
    split_lines,
)

SAMPLE = """\
// Package demo is a sample for the highlighter tests.
package demo

import (
\t"fmt"
\t"strings"
)

// Greeter says hello.
type Greeter struct {
\tName  string
\tCount int
}

const limit = 42

/* A block
   comment over lines. */
func (g *Greeter) Greet(who string) string {
\tmsg := fmt.Sprintf("hello, %s\\n", who)
\tif len(msg) > limit {
\t\treturn strings.ToUpper(msg[:limit])
\t}
\tg.Count++
\treturn msg // 你好 world
}

func main() {
\tg := &Greeter{Name: "世界"}
\traw := `line one
line two`
\tfmt.Println(g.Greet(raw), true, nil)
}
"""


def row_of(lines: list[str], needle: str) -> int:
    return next(i for i, line in enumerate(lines) if needle in line)


def span_for(spans, start: int):
    return next(((s, e, n) for s, e, n in spans if s <= start < e), None)


def test_keywords_strings_comments_and_builtins():
    hl = GoHighlighter(SAMPLE)
    lines = hl.lines
    assert hl.spans(0) == [(0, len(lines[0]), "comment")]
    assert hl.spans(1)[0] == (0, 7, "keyword")
    fmt_row = row_of(lines, '"fmt"')
    assert span_for(hl.spans(fmt_row), 1) == (1, 6, "string")
    func_row = row_of(lines, "func (g *Greeter)")
    spans = hl.spans(func_row)
    assert spans[0] == (0, 4, "keyword")
    greet = lines[func_row].index("Greet(")
    assert span_for(spans, greet) == (greet, greet + 5, "function.method")
    assert span_for(spans, lines[func_row].index("Greeter"))[2] == "type"
    len_row = row_of(lines, "if len(msg)")
    assert span_for(hl.spans(len_row), lines[len_row].index("len"))[2] == "function.builtin"
    assert span_for(hl.spans(len_row), lines[len_row].index("limit"))[2] == "variable"
    const_row = row_of(lines, "const limit")
    assert span_for(hl.spans(const_row), lines[const_row].index("42"))[2] == "number"
    sprintf_row = row_of(lines, "Sprintf")
    escape = lines[sprintf_row].index("\\n")
    assert span_for(hl.spans(sprintf_row), escape) == (escape, escape + 2, "escape")
    call_row = row_of(lines, "fmt.Println")
    assert span_for(hl.spans(call_row), lines[call_row].index("true"))[2] == "constant.builtin"


def test_multiline_nodes_cover_each_line():
    hl = GoHighlighter(SAMPLE)
    lines = hl.lines
    second = row_of(lines, "comment over lines")
    assert hl.spans(second) == [(0, len(lines[second]), "comment")]
    raw_tail = row_of(lines, "line two`")
    assert hl.spans(raw_tail) == [(0, len("line two`"), "string")]


def test_columns_are_characters_on_non_ascii_lines():
    hl = GoHighlighter(SAMPLE)
    lines = hl.lines
    row = row_of(lines, "// 你好")
    line = lines[row]
    assert span_for(hl.spans(row), line.index("//")) == (line.index("//"), len(line), "comment")
    row = row_of(lines, '"世界"')
    line = lines[row]
    start = line.index('"世界"')
    assert span_for(hl.spans(row), start) == (start, start + 4, "string")
    closing = line.index("}")
    assert all(e <= len(line) for _, e, _ in hl.spans(row))
    assert span_for(hl.spans(row), closing) is None


def big_go_file(copies: int) -> str:
    parts = ["// Code generated for a test. DO NOT EDIT.\n", "package big\n\n", 'import "fmt"\n\n']
    for n in range(copies):
        parts.append(
            f"""// Item{n} holds a value.
type Item{n} struct {{
\tValue int    `json:"value"`
\tLabel string // 标签 {n}
}}

/* Sum{n} adds
   things up. */
func (m *Item{n}) Sum{n}(xs ...int) (total int) {{
\tfor _, x := range xs {{
\t\tif x%2 == 0 && x > {n} {{
\t\t\ttotal += x
\t\t}} else {{
\t\t\ttotal -= len(m.Label)
\t\t}}
\t}}
\tfmt.Printf("%d\\t%s\\n", total, `raw
{n}`)
\treturn
}}

var table{n} = map[string]int{{"a": 1, "b": {n}}}

"""
        )
    return "".join(parts)


def test_preview_highlighting_equals_the_full_parse():
    text = big_go_file(120)
    preview = GoHighlighter(text)
    full = GoHighlighter(text)
    full.parse_full()
    assert not preview.full_parse_done and full.full_parse_done
    assert len(preview.lines) > 10 * CHUNK_LINES
    rows = range(0, len(preview.lines), 3)
    compared = [(row, preview.spans(row), full.spans(row)) for row in rows]
    assert sum(1 for _, spans, _ in compared if spans) > len(compared) // 2
    assert [(row, a) for row, a, b in compared if a != b] == []
    assert not preview.full_parse_done  # all of that came from preview parses


def test_full_parse_in_a_thread_replaces_the_preview():
    text = big_go_file(40)
    hl = GoHighlighter(text)
    before = [hl.spans(row) for row in range(300, 340)]
    worker = threading.Thread(target=hl.parse_full)
    worker.start()
    worker.join(timeout=30)
    assert hl.full_parse_done
    assert [hl.spans(row) for row in range(300, 340)] == before


def test_cancelled_parse_keeps_nothing():
    hl = GoHighlighter(big_go_file(10))
    hl.cancel()
    hl.parse_full()
    assert not hl.full_parse_done
    assert hl.spans(5) == [(0, len(hl.lines[5]), "comment")]  # still highlighted from the preview


def test_a_fully_parsed_highlighter_is_collected():
    # A tree-sitter Tree keeps its read callback and is invisible to the collector: a callback
    # that reached the highlighter kept every fully parsed file alive for good.
    hl = GoHighlighter(big_go_file(10))
    hl.spans(5)  # a preview parse too
    hl.parse_full()
    assert hl.full_parse_done
    assert hl.spans(5)
    ref = weakref.ref(hl)
    del hl
    gc.collect()
    assert ref() is None


def test_a_cancelled_highlighter_is_collected():
    hl = GoHighlighter(big_go_file(10))
    hl.cancel()
    hl.parse_full()
    ref = weakref.ref(hl)
    del hl
    gc.collect()
    assert ref() is None


def test_plain_text_has_lines_and_no_spans():
    hl = make_highlighter("int main() {\n  return 0;\n}\n", go=False)
    assert isinstance(hl, PlainText) and not hl.highlighted
    assert hl.lines == ["int main() {", "  return 0;", "}"]
    assert hl.spans(0) == [] and hl.full_parse_done
    assert isinstance(make_highlighter("package x\n", go=True), GoHighlighter)


def test_small_go_files_are_parsed_at_once_big_ones_later():
    # A small file's tree is there before the first frame (no second frame to swap it in); a
    # big one is left to a thread.
    small = big_go_file(10)
    assert len(small.encode()) <= PARSE_AT_ONCE_BYTES
    assert make_highlighter(small, go=True).full_parse_done
    big = big_go_file(400)
    assert len(big.encode()) > PARSE_AT_ONCE_BYTES
    hl = make_highlighter(big, go=True)
    assert not hl.full_parse_done
    assert hl.spans(5)  # the preview highlights it meanwhile


def test_split_lines_keeps_inner_empty_lines():
    assert split_lines("a\n\nb\n") == ["a", "", "b"]
    assert split_lines("a\nb") == ["a", "b"]
    assert split_lines("") == [""]


def test_tabs_and_wide_characters_in_cells():
    assert line_cells("\tx") == 5
    assert line_cells("ab\tx") == 5
    assert line_cells("世\tx") == 5  # 世 takes 2 cells, the tab fills to column 4
    assert line_cells("世界") == 4
    assert cell_of_char("世\tx", 2) == 4
    assert cell_of_char("a世b", 2) == 3
    assert char_at_cell("世\tx", 0) == 0
    assert char_at_cell("世\tx", 1) == 0
    assert char_at_cell("世\tx", 3) == 1
    assert char_at_cell("世\tx", 4) == 2
    assert char_at_cell("世\tx", 9) == 3
    assert max_line_cells(["ab", "\t\tx", "世界世"]) == 9


def test_fragments_expand_tabs_and_keep_keys():
    pieces = fragments("世\tif x", [(2, 4, "keyword")])
    assert pieces == [("世  ", None), ("if", "keyword"), (" x", None)]
    assert fragments("\tx\ty", [(1, 2, "v")]) == [("    ", None), ("x", "v"), ("   y", None)]
    assert fragments("", []) == []


def test_control_characters_become_visible_placeholders():
    line = "a\x1b[31mb\x07c\x7f\x9b"
    shown = inert_text(line)
    assert len(shown) == len(line)
    assert shown == "a\u241b[31mb\u2407c\u2421\ufffd"
    assert not any(ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 for ch in shown)
    assert "".join(t for t, _ in fragments(line, [])) == shown
    assert inert_text("x\u202ey") == "x\ufffdy"  # a bidi override cannot reorder the line
    assert "".join(t for t, _ in fragments("x = 1\r", [])) == "x = 1"

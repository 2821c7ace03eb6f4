"""Package-level Go symbols from tree-sitter: names, kinds, ranges, doc lines, columns."""

from __future__ import annotations

import textwrap

from k8sread.core.symbols import Symbol, enclosing_symbol, extract_symbols, symbols_named

SOURCE = textwrap.dedent(
    """\
    package sample

    import "fmt"

    // Answer is documented.
    const Answer = 42

    // Levels of verbosity.
    const (
    	// Quiet says little.
    	Quiet = iota
    	Loud, Louder
    )

    var (
    	registry = map[string]int{}
    	first, second = 1, 2
    )

    var single = "x"

    type (
    	Options struct {
    		Name string
    	}
    	Runner interface {
    		Run() error
    	}
    )

    type Alias = Options

    type Count int

    type Cache[K comparable, V any] struct {
    	items map[K]V
    }

    // Run runs the options.
    // It has two comment lines.
    func (o *Options) Run() error {
    	fmt.Println(o.Name)
    	return nil
    }

    func (o Options) String() string { return o.Name }

    func (c *Cache[K, V]) Get(key K) V {
    	return c.items[key]
    }

    func New() *Options {
    	return &Options{}
    }

    func init() {}

    func init() {}
    """
)


def by_name(symbols: list[Symbol]) -> dict[str, Symbol]:
    return {s.name: s for s in symbols}


def test_names_and_kinds_in_source_order():
    symbols = extract_symbols(SOURCE)
    assert [(s.name, s.kind) for s in symbols] == [
        ("Answer", "const"),
        ("Quiet", "const"),
        ("Loud", "const"),
        ("Louder", "const"),
        ("registry", "var"),
        ("first", "var"),
        ("second", "var"),
        ("single", "var"),
        ("Options", "struct"),
        ("Runner", "interface"),
        ("Alias", "type"),
        ("Count", "type"),
        ("Cache", "struct"),
        ("(*Options).Run", "method"),
        ("(Options).String", "method"),
        ("(*Cache).Get", "method"),
        ("New", "func"),
        ("init", "func"),
        ("init", "func"),
    ]


def test_ranges_doc_lines_and_receivers():
    symbols = by_name(extract_symbols(SOURCE))
    run = symbols["(*Options).Run"]
    assert (run.doc_line, run.start_line, run.end_line) == (39, 41, 44)
    assert run.receiver == "*Options"
    assert symbols["(Options).String"].receiver == "Options"
    assert (symbols["(*Cache).Get"].start_line, symbols["(*Cache).Get"].end_line) == (48, 50)
    # An ungrouped declaration starts at its keyword and takes its doc comment.
    answer = symbols["Answer"]
    assert (answer.doc_line, answer.start_line, answer.end_line) == (5, 6, 6)
    # Grouped specs get their own spec's range and doc comment.
    quiet = symbols["Quiet"]
    assert (quiet.doc_line, quiet.start_line, quiet.end_line) == (10, 11, 11)
    assert (symbols["Loud"].start_line, symbols["Louder"].start_line) == (12, 12)
    options = symbols["Options"]
    assert (options.start_line, options.end_line) == (23, 25)
    assert (symbols["Runner"].start_line, symbols["Runner"].end_line) == (26, 28)
    assert symbols["New"].doc_line == symbols["New"].start_line == 52


def test_name_position_is_a_character_column():
    source = "package p\n\nvar café, naïve = 1, 2\n\nfunc (r *Récepteur) Méthode() {}\n"
    symbols = by_name(extract_symbols(source))
    line = source.split("\n")[2]
    assert symbols["naïve"].name_line == 3
    assert line[symbols["naïve"].name_column :].startswith("naïve")
    method = symbols["(*Récepteur).Méthode"]
    assert source.split("\n")[4][method.name_column :].startswith("Méthode")


def test_bytes_and_str_give_the_same_symbols():
    assert extract_symbols(SOURCE.encode()) == extract_symbols(SOURCE)


def test_broken_go_does_not_raise_and_keeps_what_it_can():
    broken = SOURCE.replace("func New() *Options {", "func New( *Options {{ (")
    symbols = extract_symbols(broken)
    assert "(*Options).Run" in {s.name for s in symbols}
    assert extract_symbols("") == []
    assert extract_symbols(b"\xff\xfe not go at all \x00") is not None


def test_enclosing_symbol():
    symbols = extract_symbols(SOURCE)
    # Inside a method body.
    assert enclosing_symbol(symbols, 42, 43).name == "(*Options).Run"
    # Starting on the doc comment still belongs to the method.
    assert enclosing_symbol(symbols, 39, 44).name == "(*Options).Run"
    # A field inside a grouped type: the smallest enclosing spec.
    assert enclosing_symbol(symbols, 24, 24).name == "Options"
    # A range spanning two declarations: the one holding its first line.
    assert enclosing_symbol(symbols, 42, 48).name == "(*Options).Run"
    # A range starting on `const (` belongs to the first spec inside it.
    assert enclosing_symbol(symbols, 9, 13).name == "Quiet"
    # Imports and the package clause are outside every declaration.
    assert enclosing_symbol(symbols, 1, 3) is None


def test_symbols_named_finds_duplicates():
    assert len(symbols_named(extract_symbols(SOURCE), "init")) == 2

"""Articles in the series' style, generated from a Go tree, with the answer key.

Each block pastes one function (whole, or a passage of it), or two (from one file or two),
the way source-reading articles do: re-indented with spaces, blank lines and the original
comments often dropped, Chinese comments added above lines and at their ends, parts left out
with `...` or `// ...`, sometimes one line changed (the article was written against another
commit). The prose before each block names the function, and usually its file.

`expected` holds, per block, the (path, start, end) each pasted piece should land on: the
first and last original lines the block shows.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from k8sread.core.source_tree import SourceTree
from k8sread.core.symbols import extract_symbols

COMMENTS = ["这里是关键", "先加锁", "处理错误", "注意这里的顺序", "循环处理每一个对象", "返回结果", "兼容旧版本", "启动后台协程"]


@dataclass
class Piece:
    path: str
    start: int  # 1-based, the first line shown
    end: int


@dataclass
class Generated:
    markdown: str
    expected: list[list[Piece]] = field(default_factory=list)  # per fenced block
    code_blocks: list[bool] = field(default_factory=list)  # False: the author's own code


def functions(
    tree: SourceTree, rng: random.Random, count: int, *, min_lines: int = 6, max_lines: int = 70, prefix: str = ""
) -> list[tuple[str, list[str], int, int]]:
    """(path, lines, start, end) of `count` functions of the tree, from distinct files."""
    paths = [
        p
        for p in tree.list_files()
        if p.endswith(".go") and p.startswith(prefix) and not p.endswith(("_test.go", ".pb.go")) and "generated" not in p and "/testdata/" not in p
    ]
    rng.shuffle(paths)
    found: list[tuple[str, list[str], int, int]] = []
    for path in paths:
        if len(found) >= count:
            break
        text = tree.read_text(path)
        if text.binary or text.size > 400_000:
            continue
        lines = text.lines()
        symbols = [s for s in extract_symbols(text.text) if s.kind in ("func", "method") and min_lines <= s.end_line - s.start_line + 1 <= max_lines]
        if symbols:
            symbol = rng.choice(symbols)
            found.append((path, lines, symbol.start_line, symbol.end_line))
    return found


def _indent(line: str) -> str:
    stripped = line.lstrip("\t")
    return "    " * (len(line) - len(stripped)) + stripped


def paste(lines: list[str], start: int, end: int, rng: random.Random, *, elide: bool, changed: bool) -> list[str]:
    """Lines start..end (1-based) as an author pastes them."""
    shown = list(range(start, end + 1))
    drop_comments = rng.random() < 0.5
    drop_blank = rng.random() < 0.5
    out: list[str] = []
    skip_until = 0
    body = shown[1:-1]
    elided: tuple[int, int] | None = None
    if elide and len(body) > 8:
        a = rng.randrange(1, len(body) - 5)
        elided = (body[a], body[min(len(body) - 2, a + rng.randrange(3, 6))])
    change_at = rng.choice(body[2:-2]) if changed and len(body) > 6 else None
    for number in shown:
        if number < skip_until:
            continue
        line = lines[number - 1]
        stripped = line.strip()
        if elided and number == elided[0]:
            indent = line[: len(line) - len(line.lstrip())]
            out.append(_indent(indent + rng.choice(["...", "// ...", "// 省略部分代码"])))
            skip_until = elided[1] + 1
            continue
        if number not in (start, end):
            if not stripped and drop_blank:
                continue
            if stripped.startswith("//") and drop_comments:
                continue
        if change_at == number and len(stripped) > 12 and not stripped.startswith("//"):
            line = line.replace("err", "e", 1) if "err" in line else line.rstrip() + "  "
        if number not in (start, end) and stripped and not stripped.startswith("//") and rng.random() < 0.12:
            indent = line[: len(line) - len(line.lstrip())]
            out.append(_indent(indent + "// " + rng.choice(COMMENTS)))
        text = _indent(line)
        if number not in (start, end) and stripped and not stripped.startswith("//") and "//" not in line and rng.random() < 0.06:
            text += " // " + rng.choice(COMMENTS)
        out.append(text)
    return out


def article(tree: SourceTree, seed: int, blocks: int = 20, *, own_code: int = 2, prefix: str = "") -> Generated:
    rng = random.Random(seed)
    picked = functions(tree, rng, blocks + 4, prefix=prefix)
    parts = ["# 源码阅读（生成）", ""]
    result = Generated("")
    chapter = 0
    k = 0
    made = 0
    while made < blocks and k < len(picked):
        if made % 5 == 0:
            chapter += 1
            parts += [f"## 第 {chapter} 部分", ""]
        path, lines, start, end = picked[k]
        k += 1
        name = lines[start - 1].split("(")[0].split()[-1] if "(" in lines[start - 1] else "函数"
        mention = f"`{path}` 中的 " if rng.random() < 0.7 else ""
        style = rng.random()
        pieces: list[Piece] = []
        code: list[str] = []
        if style < 0.15 and k < len(picked):  # two functions, from two files
            other = picked[k]
            k += 1
            code = paste(lines, start, end, rng, elide=True, changed=False) + [""] + paste(other[1], other[2], other[3], rng, elide=True, changed=False)
            pieces = [Piece(path, start, end), Piece(other[0], other[2], other[3])]
            mention += f"和 `{other[0]}` "
        elif style < 0.35 and end - start > 14:  # a passage from the middle
            a = start + rng.randrange(2, max(3, (end - start) // 2))
            b = min(end - 1, a + rng.randrange(5, 12))
            while b > a and not lines[b - 1].strip():
                b -= 1
            while a < b and (not lines[a - 1].strip() or lines[a - 1].strip() in ("}", ")", "{")):
                a += 1
            code = paste(lines, a, b, rng, elide=False, changed=False)
            pieces = [Piece(path, a, b)]
        else:
            code = paste(lines, start, end, rng, elide=rng.random() < 0.6, changed=rng.random() < 0.15)
            pieces = [Piece(path, start, end)]
        parts += [f"接下来看 {mention}{name}，它的逻辑如下：", "", "```go", *code, "```", ""]
        result.expected.append(pieces)
        result.code_blocks.append(True)
        made += 1
        if own_code and rng.random() < 0.15:
            own_code -= 1
            parts += [
                "自己写一个小例子：",
                "",
                "```go",
                "func main() {",
                '    fmt.Println("hello, 世界")',
                "    wg := sync.WaitGroup{}",
                "    wg.Wait()",
                "}",
                "```",
                "",
            ]
            result.expected.append([])
            result.code_blocks.append(False)
    result.markdown = "\n".join(parts) + "\n"
    return result


def score(report, generated: Generated) -> dict[str, int]:
    """exact: every piece of a code block placed exactly; wrong: anything placed on other code."""
    tally = {"code": 0, "exact": 0, "inexact": 0, "wrong": 0, "unplaced": 0, "own_placed": 0}
    for block, expected, is_code in zip(report.blocks, generated.expected, generated.code_blocks):
        got = [(p.candidate.path, p.note.start, p.note.end) for p in block.placed]
        if not is_code:
            tally["own_placed"] += bool(got)
            continue
        tally["code"] += 1
        want = [(p.path, p.start, p.end) for p in expected]
        if not got:
            tally["unplaced"] += 1
        elif sorted(got) == sorted(want):
            tally["exact"] += 1
        elif all(any(g[0] == w[0] and g[1] <= w[2] and w[1] <= g[2] for w in want) for g in got):
            tally["inexact"] += 1
        else:
            tally["wrong"] += 1
    return tally

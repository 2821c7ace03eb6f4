"""A source-reading article (Markdown) as notes, line comments and a trail.

The genre: prose, then a fenced ```go block pasting a function (or several) from the real
code, with the author's comments added inside, parts left out, re-indented. For each fenced
block (k8sread.core.code_match finds where its code is):

- placed: one note per declaration it pastes, pinned to the matched lines, anchored as
  `k8sread note add` anchors; the prose since the previous block (Markdown kept, images turned
  into links) is the first note's body; each comment the author added becomes a line comment
  (`kind = "comment"`) on the line below it (or the line it ends);
- ambiguous (the same code in several files) : the article's context decides, in this order:
  a path the block's own comments give or the permalink right under the block; paths, folder
  names (iptables / ipvs) and function names in the prose before the block; the files of the
  neighbouring blocks; the article as a whole; a test file loses to a non-test file. When none
  of these tells the places apart the block is not placed, and the report says so;
- not code from the tree (shell output, the author's own example, pseudo-code), or not
  placed: kept, with its prose, as a text step of the trail, so the article still reads whole.

Headings become chapters (the article's single top heading, or its front matter title, is
the article's title; the shallowest level under it makes the chapters; deeper headings stay in
the prose); every note and text step is a step, in article order.
"""

from __future__ import annotations

import hashlib
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from k8sread.core import code_match
from k8sread.core.code_match import COMMENT, ELISION, Block, BlockMatch, Candidate, Slot, TreeIndex
from k8sread.core.errors import K8sreadError
from k8sread.core.note import COMMENT as COMMENT_KIND
from k8sread.core.note import Note, NoteError, now
from k8sread.core.pack import Pack
from k8sread.core.placement import anchored
from k8sread.core.source_tree import SourceTree
from k8sread.core.trail_write import TrailAddition, add_to_trail, previous_import, save_replacing, text_ids_in_use

MAX_ARTICLE_BYTES = 8 * 1024 * 1024
RARE = code_match.RARE_FILES
TAG = "article"
GO_LANGS = ("go", "golang")
TIMEOUT = 30

# ---- reading the article ------------------------------------------------------------------

_FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`\n]*)$")
_ATX = re.compile(r"^(?P<hashes>#{1,6})(?:[ \t]+|(?=[^\x00-\x7f]))(?P<text>.*?)(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^(?:=+|-+)[ \t]*$")
_LIST_OR_QUOTE = re.compile(r"^\s*(?:[-*+>]|\d+[.)])\s")
_IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\((?P<url>[^)\s]+)(?:\s+\"[^\"]*\")?\)")
_IMG_TAG = re.compile(r"<img\b[^>]*?\bsrc=[\"'](?P<url>[^\"']+)[\"'][^>]*>", re.IGNORECASE)
_LINK = re.compile(r"(?<!!)\[(?P<text>[^\]]*)\]\((?P<url>[^)\s]+)(?P<rest>(?:\s+\"[^\"]*\")?)\)")
_BLOB = re.compile(r"https?://[^\s)\]]+?/blob/[^/\s)]+/(?P<path>[^\s)#?]+)(?:#L(?P<start>\d+)(?:-L(?P<end>\d+))?)?")
_ONLY_LINK = re.compile(r"^\s*(?:\[[^\]]*\]\((?P<a>[^)\s]+)\)|<?(?P<b>https?://\S+?)>?)\s*$")
_GO_PATH = re.compile(r"(?<![\w/.-])(?:[\w.-]+/)*[\w.-]+\.go\b")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass
class Heading:
    level: int
    text: str
    line: int


@dataclass
class Prose:
    lines: list[str]
    line: int


@dataclass
class Fence:
    info: str
    text: str  # the code, de-indented
    raw: str  # the whole fenced block as it reads in the article (for text steps)
    line: int  # 1-based line of the opening fence
    permalink: tuple[str, int | None, int | None] | None = None  # (path, start, end) of a link right under it

    @property
    def lang(self) -> str:
        return self.info.split()[0].lower() if self.info.split() else ""


@dataclass
class Article:
    source: str  # the file or URL, as given
    base_url: str | None  # where relative links point to
    title: str
    parts: list[Heading | Prose | Fence]

    @property
    def fences(self) -> list[Fence]:
        return [part for part in self.parts if isinstance(part, Fence)]

    def prose_text(self) -> str:
        return "\n".join("\n".join(p.lines) if isinstance(p, Prose) else p.text if isinstance(p, Heading) else "" for p in self.parts)


def parse_article(text: str, source: str = "", base_url: str | None = None) -> Article:
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    lines = text.split("\n")
    title = ""
    start = 0
    if lines and lines[0].strip() == "---":
        for number in range(1, min(len(lines), 200)):
            if lines[number].strip() in ("---", "..."):
                for meta in lines[1:number]:
                    found = re.match(r"^title:\s*(.+?)\s*$", meta)
                    if found:
                        title = found.group(1).strip("'\"")
                start = number + 1
                break
    parts: list[Heading | Prose | Fence] = []
    prose: list[str] = []
    prose_line = start + 1

    def flush(next_line: int) -> None:
        nonlocal prose, prose_line
        if prose:
            parts.append(Prose(prose, prose_line))
        prose, prose_line = [], next_line

    number = start
    while number < len(lines):
        line = lines[number]
        opened = _FENCE_OPEN.match(line)
        if opened and not (opened.group("fence")[0] == "`" and "`" in opened.group("info")):
            fence, indent = opened.group("fence"), opened.group("indent")
            close = re.compile(r"^[ \t]*" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}[ \t]*$")
            body: list[str] = []
            end = number + 1
            while end < len(lines) and not close.match(lines[end]):
                body.append(lines[end][len(indent) :] if lines[end].startswith(indent) else lines[end].lstrip())
                end += 1
            flush(end + 2)
            raw = "\n".join(item[len(indent) :] if item.startswith(indent) else item.lstrip() for item in lines[number : min(end, len(lines) - 1) + 1])
            parts.append(Fence(opened.group("info").strip(), "\n".join(body), raw, number + 1))
            number = end + 1
            continue
        heading = _ATX.match(line)
        if heading:
            flush(number + 2)
            parts.append(Heading(len(heading.group("hashes")), heading.group("text").strip(), number + 1))
            number += 1
            continue
        if _SETEXT.match(line) and prose and prose[-1].strip() and not _LIST_OR_QUOTE.match(prose[-1]) and (len(prose) == 1 or not prose[-2].strip()):
            title_line = prose.pop()
            flush(number + 2)
            parts.append(Heading(1 if line.lstrip().startswith("=") else 2, title_line.strip(), number))
            number += 1
            continue
        prose.append(line)
        number += 1
    flush(number + 1)
    _take_permalinks(parts)
    return Article(source, base_url, title, parts)


def _take_permalinks(parts: list[Heading | Prose | Fence]) -> None:
    """A line that is only a link to a file on GitHub, right under a block, says where the
    block is from: it belongs to the block, not to the next note's prose."""
    for index, part in enumerate(parts[:-1]):
        following = parts[index + 1]
        if not isinstance(part, Fence) or not isinstance(following, Prose):
            continue
        first = next((k for k, line in enumerate(following.lines) if line.strip()), None)
        if first is None:
            continue
        only = _ONLY_LINK.match(following.lines[first])
        blob = _BLOB.search(following.lines[first]) if only else None
        if blob:
            end = blob.group("end") or blob.group("start")
            part.permalink = (blob.group("path"), int(blob.group("start")) if blob.group("start") else None, int(end) if end else None)
            del following.lines[: first + 1]


def read_article(location: str, *, progress: Callable[[str], None] | None = None) -> Article:
    """Read ARTICLE, a Markdown file or an http(s) URL; K8sreadError (exit 2) says why not."""
    if re.match(r"^https?://", location, re.IGNORECASE):
        text, final = fetch(location, progress=progress)
        return parse_article(text, location, final)
    path = Path(location).expanduser()
    try:
        if path.stat().st_size > MAX_ARTICLE_BYTES:
            raise K8sreadError(f"{location}: over {MAX_ARTICLE_BYTES // (1024 * 1024)} MiB; not an article")
        data = path.read_bytes()
    except FileNotFoundError:
        raise K8sreadError(f"{location}: no such file") from None
    except IsADirectoryError:
        raise K8sreadError(f"{location}: a folder; give a Markdown file") from None
    except OSError as error:
        raise K8sreadError(f"{location}: cannot read ({error.strerror})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise K8sreadError(f"{location}: not UTF-8 text; is it a Markdown article?") from None
    if "\x00" in text:
        raise K8sreadError(f"{location}: a binary file, not a Markdown article")
    return parse_article(text, location, None)


def fetch(url: str, *, progress: Callable[[str], None] | None = None) -> tuple[str, str]:
    """The text at `url` and the address it came from after redirects."""
    request = urllib.request.Request(url, headers={"User-Agent": "k8sread (article import)", "Accept": "text/markdown, text/plain;q=0.9, */*;q=0.5"})
    say = progress or (lambda message: None)
    say(f"fetching {url}")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            total = response.headers.get("Content-Length")
            chunks: list[bytes] = []
            size = 0
            while True:
                chunk = response.read(64 * 1024)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
                if size > MAX_ARTICLE_BYTES:
                    raise K8sreadError(f"{url}: over {MAX_ARTICLE_BYTES // (1024 * 1024)} MiB; not an article")
                say(f"fetching {url}: {size // 1024} KiB" + (f" of {int(total) // 1024} KiB" if total and total.isdigit() else ""))
            charset = response.headers.get_content_charset() or "utf-8"
            kind = response.headers.get_content_type()
            final = response.geturl()
    except urllib.error.HTTPError as error:
        raise K8sreadError(f"cannot fetch {url}: the server answered {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        reason = getattr(error, "reason", error)
        raise K8sreadError(f"cannot fetch {url}: {reason} (offline? give a downloaded copy of the article instead)") from None
    except (TimeoutError, OSError) as error:
        raise K8sreadError(f"cannot fetch {url}: {error} (offline? give a downloaded copy of the article instead)") from None
    except ValueError as error:
        raise K8sreadError(f"cannot fetch {url}: {error}") from None
    data = b"".join(chunks)
    say(f"fetched {url} ({len(data) // 1024} KiB)")
    try:
        text = data.decode(charset, errors="strict")
    except (UnicodeDecodeError, LookupError):
        text = data.decode("utf-8", errors="replace")
    head = text.lstrip()[:200].lower()
    if kind == "text/html" or head.startswith(("<!doctype html", "<html")):
        raise K8sreadError(
            f"{url} is a web page (HTML), not Markdown; give the address of the article's Markdown source (on GitHub, the Raw button: raw.githubusercontent.com/...)"
        )
    return text, final


# ---- prose to note bodies -------------------------------------------------------------------


def markdown_body(lines: list[str], base_url: str | None) -> str:
    """The prose as a note body: Markdown kept; images become links (a terminal shows no
    images); relative links point where they pointed in the article."""

    def absolute(url: str) -> str:
        if base_url and not re.match(r"^[a-z][a-z0-9+.-]*:|^#", url, re.IGNORECASE):
            return urllib.parse.urljoin(base_url, url)
        return url

    text = "\n".join(lines).strip("\n")
    text = _IMAGE.sub(lambda m: f"[{m.group('alt') or 'image'}]({absolute(m.group('url'))})", text)
    text = _IMG_TAG.sub(lambda m: f"[image]({absolute(m.group('url'))})", text)
    text = _LINK.sub(lambda m: f"[{m.group('text')}]({absolute(m.group('url'))}{m.group('rest')})", text)
    return text.strip()


def detect_language(article: Article) -> str:
    prose = article.prose_text()
    cjk = len(_CJK.findall(prose))
    letters = sum(1 for ch in prose if ch.isalpha())
    return "zh" if letters and cjk / letters > 0.1 else "en"


def slug_for(source: str, title: str) -> str:
    stem = PurePosixPath(urllib.parse.urlparse(source).path if re.match(r"^https?://", source) else source).stem
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:40].strip("-")
    if not slug or slug in ("index", "readme", "article", "post"):
        digest = hashlib.sha1((source or title).encode("utf-8", "surrogatepass")).hexdigest()[:6]
        slug = f"{slug or 'article'}-{digest}"
    return slug


# ---- context: choosing between places ------------------------------------------------------


@dataclass
class Context:
    block_paths: list[str]  # paths the block's own comments name
    permalink: tuple[str, int | None, int | None] | None
    before: str  # the prose since the previous block
    segments: list[str]  # the article's prose, block by block
    neighbours: list[str]  # files the nearest placed blocks landed in


# How articles write a Kubernetes path: as the tree has it, under vendor/ (a symlink to
# staging/src/ for k8s.io modules), as an import path, or with the repository in front.
_PATH_PREFIXES = ("github.com/kubernetes/kubernetes/", "k8s.io/kubernetes/", "kubernetes/", "vendor/", "src/")


def _normalised_mention(mention: str) -> str:
    mention = mention.strip("`'\"").removeprefix("./").lstrip("/")
    changed = True
    while changed:
        changed = False
        for prefix in _PATH_PREFIXES:
            if mention.startswith(prefix):
                mention, changed = mention[len(prefix) :], True
    return mention


def _path_score(path: str, mentions: list[str]) -> int:
    """How many trailing path components of `path` the best mention names (0: none)."""
    best = 0
    for mention in mentions:
        mention = _normalised_mention(mention)
        if mention and (path == mention or path.endswith("/" + mention)):
            best = max(best, mention.count("/") + 1)
    return best


def _mentions(text: str) -> list[str]:
    return [m.group(0) for m in _GO_PATH.finditer(text)] + [m.group("path") for m in _BLOB.finditer(text)]


def _word_count(word: str, text: str) -> int:
    return len(re.findall(r"(?<![A-Za-z0-9_])" + re.escape(word) + r"(?![A-Za-z0-9_])", text, re.IGNORECASE))


def _distinguishing(choices: list[Candidate]) -> dict[int, set[str]]:
    """Per choice, the folder and file names its path has and the others' do not."""
    parts = [set(PurePosixPath(c.path).with_suffix("").parts) for c in choices]
    common = set.intersection(*parts) if parts else set()
    return {k: {p for p in part - common if len(p) >= 3} for k, part in enumerate(parts)}


def _symbol_names(choice: Candidate, index: TreeIndex) -> set[str]:
    view = index.view_of(choice.path)
    if view is None:
        return set()
    for number in range(choice.region[0], choice.region[1] + 1):
        line = view.lines[number]
        if not line.startswith("//"):
            found = re.match(r"^(?:func\s*(?:\([^)]*?\*?\s*(\w+)(?:\[[^\]]*\])?\)\s*)?(\w+)|type\s+(\w+)|(?:var|const)\s+(\w+))", line)
            return {name for name in (found.groups() if found else ()) if name}
    return set()


def decide(slot: Slot, context: Context, index: TreeIndex) -> tuple[Candidate | None, str]:
    """The candidate the article's context points at, and why; (None, why not) when it cannot tell."""
    choices = slot.choices
    distinct = _distinguishing(choices)
    names = [_symbol_names(c, index) for c in choices]
    shared_names = set.intersection(*names) if names else set()

    def said(k: int, text: str) -> int:
        score = 10 * _path_score(choices[k].path, _mentions(text))
        score += sum(_word_count(word, text) for word in distinct[k])
        score += sum(_word_count(name, text) for name in names[k] - shared_names)
        return score

    def throughout(k: int) -> int:
        """In how many stretches of prose the article names this place (its path, folder or function)."""
        return sum(1 for text in context.segments if said(k, text))

    tiers: list[tuple[str, Callable[[int], float]]] = [
        ("the block's comments name its file", lambda k: _path_score(choices[k].path, context.block_paths)),
        ("the link under the block", lambda k: _permalink_score(choices[k], context.permalink)),
    ]
    if slot.common:
        # A few common lines found in many files: only a path the article gives is evidence.
        tiers.append(("the text before the block", lambda k: _path_score(choices[k].path, _mentions(context.before))))
    else:
        tiers += [
            ("the text before the block", lambda k: said(k, context.before)),
            ("the blocks around it", lambda k: _neighbour_score(choices[k].path, context.neighbours)),
            ("the article names it throughout", throughout),
            ("the other places are tests", lambda k: 0 if _is_test(choices[k].path) else 1),
        ]
    for reason, score in tiers:
        scores = [score(k) for k in range(len(choices))]
        top = max(scores)
        if top <= 0 or scores.count(top) > 1:
            continue
        if reason == "the article names it throughout":
            # Weak evidence: one mention elsewhere (of another function in that file, say) is
            # chance; an article that keeps naming one place is about it.
            second = sorted(scores)[-2]
            if top < 3 or top < 3 * second:
                continue
        return choices[scores.index(top)], reason
    places = ", ".join(c.where() for c in choices[:4]) + (f" and {len(choices) - 4} more places" if len(choices) > 4 else "")
    return None, f"the same code is in {places}; nothing in the article says which"


def _is_test(path: str) -> bool:
    parts = PurePosixPath(path).parts
    return path.endswith("_test.go") or any(part in ("test", "tests", "testing", "testdata", "e2e", "fake", "fakes") for part in parts[:-1])


def _permalink_score(choice: Candidate, permalink: tuple[str, int | None, int | None] | None) -> float:
    if permalink is None:
        return 0
    path, start, _ = permalink
    score = _path_score(choice.path, [path]) * 100000.0
    if score and start is not None:
        score += 50000 - min(50000, abs(choice.start - start))  # the same code twice in one file: the nearer
    return score


def _neighbour_score(path: str, neighbours: list[str]) -> int:
    score = 0
    for other in neighbours:
        if other == path:
            score = max(score, 2)
        elif PurePosixPath(other).parent == PurePosixPath(path).parent:
            score = max(score, 1)
    return score


# ---- the import -------------------------------------------------------------------------------


@dataclass
class Placed:
    note: Note
    candidate: Candidate
    confidence: str  # exact | high | medium
    why: str = ""  # the context that chose it among rivals
    comments: list[Note] = field(default_factory=list)


@dataclass
class BlockReport:
    number: int  # 1-based among the article's fenced blocks
    line: int
    lang: str
    lines: int
    outcome: str  # placed | split | ambiguous | partial | text
    placed: list[Placed] = field(default_factory=list)
    reason: str = ""

    @property
    def is_code_failure(self) -> bool:
        return self.outcome in ("ambiguous", "partial") or (bool(self.placed) and bool(self.reason))


@dataclass
class ImportReport:
    article: Article
    pack: Pack | None
    lang: str
    prefix: str
    blocks: list[BlockReport] = field(default_factory=list)
    chapters: int = 0
    texts: int = 0
    index_seconds: float = 0.0
    files_indexed: int = 0
    removed: list[str] = field(default_factory=list)  # stale notes of an earlier import of the same article

    @property
    def notes(self) -> list[Note]:
        return [p.note for b in self.blocks for p in b.placed]

    @property
    def comments(self) -> list[Note]:
        return [c for b in self.blocks for p in b.placed for c in p.comments]

    def count(self, outcome: str) -> int:
        return sum(1 for b in self.blocks if b.outcome == outcome)

    @property
    def failed(self) -> bool:
        return any(b.is_code_failure for b in self.blocks)

    def summary(self) -> str:
        placed = self.count("placed") + self.count("split")
        text = self.count("text")
        parts = [
            f"{len(self.blocks)} block(s): {placed} placed ({self.count('split')} split)",
            f"{self.count('ambiguous')} ambiguous",
            f"{self.count('partial')} only partly found",
            f"{text} kept as text",
        ]
        return ", ".join(parts) + f"; {len(self.notes)} note(s), {len(self.comments)} line comment(s), {self.chapters} chapter(s)"


def _is_code_block(fence: Fence, block: Block) -> bool:
    return fence.lang in GO_LANGS or (fence.lang in ("", "text", "plain", "code") and code_match.looks_like_go(block))


def _confidence(candidate: Candidate, ambiguous: bool) -> str:
    if candidate.code_matched == candidate.code_total and not candidate.fuzzy:
        return "exact"
    if candidate.coverage >= 0.9 and not ambiguous:
        return "high"
    return "medium"


def import_article(
    article: Article,
    tree: SourceTree,
    pack: Pack | None,
    *,
    lang: str | None = None,
    author: str = "",
    prefix: str | None = None,
    progress: Callable[[str], None] | None = None,
    index: TreeIndex | None = None,
) -> ImportReport:
    """Match every block, build the notes, comments and trail, and write them to `pack`
    (None: a dry run, nothing written)."""
    lang = lang or detect_language(article)
    prefix = prefix or slug_for(article.source, article.title)
    if pack is not None:
        pack = Pack.open(pack.root, writable=pack.writable)  # its pack.toml as it is now
    report = ImportReport(article, pack, lang, prefix)
    blocks = [code_match.parse_block(fence.text) for fence in article.fences]
    is_code = [_is_code_block(fence, block) for fence, block in zip(article.fences, blocks)]
    if index is None:
        wanted = code_match.wanted_keys([b for b, code in zip(blocks, is_code) if code])
        index = TreeIndex(tree, wanted, progress=progress)
    report.index_seconds, report.files_indexed = index.seconds, len(index.paths)
    contexts = _contexts(article, blocks)
    matches: list[BlockMatch | None] = [
        code_match.match_block(block, index, _named_files(context, index)) if code else None for block, code, context in zip(blocks, is_code, contexts)
    ]
    decided = _resolve(matches, contexts, index, blocks)
    _build(report, article, blocks, is_code, matches, decided, tree, author)
    old = previous_import(pack, prefix) if pack is not None else None
    taken_texts = text_ids_in_use(pack) - set(old.text_ids) if (pack is not None and old is not None) else set()
    addition = _trail(report, pack, taken_texts)  # also gives the notes their bodies
    report.chapters, report.texts = len(addition.chapters), len(addition.texts)
    if pack is not None:
        _write(report, pack, addition)
    return report


def _contexts(article: Article, blocks: list[Block]) -> list[Context]:
    contexts: list[Context] = []
    segments: list[str] = []
    before: list[str] = []
    fence_number = 0
    for part in article.parts:
        if isinstance(part, Fence):
            segments.append("\n".join(before))
            contexts.append(Context(blocks[fence_number].path_mentions(), part.permalink, segments[-1], segments, []))
            fence_number += 1
            before = []
        elif isinstance(part, Prose):
            before += part.lines
        else:
            before.append(part.text)
    segments.append("\n".join(before))
    return contexts


def _resolve(matches: list[BlockMatch | None], contexts: list[Context], index: TreeIndex, blocks: list[Block]) -> list[list[tuple[Candidate | None, str]]]:
    """Per block, per slot: the chosen candidate (None: cannot tell) and the reason. Unambiguous
    slots first; then, repeatedly, ambiguous ones with their neighbours' files as context."""
    decided: list[list[tuple[Candidate | None, str]]] = []
    for match in matches:
        slots = match.slots if match else []
        # Found only because the article names the file (its lines are everywhere): say so.
        decided.append(
            [
                (slot.best, "the article names its file" if slot.best.named and not slot.best.rarest <= RARE else "") if not slot.ambiguous else (None, "")
                for slot in slots
            ]
        )
    for _ in range(4):
        changed = False
        for number, match in enumerate(matches):
            if match is None:
                continue
            for k, slot in enumerate(match.slots):
                if decided[number][k][0] is not None and (not slot.ambiguous or decided[number][k][1]):
                    continue
                context = contexts[number]
                context.neighbours = _neighbours(decided, number)
                chosen, why = decide(slot, context, index)
                if chosen is not None or decided[number][k] != (None, why):
                    changed = changed or chosen is not None
                    decided[number][k] = (chosen, why)
        if not changed:
            break
    # Declarations next to each other, shown as one range with a link to exactly that range
    # (what `k8sread export --style article` writes for a note spanning two functions): one note.
    for number, match in enumerate(matches):
        permalink = contexts[number].permalink
        parts = [candidate for candidate, _ in decided[number]]
        if match is None or permalink is None or len(parts) < 2 or any(p is None for p in parts):
            continue
        found = [p for p in parts if p is not None]
        if (
            len({p.path for p in found}) == 1
            and _path_score(found[0].path, [permalink[0]])
            and (min(p.start for p in found), max(p.end for p in found)) == permalink[1:]
        ):
            one = code_match.merged(found)
            match.slots = [Slot(one)]
            decided[number] = [(one, decided[number][0][1])]
    # Declarations pasted as the file has them, one after the other with only blank lines
    # between (a type and its methods, a run of one-line methods): one stretch of the file,
    # one note. Declarations pasted together from apart (or across an elision) stay apart.
    for number, match in enumerate(matches):
        if match is None or len(decided[number]) < 2 or any(candidate is None for candidate, _ in decided[number]):
            continue
        groups: list[list[tuple[Candidate, str]]] = []
        for candidate, why in decided[number]:
            assert candidate is not None
            if groups and _contiguous(groups[-1][-1][0], candidate, blocks[number], index):
                groups[-1].append((candidate, why))
            else:
                groups.append([(candidate, why)])
        if len(groups) < len(decided[number]):
            decided[number] = [(code_match.merged([c for c, _ in group]) if len(group) > 1 else group[0][0], group[0][1]) for group in groups]
            match.slots = [Slot(candidate) for candidate, _ in decided[number]]  # type: ignore[arg-type]
    # A link under the block that names another file than the one matched: do not overrule the
    # author; say so instead.
    for number, match in enumerate(matches):
        permalink = contexts[number].permalink
        if match is None or permalink is None or len(match.slots) != 1:
            continue
        chosen, why = decided[number][0]
        if (
            chosen is not None
            and _path_score(chosen.path, [permalink[0]]) == 0
            and any(p.endswith("/" + permalink[0]) or p == permalink[0] for p in index.paths)
        ):
            decided[number][0] = (None, f"the code matches {chosen.where()} but the link under the block names {permalink[0]}")
    return decided


def _contiguous(first: Candidate, second: Candidate, block: Block, index: TreeIndex) -> bool:
    """The second part follows the first in the file with only blank lines between, and in the
    block with no elision between."""
    if first.path != second.path or second.start <= first.end:
        return False
    if any(e.kind == ELISION for e in block.entries[first.last + 1 : second.first]):
        return False
    view = index.view_of(first.path)
    if view is None:
        return False
    return all(not view.keys[line] for line in range(first.end, second.start - 1))


def _named_files(context: Context, index: TreeIndex) -> tuple[int, ...]:
    """The files the block's comments, the link under it and the prose before it name."""
    mentions = [*context.block_paths, *_mentions(context.before)]
    if context.permalink:
        mentions.append(context.permalink[0])
    found: list[int] = []
    for mention in mentions:
        normalised = _normalised_mention(mention)
        if "/" in normalised or normalised.endswith(".go"):
            found += index.files_named(normalised)
    return tuple(dict.fromkeys(found))


def _neighbours(decided: list[list[tuple[Candidate | None, str]]], number: int) -> list[str]:
    found: list[str] = []
    for direction in (-1, 1):
        other = number + direction
        while 0 <= other < len(decided):
            paths = [c.path for c, _ in decided[other] if c is not None]
            if paths:
                found += paths
                break
            other += direction
    return found


def _build(report, article, blocks, is_code, matches, decided, tree: SourceTree, author: str) -> None:
    stamp = now()
    lang = report.lang
    fence_number = 0
    for fence in article.fences:
        block, match = blocks[fence_number], matches[fence_number]
        entry = BlockReport(fence_number + 1, fence.line, fence.lang, len(fence.text.split("\n")) if fence.text else 0, "text")
        fence_number += 1
        report.blocks.append(entry)
        if match is None:
            entry.reason = f"not Go ({'```' + fence.lang if fence.lang else 'no language'})"
            continue
        if match.status != "placed":
            weak = match.best_weak
            if match.status == "partial" and weak is not None:
                entry.outcome = "partial"
                if match.reason:
                    entry.reason = match.reason
                elif weak.coverage >= 0.8 and match.coverage == 0:
                    entry.reason = f"too little code to place safely: its lines are in {weak.rarest} or more files (one is {weak.where()})"
                else:
                    entry.reason = f"only {weak.code_matched} of {len(block.code_entries)} code lines match (best: {weak.where()})"
            else:
                entry.reason = "not found in the tree (the author's own code, or from another project)"
            continue
        chosen = decided[entry.number - 1]
        undecided = [why for candidate, why in chosen if candidate is None]
        if len(undecided) == len(chosen):
            entry.outcome = "ambiguous"
            entry.reason = "; ".join(undecided)
            continue
        # The parts that are certain land; the one that is not is said, not guessed.
        entry.reason = "; ".join(f"a part was not placed: {why}" for why in undecided)
        for k, (slot, (candidate, why)) in enumerate(zip(match.slots, chosen)):
            if candidate is None:
                continue
            suffix = "" if len(match.slots) == 1 else "abcdefghijklmnopqrstuvwxyz"[k] if k < 26 else f"-{k + 1}"
            note_id = f"{report.prefix}-{entry.number}{suffix}"
            note = _note(note_id, candidate, tree, author, lang, stamp)
            entry.placed.append(Placed(note, candidate, _confidence(candidate, slot.ambiguous), why))
        entry.outcome = "split" if len(entry.placed) > 1 else "placed"
        _comments(entry, block, tree, author, lang, stamp)


def _lines_of(tree: SourceTree, path: str) -> list[str]:
    return tree.read_text(path).lines()


def _note(note_id: str, candidate: Candidate, tree: SourceTree, author: str, lang: str, stamp) -> Note:
    lines = _lines_of(tree, candidate.path)
    note = Note(id=note_id, start=candidate.start, end=candidate.end, title=candidate.where(), tags=(TAG,), author=author, created=stamp, updated=stamp)
    note = anchored(note, lines, is_go=candidate.path.endswith(".go"))
    symbol = note.anchor.get("symbol")
    if symbol:
        note = note.with_changes(title=symbol, symbol=symbol)
    return note


def _comments(entry: BlockReport, block: Block, tree: SourceTree, author: str, lang: str, stamp) -> None:
    """Each comment the author added: on the code line below it (the articles' convention), or
    on the line it ends, or, at the very end of a block, on the last line shown."""
    owner: dict[int, tuple[Placed, int]] = {}  # entry index -> (placement, 1-based line)
    for placed in entry.placed:
        for pair in placed.candidate.pairs:
            owner[pair.entry] = (placed, pair.line + 1)
    found: list[tuple[Placed, int, str]] = []
    for placed in entry.placed:
        for pair in placed.candidate.pairs:
            if pair.author_trailing and not _is_location(pair.author_trailing, placed.candidate.path):
                found.append((placed, pair.line + 1, pair.author_trailing))
    entries = block.entries
    group: list[int] = []
    for i in range(len(entries) + 1):
        if i < len(entries) and entries[i].kind == COMMENT and i not in owner:
            group.append(i)
            continue
        if group:
            text = "\n".join(entries[k].comment for k in group if entries[k].comment)
            target = _comment_target(group, entries, owner)
            if text and target is not None and not _is_location(text, target[0].candidate.path):
                found.append((target[0], target[1], text))
            group = []
    seen: set[tuple[str, int, str]] = set()
    for placed, line, text in found:
        key = (placed.candidate.path, line, text)
        if key in seen:
            continue
        seen.add(key)
        comment_id = f"{placed.note.id}-c{len(placed.comments) + 1}"
        try:
            comment = Note(id=comment_id, kind=COMMENT_KIND, start=line, end=line, body={lang: text}, author=author, created=stamp, updated=stamp)
        except NoteError:
            continue
        placed.comments.append(anchored(comment, _lines_of(tree, placed.candidate.path), is_go=True))


def _comment_target(group: list[int], entries, owner: dict[int, tuple[Placed, int]]) -> tuple[Placed, int] | None:
    after = group[-1] + 1
    if after < len(entries) and after in owner:
        return owner[after]
    before = group[0] - 1
    if before >= 0 and before in owner and (after >= len(entries) or entries[after].kind == ELISION or after not in owner):
        return owner[before]
    following = [k for k in owner if k > group[-1]]
    if following:
        return owner[min(following)]
    preceding = [k for k in owner if k < group[0]]
    return owner[max(preceding)] if preceding else None


def _is_location(text: str, path: str) -> bool:
    """`// pkg/kubelet/kubelet.go`: the author saying where the code is, not a comment on it."""
    mentions = _GO_PATH.findall(text)
    return bool(mentions) and _path_score(path, mentions) > 0 and len(text) <= len(" ".join(mentions)) + 12


# ---- writing ---------------------------------------------------------------------------------


def _write(report: ImportReport, pack: Pack, addition: TrailAddition) -> None:
    old = previous_import(pack, report.prefix)
    old_ids = [*old.note_ids, *_comment_ids(pack, old.note_ids)]
    where = {p.note.id: p.candidate.path for b in report.blocks for p in b.placed}
    where |= {c.id: p.candidate.path for b in report.blocks for p in b.placed for c in p.comments}
    taken = {note.id for path in pack.files() for note in pack.notes_for(path)} - set(old_ids)
    clash = sorted(set(where) & taken)
    if clash:
        raise K8sreadError(f"pack {pack.name} already has notes {', '.join(clash[:5])} from elsewhere; import with another --id-prefix")
    # What an earlier import of this article wrote and this one does not write to the same
    # file goes first (a note whose code moved to another file would otherwise exist twice).
    for note_id in old_ids:
        found = pack.find(note_id)
        if found is not None and where.get(note_id) != found[0]:
            pack.delete(found[0], note_id)
            if note_id not in where:
                report.removed.append(note_id)
    for placed in (p for b in report.blocks for p in b.placed):
        save_replacing(pack, placed.candidate.path, placed.note)
        for comment in placed.comments:
            save_replacing(pack, placed.candidate.path, comment)
    report.pack = add_to_trail(pack, addition, key=report.prefix)


def _comment_ids(pack: Pack, note_ids: list[str]) -> list[str]:
    wanted = set(note_ids)
    found: list[str] = []
    for path in pack.files():
        for note in pack.notes_for(path):
            if note.is_comment and note.id.rsplit("-c", 1)[0] in wanted:
                found.append(note.id)
    return found


def _trail(report: ImportReport, pack: Pack | None, taken_texts: set[str]) -> TrailAddition:
    article, lang = report.article, report.lang
    levels = [part.level for part in article.parts if isinstance(part, Heading)]
    title = article.title
    title_heading: Heading | None = None
    first_heading = next((p for p in article.parts if isinstance(p, Heading)), None)
    if first_heading is not None and len(levels) > 1 and first_heading.level == min(levels) and levels.count(min(levels)) == 1:
        # `# Title` once, then `##` sections: the title, not a chapter of its own.
        title_heading, title = first_heading, title or first_heading.text
    title = title or PurePosixPath(urllib.parse.urlparse(article.source).path).stem or report.prefix
    chapter_levels = [h.level for h in article.parts if isinstance(h, Heading) and h is not title_heading]
    chapter_level = min(chapter_levels) if chapter_levels else 0
    addition = TrailAddition()
    chapter: dict | None = None
    prose: list[str] = []
    text_count = 0
    by_block = {b.number: b for b in report.blocks}
    components = _components(pack)

    def open_chapter(heading: str) -> dict:
        made = {"component": report.prefix, "title": {lang: heading}, "steps": []}
        addition.chapters.append(made)
        return made

    def add_text(body: str) -> None:
        nonlocal chapter, text_count
        if not body.strip():
            return
        if chapter is None:
            chapter = open_chapter(title)
        text_count += 1
        text_id = f"{report.prefix}-t{text_count}"
        while text_id in taken_texts:
            text_id += "x"
        addition.texts.append({"id": text_id, "body": {lang: body}})
        chapter["steps"].append(f"text:{text_id}")

    fence_number = 0
    for part in article.parts:
        if isinstance(part, Heading):
            if part is title_heading:
                continue
            if part.level == chapter_level:
                add_text(markdown_body(prose, article.base_url))
                prose = []
                chapter = open_chapter(part.text)
            else:
                prose += ["#" * part.level + " " + part.text, ""]
        elif isinstance(part, Prose):
            prose += part.lines
        else:
            fence_number += 1
            block = by_block[fence_number]
            body = markdown_body(prose, article.base_url)
            prose = []
            if block.placed:
                if chapter is None:
                    chapter = open_chapter(title)
                for k, placed in enumerate(block.placed):
                    if k == 0 and body:
                        placed.note = placed.note.with_changes(body={lang: body})
                    chapter["steps"].append(placed.note.id)
            else:
                add_text((body + "\n\n" if body else "") + part.raw)
    add_text(markdown_body(prose, article.base_url))
    for made in addition.chapters:
        paths = [p.candidate.path for b in report.blocks for p in b.placed if p.note.id in made["steps"]]
        owner = _owner(components, paths)
        if owner:
            made["component"] = owner
    return addition


def _components(pack: Pack | None):
    if pack is None:
        return []
    from k8sread.core.trail import Trail

    try:
        return Trail.from_pack(pack).components
    except K8sreadError:
        return []


def _owner(components, paths: list[str]) -> str | None:
    for path in paths:
        scored = [(c.owns(path), c.id) for c in components]
        best = max(scored, default=(0, None))
        if best[0]:
            return best[1]
    return None


def print_report(report: ImportReport, out=None) -> None:
    out = out or sys.stdout  # looked up now: tests and pipes swap sys.stdout
    for block in report.blocks:
        head = f"block {block.number} (line {block.line}, {block.lang or 'no language'}, {block.lines} lines)"
        if block.placed:
            for k, placed in enumerate(block.placed):
                lead = head + ":" if k == 0 else " " * len(head) + " "
                extra = f"; {len(placed.comments)} line comment(s)" if placed.comments else ""
                why = f"; chosen by {placed.why}" if placed.why else ""
                print(f"{lead} {placed.candidate.where()} ({placed.confidence}{why}{extra}) -> {placed.note.id}", file=out)
            if block.reason:
                print(f"{' ' * len(head)}  {block.reason}", file=out)
        elif block.outcome in ("ambiguous", "partial"):
            print(f"{head}: not placed: {block.reason}; kept as text", file=out)
        else:
            print(f"{head}: kept as text: {block.reason}", file=out)

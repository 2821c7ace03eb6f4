"""Every test runs with its own K8SREAD_HOME: no test reads or writes the real home."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# The reader's test helpers (tests/ui/reader_support.py) serve the model tests in tests/core,
# the Pilot tests in tests/ui and the reliability tests alike.
_UI = str(Path(__file__).resolve().parent / "ui")
if _UI not in sys.path:
    sys.path.insert(0, _UI)

from reader_support import APPLY, GUIDE_META, KUBECTL, STORE, _line  # noqa: E402

from k8sread.core.note import Note  # noqa: E402
from k8sread.core.pack import Pack  # noqa: E402
from k8sread.core.placement import anchored  # noqa: E402


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("k8sread-home")
    monkeypatch.setenv("K8SREAD_HOME", str(home))
    # The locale decides the default note language; tests pin it unless they test it.
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.delenv("LANGUAGE", raising=False)
    return home


@pytest.fixture
def parsed_notes(monkeypatch) -> list[str]:
    """The source paths whose notes files get parsed from now on, in order (the real parser
    still runs): for tests that say which files an action reads."""
    from k8sread.core import pack as pack_module

    parsed: list[str] = []
    real = pack_module.parse_notes_file

    def recording(path, source):
        parsed.append(source)
        return real(path, source)

    monkeypatch.setattr(pack_module, "parse_notes_file", recording)
    return parsed


@pytest.fixture
def reader_tree(tmp_path) -> Path:
    root = tmp_path / "tree"
    files = {
        "go.mod": "module k8s.io/kubernetes\n\ngo 1.16\n",
        "cmd/kubectl/kubectl.go": KUBECTL,
        "pkg/apply/apply.go": APPLY,
        "pkg/store/store.go": STORE,
        "vendor/github.com/x/y/y.go": "package y\n",
        "README.md": "# tree\n",
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    guide = Pack.create(tmp_path / "guide", "guide")
    (guide.root / "pack.toml").write_text(GUIDE_META)
    guide = Pack.open(guide.root, writable=False)

    def note(path, note_id, needle, length, zh, en):
        text = (root / path).read_text()
        start = _line(text, needle)
        made = Note(
            id=note_id,
            start=start,
            end=start + length - 1,
            title={"zh": zh, "en": en},
            body={"zh": f"{zh}的正文。", "en": f"Body of {en}."},
            author="guide-author",
        )
        return anchored(made, text.split("\n"), is_go=True)

    writable = Pack.open(guide.root)  # same folder, writable handle, only to seed the files
    writable.save_notes("cmd/kubectl/kubectl.go", [note("cmd/kubectl/kubectl.go", "g-main", "func main()", 6, "入口", "Entry point")])
    writable.save_notes("pkg/apply/apply.go", [note("pkg/apply/apply.go", "g-run", "func (o *ApplyOptions) Run", 7, "运行", "Run it")])
    writable.save_notes("pkg/store/store.go", [note("pkg/store/store.go", "g-create", "func (s *Store) Create", 7, "创建", "Create")])
    return root


@pytest.fixture
def scratch_git_home(tmp_path, monkeypatch):
    """isolated_home moves k8sread's folders; this moves git's own (global config, identity,
    excludes file) for tests that run real git, so nothing of the machine's user leaks in."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(name, str(home / name.lower()))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for who in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{who}_NAME", "t")
        monkeypatch.setenv(f"GIT_{who}_EMAIL", "t@t")
    return home

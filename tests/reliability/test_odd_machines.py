"""Odd machines and odd targets (issue 15, items 9-13): exports never replace a device or FIFO,
new files honour the umask, and every failure on the command line is one line on stderr with
exit code 2, never a traceback; the reader opens read-only, and says why, when it cannot keep
its state, and refuses to start without a terminal.

Everything runs as a real process: `python -m k8sread.cli` in a pipe, or in a pseudo-terminal
for the reader. A full disk is simulated by making fsync fail with ENOSPC in the child (where a
real full disk reports it for a small write). A folder one may not write is real for a normal
user (chmod); root may write anywhere, so as root the child drops to an unused uid when that uid
can run this Python, and otherwise the child is told to refuse writes there. A user with no
passwd entry is real the same way, else simulated by a password database that has no entry.
Exports to /dev run with a guard in the child that refuses to rename anything over a file in
/dev, so a regression fails the test instead of replacing the machine's /dev/null.
"""

from __future__ import annotations

import errno
import fcntl
import os
import pty
import pwd
import re
import select
import shutil
import signal
import stat
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from k8sread.core.note import Note
from k8sread.core.pack import Pack
from k8sread.core.paths import user_pack_dir
from k8sread.core.session import TreeSession

GO = "package a\n\nfunc A() int {\n\treturn 1\n}\n"
IS_ROOT = os.geteuid() == 0
PYTHON = sys.executable
CLI = [PYTHON, "-m", "k8sread.cli"]
ENOSPC_PRELUDE = (
    "import errno, os, sys\n"
    "def _full(fd):\n"
    "    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))\n"
    "os.fsync = _full\n"
    "from k8sread.cli import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)
NO_PASSWD_PRELUDE = (
    "import pwd, sys\n"
    "def _none(uid):\n"
    "    raise KeyError(f'getpwuid(): uid not found: {uid}')\n"
    "pwd.getpwuid = _none\n"
    "from k8sread.cli import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)
GUARD_DEV_PRELUDE = (
    "import errno, os, sys\n"
    "_replace, _rename = os.replace, os.rename\n"
    "def _guard(real):\n"
    "    def guarded(src, dst, *args, **kwargs):\n"
    "        if os.path.abspath(os.fsdecode(dst)).startswith('/dev/'):\n"
    "            raise PermissionError(errno.EPERM, 'test guard: no rename over a file in /dev', os.fsdecode(dst))\n"
    "        return real(src, dst, *args, **kwargs)\n"
    "    return guarded\n"
    "os.replace, os.rename = _guard(_replace), _guard(_rename)\n"
    "from k8sread.cli import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)
# Root may write anywhere: when no unprivileged uid can run this Python (it lives in /root), the
# child refuses, as the kernel would for a normal user, every write under K8SREAD_TEST_UNWRITABLE.
UNWRITABLE_PRELUDE = (
    "import builtins, errno, os, sys\n"
    "_top = os.environ['K8SREAD_TEST_UNWRITABLE']\n"
    "def _denied(path):\n"
    "    p = os.path.abspath(os.fsdecode(path))\n"
    "    return p == _top or p.startswith(_top + os.sep)\n"
    "def _error(path):\n"
    "    return PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fsdecode(path))\n"
    "_mkdir, _open, _builtin_open = os.mkdir, os.open, builtins.open\n"
    "def mkdir(path, *args, **kwargs):\n"
    "    if _denied(path):\n"
    "        raise _error(path)\n"
    "    return _mkdir(path, *args, **kwargs)\n"
    "def os_open(path, flags, *args, **kwargs):\n"
    "    if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT) and _denied(path):\n"
    "        raise _error(path)\n"
    "    return _open(path, flags, *args, **kwargs)\n"
    "def builtin_open(file, mode='r', *args, **kwargs):\n"
    "    if isinstance(file, (str, bytes, os.PathLike)) and set(mode) & set('wax+') and _denied(file):\n"
    "        raise _error(file)\n"
    "    return _builtin_open(file, mode, *args, **kwargs)\n"
    "os.mkdir, os.open, builtins.open = mkdir, os_open, builtin_open\n"
    "from k8sread.cli import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)
ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[PX^_][^\x1b]*\x1b\\|.)")


# ---- helpers -------------------------------------------------------------------------------


def unknown_uid() -> int:
    """A uid with no passwd entry (the container started with `--user 54321` case)."""
    for uid in range(54321, 54421):
        try:
            pwd.getpwuid(uid)
        except KeyError:
            return uid
    pytest.skip("no free uid without a passwd entry")


_STRANGER_RUNS: dict[int, bool] = {}


def stranger_can_run(uid: int) -> bool:
    """Whether that uid can start this Python and import k8sread (not when Python is in /root)."""
    if uid not in _STRANGER_RUNS:
        try:
            probe = subprocess.run([PYTHON, "-c", "import k8sread.cli"], preexec_fn=as_stranger(uid), capture_output=True, timeout=60)
            _STRANGER_RUNS[uid] = probe.returncode == 0
        except OSError:
            _STRANGER_RUNS[uid] = False
    return _STRANGER_RUNS[uid]


def as_stranger(uid: int) -> Callable[[], None]:
    def drop() -> None:
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)

    return drop


def assert_one_line_error(result: subprocess.CompletedProcess, *needles: str) -> str:
    err = result.stderr if isinstance(result.stderr, str) else result.stderr.decode("utf-8", "replace")
    assert result.returncode == 2, (result.returncode, err)
    assert "Traceback" not in err, err
    assert err.startswith("k8sread: error: ") and err.endswith("\n") and err.count("\n") == 1, err
    for needle in needles:
        assert needle in err, (needle, err)
    return err


def run(args: list, *, env: dict[str, str] | None = None, prelude: str | None = None, **kwargs) -> subprocess.CompletedProcess:
    command = [PYTHON, "-c", prelude, *args] if prelude else [*CLI, *args]
    kwargs.setdefault("capture_output", True)
    kwargs.setdefault("timeout", 120)
    if "stdin" not in kwargs and "input" not in kwargs:
        kwargs["stdin"] = subprocess.DEVNULL
    return subprocess.run(command, env=env, text=kwargs.pop("text", True), **kwargs)


@pytest.fixture
def shared(tmp_path) -> Iterator[Path]:
    """A work folder any uid may read (pytest's own is root-only), removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="k8sread-odd-"))
    os.chmod(folder, 0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def make_tree_and_pack(base: Path) -> tuple[Path, Path]:
    tree = base / "T"
    (tree / "pkg").mkdir(parents=True)
    (tree / "pkg" / "a.go").write_text(GO)
    pack = Pack.create(base / "P", "p", title="P")
    pack.upsert("pkg/a.go", Note(id="fa", start=3, end=5, title="A returns one", body="Simple."))
    for path in (base, *base.rglob("*")):
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    return tree, pack.root


@pytest.fixture
def tree_and_pack(tmp_path) -> tuple[Path, Path]:
    return make_tree_and_pack(tmp_path)


def stranger_env(home: Path | None) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("XDG_", "K8SREAD_")) and key != "HOME"}
    if home is not None:
        env["K8SREAD_HOME"] = str(home)
    return env


# ---- item 9: an export never replaces a device or FIFO -------------------------------------


def test_export_to_a_fifo_writes_through_it_and_leaves_the_fifo(tree_and_pack, tmp_path):
    tree, pack = tree_and_pack
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    try:
        result = run(["export", "--repo", str(tree), "--pack", str(pack), "--lang", "en", "-o", str(fifo)], timeout=60)
        got, _ = reader.communicate(timeout=30)  # the old code renamed a file over the FIFO: cat waited forever
    finally:
        if reader.poll() is None:
            reader.kill()
            reader.wait()
    assert result.returncode == 0, result.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert got.decode().startswith("# P\n") and "A returns one" in got.decode()


def test_export_to_a_character_device_writes_in_place(tree_and_pack, tmp_path):
    tree, pack = tree_and_pack
    node = tmp_path / "null"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # our own /dev/null
    except OSError as error:
        pytest.skip(f"cannot make a device node here: {error.strerror}")
    result = run(["export", "--repo", str(tree), "--pack", str(pack), "-o", str(node)])
    assert result.returncode == 0, result.stderr
    mode = os.lstat(node).st_mode
    assert stat.S_ISCHR(mode) and os.major(os.lstat(node).st_rdev) == 1, oct(mode)


def test_export_to_dev_null_dev_stdout_and_dash(tree_and_pack, tmp_path):
    tree, pack = tree_and_pack
    args = ["export", "--repo", str(tree), "--pack", str(pack), "--lang", "en", "-o"]
    before = os.stat("/dev/null")
    result = run([*args, "/dev/null"], prelude=GUARD_DEV_PRELUDE)
    assert result.returncode == 0, result.stderr
    after = os.lstat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev
    # /dev/stdout on a pipe, and `-`: the document arrives on standard output.
    for target in ("/dev/stdout", "-"):
        result = run([*args, target], prelude=GUARD_DEV_PRELUDE)
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("# P\n"), target
    # /dev/stdout on a file opened by the shell with >>: appended to, not replaced.
    out = tmp_path / "out.md"
    out.write_text("kept\n")
    inode = out.stat().st_ino
    with open(out, "ab") as handle:
        result = run([*args, "/dev/stdout"], prelude=GUARD_DEV_PRELUDE, stdout=handle, stderr=subprocess.PIPE, capture_output=False)
    assert result.returncode == 0, result.stderr
    assert out.stat().st_ino == inode and out.read_text().startswith("kept\n# P\n")


def test_export_to_a_folder_is_refused_in_one_line(tree_and_pack, tmp_path):
    tree, pack = tree_and_pack
    result = run(["export", "--repo", str(tree), "--pack", str(pack), "-o", str(tmp_path)])
    assert_one_line_error(result, "is a folder")
    assert tmp_path.is_dir()


# ---- item 10: new files honour the umask ---------------------------------------------------


@pytest.mark.parametrize("umask", [0o022, 0o027, 0o002])
def test_new_files_honour_the_umask_and_old_ones_keep_their_mode(tree_and_pack, tmp_path, umask):
    tree, _ = tree_and_pack
    expected = 0o666 & ~umask

    def with_umask() -> None:
        os.umask(umask)

    new_pack = tmp_path / "fresh"
    result = run(["pack", "new", str(new_pack), "--no-git", "--title", "Fresh"], preexec_fn=with_umask)
    assert result.returncode == 0, result.stderr
    result = run(["note", "add", "--repo", str(tree), "--pack", str(new_pack), "pkg/a.go:3-5", "--title", "t", "--body", "b"], preexec_fn=with_umask)
    assert result.returncode == 0, result.stderr
    export = tmp_path / "out.md"
    result = run(["export", "--repo", str(tree), "--pack", str(new_pack), "-o", str(export)], preexec_fn=with_umask)
    assert result.returncode == 0, result.stderr
    for path in (new_pack / "pack.toml", new_pack / "pkg" / "a.go.toml", export):
        assert stat.S_IMODE(path.stat().st_mode) == expected, (path, oct(path.stat().st_mode))
    # A file the user made private stays private when written again.
    notes = new_pack / "pkg" / "a.go.toml"
    os.chmod(notes, 0o600)
    result = run(["note", "add", "--repo", str(tree), "--pack", str(new_pack), "pkg/a.go:1", "--title", "u", "--body", "c"], preexec_fn=with_umask)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(notes.stat().st_mode) == 0o600


# ---- item 11: odd machines get one line, not a traceback -----------------------------------


@pytest.mark.parametrize("kind", ["data", "cache"])
def test_a_data_or_cache_folder_that_is_a_file_is_one_line(tree_and_pack, isolated_home, kind):
    tree, pack = tree_and_pack
    shutil.rmtree(isolated_home / kind, ignore_errors=True)  # making the pack took a lock there
    (isolated_home / kind).write_text("not a folder\n")
    # note add writes to your own pack (data) and takes its lock (cache); pack add registers (data).
    result = run(["note", "add", "--repo", str(tree), "pkg/a.go:3-5", "--title", "t", "--body", "b"])
    assert_one_line_error(result, f"{isolated_home / kind} is a file, not a folder")
    result = run(["pack", "add", str(pack)])
    assert_one_line_error(result, f"{isolated_home / kind} is a file, not a folder")


def test_an_unwritable_home_is_one_line(shared):
    tree, pack = make_tree_and_pack(shared)
    home = shared / "home"
    home.mkdir()
    env = stranger_env(home)
    args = ["note", "add", "--repo", str(tree), "--pack", str(pack), "pkg/a.go:3-5", "--title", "t", "--body", "b"]
    if not IS_ROOT:
        os.chmod(home, 0o555)
        try:
            result = run(args, env=env)
        finally:
            os.chmod(home, 0o755)
    elif stranger_can_run(unknown_uid()):
        os.chmod(home, 0o755)  # root's folder: a stranger may read it, not write it
        result = run(args, env=env, preexec_fn=as_stranger(unknown_uid()))
    else:
        result = run(args, env={**env, "K8SREAD_TEST_UNWRITABLE": str(home)}, prelude=UNWRITABLE_PRELUDE)
    assert_one_line_error(result, str(home), "Permission denied")


def test_no_home_and_no_passwd_entry_is_one_line(shared):
    tree, pack = make_tree_and_pack(shared)
    env = stranger_env(None)
    args = ["note", "add", "--repo", str(tree), "--pack", str(pack), "pkg/a.go:3-5", "--title", "t", "--body", "b"]
    real = IS_ROOT and stranger_can_run(unknown_uid())

    def k8sread(arguments: list) -> subprocess.CompletedProcess:
        if real:
            return run(arguments, env=env, preexec_fn=as_stranger(unknown_uid()), cwd=shared)
        return run(arguments, env=env, prelude=NO_PASSWD_PRELUDE, cwd=shared)

    assert_one_line_error(k8sread(args), "cannot find your home folder", "set HOME, or K8SREAD_HOME")
    # The reader with no tree named looks for the last one read, in the state folder: the same.
    assert_one_line_error(k8sread([]), "cannot find your home folder")
    assert not (shared / "~").exists()  # nothing written under a literal "~" in the working folder


def test_a_full_disk_is_one_line_naming_the_file(tree_and_pack, tmp_path):
    tree, pack = tree_and_pack
    result = run(["note", "add", "--repo", str(tree), "--pack", str(pack), "pkg/a.go:3-5", "--title", "t", "--body", "b"], prelude=ENOSPC_PRELUDE)
    assert_one_line_error(result, str(pack / "pkg" / "a.go.toml"), "No space left on device")
    result = run(["export", "--repo", str(tree), "--pack", str(pack), "-o", str(tmp_path / "x.md")], prelude=ENOSPC_PRELUDE)
    assert_one_line_error(result, "x.md", "No space left on device")
    result = run(["pack", "new", str(tmp_path / "n"), "--no-git"], prelude=ENOSPC_PRELUDE)
    assert_one_line_error(result, "No space left on device")


def test_a_title_that_is_not_utf8_is_one_line(tree_and_pack):
    tree, pack = tree_and_pack
    result = subprocess.run(
        [*CLI, "note", "add", "--repo", str(tree), "--pack", str(pack), "pkg/a.go:3-5", "--title", b"caf\xe9 \xff", "--body", "b"],
        capture_output=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert_one_line_error(result, "--title: not valid UTF-8 (byte 0xe9 at character 4)")
    result = subprocess.run(
        [*CLI, "note", "add", "--repo", str(tree), "--pack", str(pack), "pkg/a.go:3-5", "--title", "t", "--body", b"\xff"],
        capture_output=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert_one_line_error(result, "--body: not valid UTF-8")
    result = subprocess.run(
        [*CLI, "note", "add", "--repo", str(tree), "--pack", str(pack), "pkg/a.go:3-5", "--title", "t", "--body-file", "-"],
        capture_output=True,
        input=b"\xff\xfe",
        timeout=60,
    )
    assert_one_line_error(result, "--body-file -: standard input is not UTF-8 text")
    assert [n.id for n in Pack.open(pack).notes_for("pkg/a.go")] == ["fa"]


# ---- the reader in a terminal: read-only when it cannot keep its state (item 11), and a file
# ---- name that is not UTF-8 (item 12) --------------------------------------------------------


def run_reader_in_a_pty(args: list, env: dict[str, str], *, until: str, prelude: str | None = None, timeout: float = 60) -> tuple[int, str]:
    """Start the reader on a pseudo-terminal of 120x40, wait for `until` on the screen, press q;
    the exit status and the screen's text (escape sequences removed)."""
    command = [PYTHON, "-c", prelude, *args] if prelude else [*CLI, *args]
    pid, fd = pty.fork()
    if pid == 0:  # the child: a real terminal on 0, 1 and 2
        try:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
            os.execve(PYTHON, command, env)
        finally:
            os._exit(127)
    seen = b""
    pressed = False
    status: int | None = None
    deadline = time.monotonic() + timeout
    try:
        while status is None and time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(fd, 65536)
                except OSError as error:  # EIO: the child closed the terminal
                    if error.errno != errno.EIO:
                        raise
                    chunk = b""
                seen += chunk
                if not chunk:
                    time.sleep(0.05)
            if not pressed and until in screen_text(seen):
                time.sleep(0.5)  # let the first screen settle before quitting
                os.write(fd, b"q")
                pressed = True
            finished, raw = os.waitpid(pid, os.WNOHANG)
            if finished:
                status = raw
    finally:
        if status is None:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(fd)
    if status is None:
        pytest.fail(f"the reader did not {'quit' if pressed else 'show ' + repr(until)} within {timeout} s; screen:\n{screen_text(seen)[-3000:]}")
    return os.waitstatus_to_exitcode(status), screen_text(seen)


def screen_text(raw: bytes) -> str:
    return ANSI.sub("", raw.decode("utf-8", "replace"))


def reader_env(home: Path) -> dict[str, str]:
    env = stranger_env(home)
    env.update(TERM="xterm-256color", HOME=str(home), LANG="en_US.UTF-8")
    return env


@pytest.mark.parametrize("broken", ["state folder is a file", "full disk"])
def test_the_reader_opens_read_only_and_says_why(tree_and_pack, isolated_home, broken):
    tree, _ = tree_and_pack
    # A reader who has used k8sread before: their own pack is there. (On a fresh machine with a
    # full disk the reader cannot create that pack: exit 2 with one line, for now.)
    Pack.create(user_pack_dir(), "mine", title="My notes")
    prelude = None
    if broken == "full disk":
        prelude = ENOSPC_PRELUDE
        expected = "No space left on device"
    else:
        shutil.rmtree(isolated_home / "state", ignore_errors=True)
        (isolated_home / "state").write_text("not a folder\n")
        expected = "is a file, not a folder"
    code, screen = run_reader_in_a_pty([str(tree), "--open", "pkg/a.go"], reader_env(isolated_home), until="Read-only", prelude=prelude)
    flat = re.sub(r"\s+", " ", screen)
    assert code == 0, screen[-2000:]
    assert "Traceback" not in screen
    assert "Read-only: cannot" in flat and expected in flat, flat[-2000:]


def test_a_file_name_that_is_not_utf8_opens_and_is_remembered(tmp_path, isolated_home):
    tree = tmp_path / "T"
    (tree / "pkg").mkdir(parents=True)
    name = os.fsdecode(b"pkg/caf\xe9.go")
    Path(tree, name).write_text(GO)
    code, screen = run_reader_in_a_pty([str(tree), "--open", name], reader_env(isolated_home), until="return 1")
    assert code == 0 and "Traceback" not in screen, screen[-2000:]
    session = TreeSession.load(tree)
    assert session.last_file == name and name in session.positions


# ---- item 13: the reader needs a terminal; subcommands and screenshots do not ---------------


def test_the_reader_without_a_terminal_says_so_and_exits_2(tree_and_pack, isolated_home):
    tree, _ = tree_and_pack
    env = reader_env(isolated_home)
    started = time.monotonic()
    both_pipes = run([str(tree)], env=env, timeout=30)
    assert_one_line_error(both_pipes, "the reader needs a terminal, and standard input is not one")
    master, slave = pty.openpty()
    try:
        # A terminal in, a pipe out (`k8sread | less`): it used to draw into stderr and never end.
        out_piped = run([str(tree)], env=env, stdin=slave, timeout=30)
        assert_one_line_error(out_piped, "standard output is not one")
        # A pipe in, a terminal out.
        in_piped = subprocess.run([*CLI, str(tree)], env=env, stdin=subprocess.DEVNULL, stdout=slave, stderr=subprocess.PIPE, text=True, timeout=30)
        assert_one_line_error(in_piped, "standard input is not one")
    finally:
        os.close(master)
        os.close(slave)
    assert time.monotonic() - started < 30
    assert not (isolated_home / "state" / "state.json").exists()  # not remembered as the last tree


def test_subcommands_and_screenshots_still_work_in_pipes(tree_and_pack, tmp_path):
    tree, pack = tree_and_pack
    notes = run(["notes", "--repo", str(tree), "--pack", str(pack), "pkg/a.go"])
    assert notes.returncode == 0 and "A returns one" in notes.stdout, notes.stderr
    svg = tmp_path / "shot.svg"
    shot = run(["screenshot", str(tree), "--open", "pkg/a.go", "--out", str(svg)])
    assert shot.returncode == 0, shot.stderr
    assert svg.read_text().startswith("<svg")

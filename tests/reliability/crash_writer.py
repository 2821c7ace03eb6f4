"""A writer that gets killed, and the versions it writes.

Imported by test_crash_safety.py (to know what each version must look like) and run as a
process: `python crash_writer.py`, a zygote that imports k8sread once and then, for every
`go SCENARIO DIR START` line on stdin, forks a child that writes versions START, START+1, ...
forever, prints `pid N`, and once the child is dead prints `dead STATUS`. The test kills the
child with SIGKILL at a random moment; forking from a warm zygote makes hundreds of rounds
cheap while every kill still hits a real, separate process.

Every version is a pure function of its number, so after a kill the test can say exactly
which text the file must hold: version M, in full, for some M no older than what it saw last.
"""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path

from k8sread.core.atomic import atomic_write_text
from k8sread.core.drafts import Draft, DraftStore
from k8sread.core.note import Note
from k8sread.core.pack import Pack

SOURCE = "pkg/kubelet/kubelet.go"
SLOTS = 12  # notes the upsert scenario keeps in one file, each rewritten in turn
TREE_ROOT = "/src/kubernetes"
# Text that has broken TOML writers before: quotes of every kind, escapes, CJK, controls.
AWKWARD = "kubelet 同步循环 \"\"\" ''' \\ \\n \x1b[2J \x1b]52;c;ZXZpbA==\x07 [link=https://evil]x[/link] \t"


def _body(version: int, index: int) -> str:
    # From a few bytes to ~20 KiB per note, so whole files range from a few bytes to ~400 KiB.
    repeats = (version * 37 + index * 11) % 150
    return "".join(f"line {k} of v{version}: {AWKWARD}\n" for k in range(repeats))


def note(version: int, index: int, slot_id: str) -> Note:
    start = index * 20 + 1
    return Note(
        id=slot_id,
        start=start,
        end=start + version % 7,
        title=f"v{version} {slot_id} {AWKWARD}",
        body=_body(version, index),
        tags=(f"v{version}", "crash"),
        author="writer",
    )


def whole_file_version(version: int) -> list[Note]:
    """save_notes scenario: the file is replaced whole; 1 to 25 notes."""
    count = 1 + (version * 7) % 25
    return [note(version, index, f"n{index:02d}") for index in range(count)]


def upsert_state(version: int) -> list[Note]:
    """upsert scenario: after version v, slot s holds the last version k <= v with k % SLOTS == s
    (version 0, the seed, for slots not written yet)."""
    notes = []
    for slot in range(SLOTS):
        last = version - ((version - slot) % SLOTS) if version >= slot else 0
        if last < 1:
            last = 0
        notes.append(note(last, slot, f"u{slot:02d}"))
    return notes


def upsert_note(version: int) -> Note:
    slot = version % SLOTS
    return note(version, slot, f"u{slot:02d}")


def atomic_text(version: int) -> str:
    """atomic scenario: a notes file of 0.1 to 0.9 MB made without the TOML writer, so nearly
    all of the writer's time is spent writing and syncing, where a kill does the most harm
    (under the reader's limits of 2 MiB and 100,000 TOML tokens, so it is read back)."""
    body = f'v{version} 同步循环 \\ " quoted\n' * (((version * 7) % 8 + 1) * 3500)
    return f"format = 1\nfile = \"{SOURCE}\"\n\n[[notes]]\nid = \"a\"\nlines = [1, 2]\ntitle = \"v{version}\"\nbody = '''\n{body}'''\n"


def draft_of(version: int) -> Draft:
    return Draft(
        tree_root=TREE_ROOT,
        path=SOURCE,
        start=5,
        end=9,
        note_id="d-note",
        pack="p",
        is_new=True,
        editor="crash",
        title=f"v{version} {AWKWARD}",
        body=_body(version, 3) or "short",
        tags="a b",
    )


def draft_note(version: int) -> Note:
    draft = draft_of(version)
    return Note(id=draft.note_id, start=draft.start, end=draft.end, title=draft.title, body=draft.body, tags=draft.tag_list, author="writer")


def version_of_title(title: str) -> int:
    return int(title.split(" ", 1)[0][1:])


def write_forever(scenario: str, folder: Path, start: int) -> None:
    pack = Pack.open(folder / "pack")
    store = DraftStore(folder / "drafts")
    version = start
    while True:
        if scenario == "save_notes":
            pack.save_notes(SOURCE, whole_file_version(version))
        elif scenario == "atomic":
            atomic_write_text(pack.notes_path(SOURCE), atomic_text(version))
        elif scenario == "upsert":
            # An edit of what the previous version left in that slot, as a reader's edit is.
            pack.upsert(SOURCE, upsert_note(version), base=upsert_state(version - 1)[version % SLOTS])
        elif scenario == "draft":
            # The reader's save path: the draft is on disk first, then the note goes to the
            # pack under its lock, then the draft is discarded.
            draft = store.save(draft_of(version))
            # Edited from the note as the pack holds it (a killed round may have left the
            # pack one version behind the draft).
            base = next((n for n in pack.notes_for(SOURCE) if n.id == "d-note"), None)
            pack.upsert(SOURCE, draft_note(version), base=base)
            store.discard(draft.key)
        else:
            raise ValueError(scenario)
        version += 1


def main() -> None:
    for line in sys.stdin:
        command = line.split()
        if not command or command[0] == "quit":
            return
        _, scenario, folder, start = command
        pid = os.fork()
        if pid == 0:
            try:
                write_forever(scenario, Path(folder), int(start))
            except BaseException:
                traceback.print_exc()
                sys.stderr.flush()
            os._exit(3)
        print(f"pid {pid}", flush=True)
        _, status = os.waitpid(pid, 0)
        print(f"dead {os.waitstatus_to_exitcode(status)}", flush=True)


if __name__ == "__main__":
    main()

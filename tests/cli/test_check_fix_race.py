"""`check --fix` while another reader writes the same pack (issue 10, reproduction 5)."""

from __future__ import annotations

import shutil
from pathlib import Path

import k8sread.commands.check as check_module
from k8sread.cli import main
from k8sread.core.note import Note
from k8sread.core.pack import Pack

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "drift"


def test_fix_keeps_a_note_added_to_another_file_meanwhile(tmp_path, monkeypatch, capsys):
    pack_dir = tmp_path / "pack"
    shutil.copytree(FIXTURES / "pack", pack_dir)
    files = Pack.open(pack_dir).files()
    # The second file check visits, one that --fix rewrites (its notes have no anchors yet).
    last = "pkg/shop/cart.go"
    assert files.index(last) == 1
    real_check_file = check_module.check_file
    added: list[str] = []

    def check_file_while_someone_adds(pack, tree, path, notes, fix, **options):
        # check read every file's notes up front; now, before it reaches the last file,
        # another reader adds a note there.
        if not added:
            other = Pack.open(pack_dir)
            other.upsert(last, Note(id="added-meanwhile", start=1, end=1, title="added while check ran"))
            added.append(last)
        return real_check_file(pack, tree, path, notes, fix, **options)

    monkeypatch.setattr(check_module, "check_file", check_file_while_someone_adds)
    main(["check", "--repo", str(FIXTURES / "v2"), "--fix", str(pack_dir)])
    capsys.readouterr()
    ids = {note.id for note in Pack.open(pack_dir).notes_for(last)}
    assert "added-meanwhile" in ids
    # and --fix did its work on that file too
    assert all(note.anchor for note in Pack.open(pack_dir).notes_for(last) if note.id != "added-meanwhile")

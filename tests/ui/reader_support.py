"""Helpers for the reader tests: the Go sources of a small tree, its guide pack, app factory."""

from __future__ import annotations

import asyncio
import functools
import textwrap
from pathlib import Path

from k8sread.core.pack import Pack
from k8sread.core.packset import PackSet, writable_pack
from k8sread.core.source_tree import SourceTree

KUBECTL = textwrap.dedent(
    """\
    package main

    import (
    	"os"

    	"k8s.io/kubernetes/pkg/apply"
    )

    // main 是 kubectl 的入口。
    func main() {
    	cmd := apply.NewCmdApply()
    	if err := cmd.Execute(); err != nil {
    		os.Exit(1)
    	}
    }
    """
)

APPLY = textwrap.dedent(
    """\
    package apply

    import (
    	"fmt"

    	"k8s.io/kubernetes/pkg/store"
    )

    // Command runs one apply.
    type Command struct {
    	opts *ApplyOptions
    }

    // ApplyOptions 保存 apply 的参数。
    type ApplyOptions struct {
    	Store *store.Store
    }

    func NewCmdApply() *Command {
    	return &Command{opts: &ApplyOptions{Store: store.New()}}
    }

    func (c *Command) Execute() error {
    	return c.opts.Run()
    }

    // Run 把对象发给存储。
    func (o *ApplyOptions) Run() error {
    	obj := "nginx"
    	if err := o.Store.Create(obj); err != nil {
    		return fmt.Errorf("create %s: %w", obj, err)
    	}
    	return nil
    }
    """
)

STORE = textwrap.dedent(
    """\
    package store

    // Store keeps objects.
    type Store struct {
    	items map[string]bool
    }

    func New() *Store {
    	return &Store{items: map[string]bool{}}
    }

    // Create 写入一个对象；已存在则报错。
    func (s *Store) Create(name string) error {
    	if s.items[name] {
    		return errExists
    	}
    	s.items[name] = true
    	return nil
    }

    var errExists = fmtError("exists")

    type fmtError string

    func (e fmtError) Error() string { return string(e) }
    """
)

GUIDE_META = textwrap.dedent(
    """\
    format = 1
    name = "guide"
    title = "Guide"
    languages = ["zh", "en"]
    map = ["cli", "store-db", "store"]

    [[components]]
    id = "cli"
    key = "1"
    title.en = "kubectl"
    title.zh = "kubectl"
    entry = "cmd/kubectl/kubectl.go"
    entry_symbol = "main"
    folders = ["cmd/kubectl", "pkg/apply"]

    [[components]]
    id = "store"
    key = "2"
    title = "store"
    entry = "pkg/store/store.go"
    entry_symbol = "New"
    folders = ["pkg/store"]

    [[chapters]]
    component = "cli"
    title.en = "The command"
    title.zh = "命令"
    steps = ["g-main", "g-run"]

    [[chapters]]
    component = "store"
    title = "Storage"
    steps = ["g-create"]
    """
)


async def settle(pilot) -> None:
    """Let the app catch up: pending messages, then its workers (the symbol index, a parse),
    then what they posted. The one helper every Pilot test waits with."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def sync(test):
    """Run an async test body on its own event loop (no asyncio pytest plugin is needed)."""

    @functools.wraps(test)
    def run(*args, **kwargs):
        asyncio.run(test(*args, **kwargs))

    return run


def _line(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.split("\n"), 1) if needle in line)


def make_packs(root: Path, pack_dir: Path | None = None) -> PackSet:
    guide = Pack.open(root.parent / "guide", writable=False)
    mine = writable_pack(pack_dir)
    return PackSet(packs=[guide, mine], writable=mine)


def make_app(root: Path, **kwargs):
    from k8sread.ui.app import ReaderApp

    kwargs.setdefault("lang", "en")
    return ReaderApp(SourceTree.open(root), packs=make_packs(root, kwargs.pop("pack_dir", None)), **kwargs)


def line_of(root: Path, path: str, needle: str) -> int:
    return _line((root / path).read_text(), needle)

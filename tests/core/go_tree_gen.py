"""A generated Go tree for the article importer's tests: packages of made-up but Go-shaped
functions (gofmt layout, doc comments, `if err != nil` blocks, loops), with some helpers
copied verbatim into several packages, as real trees have."""

from __future__ import annotations

import random
from pathlib import Path

NOUNS = ["pod", "node", "service", "endpoint", "volume", "lease", "secret", "config", "job", "claim", "rule", "chain", "event", "queue", "cache"]
VERBS = ["sync", "update", "list", "watch", "delete", "create", "resolve", "apply", "enqueue", "reconcile", "build", "write", "check", "record"]


def _name(rng: random.Random, exported: bool) -> str:
    verb, noun = rng.choice(VERBS), rng.choice(NOUNS)
    name = verb + noun.capitalize() + rng.choice(["", "s", "Once", "Locked", "ForKey", str(rng.randrange(2, 99))])
    return name[0].upper() + name[1:] if exported else name


def _statement(rng: random.Random, depth: int, names: list[str]) -> list[str]:
    tab = "\t" * depth
    a, b = rng.choice(NOUNS), rng.choice(NOUNS)
    field = f"{a}{b.capitalize()}{rng.randrange(100)}"
    kind = rng.randrange(7)
    if kind == 0:
        return [
            f"{tab}if err := c.{rng.choice(names)}(ctx, {a}Name); err != nil {{",
            f'{tab}\treturn fmt.Errorf("{rng.choice(VERBS)} {a} %q: %w", {a}Name, err)',
            f"{tab}}}",
        ]
    if kind == 1 and depth < 3:
        inner = [line for _ in range(rng.randrange(1, 3)) for line in _statement(rng, depth + 1, names)]
        return [f"{tab}for _, {a} := range c.{field} {{", *inner, f"{tab}}}"]
    if kind == 2:
        return [f"{tab}{field} := c.{a}Lister.{rng.choice(VERBS).capitalize()}({b}Key, {rng.randrange(1000)})"]
    if kind == 3:
        return [f'{tab}klog.V({rng.randrange(1, 6)}).InfoS("{rng.choice(VERBS)} {a} for {b}", "{a}", {a}Name, "count", len(c.{field}))']
    if kind == 4 and depth < 3:
        inner = [line for line in _statement(rng, depth + 1, names)]
        return [f"{tab}if c.{field} == nil {{", *inner, f"{tab}}}"]
    if kind == 5:
        return [f"{tab}c.{field}[{a}Name] = {b}{rng.choice(['Count', 'Spec', 'Status'])}{rng.randrange(50)}"]
    return [f"{tab}defer c.{a}Lock.Unlock()", "", f"{tab}// {rng.choice(VERBS)} the {a} before the {b}: order matters here"]


def function(rng: random.Random, receiver: str, names: list[str]) -> list[str]:
    name = _name(rng, rng.random() < 0.5)
    body = [line for _ in range(rng.randrange(3, 9)) for line in _statement(rng, 1, names)]
    return [
        f"// {name} {rng.choice(VERBS)}s the {rng.choice(NOUNS)}s of the controller.",
        f"func (c *{receiver}) {name}(ctx context.Context, key string) error {{",
        *body,
        "\treturn nil",
        "}",
    ]


def build(root: Path, seed: int = 1, packages: int = 12, files_per_package: int = 3, functions_per_file: int = 8) -> list[str]:
    """Write the tree under root; returns the .go paths written."""
    rng = random.Random(seed)
    written: list[str] = []
    shared = [function(rng, "Controller", ["syncPod", "updateNode"]) for _ in range(3)]
    for p in range(packages):
        package = f"{rng.choice(NOUNS)}{p}"
        folder = f"pkg/{rng.choice(['controller', 'kubelet', 'proxy', 'scheduler'])}/{package}"
        for f in range(files_per_package):
            lines = [
                f"// Package {package} is generated for k8sread's article import tests.",
                f"package {package}",
                "",
                "import (",
                '\t"context"',
                '\t"fmt"',
                ")",
                "",
            ]
            lines += ["// Controller holds the state.", "type Controller struct {", "\tpodLister Lister", "}", ""]
            for _ in range(functions_per_file):
                lines += function(rng, "Controller", ["syncPod", "updateNode", "listService"]) + [""]
            if f == 0 and p % 3 == 0:
                lines += shared[p % len(shared)] + [""]  # the same helper in several packages
            path = f"{folder}/{package}_{f}.go"
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_text("\n".join(lines))
            written.append(path)
    return written

"""Rebuild the README's screenshots of the demo tree (all but the changed-note pair, which
make_changed_note.py builds from a git history).

Each picture is `k8sread screenshot` on the demo tree at 120x40, with a fresh state folder so no
earlier session shows through:

    python screenshots/make_screenshots.py            # all of them
    python screenshots/make_screenshots.py finder     # one
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

# name -> the screenshot's options (after the demo tree)
SHOTS: dict[str, list[str]] = {
    "demo-trail-step": ["--keys", "] ] ]"],
    "demo-kubelet-zh": ["--lang", "zh", "--keys", "5 ] ]"],
    "line-comments-zh": ["--lang", "zh", "--keys", "] ] ]"],
    "finder": ["--open", "pkg/kubelet/kubelet.go", "--keys", "ctrl+p k u b e l e t"],
    "trail-view": ["--keys", "t"],
    "note-editor": [
        "--open",
        "staging/src/k8s.io/kubectl/pkg/cmd/apply/apply.go:148",
        "--keys",
        "shift+down shift+down a W h y space a p p l y space p a t c h e s",
    ],
}


def main(names: list[str]) -> int:
    from k8sread.core.paths import demo_tree_dir

    unknown = [name for name in names if name not in SHOTS]
    if unknown:
        print(f"unknown screenshot(s): {', '.join(unknown)}; known: {', '.join(SHOTS)}", file=sys.stderr)
        return 2
    for name in names or list(SHOTS):
        with tempfile.TemporaryDirectory(prefix="k8sread-shot-") as home:
            env = {**os.environ, "K8SREAD_HOME": home}
            argv = [sys.executable, "-m", "k8sread.cli", "screenshot", str(demo_tree_dir()), *SHOTS[name], "--out", str(HERE / f"{name}.svg")]
            done = subprocess.run(argv, env=env, cwd=home, capture_output=True, text=True)
            if done.returncode != 0:
                print(f"{name}: {done.stderr.strip()}", file=sys.stderr)
                return done.returncode
            print(f"wrote screenshots/{name}.svg")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

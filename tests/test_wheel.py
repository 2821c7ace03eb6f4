"""The wheel carries the bundled packs and the demo tree: build it, install it into a fresh
venv, and load a bundled pack from the installed copy."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    dist = work / "dist"
    # No build isolation: hatchling comes with the test extra, so this needs no network.
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet", "-w", str(dist), str(ROOT)],
        check=True,
    )
    wheels = list(dist.glob("k8sread-*.whl"))
    assert len(wheels) == 1
    env_dir = work / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], capture_output=True, text=True, check=True
        ).stdout.strip()
    )
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site), str(wheels[0])], check=True)
    # Dependencies (textual, tree-sitter, ...) come from this interpreter's site-packages,
    # added as a plain path: .pth files in it are not run, so the editable k8sread is not seen.
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python


def run_in(python: Path, code: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run([str(python), "-c", code], capture_output=True, text=True, env=env, cwd="/", check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_installed_copy_loads_bundled_packs(installed):
    out = run_in(
        installed,
        "import k8sread, k8sread.core.paths as p\n"
        "from k8sread.core.pack import Pack\n"
        "print(k8sread.__file__)\n"
        "print(p.bundled_annotations_dir())\n"
        "names = sorted(d.name for d in p.bundled_annotations_dir().iterdir() if (d / 'pack.toml').exists())\n"
        "print(names)\n"
        "for name in names:\n"
        "    pack = Pack.open(p.bundled_pack_dir(name), writable=False)\n"
        "    total = sum(len(pack.notes_for(f)) for f in pack.files())\n"
        "    print(name, len(pack.files()), total, sorted(pack.errors))\n"
        "print(p.demo_tree_dir().is_dir(), (p.demo_tree_dir() / 'cmd/kubectl/kubectl.go').is_file())\n",
    )
    lines = out.splitlines()
    module_file, annotations_dir = lines[0], lines[1]
    assert str(ROOT) not in module_file, "imported the checkout, not the installed wheel"
    assert annotations_dir.startswith(str(installed.parent.parent)) and annotations_dir.endswith("k8sread/annotations")
    assert "'demo'" in lines[2]
    pack_lines = [line.split() for line in lines[3:-1]]
    for name, files, notes, *errors in pack_lines:
        assert int(files) > 0 and int(notes) > 0, f"bundled pack {name} is empty in the wheel"
        assert errors == ["[]"], f"bundled pack {name} has errors: {errors}"
    assert lines[-1] == "True True"


def test_installed_console_script_version(installed):
    out = run_in(installed, "from k8sread.cli import main; raise SystemExit(main(['--version']))")
    assert out.startswith("k8sread ")

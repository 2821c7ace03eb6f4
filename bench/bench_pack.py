"""Opening a big pack: 10,000 notes over 2,000 files, ready to show one file's notes.

Target (issue 2): Pack.open(dir) + pack.notes_for(path) < 150 ms in a fresh process; only
possible if the pack loads lazily. The other rows put that in context: listing which files
have notes, the import, and parsing every note eagerly (what lazy loading avoids).

The pack is generated once (deterministic, written with tomli_w) under bench/.cache/.
"""

from __future__ import annotations

import os
import random
import shutil
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import tomli_w
from gen_tree import CACHE, WORDS, _apportion, layout
from harness import Benchmark, elapsed_ms

VERSION = 1
NOTES = 10_000
FILES = 2_000
SHOWN_FILE = "pkg/kubelet/kubelet.go"  # the file whose notes are shown: the most annotated one


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def _note(rng: random.Random, path: str, n: int, start: int, when: datetime) -> dict:
    end = start + rng.randrange(0, 40)
    symbol = f"(*{rng.choice(WORDS).capitalize()}{rng.choice(WORDS).capitalize()}).{rng.choice(WORDS).capitalize()}"
    body_en = "\n\n".join(_sentence(rng, rng.randrange(8, 30)) for _ in range(rng.randrange(1, 4)))
    body_zh = "\n\n".join(
        "这里" + "，".join(rng.choice(["调用", "返回", "检查", "同步", "缓存", "对象", "状态", "错误"]) for _ in range(rng.randrange(6, 20))) + "。"
        for _ in range(rng.randrange(1, 4))
    )
    note = {
        "id": f"{path.rsplit('/', 1)[-1].split('.')[0]}-{n}",
        "lines": [start, end],
        "title": {"zh": "关于" + rng.choice(WORDS), "en": _sentence(rng, rng.randrange(3, 8))[:-1]},
        "body": {"zh": body_zh, "en": body_en},
        "tags": sorted({rng.choice(WORDS) for _ in range(rng.randrange(0, 4))}),
        "author": rng.choice(["k8sread", "alice", "bob"]),
        "created": when,
        "updated": when + timedelta(days=rng.randrange(0, 30)),
        "symbol": symbol,
    }
    if rng.random() < 0.7:
        note["anchor"] = {
            "symbol": symbol,
            "offset": rng.randrange(0, 20),
            "fingerprint": f"{rng.getrandbits(64):016x}",
            "before": [f"\t{rng.choice(WORDS)} := {rng.choice(WORDS)}()"],
            "after": ["\t}"],
        }
    return note


def write_pack(dest: Path, *, notes: int = NOTES, files: int = FILES, seed: int = 1) -> Path:
    rng = random.Random(f"k8sread-bench-pack:{seed}")
    go = [s.path for s in layout(seed=seed) if s.kind in ("go", "test", "big") and s.path != SHOWN_FILE]
    chosen = sorted(rng.sample(go, files - 1) + [SHOWN_FILE])
    # Some files are annotated much more than others: Pareto weights, at least one note each.
    weights = {path: rng.paretovariate(1.5) for path in chosen}
    counts = {path: n + 1 for path, n in _apportion(notes - files, weights).items()}
    heaviest = max(counts, key=lambda p: (counts[p], p))
    counts[SHOWN_FILE], counts[heaviest] = counts[heaviest], counts[SHOWN_FILE]
    when = datetime(2026, 11, 1, tzinfo=UTC)
    dest.mkdir(parents=True)
    (dest / "pack.toml").write_text(
        tomli_w.dumps(
            {
                "format": 1,
                "name": "bench",
                "title": {"zh": "基准", "en": "Benchmark pack"},
                "languages": ["zh", "en"],
                "authors": ["k8sread bench"],
                "license": "CC-BY-4.0",
                "source": {"repository": "https://github.com/kubernetes/kubernetes", "commit": "0" * 40},
            }
        ),
        encoding="utf-8",
    )
    for path in chosen:
        starts = sorted(rng.sample(range(1, 4000), counts[path]))
        table = {"format": 1, "file": path, "notes": [_note(rng, path, n, start, when) for n, start in enumerate(starts)]}
        target = dest / (path + ".toml")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(tomli_w.dumps(table), encoding="utf-8")
    return dest


def cached_pack(*, notes: int = NOTES, files: int = FILES, seed: int = 1) -> Path:
    final = CACHE / f"pack-v{VERSION}-n{notes}-f{files}-s{seed}"
    if final.is_dir():
        return final
    CACHE.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=final.name + ".", dir=CACHE))
    try:
        write_pack(work / "pack", notes=notes, files=files, seed=seed)
        os.rename(work / "pack", final)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return final


def _setup() -> dict:
    return {"pack": str(cached_pack()), "path": SHOWN_FILE}


def open_pack(context: dict) -> dict[str, float]:
    start = time.perf_counter()
    from k8sread.core.pack import Pack

    imported = elapsed_ms(start)

    start = time.perf_counter()
    pack = Pack.open(context["pack"])
    shown = pack.notes_for(context["path"])
    ready = elapsed_ms(start)

    start = time.perf_counter()
    listed = Pack.open(context["pack"]).files()
    with_files = elapsed_ms(start)

    start = time.perf_counter()
    everything = Pack.open(context["pack"]).load_all()
    eager = elapsed_ms(start)

    total = sum(len(v) for v in everything.values())
    if not shown or len(listed) != FILES or total != NOTES:
        raise AssertionError(f"pack has {len(listed)} files, {total} notes; {len(shown)} shown")
    return {"open + notes_for": ready, "open + files()": with_files, "import k8sread.core.pack": imported, "eager load_all()": eager}


BENCHMARKS = [
    Benchmark(
        name="pack 10k notes/2k files",
        setup=_setup,
        run=open_pack,
        target_ms={"open + notes_for": 150},
        fresh_process=True,
        notes={
            "open + notes_for": f"Pack.open + notes_for('{SHOWN_FILE}'), the most annotated file of 2,000 (fresh process, import excluded)",
            "open + files()": "a second Pack.open + files(): the 2,000 annotated paths, nothing parsed",
            "eager load_all()": "every note parsed: the cost lazy loading avoids",
        },
    ),
]

if __name__ == "__main__":
    import sys

    sys.exit(__import__("run").main(["--only", "pack", *sys.argv[1:]]))

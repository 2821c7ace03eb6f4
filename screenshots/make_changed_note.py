"""Rebuild screenshots/changed-note.svg and screenshots/changed-note-diff.svg.

The demo tree (k8sread's own code, not Kubernetes) goes into a temporary git repository as
"release one"; a copy of the demo pack says it was written there. Release two rewrites how
`scheduleOne` pops a pod and retries one, so the demo pack's note on it is `changed`; the first picture is the
reader on it, the second the same after `D` (what changed, from the repository's history).

    python screenshots/make_changed_note.py
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FILE = "pkg/scheduler/scheduler.go"

POP = """	key, quit := sched.queue.Get()
	if quit {
		return
	}
	defer sched.queue.Done(key)
	item, exists, _ := sched.podLister.GetByKey(key.(string))
	if !exists {
		return
	}
	pod := item.(*corev1.Pod)
"""
NEXT_POD = """	// Release two: nextPod waits on the queue and skips pods deleted meanwhile.
	pod, key, ok := sched.nextPod(ctx)
	if !ok {
		return
	}
	defer sched.queue.Done(key)
"""
RETRY = """	if err != nil {
		log.Printf("Unable to schedule pod %s/%s: %v; retrying", pod.Namespace, pod.Name, err)
		go func() {
			time.Sleep(time.Second)
			sched.queue.Add(key)
		}()
		return
	}
"""
BACKOFF = """	if err != nil {
		// Release two: a failed pod waits in a backoff queue, doubling up to ten seconds.
		delay := sched.backoff.Next(key.(string))
		log.Printf("Unable to schedule pod %s/%s: %v; retrying in %s", pod.Namespace, pod.Name, err, delay)
		sched.queue.AddAfter(key, delay)
		metrics.SchedulingFailures.Inc()
		return
	}
	sched.backoff.Reset(key.(string))
"""


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "k8sread", "GIT_AUTHOR_EMAIL": "k8sread@example.invalid", "GIT_COMMITTER_NAME": "k8sread", "GIT_COMMITTER_EMAIL": "k8sread@example.invalid"}
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True, env=env).stdout.strip()


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="k8sread-changed-"))
    repo, pack = work / "demo", work / "pack"
    shutil.copytree(ROOT / "k8sread" / "demo", repo)
    # Its own module name: a copy of the demo is not taken for a Kubernetes checkout (whose
    # bundled packs would then be shown on it too).
    go_mod = repo / "go.mod"
    go_mod.write_text(go_mod.read_text(encoding="utf-8").replace("module k8s.io/kubernetes", "module example.invalid/demo"), encoding="utf-8")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "release one")
    one = git(repo, "rev-parse", "HEAD")
    shutil.copytree(ROOT / "annotations" / "demo", pack)
    meta = pack / "pack.toml"
    meta.write_text(re.sub(r'commit = "[0-9a-f]+"', f'commit = "{one}"', meta.read_text(encoding="utf-8")), encoding="utf-8")
    source = repo / FILE
    text = source.read_text(encoding="utf-8")
    assert RETRY in text and POP in text, "the demo's scheduleOne changed: update POP and RETRY"
    source.write_text(text.replace(POP, NEXT_POD).replace(RETRY, BACKOFF), encoding="utf-8")
    git(repo, "commit", "-q", "-am", "release two: nextPod and a backoff queue")
    env = {**os.environ, "K8SREAD_HOME": str(work / "home")}
    base = [sys.executable, "-c", "import sys; from k8sread.cli import main; sys.exit(main())", "screenshot", str(repo), "--pack", str(pack), "--open", f"{FILE}:90", "--lang", "en"]
    subprocess.run([*base, "--out", str(HERE / "changed-note.svg")], check=True, env=env)
    subprocess.run([*base, "--keys", "D", "--out", str(HERE / "changed-note-diff.svg")], check=True, env=env)
    shutil.rmtree(work)
    print("wrote screenshots/changed-note.svg and screenshots/changed-note-diff.svg")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A synthetic source tree the size and shape of Kubernetes, for benchmarks.

The shape comes from numbers measured once on a release-1.22 checkout (23,181 tracked paths,
14,971 of them .go): files, Go files, Go test files and folders per top-level area, how deep
files sit, how many files a folder holds, the extension mix of the other files, and the size
quantiles of .go and other files. Only those numbers are recorded here; every name and every
line of content is made up, deterministically from the seed.

    python bench/gen_tree.py DEST [--files 23000] [--go-files 15000] [--seed 1] [--no-git]

Benchmarks call `cached_tree(...)`: the tree is built once under bench/.cache/ (gitignored),
keyed by its parameters, and reused.
"""

from __future__ import annotations

import argparse
import bisect
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

VERSION = 1  # bump when the output changes: it is part of the cache key
CACHE = Path(__file__).resolve().parent / ".cache"
BIG_FILE = "staging/src/k8s.io/api/core/v1/generated.pb.go"
BIG_FILE_LINES = 67_239  # the real generated.pb.go of core/v1 in 1.22

# ---- measured on release-1.22 -----------------------------------------------------------------

# area: (files, go files, go test files, folders, quantiles (10%, 50%, 90%, max) of a file's
# depth below the area's root (1 = directly in it), extension mix of the non-Go files)
AREAS: dict[str, tuple[int, int, int, int, tuple[int, int, int, int], dict[str, int]]] = {
    "staging": (
        10318,
        5204,
        877,
        1497,
        (3, 4, 6, 11),
        {".yaml": 3109, ".pb": 660, ".json": 485, ".md": 188, "OWNERS": 147, ".proto": 77, ".txt": 122, ".sh": 40},
    ),
    "vendor": (6707, 5446, 0, 1159, (1, 2, 4, 8), {".md": 258, "LICENSE": 209, ".s": 108, ".yml": 100, ".mod": 89, ".gitignore": 82, ".sum": 69, ".proto": 35}),
    "pkg": (3072, 2834, 785, 801, (3, 4, 5, 9), {"OWNERS": 184, ".yaml": 9, ".md": 8, ".json": 7, ".key": 5, ".pem": 4}),
    "test": (1468, 854, 237, 348, (2, 3, 5, 8), {".yaml": 202, ".sh": 79, "OWNERS": 68, ".md": 47, "Dockerfile": 38, "VERSION": 37, ".json": 21}),
    "cmd": (507, 441, 122, 111, (3, 5, 6, 7), {".key": 24, ".yaml": 20, "OWNERS": 16, ".md": 3}),
    "cluster": (322, 31, 12, 81, (2, 3, 4, 6), {".yaml": 130, ".sh": 44, "OWNERS": 30, ".md": 28, "Makefile": 11, "Dockerfile": 8}),
    "hack": (281, 9, 1, 43, (1, 2, 4, 8), {".sh": 131, ".yaml": 81, "README": 11, ".json": 10, ".txt": 7, ".py": 6, "OWNERS": 5}),
    "LICENSES": (228, 0, 0, 226, (4, 5, 6, 11), {"LICENSE": 226, "OWNERS": 1}),
    "plugin": (152, 130, 45, 52, (4, 5, 7, 7), {"OWNERS": 15, ".yaml": 6, ".sh": 1}),
    "build": (37, 2, 0, 11, (1, 2, 3, 4), {".sh": 13, "Dockerfile": 4, "OWNERS": 3, ".md": 2, "Makefile": 2}),
    "third_party": (35, 20, 6, 15, (3, 4, 5, 6), {"LICENSE": 4, ".sh": 3, "OWNERS": 2, ".proto": 2}),
    "": (16, 0, 0, 1, (1, 1, 1, 1), {".md": 5, "OWNERS": 2, "LICENSE": 1, "Makefile": 1, ".gitignore": 1}),
    "logo": (16, 0, 0, 1, (1, 1, 1, 1), {".png": 4, ".svg": 4, ".pdf": 4, ".md": 2, "OWNERS": 1}),
    "api": (9, 0, 0, 3, (1, 2, 2, 2), {".list": 5, ".md": 2, "OWNERS": 1, ".json": 1}),
    ".github": (8, 0, 0, 2, (1, 2, 2, 2), {".md": 6, ".yml": 1, "OWNERS": 1}),
    "docs": (5, 0, 0, 1, (1, 1, 1, 1), {".md": 3, "OWNERS": 1, ".gitignore": 1}),
}
# staging/src/k8s.io/<module>: files per module
STAGING_MODULES = {
    "pod-security-admission": 2661,
    "api": 1938,
    "client-go": 1741,
    "apiserver": 898,
    "kubectl": 737,
    "apimachinery": 371,
    "code-generator": 342,
    "legacy-cloud-providers": 314,
    "apiextensions-apiserver": 267,
    "kube-aggregator": 152,
    "component-base": 135,
    "metrics": 130,
    "sample-apiserver": 101,
    "cli-runtime": 87,
    "cloud-provider": 83,
    "kubelet": 53,
    "sample-controller": 52,
    "controller-manager": 49,
    "component-helpers": 38,
    "kube-scheduler": 29,
    "mount-utils": 27,
    "csi-translation-lib": 26,
    "cri-api": 23,
    "cluster-bootstrap": 19,
    "kube-proxy": 15,
    "kube-controller-manager": 14,
    "sample-cli-plugin": 11,
}
# vendor/<host>/...: files per host; 191 vendored projects, sizes roughly Zipf(0.9)
VENDOR_HOSTS = {
    "github.com": 3704,
    "golang.org/x": 790,
    "go.etcd.io": 432,
    "google.golang.org": 363,
    "gonum.org/v1": 349,
    "sigs.k8s.io": 333,
    "k8s.io": 220,
    "go.opentelemetry.io": 193,
    "gopkg.in": 106,
    "go.uber.org": 103,
    "go.opencensus.io": 76,
    "go.starlark.net": 24,
    "bitbucket.org": 10,
}
VENDOR_PROJECTS = 191
# (quantile, bytes); sizes in between are interpolated on a log scale
GO_SIZES = [
    (0, 13),
    (0.05, 661),
    (0.1, 742),
    (0.2, 1204),
    (0.3, 1752),
    (0.4, 2414),
    (0.5, 3385),
    (0.6, 4669),
    (0.7, 6652),
    (0.8, 10032),
    (0.9, 17658),
    (0.95, 29277),
    (0.98, 55625),
    (0.99, 87960),
    (0.995, 159402),
    (0.999, 637063),
    (1, 1678460),
]
OTHER_SIZES = [
    (0, 1),
    (0.05, 74),
    (0.1, 148),
    (0.2, 259),
    (0.3, 315),
    (0.4, 375),
    (0.5, 451),
    (0.6, 651),
    (0.7, 1090),
    (0.8, 1681),
    (0.9, 7209),
    (0.95, 11496),
    (0.98, 35356),
    (0.99, 48029),
    (0.995, 78838),
    (0.999, 286328),
    (1, 3000898),
]
# files per folder (4,353 folders)
FILES_PER_DIR = [
    (0, 1),
    (0.3, 1),
    (0.3, 2),
    (0.6, 2),
    (0.6, 3),
    (0.7, 4),
    (0.8, 6),
    (0.9, 10),
    (0.95, 16),
    (0.98, 29),
    (0.99, 45),
    (0.995, 57),
    (0.999, 174),
    (1, 568),
]
# Of the Go files outside tests: zz_generated.* 486, *.pb.go 159 of 12,886.
GENERATED_SHARE = 0.038
PB_SHARE = 0.012

# A few files every Kubernetes reader looks for, so finder and listing queries have their
# real targets. Only the paths: their content is generated like the rest.
LANDMARKS = [
    "go.mod",
    "Makefile",
    "README.md",
    "cmd/kube-apiserver/apiserver.go",
    "cmd/kubelet/kubelet.go",
    "cmd/kube-scheduler/scheduler.go",
    "pkg/kubelet/kubelet.go",
    "pkg/kubelet/kubelet_test.go",
    "pkg/kubelet/kubelet_pods.go",
    "pkg/scheduler/core/generic_scheduler.go",
    "pkg/scheduler/core/generic_scheduler_test.go",
    "pkg/scheduler/framework/interface.go",
    "pkg/controller/deployment/deployment_controller.go",
    "staging/src/k8s.io/apiserver/pkg/storage/etcd3/store.go",
    "staging/src/k8s.io/apiserver/pkg/storage/etcd3/store_test.go",
    "staging/src/k8s.io/kubectl/pkg/cmd/apply/apply.go",
    "staging/src/k8s.io/client-go/tools/cache/reflector.go",
    "staging/src/k8s.io/api/core/v1/types.go",
    BIG_FILE,
]

WORDS = [
    "access",
    "admission",
    "affinity",
    "agent",
    "aggregator",
    "alloc",
    "annotations",
    "api",
    "apis",
    "apply",
    "apps",
    "attach",
    "audit",
    "auth",
    "authn",
    "authz",
    "autoscaling",
    "backoff",
    "batch",
    "binding",
    "bootstrap",
    "bucket",
    "builder",
    "cache",
    "cacher",
    "capacity",
    "cert",
    "certificates",
    "checkpoint",
    "chunk",
    "cidr",
    "claim",
    "cleanup",
    "client",
    "clientset",
    "cloud",
    "cluster",
    "cm",
    "codec",
    "compat",
    "component",
    "condition",
    "config",
    "configmap",
    "conformance",
    "conntrack",
    "container",
    "controller",
    "conversion",
    "coordination",
    "core",
    "cpu",
    "cpumanager",
    "crd",
    "cri",
    "cron",
    "cronjob",
    "csi",
    "daemon",
    "daemonset",
    "debug",
    "decoder",
    "default",
    "defaults",
    "delete",
    "deployment",
    "describe",
    "desired",
    "device",
    "devicemanager",
    "diff",
    "discovery",
    "disk",
    "dispatcher",
    "dns",
    "doc",
    "dockershim",
    "drain",
    "driver",
    "dryrun",
    "dynamic",
    "e2e",
    "editor",
    "election",
    "encoder",
    "endpoint",
    "endpoints",
    "endpointslice",
    "ephemeral",
    "errors",
    "etcd",
    "etcd3",
    "event",
    "events",
    "eviction",
    "exec",
    "expand",
    "extender",
    "fake",
    "features",
    "feature",
    "fields",
    "filter",
    "filters",
    "finalizer",
    "flag",
    "flags",
    "flexvolume",
    "framework",
    "gc",
    "generic",
    "get",
    "getter",
    "handler",
    "handlers",
    "health",
    "helper",
    "helpers",
    "hook",
    "hostport",
    "http",
    "image",
    "images",
    "import",
    "informer",
    "informers",
    "ingress",
    "init",
    "install",
    "interface",
    "internal",
    "ipam",
    "iptables",
    "ipvs",
    "job",
    "json",
    "key",
    "kubeadm",
    "kubectl",
    "kubelet",
    "kuberuntime",
    "label",
    "labels",
    "lease",
    "lifecycle",
    "limit",
    "limits",
    "list",
    "lister",
    "listers",
    "lock",
    "log",
    "logs",
    "manager",
    "manifest",
    "meta",
    "metrics",
    "mount",
    "namespace",
    "net",
    "network",
    "networking",
    "node",
    "nodeipam",
    "nodelifecycle",
    "noderesources",
    "object",
    "openapi",
    "options",
    "patch",
    "plugin",
    "plugins",
    "pleg",
    "pod",
    "pods",
    "policy",
    "port",
    "portforward",
    "preemption",
    "printer",
    "printers",
    "priority",
    "probe",
    "prober",
    "profile",
    "proxy",
    "queue",
    "quota",
    "rbac",
    "readiness",
    "reconciler",
    "record",
    "reflector",
    "registry",
    "replica",
    "replicaset",
    "resource",
    "resources",
    "rest",
    "restmapper",
    "retry",
    "rollout",
    "route",
    "runtime",
    "scale",
    "scheduler",
    "scheme",
    "secret",
    "selector",
    "serializer",
    "server",
    "service",
    "serviceaccount",
    "session",
    "sets",
    "signal",
    "sort",
    "spec",
    "stats",
    "status",
    "storage",
    "store",
    "strategy",
    "stream",
    "subresource",
    "sync",
    "taint",
    "term",
    "testing",
    "timeout",
    "token",
    "tools",
    "topology",
    "trace",
    "transport",
    "ttl",
    "types",
    "update",
    "upgrade",
    "util",
    "utils",
    "validation",
    "version",
    "volume",
    "volumebinding",
    "wait",
    "watch",
    "webhook",
    "winkernel",
    "worker",
]
GO_FILE_FORMS = [
    "{a}.go",
    "{a}.go",
    "{a}_{b}.go",
    "{a}_{b}.go",
    "{a}_{b}_{c}.go",
    "types.go",
    "doc.go",
    "register.go",
    "helpers.go",
    "{a}_linux.go",
    "{a}_windows.go",
    "{a}_others.go",
    "fake_{a}.go",
    "{a}_{b}_linux.go",
    "interface.go",
    "{a}er.go",
    "{a}s.go",
]
GO_KEYWORDS = {
    "break",
    "case",
    "chan",
    "const",
    "continue",
    "default",
    "defer",
    "else",
    "fallthrough",
    "for",
    "func",
    "go",
    "goto",
    "if",
    "import",
    "interface",
    "map",
    "package",
    "range",
    "return",
    "select",
    "struct",
    "switch",
    "type",
    "var",
}


# ---- sampling -----------------------------------------------------------------------------------


def _quantile(table: list[tuple[float, float]], u: float, *, log: bool = True) -> float:
    qs = [q for q, _ in table]
    k = bisect.bisect_right(qs, u)
    if k <= 0:
        return table[0][1]
    if k >= len(table):
        return table[-1][1]
    (q0, v0), (q1, v1) = table[k - 1], table[k]
    if q1 == q0:
        return v1
    t = (u - q0) / (q1 - q0)
    if log and v0 > 0 and v1 > 0:
        return math.exp(math.log(v0) + t * (math.log(v1) - math.log(v0)))
    return v0 + t * (v1 - v0)


def _depth_table(q: tuple[int, int, int, int]) -> list[tuple[float, float]]:
    q10, q50, q90, top = q
    return [(0, 1), (0.1, q10), (0.5, q50), (0.9, q90), (1, top)]


def _apportion(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Largest remainder: integer shares of `total` proportional to weights, summing to total."""
    whole = sum(weights.values())
    if total <= 0 or whole <= 0:
        return {key: 0 for key in weights}
    exact = {key: total * w / whole for key, w in weights.items()}
    shares = {key: int(v) for key, v in exact.items()}
    left = total - sum(shares.values())
    for key in sorted(exact, key=lambda k: (-(exact[k] - shares[k]), k))[:left]:
        shares[key] += 1
    return shares


# ---- the layout -----------------------------------------------------------------------------------


@dataclass
class FileSpec:
    path: str
    kind: str  # "go", "test", "other", "big"
    size: int


def _names(rng: random.Random) -> tuple[str, str, str]:
    return rng.choice(WORDS), rng.choice(WORDS), rng.choice(WORDS)


def _go_name(rng: random.Random, taken: set[str]) -> str:
    for attempt in range(50):
        a, b, c = _names(rng)
        roll = rng.random()
        if roll < GENERATED_SHARE:
            name = rng.choice(["zz_generated.deepcopy.go", "zz_generated.conversion.go", "zz_generated.defaults.go"])
        elif roll < GENERATED_SHARE + PB_SHARE:
            name = "generated.pb.go"
        else:
            name = rng.choice(GO_FILE_FORMS).format(a=a, b=b, c=c)
        if attempt > 20:
            name = name[:-3] + f"{attempt}.go"
        if name not in taken and not name.endswith("_test.go"):
            return name
    raise AssertionError("no free Go file name")


def _other_name(rng: random.Random, ext: str, taken: set[str]) -> str:
    for attempt in range(60):
        a, b, _ = _names(rng)
        if not ext.startswith("."):  # a whole name: OWNERS, LICENSE, Makefile ...
            name = ext if attempt == 0 else f"{ext}.{a}" if attempt < 30 else f"{ext}{attempt}"
        elif ext in (".mod", ".sum"):
            name = "go" + ext if attempt == 0 else f"{a}{ext}"
        else:
            name = rng.choice(["{a}{e}", "{a}-{b}{e}", "{a}_{b}{e}"]).format(a=a, b=b, e=ext)
            if attempt > 30:
                name = f"{a}{attempt}{ext}"
        if name not in taken:
            return name
    raise AssertionError("no free file name")


class _Area:
    """Folders of one area, placed at sampled depths, each given a sampled number of files."""

    def __init__(self, rng: random.Random, root: str, depths: tuple[int, int, int, int]):
        self.rng = rng
        self.root = root
        self.depth_table = _depth_table(depths)
        self.by_depth: dict[int, list[str]] = {0: [root]}
        self.children: dict[str, set[str]] = {root: set()}
        self.counts: Counter[str] = Counter()

    def _child(self, parent: str) -> str:
        taken = self.children[parent]
        for attempt in range(100):
            name = self.rng.choice(WORDS)
            if attempt > 40:
                name += str(attempt)
            if name not in taken:
                break
        taken.add(name)
        path = f"{parent}/{name}" if parent else name
        self.children[path] = set()
        return path

    def new_folder(self) -> str:
        depth = max(0, round(_quantile(self.depth_table, self.rng.random(), log=False)) - 1)
        if depth == 0:
            return self.root
        known = max(d for d in self.by_depth if d < depth)
        # Most folders join an existing parent; a few start a new branch, so the tree is bushy.
        if known == depth - 1 and self.rng.random() < 0.8:
            parent = self.rng.choice(self.by_depth[known])
        else:
            parent = self.rng.choice(self.by_depth[min(known, depth - 1)])
            known = min(known, depth - 1)
        path = parent
        for d in range(known + 1, depth + 1):
            path = self._child(path)
            self.by_depth.setdefault(d, []).append(path)
        return path

    def place(self, files: int) -> None:
        while files > 0:
            count = min(files, max(1, round(_quantile(FILES_PER_DIR, self.rng.random(), log=False))))
            self.counts[self.new_folder()] += count
            files -= count


def _area_roots(rng: random.Random, area: str, files: int) -> list[tuple[str, int]]:
    """(root folder, files) for an area: one root, or one per staging module / vendored project."""
    if area == "staging":
        shares = _apportion(files, STAGING_MODULES)
        return [(f"staging/src/k8s.io/{name}", n) for name, n in shares.items() if n]
    if area == "vendor":
        projects = max(1, min(VENDOR_PROJECTS, files // 10))
        hosts = _apportion(projects, VENDOR_HOSTS)
        roots = []
        used = set()
        for host, count in hosts.items():
            for _ in range(count):
                while True:
                    org, repo, _ = _names(rng)
                    # github.com/<org>/<repo>; golang.org/x/<repo>, go.etcd.io/<repo> ...
                    root = f"vendor/{host}/{org}/{repo}" if host in ("github.com", "bitbucket.org") else f"vendor/{host}/{repo}"
                    if root not in used:
                        used.add(root)
                        break
                roots.append(root)
        weights = {root: 1 / (rank + 1) ** 0.9 for rank, root in enumerate(rng.sample(roots, len(roots)))}
        shares = _apportion(files, weights)
        return [(root, n) for root, n in shares.items() if n]
    return [(area, files)]


def _area_of(path: str) -> str:
    return path.split("/", 1)[0] if "/" in path else ""


def layout(*, files: int = 23000, go_files: int = 15000, seed: int = 1, big_file: bool = True) -> list[FileSpec]:
    """Every file of the tree (path, kind, size), deterministic for the arguments."""
    if files < 100:
        raise ValueError("files must be at least 100")
    if not 0 <= go_files <= files:
        raise ValueError("go_files must be between 0 and files")
    rng = random.Random(f"k8sread-bench-tree:{seed}")
    file_shares = _apportion(files, {a: v[0] for a, v in AREAS.items()})
    go_shares = _apportion(go_files, {a: v[1] for a, v in AREAS.items()})
    for area in AREAS:  # an area cannot hold more Go files than files
        go_shares[area] = min(go_shares[area], file_shares[area])
    short = go_files - sum(go_shares.values())
    for area in sorted(AREAS, key=lambda a: -AREAS[a][1]):
        room = file_shares[area] - go_shares[area]
        take = min(room, short)
        go_shares[area] += take
        short -= take

    landmarks = {
        path: ("big" if path == BIG_FILE and big_file else "test" if path.endswith("_test.go") else "go" if path.endswith(".go") else "other")
        for path in LANDMARKS
    }
    # Room for the landmarks in their areas (small trees), taken from the biggest area.
    for area in AREAS:
        mine = [p for p in landmarks if _area_of(p) == area]
        need_files = len(mine) - file_shares[area]
        need_go = sum(1 for p in mine if landmarks[p] != "other") - go_shares[area]
        if need_files > 0:
            file_shares[area] += need_files
            file_shares["staging"] -= need_files
        if need_go > 0:
            go_shares[area] += need_go
            go_shares["staging"] -= need_go
    specs: list[FileSpec] = []
    for area, (_real_files, real_go, real_tests, _dirs, depths, mix) in AREAS.items():
        n_files = file_shares[area]
        if n_files == 0:
            continue
        mine = [p for p in landmarks if _area_of(p) == area]
        n_go = go_shares[area]
        n_tests = round(n_go * real_tests / real_go) if real_go else 0
        fixed_go = sum(1 for p in mine if landmarks[p] != "other")
        fixed_tests = sum(1 for p in mine if landmarks[p] == "test")
        slots: list[tuple[str, int]] = []  # (folder, index in it)
        folders: list[str] = []
        for root, count in _area_roots(rng, area, n_files - len(mine)):
            placer = _Area(rng, root, depths)
            placer.place(count)
            for folder, k in placer.counts.items():
                folders.append(folder)
                slots.extend((folder, i) for i in range(k))
        # Go files gather in Go folders: each folder leans Go or not, then exactly n_go slots
        # are drawn by weighted sampling without replacement (Efraimidis-Spirakis keys).
        go_share = (n_go - fixed_go) / max(1, len(slots))
        lean = {folder: (0.95 if rng.random() < go_share else 0.05) for folder in folders}
        keyed = sorted(slots, key=lambda s: -(rng.random() ** (1 / lean[s[0]])))
        go_slots = set(keyed[: max(0, n_go - fixed_go)])
        taken: dict[str, set[str]] = {}
        for p in mine:
            folder, _, name = p.rpartition("/")
            taken.setdefault(folder, set()).add(name)
        go_by_folder: dict[str, list[str]] = {}
        area_specs: list[FileSpec] = []
        ext_names = list(mix)
        ext_weights = [mix[e] for e in ext_names]
        for folder, i in slots:
            names = taken.setdefault(folder, set())
            if (folder, i) in go_slots:
                name = _go_name(rng, names)
                go_by_folder.setdefault(folder, []).append(name)
                kind = "go"
            else:
                name = _other_name(rng, rng.choices(ext_names, ext_weights)[0], names)
                kind = "other"
            names.add(name)
            area_specs.append(FileSpec(f"{folder}/{name}" if folder else name, kind, 0))
        # Tests sit next to the code they test: turn some Go files into <stem>_test.go.
        go_specs = [s for s in area_specs if s.kind == "go"]
        want_tests = max(0, n_tests - fixed_tests)
        for spec in rng.sample(go_specs, min(want_tests, len(go_specs))):
            folder, _, name = spec.path.rpartition("/")
            stem = rng.choice(go_by_folder[folder])[:-3]
            test = f"{stem}_test.go"
            if test in taken[folder] or stem.startswith("zz_generated") or stem.endswith(".pb"):
                test = _go_name(rng, taken[folder])[:-3] + "_test.go"
                if test in taken[folder]:
                    continue
            taken[folder].add(test)
            spec.path = f"{folder}/{test}" if folder else test
            spec.kind = "test"
        specs.extend(area_specs)
        specs.extend(FileSpec(p, landmarks[p], 0) for p in mine)
    for spec in specs:
        u = rng.random()
        spec.size = max(1, round(_quantile(GO_SIZES if spec.kind in ("go", "test") else OTHER_SIZES, u)))
    specs.sort(key=lambda s: s.path)
    paths = [s.path for s in specs]
    assert len(set(paths)) == len(paths), "duplicate paths"
    # Folders and files must not collide (a file named like a sibling folder).
    folders_all = {p.rsplit("/", 1)[0] for p in paths if "/" in p}
    clashes = [s for s in specs if s.path in folders_all]
    for s in clashes:
        s.path += ".txt" if s.kind == "other" else "_x.go"
    if clashes:
        specs.sort(key=lambda s: s.path)
    return specs


# ---- content --------------------------------------------------------------------------------------


def _ident(word: str, export: bool) -> str:
    name = "".join(part.capitalize() for part in word.replace("-", "_").split("_"))
    return name if export else name[:1].lower() + name[1:]


def _package(path: str) -> str:
    folder = path.rsplit("/", 1)[0] if "/" in path else "main"
    name = "".join(c for c in folder.rsplit("/", 1)[-1].lower() if c.isalnum()) or "main"
    if name[0].isdigit() or name in GO_KEYWORDS:
        name = "p" + name
    return name


_GO_BLOCKS = [
    "// {T} holds the {a} state of one {b}.\ntype {T} struct {{\n\t{F} string\n\t{G} int64\n\t{h} map[string]*{U}\n\tmu sync.Mutex\n}}\n\n",
    '// New{T} returns a {a} {b} ready to use.\nfunc New{T}({x} string, {y} int) (*{T}, error) {{\n\tif {x} == "" {{\n\t\treturn nil, fmt.Errorf("{a}: empty {b} name")\n\t}}\n\treturn &{T}{{{F}: {x}, {G}: int64({y})}}, nil\n}}\n\n',
    'func ({r} *{T}) {M}(ctx context.Context, items []string) error {{\n\t{r}.mu.Lock()\n\tdefer {r}.mu.Unlock()\n\tfor i, item := range items {{\n\t\tif err := ctx.Err(); err != nil {{\n\t\t\treturn err\n\t\t}}\n\t\tif strings.HasPrefix(item, "{a}") {{\n\t\t\t{r}.{G} += int64(i)\n\t\t\tcontinue\n\t\t}}\n\t\t{r}.{h}[item] = &{U}{{}}\n\t}}\n\treturn nil\n}}\n\n',
    'func ({r} *{T}) {N}() string {{\n\tswitch {{\n\tcase {r}.{G} > {n}:\n\t\treturn "{a}"\n\tcase {r}.{G} < 0:\n\t\treturn "{b}"\n\tdefault:\n\t\treturn fmt.Sprintf("%s/%d", {r}.{F}, {r}.{G})\n\t}}\n}}\n\n',
    'const (\n\t// {C}{T} is the default {a} for a {b}.\n\t{C}{T} = "{a}-{b}"\n\t// max{T}{N} bounds the {b} queue.\n\tmax{T}{N} = {n}\n)\n\n',
    '// {U} is one {b} seen by the {a} {c}.\ntype {U} struct {{\n\tName      string `json:"name"`\n\tNamespace string `json:"namespace,omitempty"`\n\t{F}       []string `json:"{x},omitempty"`\n}}\n\n',
    "func {x}{N}({y} []*{U}) map[string]int {{\n\tout := make(map[string]int, len({y}))\n\tfor _, v := range {y} {{\n\t\tif v == nil {{\n\t\t\tcontinue\n\t\t}}\n\t\tout[v.Name]++\n\t}}\n\treturn out\n}}\n\n",
]


def go_source(rng: random.Random, path: str, size: int, *, test: bool = False) -> str:
    """A plausible Go file of about `size` bytes (whole declarations, so it stays parseable)."""
    head = [
        "// Code in this file is synthetic: generated for the k8sread benchmarks.\n\n",
        f"package {_package(path)}\n\n",
        'import (\n\t"context"\n\t"fmt"\n\t"strings"\n\t"sync"\n' + ('\t"testing"\n' if test else "") + ")\n\n",
        "var (\n\t_ = context.Background\n\t_ = fmt.Sprintf\n\t_ = strings.HasPrefix\n)\n\n",
    ]
    out = head
    total = sum(len(s) for s in head)
    blocks = _GO_BLOCKS
    choice = rng.choice
    while total < size:
        a, b, c = choice(WORDS), choice(WORDS), choice(WORDS)
        tname = _ident(a, True) + _ident(b, True)
        if test:
            text = f'func Test{tname}{rng.randrange(1000)}(t *testing.T) {{\n\tif got := {_ident(a, False)}{rng.randrange(1000)}; got == nil {{\n\t\tt.Fatalf("{a}: got %v", got)\n\t}}\n}}\n\n'
        else:
            text = choice(blocks).format(
                T=tname,
                U=_ident(c, True) + "Info",
                F=_ident(a, True),
                G=_ident(b, True) + "Count",
                h=_ident(c, False) + "s",
                r=a[0],
                M="Sync" + _ident(c, True),
                N=_ident(c, True),
                C="Default",
                x=_ident(b, False) + "Name",
                y=_ident(c, False) + "Items",
                n=rng.randrange(2, 5000),
                a=a,
                b=b,
                c=c,
            )
        out.append(text)
        total += len(text)
    return "".join(out)


def big_go_source(lines: int = BIG_FILE_LINES) -> str:
    """A generated-protobuf-style Go file of exactly `lines` lines."""
    out = [
        "// Code generated by a synthetic protobuf generator. DO NOT EDIT.\n",
        "// source: generated.proto\n",
        "\n",
        "package v1\n",
        "\n",
        'import (\n\tfmt "fmt"\n\tio "io"\n\tmath "math"\n)\n',
        "\n",
    ]
    count = sum(s.count("\n") for s in out)
    n = 0
    while count < lines:
        words = WORDS[n % len(WORDS)], WORDS[(n * 7) % len(WORDS)]
        name = _ident(words[0], True) + _ident(words[1], True) + str(n)
        fields = 2 + n % 5
        block = [
            f"func (m *{name}) Marshal() (dAtA []byte, err error) {{\n",
            "\tsize := m.Size()\n",
            "\tdAtA = make([]byte, size)\n",
            "\tn, err := m.MarshalToSizedBuffer(dAtA[:size])\n",
            "\tif err != nil {\n",
            "\t\treturn nil, err\n",
            "\t}\n",
            "\treturn dAtA[:n], nil\n",
            "}\n",
            "\n",
            f"func (m *{name}) MarshalToSizedBuffer(dAtA []byte) (int, error) {{\n",
            "\ti := len(dAtA)\n",
        ]
        for k in range(fields):
            block += [
                f"\ti -= len(m.Field{k})\n",
                f"\tcopy(dAtA[i:], m.Field{k})\n",
                f"\ti = encodeVarintGenerated(dAtA, i, uint64(len(m.Field{k})))\n",
                "\ti--\n",
                f"\tdAtA[i] = 0x{(k + 1) * 8 + 2:x}\n",
            ]
        block += [
            "\treturn len(dAtA) - i, nil\n",
            "}\n",
            "\n",
            f"func (m *{name}) Unmarshal(dAtA []byte) error {{\n",
            "\tl := len(dAtA)\n",
            "\tiNdEx := 0\n",
            "\tfor iNdEx < l {\n",
            "\t\tif iNdEx >= l {\n",
            "\t\t\treturn io.ErrUnexpectedEOF\n",
            "\t\t}\n",
            "\t\tiNdEx++\n",
            "\t}\n",
            "\tif iNdEx > l {\n",
            f'\t\treturn fmt.Errorf("{name}: %v", math.MaxInt32)\n',
            "\t}\n",
            "\treturn nil\n",
            "}\n",
            "\n",
        ]
        if count + len(block) > lines:
            break
        out += block
        count += len(block)
        n += 1
    # Whole functions only (the file stays parseable); comment lines make up the exact count.
    text = "".join(out) + "// padding\n" * (lines - count)
    return text


def other_content(rng: random.Random, path: str, size: int) -> bytes:
    name = path.rsplit("/", 1)[-1]
    if name.endswith((".pb", ".png", ".pdf")):
        return (bytes(rng.getrandbits(8) for _ in range(min(size, 4096))) * (size // 4096 + 1))[:size]
    if name.endswith((".yaml", ".yml")):
        line = "  {a}: {b}-{n}\n"
    elif name.endswith(".sh"):
        line = 'echo "{a} {b}" && {a}_{b}={n}\n'
    elif name.endswith(".json"):
        line = '  "{a}": "{b}-{n}",\n'
    else:
        line = "The {a} {b} of section {n}.\n"
    out = []
    total = 0
    while total < size:
        text = line.format(a=rng.choice(WORDS), b=rng.choice(WORDS), n=rng.randrange(1000))
        out.append(text)
        total += len(text)
    return "".join(out)[:size].encode()


def _write_tree(dest: Path, specs: list[FileSpec], seed: int) -> None:
    made: set[str] = set()
    for spec in specs:
        folder = spec.path.rpartition("/")[0]
        if folder and folder not in made:
            os.makedirs(dest / folder, exist_ok=True)
            made.add(folder)
        rng = random.Random(f"{seed}:{spec.path}")
        if spec.kind == "big":
            data = big_go_source().encode()
        elif spec.path == "go.mod":
            data = b"module k8s.io/kubernetes\n\ngo 1.16\n"
        elif spec.kind in ("go", "test"):
            data = go_source(rng, spec.path, spec.size, test=spec.kind == "test").encode()
        else:
            data = other_content(rng, spec.path, spec.size)
        (dest / spec.path).write_bytes(data)


def _git(dest: Path, *args: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": "2021-08-04T00:00:00Z",
        "GIT_COMMITTER_DATE": "2021-08-04T00:00:00Z",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
    }
    subprocess.run(
        [
            "git",
            "-c",
            "user.name=k8sread bench",
            "-c",
            "user.email=bench@k8sread.invalid",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "core.autocrlf=false",
            "-c",
            "core.looseCompression=1",
            *args,
        ],
        cwd=dest,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def build(dest: Path, *, files: int = 23000, go_files: int = 15000, seed: int = 1, git: bool = True, big_file: bool = True) -> Path:
    """Write the tree into `dest` (created; must not exist or be empty), no cache."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    if any(dest.iterdir()):
        raise FileExistsError(f"{dest} is not empty")
    _write_tree(dest, layout(files=files, go_files=go_files, seed=seed, big_file=big_file), seed)
    if git:
        _git(dest, "init", "-q", "-b", "main")
        _git(dest, "add", "-A")
        _git(dest, "commit", "-q", "-m", f"Synthetic Kubernetes-scale tree (seed {seed})")
    return dest


def cache_key(*, files: int, go_files: int, seed: int, git: bool, big_file: bool) -> str:
    return f"tree-v{VERSION}-f{files}-g{go_files}-s{seed}-{'big' if big_file else 'nobig'}-{'git' if git else 'plain'}"


def cached_tree(*, files: int = 23000, go_files: int = 15000, seed: int = 1, git: bool = True, big_file: bool = True, cache: Path = CACHE) -> Path:
    """The tree under bench/.cache/, built once per parameter set. Treat it as read-only."""
    final = cache / cache_key(files=files, go_files=go_files, seed=seed, git=git, big_file=big_file)
    if final.is_dir():
        return final
    cache.mkdir(parents=True, exist_ok=True)
    # Built aside and renamed: an interrupted build never leaves a half tree in the cache.
    work = Path(tempfile.mkdtemp(prefix=final.name + ".", dir=cache))
    try:
        build(work, files=files, go_files=go_files, seed=seed, git=git, big_file=big_file)
        os.rename(work, final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        if final.is_dir():  # another process won the race
            return final
        raise
    return final


def generate(dest: Path, *, files: int = 23000, go_files: int = 15000, seed: int = 1, git: bool = True, big_file: bool = True, cache: bool = True) -> Path:
    """Write the synthetic tree to `dest` and return it. With `cache`, it is built once under
    bench/.cache/ and copied from there."""
    dest = Path(dest)
    if not cache:
        return build(dest, files=files, go_files=go_files, seed=seed, git=git, big_file=big_file)
    source = cached_tree(files=files, go_files=go_files, seed=seed, git=git, big_file=big_file)
    if dest.exists() and any(dest.iterdir()):
        raise FileExistsError(f"{dest} is not empty")
    if dest.exists():
        dest.rmdir()
    shutil.copytree(source, dest, symlinks=True)
    return dest


# ---- shape report ---------------------------------------------------------------------------------


def shape(paths: list[str]) -> dict:
    """The measured numbers of a file list, to compare a generated tree with the real one."""
    go = [p for p in paths if p.endswith(".go")]
    depths = sorted(p.count("/") + 1 for p in paths)
    per_dir = sorted(Counter(p.rpartition("/")[0] for p in paths).values())

    def q(values: list[int], u: float) -> int:
        return values[min(len(values) - 1, int(u * len(values)))] if values else 0

    return {
        "files": len(paths),
        "go": len(go),
        "go_tests": sum(p.endswith("_test.go") for p in go),
        "folders": len(per_dir),
        "depth_q10_50_90_max": [q(depths, 0.1), q(depths, 0.5), q(depths, 0.9), depths[-1] if depths else 0],
        "files_per_folder_q50_90_99_max": [q(per_dir, 0.5), q(per_dir, 0.9), q(per_dir, 0.99), per_dir[-1] if per_dir else 0],
        "top": dict(Counter(p.split("/", 1)[0] if "/" in p else "(root)" for p in paths).most_common()),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a synthetic Kubernetes-scale source tree.")
    parser.add_argument("dest", type=Path)
    parser.add_argument("--files", type=int, default=23000)
    parser.add_argument("--go-files", type=int, default=15000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-git", action="store_true", help="no git repository")
    parser.add_argument("--no-big-file", action="store_true", help=f"no {BIG_FILE_LINES}-line {BIG_FILE}")
    parser.add_argument("--no-cache", action="store_true", help="write directly, bypassing bench/.cache/")
    args = parser.parse_args(argv)
    try:
        dest = generate(
            args.dest, files=args.files, go_files=args.go_files, seed=args.seed, git=not args.no_git, big_file=not args.no_big_file, cache=not args.no_cache
        )
    except (FileExistsError, ValueError) as error:
        parser.exit(2, f"gen_tree: error: {error}\n")
    paths = sorted(str(p.relative_to(dest)) for p in dest.rglob("*") if p.is_file() and ".git" not in p.relative_to(dest).parts)
    print(f"wrote {dest}")
    for key, value in shape(paths).items():
        print(f"  {key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

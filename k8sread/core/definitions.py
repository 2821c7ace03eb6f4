"""Go to definition without a Go toolchain: package-level names, through the file's imports.

- `Name`            -> a package-level declaration in the same package directory
- `pkg.Name`        -> `pkg` is an import of this file: the declaration in that package's dir
                       (k8s.io/kubernetes/... at the repo root; k8s.io/<x>/... in
                       staging/src/k8s.io/<x> when present, else vendor/; anything else vendor/)
- `x.Method`        -> `x` is not an import: methods named Method in this package and in the
                       packages this file imports (several -> the caller shows a chooser)

Package directories are scanned once (fast regex scan of package-level declarations) and
cached per (path, mtime, size), so a second jump into the same package costs a dict lookup.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from k8sread.core.go_decls import Decl, import_specs, imports, package_name, scan

MODULE_ROOT = "k8s.io/kubernetes"
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Location:
    path: str  # relative to the tree root
    line: int
    name: str  # qualified name, e.g. (*ApplyOptions).Run
    kind: str


@dataclass(frozen=True)
class Reference:
    """What the cursor is on: `word`, maybe qualified by `qualifier` (the part before a dot)."""

    word: str
    qualifier: str | None


def reference_at(line_text: str, column: int) -> Reference | None:
    """The identifier at `column` (0-based, in characters) and what precedes it with a dot."""
    for match in _IDENT.finditer(line_text):
        if match.start() <= column < match.end():
            before = line_text[: match.start()]
            qualifier = None
            if before.endswith("."):
                tail = re.search(r"([A-Za-z_][A-Za-z0-9_]*)\s*$", before[:-1])
                # `f().Name` or `x[i].Name`: a value, so only methods can be meant.
                qualifier = tail.group(1) if tail else "<expr>"
            return Reference(match.group(), qualifier)
    return None


class DefinitionFinder:
    def __init__(self, root: Path, module: str = MODULE_ROOT):
        self.root = Path(root)
        self.module = module
        self._packages: dict[str, tuple[tuple, dict[str, list[tuple[str, Decl]]]]] = {}
        self._package_names: dict[str, str | None] = {}

    # ---- import paths -> folders ------------------------------------------------------

    def package_dir(self, import_path: str) -> str | None:
        """The folder (relative to the root) that holds an import path, or None."""
        candidates: list[str] = []
        if import_path == self.module or import_path.startswith(self.module + "/"):
            candidates.append(import_path[len(self.module) + 1 :])
        elif import_path.startswith("k8s.io/"):
            candidates.append("staging/src/" + import_path)
            candidates.append("vendor/" + import_path)
        else:
            candidates.append("vendor/" + import_path)
        for candidate in candidates:
            if (self.root / candidate).is_dir():
                return candidate
        return None

    # ---- package scans ---------------------------------------------------------------

    def _go_files(self, folder: str, include_tests: bool) -> list[str]:
        try:
            names = sorted(os.listdir(self.root / folder if folder else self.root))
        except OSError:
            return []
        return [
            f"{folder}/{name}" if folder else name
            for name in names
            if name.endswith(".go") and (include_tests or not name.endswith("_test.go")) and (self.root / folder / name).is_file()
        ]

    def package_decls(self, folder: str, include_tests: bool = False) -> dict[str, list[tuple[str, Decl]]]:
        """short name -> [(file, decl)] for every package-level declaration in `folder`."""
        files = self._go_files(folder, include_tests)
        stamp = tuple((f, *(lambda s: (s.st_mtime_ns, s.st_size))((self.root / f).stat())) for f in files)
        key = f"{folder}\0{include_tests}"
        cached = self._packages.get(key)
        if cached and cached[0] == stamp:
            return cached[1]
        table: dict[str, list[tuple[str, Decl]]] = {}
        for file in files:
            try:
                data = (self.root / file).read_bytes()
            except OSError:
                continue
            for decl in scan(data):
                table.setdefault(decl.short, []).append((file, decl))
        self._packages[key] = (stamp, table)
        return table

    def _package_name_of(self, folder: str) -> str | None:
        if folder not in self._package_names:
            name = None
            for file in self._go_files(folder, include_tests=False)[:3]:
                try:
                    with open(self.root / file, "rb") as handle:
                        name = package_name(handle.read(65536))
                except OSError:
                    continue
                if name:
                    break
            self._package_names[folder] = name
        return self._package_names[folder]

    # ---- lookups ---------------------------------------------------------------------

    def find(self, path: str, source: bytes, ref: Reference) -> list[Location]:
        """Candidate definitions for `ref` seen from file `path` with contents `source`."""
        folder = path.rpartition("/")[0]
        include_tests = path.endswith("_test.go")
        if ref.qualifier is None:
            found = [
                self._location(file, decl)
                for file, decl in self.package_decls(folder, include_tests).get(ref.word, [])
                if decl.kind != "method"
            ]
            return found
        import_folder = self._import_folder(source, ref.qualifier) if ref.qualifier != "<expr>" else None
        if import_folder is not None:
            return [
                self._location(file, decl)
                for file, decl in self.package_decls(import_folder).get(ref.word, [])
                if decl.kind != "method"
            ]
        # A value's method or field: methods by name here, then in the imported packages.
        found = [self._location(f, d) for f, d in self.package_decls(folder, include_tests).get(ref.word, []) if d.kind == "method"]
        for _, import_path in import_specs(source):
            other = self.package_dir(import_path)
            if other is None:
                continue
            found.extend(self._location(f, d) for f, d in self.package_decls(other).get(ref.word, []) if d.kind == "method")
        return found

    def _import_folder(self, source: bytes, qualifier: str) -> str | None:
        named = imports(source)
        if qualifier in named:
            return self.package_dir(named[qualifier])
        # The package clause may differ from the path's last element: ask the folder itself.
        for alias, import_path in import_specs(source):
            if alias is None:
                folder = self.package_dir(import_path)
                if folder is not None and self._package_name_of(folder) == qualifier:
                    return folder
        return None

    @staticmethod
    def _location(file: str, decl: Decl) -> Location:
        return Location(file, decl.line, decl.name, decl.kind)

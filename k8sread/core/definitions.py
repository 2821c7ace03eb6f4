"""Go to definition without a Go toolchain: package-level names, through the file's imports.

- `Name`            -> a package-level declaration in the same package directory
- `pkg.Name`        -> `pkg` is an import of this file: the declaration in that package's dir
                       (k8s.io/kubernetes/... at the repo root; k8s.io/<x>/... in
                       staging/src/k8s.io/<x> when present, else vendor/; anything else vendor/)
- `x.Method`        -> `x` is not an import: methods named Method in this package and in the
                       packages this file imports (several -> the caller shows a chooser)

Package directories are scanned once (fast regex scan of package-level declarations) and
cached per (path, mtime, size), so a second jump into the same package costs a dict lookup
plus one stat per file of the package.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from k8sread.core.go_decls import RawDecl, default_import_name, import_specs, package_name, scan_raw

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


def reference_at(line_text: str, column: int, previous_line: str = "") -> Reference | None:
    """The identifier at `column` (0-based, in characters) and what precedes it with a dot.
    `previous_line` matters for chained calls split over lines (`b.\n\t\tDo()`)."""
    for match in _IDENT.finditer(line_text):
        if match.start() <= column < match.end():
            before = line_text[: match.start()]
            qualifier = None
            if not before.strip() and previous_line.rstrip().endswith("."):
                before = previous_line.rstrip()
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
        self._root = str(self.root)
        self._packages: dict[str, tuple[tuple, dict[str, list[tuple[str, RawDecl]]]]] = {}
        self._package_names: dict[str, str | None] = {}
        # The file asked about last and its imports: a jump asks for them up to three times.
        self._specs_for: tuple[str, bytes, list[tuple[str | None, str]]] | None = None

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
            if os.path.isdir(os.path.join(self._root, candidate)):
                return candidate
        return None

    # ---- package scans ---------------------------------------------------------------

    def _go_files(self, folder: str, include_tests: bool) -> list[tuple[str, int, int]]:
        """(path, mtime_ns, size) of the package's .go files, sorted: one stat each (scandir
        knows file from folder without one)."""
        found = []
        try:
            with os.scandir(os.path.join(self._root, folder)) as entries:
                for entry in entries:
                    name = entry.name
                    if not name.endswith(".go") or (not include_tests and name.endswith("_test.go")):
                        continue
                    try:
                        if not entry.is_file():
                            continue
                        stat = entry.stat()
                    except OSError:
                        continue
                    found.append((f"{folder}/{name}" if folder else name, stat.st_mtime_ns, stat.st_size))
        except OSError:
            return []
        found.sort()
        return found

    def package_decls(self, folder: str, include_tests: bool = False) -> dict[str, list[tuple[str, RawDecl]]]:
        """short name -> [(file, (name, short, kind, line, receiver))] for every package-level
        declaration in `folder`."""
        stamp = tuple(self._go_files(folder, include_tests))
        key = f"{folder}\0{include_tests}"
        cached = self._packages.get(key)
        if cached and cached[0] == stamp:
            return cached[1]
        table: dict[str, list[tuple[str, RawDecl]]] = {}
        for file, _, _ in stamp:
            try:
                with open(os.path.join(self._root, file), "rb") as handle:
                    data = handle.read()
            except OSError:
                continue
            for decl in scan_raw(data):
                table.setdefault(decl[1], []).append((file, decl))
        self._packages[key] = (stamp, table)
        return table

    def _package_name_of(self, folder: str) -> str | None:
        if folder not in self._package_names:
            name = None
            for file, _, _ in self._go_files(folder, include_tests=False)[:3]:
                try:
                    with open(os.path.join(self._root, file), "rb") as handle:
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
            return [_location(file, decl) for file, decl in self.package_decls(folder, include_tests).get(ref.word, []) if decl[2] != "method"]
        specs = self._import_specs(path, source)
        import_folder = self._import_folder(specs, ref.qualifier) if ref.qualifier != "<expr>" else None
        if import_folder is not None:
            return [_location(file, decl) for file, decl in self.package_decls(import_folder).get(ref.word, []) if decl[2] != "method"]
        # A value's method or field: methods by name here, then in the imported packages.
        found = [_location(f, d) for f, d in self.package_decls(folder, include_tests).get(ref.word, []) if d[2] == "method"]
        for _, import_path in specs:
            other = self.package_dir(import_path)
            if other is None:
                continue
            found.extend(_location(f, d) for f, d in self.package_decls(other).get(ref.word, []) if d[2] == "method")
        return found

    def _import_specs(self, path: str, source: bytes) -> list[tuple[str | None, str]]:
        last = self._specs_for
        if last is not None and last[0] == path and (last[1] is source or last[1] == source):
            return last[2]
        specs = import_specs(source)
        self._specs_for = (path, source, specs)
        return specs

    def _import_folder(self, specs: list[tuple[str | None, str]], qualifier: str) -> str | None:
        for alias, import_path in reversed(specs):  # as a dict of them would: the last one wins
            if (alias or default_import_name(import_path)) == qualifier and alias not in ("_", "."):
                return self.package_dir(import_path)
        # The package clause may differ from the path's last element: ask the folder itself.
        for alias, import_path in specs:
            if alias is None:
                folder = self.package_dir(import_path)
                if folder is not None and self._package_name_of(folder) == qualifier:
                    return folder
        return None


def _location(file: str, decl: RawDecl) -> Location:
    return Location(file, decl[3], decl[0], decl[2])

"""Go to definition across packages, staging and vendor, on a tree we write here."""

from __future__ import annotations

import pytest

from k8sread.core.definitions import DefinitionFinder, Reference, reference_at
from k8sread.core.go_decls import default_import_name, imports, scan

FILES = {
    "go.mod": "module k8s.io/kubernetes\n",
    "pkg/apply/apply.go": """package apply

import (
	"fmt"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/kubernetes/pkg/store"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
)

// ApplyOptions 保存 apply 的参数
type ApplyOptions struct {
	Store *store.Store
}

const (
	DefaultTimeout = 30
	maxRetries, minRetries = 5, 1
)

func NewCmdApply() *cobra.Command {
	o := &ApplyOptions{}
	fmt.Println(metav1.Now())
	utilruntime.HandleError(nil)
	return &cobra.Command{RunE: func() error { return o.Run() }}
}

func (o *ApplyOptions) Run() error {
	return o.Store.Create(helper())
}

func helper() string { return "x" }
""",
    "pkg/apply/helper_test.go": "package apply\n\nfunc helper2() {}\n",
    "pkg/store/store.go": """package store

type Store struct{}

func (s *Store) Create(obj string) error { return nil }

var DefaultStore = &Store{}
""",
    "pkg/other/other.go": "package other\n\ntype Thing struct{}\n\nfunc (t Thing) Create(x string) error { return nil }\n",
    "staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/time.go": "package v1\n\ntype Time struct{}\n\nfunc Now() Time { return Time{} }\n",
    "staging/src/k8s.io/apimachinery/pkg/util/runtime/runtime.go": "package runtime\n\nfunc HandleError(err error) {}\n",
    "vendor/github.com/spf13/cobra/command.go": "package cobra\n\ntype Command struct {\n\tRunE func() error\n}\n",
}


@pytest.fixture
def root(tmp_path):
    for rel, text in FILES.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def line_of(text: str, needle: str) -> tuple[str, int, int]:
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return line, number, line.index(needle)
    raise AssertionError(needle)


def jump(root, path, needle, offset=0):
    source = (root / path).read_bytes()
    line, _, column = line_of(source.decode(), needle)
    ref = reference_at(line, column + offset)
    return [(loc.path, loc.line, loc.name) for loc in DefinitionFinder(root).find(path, source, ref)]


def test_scan_finds_package_level_declarations():
    decls = {d.name: (d.kind, d.line) for d in scan(FILES["pkg/apply/apply.go"].encode())}
    assert decls["ApplyOptions"] == ("type", 13)
    assert decls["DefaultTimeout"] == ("const", 18)
    assert decls["maxRetries"] == ("const", 19) and decls["minRetries"] == ("const", 19)
    assert decls["NewCmdApply"][0] == "func"
    assert decls["(*ApplyOptions).Run"] == ("method", 29)
    assert "o" not in decls and "Store" not in decls  # locals and fields are not package-level


def test_imports_and_default_names():
    named = imports(FILES["pkg/apply/apply.go"].encode())
    assert named == {
        "fmt": "fmt",
        "cobra": "github.com/spf13/cobra",
        "metav1": "k8s.io/apimachinery/pkg/apis/meta/v1",
        "store": "k8s.io/kubernetes/pkg/store",
        "utilruntime": "k8s.io/apimachinery/pkg/util/runtime",
    }
    assert default_import_name("k8s.io/api/core/v1") == "v1"
    assert default_import_name("gopkg.in/yaml.v2") == "yaml"
    assert default_import_name("github.com/evanphx/json-patch") == "json_patch"


def test_reference_at():
    assert reference_at("\treturn o.Store.Create(x)", 16) == Reference("Create", "Store")
    assert reference_at("\tfmt.Println(metav1.Now())", 20) == Reference("Now", "metav1")
    assert reference_at("\tx := helper()", 8) == Reference("helper", None)
    assert reference_at("\tf().Run()", 5) == Reference("Run", "<expr>")
    assert reference_at("   ", 1) is None
    # a chained call split over lines: the dot ends the previous line
    assert reference_at("\t\tDo(ctx)", 3, previous_line="\tresult := helper.Builder().") == Reference("Do", "<expr>")
    assert reference_at("\t\tDo(ctx)", 3, previous_line="\tresult := b.") == Reference("Do", "b")
    assert reference_at("\t\tDo(ctx)", 3, previous_line="\tresult := 1") == Reference("Do", None)


def test_same_package(root):
    assert jump(root, "pkg/apply/apply.go", "helper()") == [("pkg/apply/apply.go", 33, "helper")]
    assert jump(root, "pkg/apply/apply.go", "ApplyOptions{}") == [("pkg/apply/apply.go", 13, "ApplyOptions")]


def test_repo_package_through_import(root):
    assert jump(root, "pkg/apply/apply.go", "store.Store", offset=6) == [("pkg/store/store.go", 3, "Store")]


def test_staging_and_alias(root):
    assert jump(root, "pkg/apply/apply.go", "metav1.Now", offset=7) == [("staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/time.go", 5, "Now")]
    assert jump(root, "pkg/apply/apply.go", "utilruntime.HandleError", offset=12) == [
        ("staging/src/k8s.io/apimachinery/pkg/util/runtime/runtime.go", 3, "HandleError")
    ]


def test_vendor(root):
    assert jump(root, "pkg/apply/apply.go", "cobra.Command {", offset=6) == [("vendor/github.com/spf13/cobra/command.go", 3, "Command")]


def test_staging_falls_back_to_vendor(root):
    (root / "vendor/k8s.io/klog").mkdir(parents=True)
    (root / "vendor/k8s.io/klog/klog.go").write_text("package klog\n\nfunc Info() {}\n")
    finder = DefinitionFinder(root)
    assert finder.package_dir("k8s.io/klog") == "vendor/k8s.io/klog"
    assert finder.package_dir("k8s.io/apimachinery/pkg/util/runtime") == "staging/src/k8s.io/apimachinery/pkg/util/runtime"
    assert finder.package_dir("k8s.io/kubernetes/pkg/store") == "pkg/store"
    assert finder.package_dir("example.com/missing") is None


def test_method_on_a_value_searches_package_and_imports(root):
    # o.Store.Create: Store is a field, so Create is a method; pkg/other's Create is not imported.
    assert jump(root, "pkg/apply/apply.go", "Create(helper", offset=0) == [("pkg/store/store.go", 5, "(*Store).Create")]
    assert jump(root, "pkg/apply/apply.go", "o.Run()", offset=2) == [("pkg/apply/apply.go", 29, "(*ApplyOptions).Run")]


def test_test_files_only_seen_from_tests(root):
    assert jump(root, "pkg/apply/apply.go", "helper()") == [("pkg/apply/apply.go", 33, "helper")]
    source = b"package apply\n\nfunc x() { helper2() }\n"
    (root / "pkg/apply/x_test.go").write_bytes(source)
    found = DefinitionFinder(root).find("pkg/apply/x_test.go", source, Reference("helper2", None))
    assert [(f.path, f.line) for f in found] == [("pkg/apply/helper_test.go", 3)]


def test_cache_notices_edits(root):
    finder = DefinitionFinder(root)
    source = (root / "pkg/apply/apply.go").read_bytes()
    assert finder.find("pkg/apply/apply.go", source, Reference("DefaultStore", "store"))[0].line == 7
    (root / "pkg/store/store.go").write_text("package store\n\n\n\nvar DefaultStore = 1\n")
    assert finder.find("pkg/apply/apply.go", source, Reference("DefaultStore", "store"))[0].line == 5

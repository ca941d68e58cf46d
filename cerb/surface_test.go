package cerb_test

import (
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// exportedSurface is what `go doc -short` lists for the package, then each exported type's
// declaration and the signatures that go with it (`go doc <Type>` without the doc text).
func exportedSurface(t *testing.T) string {
	t.Helper()
	godoc := func(args ...string) string {
		cmd := exec.Command("go", append([]string{"doc"}, args...)...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go doc %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	var b strings.Builder
	b.WriteString("# go doc -short ./cerb\n\n")
	b.WriteString(godoc("-short", "."))
	for _, typ := range exportedNames(t).types {
		b.WriteString("\n# go doc ./cerb." + typ + " (declaration and signatures)\n\n")
		for _, line := range strings.Split(godoc("./."+typ), "\n") {
			if strings.HasPrefix(line, "package ") || strings.HasPrefix(line, "    ") {
				continue // the package line and the doc text
			}
			b.WriteString(line + "\n")
		}
	}
	return strings.ReplaceAll(b.String(), "\n\n\n", "\n\n")
}

// TestExportedSurface pins the exported API in testdata/exported.txt, like kin-openapi's
// committed go doc listings: a change to it must be deliberate and reviewed (go test
// ./cerb -run TestExportedSurface -update rewrites the file).
func TestExportedSurface(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go doc")
	}
	got := exportedSurface(t)
	path := filepath.Join("testdata", "exported.txt")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cerb -run TestExportedSurface -update)", err)
	}
	if got != string(want) {
		t.Errorf("the exported API of package cerb changed; if that is meant, run\n\tgo test ./cerb -run TestExportedSurface -update\nand commit testdata/exported.txt (and a CHANGELOG note)\n\n%s", lineDiff(string(want), got))
	}
}

func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	inW, inG := map[string]int{}, map[string]int{}
	for _, l := range w {
		inW[l]++
	}
	for _, l := range g {
		inG[l]++
	}
	var b strings.Builder
	for _, l := range w {
		if inG[l] == 0 {
			b.WriteString("- " + l + "\n")
		}
	}
	for _, l := range g {
		if inW[l] == 0 {
			b.WriteString("+ " + l + "\n")
		}
	}
	return b.String()
}

type names struct {
	all     []string            // package-level: consts, vars, funcs, types
	types   []string            // exported types, sorted
	methods map[string][]string // type -> exported methods
	aliases []string            // exported type aliases
}

func exportedNames(t *testing.T) names {
	t.Helper()
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, ".", func(fi os.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	astPkg, ok := pkgs["cerb"]
	if !ok {
		t.Fatal("no package cerb")
	}
	p := doc.New(astPkg, "github.com/cerb-openapi/cerb-openapi/cerb", 0)
	n := names{methods: map[string][]string{}}
	values := func(vs []*doc.Value) {
		for _, v := range vs {
			n.all = append(n.all, v.Names...)
		}
	}
	funcs := func(fs []*doc.Func) {
		for _, f := range fs {
			n.all = append(n.all, f.Name)
		}
	}
	values(p.Consts)
	values(p.Vars)
	funcs(p.Funcs)
	for _, typ := range p.Types {
		n.all = append(n.all, typ.Name)
		n.types = append(n.types, typ.Name)
		values(typ.Consts)
		values(typ.Vars)
		funcs(typ.Funcs)
		for _, m := range typ.Methods {
			n.methods[typ.Name] = append(n.methods[typ.Name], m.Name)
		}
		for _, spec := range typ.Decl.Specs {
			if ts, ok := spec.(*ast.TypeSpec); ok && ts.Assign.IsValid() {
				n.aliases = append(n.aliases, typ.Name)
			}
		}
	}
	sort.Strings(n.all)
	sort.Strings(n.types)
	return n
}

// The package users import has one name per concept: no two exported names that differ
// only in case, no X beside XRecord (or XResult, XResponse, ...), no method named like a
// package-level name (APIError.Unauthorized beside a type Unauthorized), and no aliases
// that re-export generated types under a second name.
func TestNoTwinNames(t *testing.T) {
	n := exportedNames(t)
	if len(n.all) < 20 {
		t.Fatalf("found only %d exported names: %v", len(n.all), n.all)
	}
	byFold := map[string]string{}
	for _, name := range n.all {
		key := strings.ToLower(name)
		if prev, dup := byFold[key]; dup {
			t.Errorf("%s and %s differ only in case", prev, name)
		}
		byFold[key] = name
	}
	for _, a := range n.all {
		for _, suffix := range []string{"Record", "Result", "Response", "Data", "Object", "Struct", "Info", "Type", "Value", "Text"} {
			if other, ok := byFold[strings.ToLower(a+suffix)]; ok {
				t.Errorf("%s and %s: twin names for one concept", a, other)
			}
		}
	}
	for typ, ms := range n.methods {
		for _, m := range ms {
			if other, ok := byFold[strings.ToLower(m)]; ok {
				t.Errorf("method %s.%s beside %s", typ, m, other)
			}
		}
	}
	for _, a := range n.aliases {
		t.Errorf("type %s is an alias: give users one name per type", a)
	}
}

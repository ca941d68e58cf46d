package cerb_test

import (
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestReadmeRuns runs the program of the README's "Using the Go client" section as written, against a fake Cerb
// that answers with recorded responses (and contract-checks what the program sent).
func TestReadmeRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program")
	}
	md, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, found := strings.Cut(string(md), "## Using the Go client")
	if !found {
		t.Fatal(`README.md has no "## Using the Go client" section`)
	}
	_, rest, ok := strings.Cut(section, "```go\n")
	code, _, ok2 := strings.Cut(rest, "```\n")
	if !ok || !ok2 {
		t.Fatal("no ```go block in the README section")
	}
	// The program imports one package of this module, cerb, and is gofmt-formatted.
	f, err := parser.ParseFile(token.NewFileSet(), "main.go", code, parser.ImportsOnly)
	if err != nil {
		t.Fatal(err)
	}
	for _, imp := range f.Imports {
		path, _ := strconv.Unquote(imp.Path.Value)
		if strings.HasPrefix(path, "github.com/cerb-openapi/") && path != "github.com/cerb-openapi/cerb-openapi/cerb" {
			t.Errorf("the README program imports %s; it should need only github.com/cerb-openapi/cerb-openapi/cerb", path)
		}
	}
	if formatted, err := format.Source([]byte(code)); err != nil || string(formatted) != code {
		t.Errorf("the README program is not gofmt-formatted (%v)", err)
	}
	composed := recorded(t, "compose-ok.har", "compose-minimal")
	replied := recorded(t, "reply-ok.har", "reply-status-1")
	srv := newFakeCerb(t, func(ex *exchange) answer {
		if strings.Contains(ex.URL, "/tickets/reply.json") {
			return replay(replied)(ex)
		}
		return replay(composed)(ex)
	})
	// The program is a module of its own in a temporary folder, as in a user's project,
	// with this checkout as the cerb-openapi module: nothing is written into the checkout,
	// which may be read-only.
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	gomod := "module readme\n\ngo 1.26\n\nrequire github.com/cerb-openapi/cerb-openapi v0.0.0\n\nreplace github.com/cerb-openapi/cerb-openapi => " + strconv.Quote(root) + "\n"
	for name, data := range map[string][]byte{"go.mod": []byte(gomod), "go.sum": sum, "main.go": []byte(code)} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("go", "run", "-mod=mod", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CERB_BASE_URL="+srv.baseURL(), "CERB_TOKEN=readme-token", "GOWORK=off", "GOFLAGS=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go run README program: %v\n%s", err, out)
	}
	if want := "created ZAA-87972-656\nnow waiting\n"; string(out) != want {
		t.Errorf("output %q, want %q", out, want)
	}
	if n := len(srv.exchanges()); n != 2 {
		t.Errorf("%d requests, want compose + reply", n)
	}
}

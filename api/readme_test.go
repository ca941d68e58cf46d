package api_test

import (
	"os"
	"os/exec"
	"path/filepath"
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
	composed := recorded(t, "compose-ok.har", "compose-minimal")
	replied := recorded(t, "reply-ok.har", "reply-status-1")
	srv := newFakeCerb(t, func(ex *exchange) answer {
		if strings.Contains(ex.URL, "/tickets/reply.json") {
			return replay(replied)(ex)
		}
		return replay(composed)(ex)
	})
	dir, err := os.MkdirTemp("testdata", "readme-") // inside the module, so imports resolve
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	main := filepath.Join(dir, "main.go")
	if err := os.WriteFile(main, []byte(code), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "run", "./"+main)
	cmd.Env = append(os.Environ(), "CERB_BASE_URL="+srv.baseURL(), "CERB_TOKEN=readme-token")
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

package contracttest_test

import (
	"context"
	"flag"
	"path/filepath"
	"testing"

	"github.com/cerb-openapi/cerb-openapi/contract"
	"github.com/cerb-openapi/cerb-openapi/expect"
)

var update = flag.Bool("update", false, "rewrite testdata/manifest.json from the checker's verdicts (review the diff!)")

const manifestPath = "testdata/manifest.json"

// checkBundled runs the checker over every bundled recording, as files on disk.
func checkBundled(t *testing.T) []contract.EntryResult {
	t.Helper()
	c, err := contract.NewChecker(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	names, err := filepath.Glob("testdata/*.har")
	if err != nil || len(names) == 0 {
		t.Fatalf("no bundled recordings: %v", err)
	}
	var out []contract.EntryResult
	for _, n := range names {
		err = c.CheckFile(context.Background(), n, func(r contract.EntryResult) error {
			out = append(out, r)
			return nil
		})
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
	}
	return out
}

// TestManifest pins the verdict on every bundled entry: each one is checked, and each one
// is as the manifest expects.
func TestManifest(t *testing.T) {
	results := checkBundled(t)
	if *update {
		if err := expect.Write(manifestPath, results); err != nil {
			t.Fatal(err)
		}
		t.Skip("manifest rewritten; rerun without -update")
	}
	m, err := expect.Load(manifestPath)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(results), m.Count(); got != want {
		t.Errorf("checked %d entries, manifest has %d", got, want)
	}
	cmp := m.Compare()
	for _, r := range results {
		cmp.Add(r)
	}
	for _, d := range cmp.Finish() {
		t.Error(d)
	}
}

// TestRecordedResponsesValidate: every response the real server sent for the two operations
// conforms, whatever the request was.
func TestRecordedResponsesValidate(t *testing.T) {
	n := 0
	for _, r := range checkBundled(t) {
		if r.Operation == "" {
			continue
		}
		n++
		if r.Response == nil || !r.Response.OK {
			t.Errorf("%s#%d %s: response does not validate: %+v", r.File, r.Entry, r.Comment, r.Response)
		}
	}
	if n < 100 {
		t.Errorf("only %d compose/reply responses checked; the bundled recordings have over 100", n)
	}
}

package contracttest_test

import (
	"context"
	"encoding/json"
	"flag"
	"io/fs"
	"os"
	"testing"

	"github.com/cerb-openapi/cerb-openapi/contract"
	contracttest "github.com/cerb-openapi/cerb-openapi/contract_test"
)

var update = flag.Bool("update", false, "rewrite testdata/manifest.json from the checker's verdicts (review the diff!)")

// checkBundled runs the checker over every bundled recording.
func checkBundled(t *testing.T) []contract.EntryResult {
	t.Helper()
	c, err := contract.NewChecker(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	rec := contracttest.Recordings()
	names, err := fs.Glob(rec, "testdata/*.har")
	if err != nil || len(names) == 0 {
		t.Fatalf("no bundled recordings: %v", err)
	}
	var out []contract.EntryResult
	for _, n := range names {
		f, err := rec.Open(n)
		if err != nil {
			t.Fatal(err)
		}
		err = c.CheckHAR(context.Background(), n, f, func(r contract.EntryResult) error {
			out = append(out, r)
			return nil
		})
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
	}
	return out
}

// TestManifest pins the verdict on every bundled entry.
func TestManifest(t *testing.T) {
	results := checkBundled(t)
	if *update {
		m := contracttest.Manifest{}
		for _, r := range results {
			m[r.File] = append(m[r.File], contracttest.Observed(r))
		}
		b, err := json.MarshalIndent(m, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile("testdata/manifest.json", append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Skip("manifest rewritten; rerun without -update")
	}
	m, err := contracttest.LoadManifest()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(results), m.Count(); got != want {
		t.Errorf("checked %d entries, manifest has %d", got, want)
	}
	for _, r := range results {
		if d := m.Diff(r); d != "" {
			t.Error(d)
		}
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

package contracttest_test

import (
	"context"
	"encoding/json"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cerb-openapi/cerb-openapi/contract"
	"github.com/cerb-openapi/cerb-openapi/expect"
)

var update = flag.Bool("update", false, "rewrite testdata/manifest.json from the checker's verdicts (review the diff!)")

const manifestPath = "testdata/manifest.json"

// checkBundled runs the checker over every bundled recording, as files on disk.
func checkBundled(t *testing.T) []contract.EntryResult {
	t.Helper()
	names, err := filepath.Glob("testdata/*.har")
	if err != nil || len(names) == 0 {
		t.Fatalf("no bundled recordings: %v", err)
	}
	return checkFiles(t, names)
}

// checkListed runs the checker over every file the manifest lists: the bundled recordings
// and the HAR files written by other producers (testdata/producers).
func checkListed(t *testing.T, m *expect.Manifest) []contract.EntryResult {
	t.Helper()
	return checkFiles(t, m.Paths())
}

func checkFiles(t *testing.T, names []string) []contract.EntryResult {
	t.Helper()
	c, err := contract.NewChecker(context.Background())
	if err != nil {
		t.Fatal(err)
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

// TestManifest pins the verdict on every entry of every recording in testdata: each one is
// checked, and each one is as the manifest expects.
func TestManifest(t *testing.T) {
	m, err := expect.Load(manifestPath)
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		paths := m.Paths()
		for _, n := range testdataHARs(t) {
			if _, ok := m.Listed(n); !ok {
				paths = append(paths, n)
			}
		}
		m.Files = map[string][]expect.Expectation{}
		for _, p := range paths {
			m.Files[m.Key(p)] = nil
		}
		if err := expect.Write(manifestPath, checkListed(t, m), paths...); err != nil {
			t.Fatal(err)
		}
		t.Skip("manifest rewritten; rerun without -update")
	}
	results := checkListed(t, m)
	for _, n := range testdataHARs(t) {
		if _, ok := m.Listed(n); !ok {
			t.Errorf("%s is not in %s: every recording in testdata has its verdicts pinned (go test -update, then review)", n, manifestPath)
		}
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

// testdataHARs lists the recordings under testdata: every file but the manifest, READMEs
// and the sidecar bodies that a HAR in the same folder names in "_file".
func testdataHARs(t *testing.T) []string {
	t.Helper()
	sidecars := map[string]bool{}
	var files []string
	err := filepath.WalkDir("testdata", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		base := d.Name()
		if p == manifestPath || strings.EqualFold(filepath.Ext(base), ".md") {
			return nil
		}
		files = append(files, p)
		if data, err := os.ReadFile(p); err == nil && json.Valid(data) {
			for _, name := range sidecarNames(data) {
				sidecars[filepath.Join(filepath.Dir(p), filepath.FromSlash(name))] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range files {
		if !sidecars[f] {
			out = append(out, f)
		}
	}
	return out
}

// sidecarNames returns the "_file" names of a HAR's entries.
func sidecarNames(data []byte) []string {
	var doc struct {
		Log struct {
			Entries []struct {
				Request struct {
					PostData *struct {
						File string `json:"_file"`
					} `json:"postData"`
				} `json:"request"`
				Response struct {
					Content struct {
						File string `json:"_file"`
					} `json:"content"`
				} `json:"response"`
			} `json:"entries"`
		} `json:"log"`
	}
	if json.Unmarshal(data, &doc) != nil {
		return nil
	}
	var out []string
	for _, e := range doc.Log.Entries {
		if pd := e.Request.PostData; pd != nil && pd.File != "" {
			out = append(out, pd.File)
		}
		if f := e.Response.Content.File; f != "" {
			out = append(out, f)
		}
	}
	return out
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// copyBundled copies the bundled recordings and their manifest into a new folder.
func copyBundled(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Dir(bundledManifest)
	// The whole folder, producers' subfolders and sidecar files included: the manifest lists
	// files in them.
	err := os.CopyFS(dir, os.DirFS(src))
	if err != nil {
		t.Fatalf("bundled recordings: %v", err)
	}
	return dir
}

// TestCheckExpect: --expect compares every verdict with the manifest and notices entries
// that were never checked; unreadable input is exit 2 in this mode too (it used to pass
// with a bundled recording cut short: "every verdict matches … (130 entries)" for 134).
func TestCheckExpect(t *testing.T) {
	all := manifestEntries(t)
	tests := []struct {
		name   string
		edit   func(t *testing.T, dir string) // changes the copy of the bundled folder
		args   func(dir string) []string      // after "check"
		code   int
		stderr []string
		not    []string
	}{
		{"all as expected", nil, func(d string) []string { return []string{"--expect", filepath.Join(d, "manifest.json")} },
			exitOK, []string{"every verdict matches", fmt.Sprintf("(%d entries)", all)}, []string{"differs"}},
		{"a recording cut short", func(t *testing.T, d string) { truncate(t, filepath.Join(d, "reply-ok.har"), 3000) },
			func(d string) []string { return []string{"--expect", filepath.Join(d, "manifest.json")} },
			exitUsage, []string{"reply-ok.har is truncated", "reply-ok.har#32 (", "expected but not checked"}, []string{"every verdict matches"}},
		{"a recording missing", func(t *testing.T, d string) { rm(t, filepath.Join(d, "routing.har")) },
			func(d string) []string { return []string{"--expect", filepath.Join(d, "manifest.json")} },
			exitUsage, []string{"routing.har: no such file", "routing.har#0 (", "expected but not checked"}, []string{"every verdict matches"}},
		{"a verdict differs", func(t *testing.T, d string) {
			editManifest(t, d, func(m map[string][]map[string]any) { m["compose-ok.har"][0]["request"] = []string{"body /subject"} })
		}, func(d string) []string { return []string{"--expect", filepath.Join(d, "manifest.json")} },
			exitMismatch, []string{`compose-ok.har#0 (compose-minimal): request problems [], want ["body /subject"]`, "1 of the verdicts differ"}, nil},
		{"an entry not in the manifest", func(t *testing.T, d string) {
			editManifest(t, d, func(m map[string][]map[string]any) { m["other.har"] = m["other.har"][1:] })
		}, func(d string) []string { return []string{"--expect", filepath.Join(d, "manifest.json")} },
			exitMismatch, []string{"other.har#0: not in the manifest"}, nil},
		{"given files: only those must be complete", nil,
			func(d string) []string {
				return []string{"--expect", filepath.Join(d, "manifest.json"), filepath.Join(d, "reply-ok.har")}
			},
			exitOK, []string{"every verdict matches", "(33 entries)"}, []string{"not checked"}},
		{"a file outside the manifest's folder", nil,
			func(d string) []string {
				return []string{"--expect", filepath.Join(d, "manifest.json"), filepath.Join(filepath.Dir(bundledManifest), "routing.har")}
			},
			exitMismatch, []string{"routing.har#0: the file is outside the manifest's folder"}, nil},
		{"manifest with an unknown field", func(t *testing.T, d string) {
			editManifest(t, d, func(m map[string][]map[string]any) { m["compose-ok.har"][0]["reqest"] = []string{} })
		}, func(d string) []string { return []string{"--expect", filepath.Join(d, "manifest.json")} },
			exitUsage, []string{"manifest.json: ", `unknown field "reqest"`}, nil},
		{"manifest not JSON", func(t *testing.T, d string) {
			os.WriteFile(filepath.Join(d, "manifest.json"), []byte(`{"a.har": [}`), 0o644)
		}, func(d string) []string { return []string{"--expect", filepath.Join(d, "manifest.json")} },
			exitUsage, []string{"manifest.json: byte 12: invalid character '}'"}, nil},
		{"manifest missing", nil, func(d string) []string { return []string{"--expect", filepath.Join(d, "nope.json")} },
			exitUsage, []string{"nope.json: no such file"}, nil},
		{"--update-expect without --expect", nil, func(d string) []string { return []string{"--update-expect", filepath.Join(d, "other.har")} },
			exitUsage, []string{"--update-expect needs --expect"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := copyBundled(t)
			if tt.edit != nil {
				tt.edit(t, dir)
			}
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), append([]string{"check"}, tt.args(dir)...), &stdout, &stderr)
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstderr:\n%s", code, tt.code, stderr.String())
			}
			for _, s := range tt.stderr {
				if !strings.Contains(stderr.String(), s) {
					t.Errorf("stderr lacks %q:\n%s", s, stderr.String())
				}
			}
			for _, s := range tt.not {
				if strings.Contains(stderr.String(), s) {
					t.Errorf("stderr has %q:\n%s", s, stderr.String())
				}
			}
		})
	}
}

// TestUpdateExpect: a team records a manifest for its own recordings, reviews it, and
// from then on check --expect holds them to it.
func TestUpdateExpect(t *testing.T) {
	fx := makeFixtures(t)
	dir := filepath.Dir(fx.mixed)
	manifest := filepath.Join(dir, "expected.json")
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"check", "--expect", manifest, "--update-expect", fx.mixed, fx.reqBad}, &stdout, &stderr); code != exitOK {
		t.Fatalf("update: exit %d\n%s", code, stderr.String())
	}
	data, err := os.ReadFile(manifest)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string][]struct {
		Entry     int      `json:"entry"`
		Operation string   `json:"operation"`
		Request   []string `json:"request"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	if len(m["mixed.har"]) != 3 || m["mixed.har"][1].Operation != "" || len(m["reqbad.har"]) != 1 || m["reqbad.har"][0].Request[0] != "body /group_id" {
		t.Fatalf("manifest:\n%s", data)
	}
	// Held to it: both files as recorded pass, though they hold violations.
	stderr.Reset()
	if code := run(context.Background(), []string{"check", "--expect", manifest}, &stdout, &stderr); code != exitOK {
		t.Fatalf("check: exit %d\n%s", code, stderr.String())
	}
	// A recording that changes verdict fails.
	writeHAR(t, dir, "reqbad.har", bundledEntry(t, "compose-ok.har", 0))
	stderr.Reset()
	if code := run(context.Background(), []string{"check", "--expect", manifest}, &stdout, &stderr); code != exitMismatch ||
		!strings.Contains(stderr.String(), `reqbad.har#0 (compose-missing-group_id): request problems [], want ["body /group_id"]`) {
		t.Fatalf("changed verdict: exit %d\n%s", code, stderr.String())
	}
	// Not written over unreadable input.
	stderr.Reset()
	before, _ := os.ReadFile(manifest)
	if code := run(context.Background(), []string{"check", "--expect", manifest, "--update-expect", fx.truncated}, &stdout, &stderr); code != exitUsage ||
		!strings.Contains(stderr.String(), "not written") {
		t.Fatalf("truncated: exit %d\n%s", code, stderr.String())
	}
	if after, _ := os.ReadFile(manifest); !bytes.Equal(before, after) {
		t.Error("manifest rewritten from unreadable input")
	}
}

func truncate(t *testing.T, path string, by int64) {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, st.Size()-by); err != nil {
		t.Fatal(err)
	}
}

func rm(t *testing.T, path string) {
	t.Helper()
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
}

func editManifest(t *testing.T, dir string, edit func(map[string][]map[string]any)) {
	t.Helper()
	path := filepath.Join(dir, "manifest.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string][]map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	if data, err = json.Marshal(m); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestCheckSpecWithoutServerPath: a team's spec variant with the /rest prefix in its paths and
// no servers, or a server URL without a path, routes the recorded requests (it routed none).
func TestCheckSpecWithoutServerPath(t *testing.T) {
	spec, err := os.ReadFile("../../openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s := string(spec)
	i, j := strings.Index(s, "\nservers:\n"), strings.Index(s, "\nsecurity:\n")
	if i < 0 || j < i {
		t.Fatal("openapi.yaml: no servers block before security")
	}
	prefixed := strings.NewReplacer("\n  /tickets/compose.json:", "\n  /rest/tickets/compose.json:", "\n  /tickets/reply.json:", "\n  /rest/tickets/reply.json:")
	variants := map[string]string{
		"no servers":          s[:i] + s[j:],
		"server without path": s[:i] + "\nservers:\n  - url: https://cerb.example" + s[j:],
		"server at a bare /":  s[:i] + "\nservers:\n  - url: https://cerb.example/" + s[j:],
	}
	fx := makeFixtures(t)
	for name, v := range variants {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "spec.yaml")
			if err := os.WriteFile(path, []byte(prefixed.Replace(v)), 0o644); err != nil {
				t.Fatal(err)
			}
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), []string{"check", "--spec", path, fx.mixed}, &stdout, &stderr)
			// compose-minimal and reply-minimal route and conform; the GET does not route.
			if code != exitMismatch || !strings.Contains(stdout.String(), "3 pairs: 2 ok, 1 flagged (1 match no operation)") {
				t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout.String(), stderr.String())
			}
		})
	}
}

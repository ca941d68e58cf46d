package main

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckContainers: a HAR is read by its content whatever it is called: gzip'd, zlib'd
// (mitmproxy's .zhar), or in a zip with its sidecar bodies (Playwright).
func TestCheckContainers(t *testing.T) {
	good, err := os.ReadFile(filepath.Join("testdata", "bad", "good.har"))
	if err != nil {
		t.Fatal(err)
	}
	// The same HAR with its first response body moved to a sidecar file.
	var doc map[string]any
	if err := json.Unmarshal(good, &doc); err != nil {
		t.Fatal(err)
	}
	content := doc["log"].(map[string]any)["entries"].([]any)[0].(map[string]any)["response"].(map[string]any)["content"].(map[string]any)
	body := content["text"].(string)
	delete(content, "text")
	content["_file"] = "bodies/0.json"
	attached, _ := json.Marshal(doc)

	compress := func(kind string, data []byte) []byte {
		var buf bytes.Buffer
		if kind == "gzip" {
			w := gzip.NewWriter(&buf)
			w.Write(data)
			w.Close()
		} else {
			w := zlib.NewWriter(&buf)
			w.Write(data)
			w.Close()
		}
		return buf.Bytes()
	}
	zipped := func() []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for name, data := range map[string][]byte{"har.har": attached, "bodies/0.json": []byte(body)} {
			w, _ := zw.Create(name)
			w.Write(data)
		}
		zw.Close()
		return buf.Bytes()
	}

	tests := []struct {
		name, file string
		data       []byte
		sidecar    bool
		code       int
		stdout     []string
	}{
		{"gzip", "rec.har.gz", compress("gzip", good), false, exitOK, []string{"2 pairs: 2 ok"}},
		{"zlib named .har", "rec.har", compress("zlib", good), false, exitOK, []string{"2 pairs: 2 ok"}},
		{"mitmproxy .zhar", "rec.zhar", compress("zlib", good), false, exitOK, []string{"2 pairs: 2 ok"}},
		{"Playwright zip", "rec.zip", zipped(), false, exitOK, []string{"2 pairs: 2 ok"}},
		{"attach with sidecar", "rec.har", attached, true, exitOK, []string{"2 pairs: 2 ok"}},
		{"attach without its sidecar", "rec.har", attached, false, exitUsage, []string{`{file}: entry 0: response body (content._file): file "bodies/0.json": open bodies/0.json: no such file or directory`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, tc.file)
			if err := os.WriteFile(path, tc.data, 0o644); err != nil {
				t.Fatal(err)
			}
			if tc.sidecar {
				os.MkdirAll(filepath.Join(dir, "bodies"), 0o755)
				os.WriteFile(filepath.Join(dir, "bodies", "0.json"), []byte(body), 0o644)
			}
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), []string{"check", path}, &stdout, &stderr)
			if code != tc.code {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, stdout.String(), stderr.String())
			}
			for _, want := range tc.stdout {
				want = strings.ReplaceAll(want, "{file}", path)
				if !strings.Contains(stdout.String()+stderr.String(), want) {
					t.Errorf("output lacks %q:\n%s%s", want, stdout.String(), stderr.String())
				}
			}
		})
	}
}

// TestFailOnUnrecorded: a body that was not recorded fails the check by default, and
// --fail-on without "unrecorded" lets it pass, with the summary counting it either way.
func TestFailOnUnrecorded(t *testing.T) {
	good, err := os.ReadFile(filepath.Join("testdata", "bad", "good.har"))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	json.Unmarshal(good, &doc)
	content := doc["log"].(map[string]any)["entries"].([]any)[1].(map[string]any)["response"].(map[string]any)["content"].(map[string]any)
	delete(content, "text") // as Playwright's content "omit" leaves it: size, no text
	content["size"] = 3712
	omitted, _ := json.Marshal(doc)
	path := filepath.Join(t.TempDir(), "omit.har")
	os.WriteFile(path, omitted, 0o644)

	for _, tc := range []struct {
		flags []string
		code  int
	}{
		{nil, exitMismatch},
		{[]string{"--fail-on", "any"}, exitMismatch},
		{[]string{"--fail-on", "unrecorded"}, exitMismatch},
		{[]string{"--fail-on", "request,response"}, exitOK},
	} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), append(append([]string{"check"}, tc.flags...), path), &stdout, &stderr)
		if code != tc.code {
			t.Errorf("%v: exit %d, want %d\n%s%s", tc.flags, code, tc.code, stdout.String(), stderr.String())
		}
		for _, want := range []string{"SKIP " + path + "#1 replyToTicket", "response body not recorded: the HAR has no text for it, but content.size says 3712 bytes", "2 pairs: 1 ok, 0 flagged, 1 with a body not recorded"} {
			if !strings.Contains(stdout.String(), want) {
				t.Errorf("%v: report lacks %q:\n%s", tc.flags, want, stdout.String())
			}
		}
	}
}

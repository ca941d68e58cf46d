package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	contracttest "github.com/cerb-openapi/cerb-openapi/contract_test"
	"github.com/cerb-openapi/cerb-openapi/expect"
	"github.com/cerb-openapi/cerb-openapi/har"
)

// bundledManifest is the manifest of the bundled recordings, seen from this package.
const bundledManifest = "../../contract_test/testdata/manifest.json"

// bundledEntry returns one entry of a bundled recording.
func bundledEntry(t *testing.T, file string, index int) har.Entry {
	t.Helper()
	f, err := contracttest.Recordings().Open("testdata/" + file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	l, err := har.ReadAll(f, file)
	if err != nil {
		t.Fatal(err)
	}
	return l.Entries[index]
}

// writeHAR writes entries through har.Writer, as the recorder does.
func writeHAR(t *testing.T, dir, name string, entries ...har.Entry) string {
	t.Helper()
	path := filepath.Join(dir, name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w, err := har.NewWriter(f, path, har.Creator{Name: "main_test", Version: "1"}, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if _, err := w.Append(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

type fixtures struct{ good, reqBad, respBad, unknown, mixed, truncated string }

func makeFixtures(t *testing.T) fixtures {
	dir := t.TempDir()
	good := bundledEntry(t, "compose-ok.har", 0)       // compose-minimal: conforms
	reqBad := bundledEntry(t, "compose-errors.har", 0) // compose-missing-group_id: request problem
	respBad := bundledEntry(t, "compose-ok.har", 0)
	respBad.Response.Content.Text = `{"__status":"weird"}`
	respBad.Response.Content.Encoding = ""
	unknown := bundledEntry(t, "other.har", 2) // GET /rest/tickets/2.json: no such operation
	reply := bundledEntry(t, "reply-ok.har", 0)

	fx := fixtures{
		good:    writeHAR(t, dir, "good.har", good),
		reqBad:  writeHAR(t, dir, "reqbad.har", reqBad),
		respBad: writeHAR(t, dir, "respbad.har", respBad),
		unknown: writeHAR(t, dir, "unknown.har", unknown),
		mixed:   writeHAR(t, dir, "mixed.har", good, unknown, reply),
	}
	// A recording whose writer died inside the third entry.
	fx.truncated = writeHAR(t, dir, "truncated.har", good, reply, good)
	st, err := os.Stat(fx.truncated)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(fx.truncated, st.Size()-2000); err != nil {
		t.Fatal(err)
	}
	return fx
}

func TestRunExitCodes(t *testing.T) {
	fx := makeFixtures(t)
	all := manifestEntries(t)
	tests := []struct {
		name      string
		args      []string
		code      int
		stdout    []string // substrings
		stderr    []string
		notStdout []string
	}{
		{"no arguments", nil, exitUsage, nil, []string{"usage:"}, nil},
		{"help", []string{"help"}, exitOK, nil, []string{"cerbcontract record"}, nil},
		{"unknown command", []string{"frob"}, exitUsage, nil, []string{`unknown command "frob"`}, nil},
		{"check without files", []string{"check"}, exitUsage, nil, []string{"no HAR files given", "--expect contract_test/testdata/manifest.json"}, nil},
		{"bundled vs manifest", []string{"check", "--expect", bundledManifest}, exitOK, []string{fmt.Sprintf("%d pairs", all)}, []string{"every verdict matches", fmt.Sprintf("(%d entries)", all)}, nil},
		{"bundled, one operation", []string{"check", "--expect", bundledManifest, "--operation", "replyToTicket"}, exitOK, []string{"replyToTicket"}, []string{"every verdict matches"}, []string{"composeTicket"}},
		{"good", []string{"check", fx.good}, exitOK, []string{"1 pairs: 1 ok"}, nil, nil},
		{"request problem", []string{"check", fx.reqBad}, exitMismatch, []string{"request  body /group_id"}, nil, nil},
		{"request problem, fail on response", []string{"check", "--fail-on", "response", fx.reqBad}, exitOK, []string{"FAIL"}, nil, nil},
		{"request problem, fail on request", []string{"check", fx.reqBad, "--fail-on=request"}, exitMismatch, nil, nil, nil},
		{"response problem", []string{"check", fx.respBad}, exitMismatch, []string{"response body"}, nil, nil},
		{"response problem, fail on request", []string{"check", "--fail-on", "request", fx.respBad}, exitOK, nil, nil, nil},
		{"response problem, fail on response", []string{"check", "--fail-on", "response", fx.respBad}, exitMismatch, nil, nil, nil},
		{"unknown operation", []string{"check", fx.unknown}, exitMismatch, []string{"no operation"}, nil, nil},
		{"unknown operation, skipped: nothing left", []string{"check", "--skip-unknown", fx.unknown}, exitUsage, []string{"0 pairs"}, []string{"no entry was checked (every entry was left out by --operation or --skip-unknown); --allow-empty"}, nil},
		{"unknown operation, skipped, allowed empty", []string{"check", "--skip-unknown", "--allow-empty", fx.unknown}, exitOK, []string{"0 pairs"}, nil, nil},
		{"fail-on list", []string{"check", "--fail-on", "response,unrecorded", fx.reqBad}, exitOK, nil, nil, nil},
		{"fail-on list with request", []string{"check", "--fail-on", "unrecorded, request", fx.reqBad}, exitMismatch, nil, nil, nil},
		{"unknown operation, fail on response", []string{"check", "--fail-on", "response", fx.unknown}, exitOK, nil, nil, nil},
		{"operation filter", []string{"check", "--operation", "composeTicket", fx.mixed}, exitOK, []string{"1 pairs: 1 ok", "compose-minimal"}, nil, []string{"reply-minimal", "get-ticket"}},
		{"operation filter keeps its failures", []string{"check", "--operation", "composeTicket", fx.mixed, fx.reqBad}, exitMismatch, []string{"compose-missing-group_id"}, nil, nil},
		{"skip unknown on mixed", []string{"check", "--skip-unknown", fx.mixed}, exitOK, []string{"2 pairs: 2 ok"}, nil, []string{"get-ticket"}},
		{"bad --fail-on", []string{"check", "--fail-on", "both", fx.good}, exitUsage, nil, []string{"--fail-on"}, nil},
		{"bad --operation", []string{"check", "--operation", "deleteTicket", fx.good}, exitUsage, nil, []string{"composeTicket, replyToTicket"}, nil},
		{"bad format", []string{"check", "--format", "xml", fx.good}, exitUsage, nil, []string{"junit"}, nil},
		{"missing file", []string{"check", filepath.Join(t.TempDir(), "nope.har")}, exitUsage, nil, []string{"nope.har"}, nil},
		{"truncated", []string{"check", fx.truncated}, exitUsage, []string{"truncated.har#0", "truncated.har#1", "ERROR", "truncated HAR"}, []string{"truncated.har is truncated", "2 entries before the cut were checked"}, nil},
		{"truncated, github", []string{"check", "--format", "github", fx.truncated}, exitUsage, []string{"title=truncated HAR file::"}, nil, nil},
		{"junit", []string{"check", "--format", "junit", fx.good, fx.reqBad}, exitMismatch, []string{`<?xml`, `<testsuite name="` + fx.reqBad + `" tests="1" failures="1"`, `<failure message="request body /group_id`}, nil, nil},
		{"github", []string{"check", "--format", "github", fx.reqBad, fx.good}, exitMismatch, []string{"::error file=" + fx.reqBad + ",title=compose-missing-group_id::entry 0 composeTicket POST /rest/tickets/compose.json → 200: request body /group_id: required field is missing", "::notice title=cerbcontract::2 pairs: 1 ok"}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tt.args, &stdout, &stderr)
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, stdout.String(), stderr.String())
			}
			for _, s := range tt.stdout {
				if !strings.Contains(stdout.String(), s) {
					t.Errorf("stdout lacks %q:\n%s", s, stdout.String())
				}
			}
			for _, s := range tt.notStdout {
				if strings.Contains(stdout.String(), s) {
					t.Errorf("stdout has %q:\n%s", s, stdout.String())
				}
			}
			for _, s := range tt.stderr {
				if !strings.Contains(stderr.String(), s) {
					t.Errorf("stderr lacks %q:\n%s", s, stderr.String())
				}
			}
		})
	}
}

// keysOf returns an object's keys in document order.
func keysOf(t *testing.T, raw json.RawMessage) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %s", raw)
	}
	var keys []string
	for dec.More() {
		tok, _ := dec.Token()
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

func TestCheckJSONLines(t *testing.T) {
	fx := makeFixtures(t)
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"check", "--format", "json", fx.mixed, fx.reqBad}, &stdout, &stderr); code != exitMismatch {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	lines := strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d lines, want one per entry (4):\n%s", len(lines), stdout.String())
	}
	want := []struct {
		file      string
		entry     int
		operation string
		reqOK     bool
		response  bool
	}{
		{fx.mixed, 0, "composeTicket", true, true},
		{fx.mixed, 1, "", false, false},
		{fx.mixed, 2, "replyToTicket", true, true},
		{fx.reqBad, 0, "composeTicket", false, true},
	}
	top := []string{"file", "entry", "comment", "method", "url", "outcome", "operation", "request", "response"}
	for i, line := range lines {
		var obj map[string]json.RawMessage
		if err := json.Unmarshal([]byte(line), &obj); err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
		if got := keysOf(t, []byte(line)); strings.Join(got, ",") != strings.Join(top, ",") {
			t.Errorf("line %d keys %v, want %v", i, got, top)
		}
		var l struct {
			File      string `json:"file"`
			Entry     int    `json:"entry"`
			Comment   string `json:"comment"`
			Method    string `json:"method"`
			URL       string `json:"url"`
			Outcome   string `json:"outcome"`
			Operation string `json:"operation"`
			Request   struct {
				OK       bool              `json:"ok"`
				Problems []json.RawMessage `json:"problems"`
			} `json:"request"`
			Response *struct {
				Status   int               `json:"status"`
				OK       bool              `json:"ok"`
				Problems []json.RawMessage `json:"problems"`
			} `json:"response"`
		}
		dec := json.NewDecoder(strings.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&l); err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
		w := want[i]
		if l.File != w.file || l.Entry != w.entry || l.Operation != w.operation || l.Request.OK != w.reqOK || (l.Response != nil) != w.response || l.Method == "" || l.URL == "" || l.Comment == "" {
			t.Errorf("line %d = %+v, want %+v", i, l, w)
		}
		if got := keysOf(t, obj["request"]); strings.Join(got, ",") != "ok,problems" {
			t.Errorf("line %d request keys %v", i, got)
		}
		if !w.response && string(obj["response"]) != "null" {
			t.Errorf("line %d: response %s, want null (no operation matched)", i, obj["response"])
		}
		if w.response {
			if got := keysOf(t, obj["response"]); strings.Join(got, ",") != "status,ok,problems" {
				t.Errorf("line %d response keys %v", i, got)
			}
		}
		for _, p := range l.Request.Problems {
			if got := keysOf(t, p); strings.Join(got, ",") != "where,pointer,message" {
				t.Errorf("line %d problem keys %v", i, got)
			}
		}
		if w.reqOK && string(bytes.TrimSpace(mustField(t, obj["request"], "problems"))) != "[]" {
			t.Errorf("line %d: problems of a conforming request must be [], got %s", i, obj["request"])
		}
	}
}

func mustField(t *testing.T, raw json.RawMessage, key string) json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m[key]
}

func TestRecordUsage(t *testing.T) {
	existing := filepath.Join(t.TempDir(), "exists.har")
	os.WriteFile(existing, []byte("{}"), 0o644)
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"no upstream", []string{"record", "--out", "x.har"}, "usage: cerbcontract record"},
		{"no out", []string{"record", "--upstream", "http://cerb.example"}, "usage: cerbcontract record"},
		{"bad upstream", []string{"record", "--upstream", "cerb.example", "--out", "x.har"}, "--upstream"},
		{"file exists", []string{"record", "--upstream", "http://cerb.example", "--out", existing}, "--force"},
		{"bad listen", []string{"record", "--upstream", "http://cerb.example", "--out", filepath.Join(t.TempDir(), "y.har"), "--listen", "256.0.0.1:-1"}, "listen"},
		{"zero upstream timeout", []string{"record", "--upstream", "http://cerb.example", "--out", filepath.Join(t.TempDir(), "z.har"), "--upstream-timeout", "0s"}, "usage: cerbcontract record"},
		{"bad upstream timeout", []string{"record", "--upstream", "http://cerb.example", "--out", filepath.Join(t.TempDir(), "z.har"), "--upstream-timeout", "soon"}, "upstream-timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(context.Background(), tt.args, &stdout, &stderr); code != exitUsage {
				t.Errorf("exit %d, want %d", code, exitUsage)
			}
			if !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderr, stderr.String())
			}
		})
	}
	if data, _ := os.ReadFile(existing); string(data) != "{}" {
		t.Error("an existing file was overwritten without --force")
	}
}

// TestRecordCommand runs the proxy, sends a pair through it, stops it as a signal would and
// checks the recording.
func TestRecordCommand(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Set-Cookie", "Devblocks=s3ss10n; path=/; httponly")
		w.Write([]byte(`{"__status":"error","__version":"10.4.10","__build":2024031401,"__error":"ERROR","message":"The 'subject' parameter is required"}`))
	}))
	defer up.Close()
	out := filepath.Join(t.TempDir(), "rec.har")
	rec := startRecord(t, up.URL, out)
	addr, stderr := rec.addr, &rec.stderr
	var resp *http.Response
	var err error
	for range 200 { // until the proxy listens
		req, _ := http.NewRequest("POST", "http://"+addr+"/rest/tickets/compose.json", strings.NewReader("group_id=1&content=hi"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "Bearer s3cr3t-t0ken")
		if resp, err = http.DefaultClient.Do(req); err == nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("proxy never answered: %v\n%s", err, stderr.String())
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	code := rec.stop(t)
	// The --check found the missing subject: exit 1, logged without the token.
	if code != exitMismatch || !strings.Contains(stderr.String(), "1 pairs recorded") || !strings.Contains(stderr.String(), "/subject") {
		t.Errorf("exit %d, stderr:\n%s", code, stderr.String())
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"s3cr3t-t0ken", "s3ss10n"} {
		if strings.Contains(string(data), secret) || strings.Contains(stderr.String(), secret) {
			t.Errorf("%q leaked", secret)
		}
	}
	var so, se bytes.Buffer
	if code := run(context.Background(), []string{"check", out}, &so, &se); code != exitMismatch || !strings.Contains(so.String(), "request  body /subject") {
		t.Errorf("check of the recording: exit %d\n%s%s", code, so.String(), se.String())
	}
}

// recording is `cerbcontract record --check` running on a free port, for a test.
type recording struct {
	addr           string
	stdout, stderr syncBuf
	cancel         context.CancelFunc
	done           chan int
}

func startRecord(t *testing.T, upstream, out string) *recording {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &recording{addr: ln.Addr().String(), done: make(chan int, 1)}
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	t.Cleanup(cancel)
	go func() {
		r.done <- run(ctx, []string{"record", "--upstream", upstream, "--listen", r.addr, "--out", out, "--check"}, &r.stdout, &r.stderr)
	}()
	return r
}

// stop interrupts the recorder and returns its exit status.
func (r *recording) stop(t *testing.T) int {
	t.Helper()
	r.cancel()
	select {
	case code := <-r.done:
		return code
	case <-time.After(10 * time.Second):
		t.Fatal("record did not stop")
		return 0
	}
}

// syncBuf is a buffer written by the command's goroutines and read by the test.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// manifestEntries counts the entries the bundled manifest expects.
func manifestEntries(t *testing.T) int {
	t.Helper()
	m, err := expect.Load(bundledManifest)
	if err != nil {
		t.Fatal(err)
	}
	if m.Count() < 200 {
		t.Fatalf("the bundled manifest expects only %d entries", m.Count())
	}
	return m.Count()
}

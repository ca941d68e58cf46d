package expect_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cerb-openapi/cerb-openapi/contract"
	"github.com/cerb-openapi/cerb-openapi/expect"
)

func TestParseRefuses(t *testing.T) {
	tests := []struct{ name, json, want string }{
		{"empty", ``, "empty file: not a manifest"},
		{"not an object", `[]`, "byte 1: json: cannot unmarshal array"},
		{"truncated", `{"a.har": [{"entry": 0`, "unexpected EOF"},
		{"unknown field", `{"a.har": [{"entry": 0, "operaton": "x"}]}`, `unknown field "operaton"`},
		{"data after it", `{} {}`, "byte 3: data after the manifest object"},
		{"entry twice", `{"a.har": [{"entry": 1}, {"entry": 1}]}`, `file "a.har": entry 1 is listed twice`},
		{"negative entry", `{"a.har": [{"entry": -1}]}`, `entry -1: want an index from 0`},
		{"file twice after cleaning", `{"a.har": [], "./a.har": []}`, `is listed twice`},
		{"file outside the folder", `{"../a.har": []}`, `want a path relative to the manifest's folder, inside it`},
		{"absolute file", `{"/tmp/a.har": []}`, `want a path relative`},
		{"empty file name", `{"": []}`, `want a path relative`},
		{"wrong type", `{"a.har": [{"entry": "0"}]}`, `byte 24: json: cannot unmarshal string`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := expect.Parse("dir/m.json", []byte(tt.json))
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "dir/m.json: ") {
				t.Fatalf("error %v, want one naming dir/m.json and saying %q", err, tt.want)
			}
		})
	}
}

func TestLoadMissing(t *testing.T) {
	_, err := expect.Load(filepath.Join(t.TempDir(), "m.json"))
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "m.json") {
		t.Fatalf("error %v", err)
	}
}

func TestKeyAndPaths(t *testing.T) {
	m, err := expect.Parse(filepath.Join("rec", "manifest.json"), []byte(`{"b.har": [], "sub/a.har": []}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Paths(); len(got) != 2 || got[0] != filepath.Join("rec", "b.har") || got[1] != filepath.Join("rec", "sub", "a.har") {
		t.Errorf("Paths %q", got)
	}
	abs, _ := filepath.Abs(filepath.Join("rec", "sub", "a.har"))
	for in, want := range map[string]string{
		"rec/b.har":          "b.har",
		"./rec/../rec/b.har": "b.har",
		abs:                  "sub/a.har",
		"b.har":              "",
		"other/rec/b.har":    "",
	} {
		if got := m.Key(in); got != want {
			t.Errorf("Key(%q) = %q, want %q", in, got, want)
		}
	}
}

func result(file string, entry int, op string, req []contract.Problem, resp []contract.Problem) contract.EntryResult {
	r := contract.EntryResult{File: file, Entry: entry, Comment: "case" + string(rune('A'+entry)) + ": details"}
	r.Operation = op
	r.Request = contract.Verdict{OK: len(req) == 0, Problems: req}
	if op != "" {
		r.Response = &contract.ResponseVerdict{Status: 200, Verdict: contract.Verdict{OK: len(resp) == 0, Problems: resp}}
	}
	return r
}

func TestCompare(t *testing.T) {
	m, err := expect.Parse("m.json", []byte(`{
	  "a.har": [
	    {"entry": 0, "case": "caseA", "operation": "composeTicket", "request": [], "response": []},
	    {"entry": 1, "case": "caseB", "operation": "composeTicket", "request": ["body /status"], "response": []},
	    {"entry": 2, "case": "caseC", "operation": "", "request": ["route"], "response": null}
	  ],
	  "b.har": [{"entry": 0, "case": "caseA", "operation": "replyToTicket", "request": [], "response": []}]
	}`))
	if err != nil {
		t.Fatal(err)
	}
	status := []contract.Problem{{Where: "body", Pointer: "/status", Message: "whatever the words"}}
	route := []contract.Problem{{Where: "route", Message: "no operation"}}

	c := m.Compare()
	for _, r := range []contract.EntryResult{
		result("a.har", 0, "composeTicket", nil, nil),
		result("a.har", 1, "composeTicket", append(status, status...), nil), // same place twice counts once
		result("a.har", 2, "", route, nil),
	} {
		if d, differs := c.Add(r); differs {
			t.Errorf("entry %d differs: %s", r.Entry, d)
		}
	}
	d, differs := c.Add(result("a.har", 3, "composeTicket", nil, nil))
	if !differs || d.What != "not in the manifest m.json" {
		t.Errorf("unlisted entry: %v %v", differs, d)
	}
	got := c.Finish()
	if len(got) != 2 || got[1].File != "b.har" || got[1].Entry != 0 || !strings.Contains(got[1].What, "not checked") {
		t.Errorf("Finish: %v", got)
	}

	// A verdict that moved: the operation, the problems' places, the response side.
	c = m.Compare()
	d, _ = c.Add(result("a.har", 1, "replyToTicket", nil, status))
	for _, want := range []string{`operation "replyToTicket", want "composeTicket"`, `request problems [], want ["body /status"]`, `response problems ["body /status"], want []`} {
		if !strings.Contains(d.String(), want) {
			t.Errorf("difference %q lacks %q", d, want)
		}
	}
	d, _ = c.Add(result("a.har", 2, "composeTicket", nil, nil))
	if !strings.Contains(d.What, "response problems [], want none (no response checked)") {
		t.Errorf("difference %q", d)
	}

	// CompareFiles: only the files given must be complete; Seen counts as checked.
	c = m.CompareFiles([]string{"b.har"})
	c.Seen(result("b.har", 0, "replyToTicket", nil, nil))
	if got := c.Finish(); len(got) != 0 {
		t.Errorf("CompareFiles: %v", got)
	}
	if c.Compared() != 0 {
		t.Errorf("Compared %d after Seen only", c.Compared())
	}
}

func TestWriteRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.json")
	results := []contract.EntryResult{
		result(filepath.Join(dir, "x.har"), 0, "composeTicket", []contract.Problem{{Where: "security"}}, nil),
		result(filepath.Join(dir, "x.har"), 1, "", []contract.Problem{{Where: "route"}}, nil),
		{File: filepath.Join(dir, "x.har"), Entry: 2, Err: errors.New("entry 2: bad base64")},
	}
	if err := expect.Write(path, results); err != nil {
		t.Fatal(err)
	}
	m, err := expect.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	c := m.Compare()
	for _, r := range results {
		if d, differs := c.Add(r); differs {
			t.Error(d)
		}
	}
	if got := c.Finish(); len(got) != 0 {
		t.Error(got)
	}
	if err := expect.Write(path, []contract.EntryResult{result("/elsewhere/y.har", 0, "", nil, nil)}); err == nil || !strings.Contains(err.Error(), "outside the manifest's folder") {
		t.Errorf("outside: %v", err)
	}
}

// TestUnrecordedAndPreflight: a body not recorded and a CORS preflight are part of the
// verdict: a manifest that expects them differs when they change, and an empty file is
// listed as such.
func TestUnrecordedAndPreflight(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.json")
	har := filepath.Join(dir, "x.har")
	unrec := result(har, 0, "replyToTicket", nil, nil)
	unrec.Response.Unrecorded = "response body not recorded: …"
	pre := contract.EntryResult{File: har, Entry: 1, Method: "OPTIONS",
		Result: contract.Result{Request: contract.Verdict{OK: true, Problems: []contract.Problem{}}, Preflight: &contract.Preflight{Method: "POST", Path: "/rest/tickets/compose.json", Operation: "composeTicket"}}}
	empty := filepath.Join(dir, "empty.har")
	if err := expect.Write(path, []contract.EntryResult{unrec, pre}, har, empty); err != nil {
		t.Fatal(err)
	}
	m, err := expect.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if es, ok := m.Listed(empty); !ok || len(es) != 0 {
		t.Errorf("empty file listed %v with %d entries, want listed with none", ok, len(es))
	}
	if es, _ := m.Listed(har); len(es) != 2 || !slices.Equal(es[0].Unrecorded, []string{"response"}) || es[1].Preflight != "POST /rest/tickets/compose.json" {
		t.Fatalf("expectations %+v", es)
	}
	c := m.Compare()
	recorded := result(har, 0, "replyToTicket", nil, nil) // the same pair with its body
	if d, differs := c.Add(recorded); !differs || !strings.Contains(d.What, `bodies not recorded [], want ["response"]`) {
		t.Errorf("body now recorded: %v %v", differs, d)
	}
	call := result(har, 1, "", []contract.Problem{{Where: "route"}}, nil) // no longer a preflight
	if d, differs := c.Add(call); !differs || !strings.Contains(d.What, `CORS preflight "", want "POST /rest/tickets/compose.json"`) {
		t.Errorf("preflight gone: %v %v", differs, d)
	}
}

// TestWarningKeys: a warning is pinned apart from a problem on the same pointer.
func TestWarningKeys(t *testing.T) {
	r := contract.EntryResult{File: "a.har", Result: contract.Result{Operation: "composeTicket", Request: contract.Verdict{OK: true, Problems: []contract.Problem{
		{Where: "body", Pointer: "/file_id[]/0", Message: "cannot be decoded"},
		{Where: "body", Pointer: "/file_id[]/0", Message: "joined", Severity: contract.SeverityWarning},
		{Where: "body", Pointer: "/subject", Message: "undefined", Severity: contract.SeverityWarning},
	}}}}
	got := expect.Observed(r).Request
	want := []string{"body /file_id[]/0", "warning body /file_id[]/0", "warning body /subject"}
	if !slices.Equal(got, want) {
		t.Errorf("keys %q, want %q", got, want)
	}
}

package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cerb-openapi/cerb-openapi/contract"
	"github.com/cerb-openapi/cerb-openapi/har"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// sample covers every kind of verdict, with the characters the formats must escape.
func sample() ([]contract.EntryResult, error) {
	const file = "rec:1,a%.har"
	rs := []contract.EntryResult{
		{File: file, Entry: 0, Comment: "compose-ok: fine", Method: "POST", URL: "https://cerb.example/rest/tickets/compose.json",
			Result: contract.Result{Operation: "composeTicket", Request: contract.Verdict{OK: true, Problems: []contract.Problem{}},
				Response: &contract.ResponseVerdict{Status: 200, Verdict: contract.Verdict{OK: true, Problems: []contract.Problem{}}}}},
		{File: file, Entry: 1, Comment: "compose-status-9: status out of range", Method: "POST", URL: "https://cerb.example/rest/tickets/compose.json",
			Result: contract.Result{Operation: "composeTicket",
				Request:  contract.Verdict{OK: false, Problems: []contract.Problem{{Where: "body", Pointer: "/status", Message: "value 9 is not one of 0, 1, 2, 3"}, {Where: "body", Pointer: "/subject", Message: "100% <wrong> & \"bad\"\nsecond line\r"}}},
				Response: &contract.ResponseVerdict{Status: 200, Verdict: contract.Verdict{OK: true, Problems: []contract.Problem{}}}}},
		{File: file, Entry: 2, Method: "POST", URL: "https://cerb.example/rest/tickets/reply.json",
			Result: contract.Result{Operation: "replyToTicket", Request: contract.Verdict{OK: true, Problems: []contract.Problem{}},
				Response: &contract.ResponseVerdict{Status: 500, Verdict: contract.Verdict{OK: false, Problems: []contract.Problem{{Where: "status", Message: "status is not declared for this operation"}}}}}},
		{File: file, Entry: 3, Comment: "compose-get", Method: "GET", URL: "https://cerb.example/rest/tickets/compose.json",
			Result: contract.Result{Request: contract.Verdict{OK: false, Problems: []contract.Problem{{Where: "route", Message: "no operation GET /rest/tickets/compose.json in the spec (the path has POST only)"}}}}},
		{File: file, Entry: 4, Err: errors.New(`rec:1,a%.har: entry 4: field "request.method": number value where string expected`)},
		{File: file, Entry: 5, Comment: "omitted: Playwright content omit", Method: "POST", URL: "https://cerb.example/rest/tickets/reply.json",
			Result: contract.Result{Operation: "replyToTicket", Request: contract.Verdict{OK: true, Problems: []contract.Problem{}},
				Response: &contract.ResponseVerdict{Status: 200, Verdict: contract.Verdict{OK: true, Problems: []contract.Problem{}, Unrecorded: "response body not recorded: the HAR has no text for it, but content.size says 3712 bytes"}}}},
		{File: file, Entry: 6, Method: "OPTIONS", URL: "https://cerb.example/rest/tickets/compose.json",
			Result: contract.Result{Request: contract.Verdict{OK: true, Problems: []contract.Problem{}},
				Preflight: &contract.Preflight{Method: "POST", Path: "/rest/tickets/compose.json", Operation: "composeTicket"}}},
	}
	fatal := &har.SyntaxError{File: "cut.har", Entry: 2, Offset: 1234, Err: har.ErrTruncated}
	return rs, fatal
}

func render(t *testing.T, format string) string {
	t.Helper()
	var buf bytes.Buffer
	var rep Reporter
	if format == "junit" {
		clock := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
		rep = NewJUnit(&buf, func() time.Time { clock = clock.Add(1500 * time.Microsecond); return clock })
	} else {
		var err error
		if rep, err = New(format, &buf); err != nil {
			t.Fatal(err)
		}
	}
	rs, fatal := sample()
	for _, r := range rs {
		if err := rep.Entry(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := rep.Fatal("cut.har", fatal); err != nil {
		t.Fatal(err)
	}
	if err := rep.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the output:\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func TestGitHubGolden(t *testing.T) {
	out := render(t, "github")
	golden(t, "github.golden", out)
	for i, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		// A workflow command is one line; its properties hold no raw separators.
		cmd, data, ok := strings.Cut(line, "::")
		if cmd != "" || !ok {
			t.Fatalf("line %d is not a workflow command: %q", i, line)
		}
		props, msg, ok := strings.Cut(data, "::")
		if !ok || strings.ContainsAny(msg, "\r") {
			t.Fatalf("line %d: %q", i, line)
		}
		if _, p, ok := strings.Cut(props, " "); ok {
			for _, kv := range strings.Split(p, ",") {
				if k, v, _ := strings.Cut(kv, "="); strings.ContainsAny(v, ":,") || (k != "file" && k != "title") {
					t.Errorf("line %d: bad property %q", i, kv)
				}
			}
		}
	}
}

func TestGitHubEscape(t *testing.T) {
	tests := []struct{ in, data, prop string }{
		{"plain", "plain", "plain"},
		{"a%b", "a%25b", "a%25b"},
		{"a\r\nb", "a%0D%0Ab", "a%0D%0Ab"},
		{"file:1,2", "file:1,2", "file%3A1%2C2"},
		{"%0A", "%250A", "%250A"},
	}
	for _, tt := range tests {
		if got := escapeData(tt.in); got != tt.data {
			t.Errorf("escapeData(%q) = %q, want %q", tt.in, got, tt.data)
		}
		if got := escapeProperty(tt.in); got != tt.prop {
			t.Errorf("escapeProperty(%q) = %q, want %q", tt.in, got, tt.prop)
		}
	}
}

func TestJUnitGolden(t *testing.T) {
	golden(t, "junit.golden.xml", render(t, "junit"))
}

// The strict shape of a JUnit report: every element and attribute our output may contain.
type xTestsuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Tests    *int         `xml:"tests,attr"`
	Failures *int         `xml:"failures,attr"`
	Errors   *int         `xml:"errors,attr"`
	Time     *string      `xml:"time,attr"`
	Suites   []xTestsuite `xml:"testsuite"`
}

type xTestsuite struct {
	Name     *string     `xml:"name,attr"`
	Tests    *int        `xml:"tests,attr"`
	Failures *int        `xml:"failures,attr"`
	Errors   *int        `xml:"errors,attr"`
	Skipped  *int        `xml:"skipped,attr"`
	Time     *string     `xml:"time,attr"`
	Cases    []xTestcase `xml:"testcase"`
}

type xTestcase struct {
	Name      *string   `xml:"name,attr"`
	Classname *string   `xml:"classname,attr"`
	Time      *string   `xml:"time,attr"`
	Failures  []xResult `xml:"failure"`
	Errors    []xResult `xml:"error"`
	Skipped   []xResult `xml:"skipped"`
}

type xResult struct {
	Message *string `xml:"message,attr"`
	Type    *string `xml:"type,attr"`
	Text    string  `xml:",chardata"`
}

// allowed lists each element's permitted children: the decoder above ignores unknown ones.
var allowed = map[string][]string{
	"":           {"testsuites"},
	"testsuites": {"testsuite"},
	"testsuite":  {"testcase"},
	"testcase":   {"failure", "error", "skipped"},
	"failure":    {},
	"error":      {},
	"skipped":    {},
}

func checkElements(t *testing.T, data []byte) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(data))
	stack := []string{""}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v", err)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			parent := stack[len(stack)-1]
			ok := false
			for _, c := range allowed[parent] {
				ok = ok || c == el.Name.Local
			}
			if !ok || el.Name.Space != "" {
				t.Errorf("<%s> inside <%s> is not in the JUnit shape", el.Name.Local, parent)
			}
			stack = append(stack, el.Name.Local)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		}
	}
}

func TestJUnitSchema(t *testing.T) {
	out := render(t, "junit")
	checkElements(t, []byte(out))
	var doc xTestsuites
	if err := xml.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	isTime := func(s *string) bool {
		var f float64
		_, err := fmt.Sscanf(deref(s), "%f", &f)
		return s != nil && err == nil && f >= 0
	}
	if doc.Tests == nil || doc.Failures == nil || doc.Errors == nil || !isTime(doc.Time) {
		t.Fatalf("testsuites lacks counts or time: %s", out)
	}
	tests, failures, errs, skipped := 0, 0, 0, 0
	for _, s := range doc.Suites {
		if s.Name == nil || s.Tests == nil || s.Failures == nil || s.Errors == nil || !isTime(s.Time) {
			t.Fatalf("testsuite %q lacks a required attribute", deref(s.Name))
		}
		f, e, sk := 0, 0, 0
		for _, c := range s.Cases {
			if c.Name == nil || c.Classname == nil || *c.Classname != *s.Name || !isTime(c.Time) {
				t.Errorf("testcase %q: name, classname (= file) and time required", deref(c.Name))
			}
			for _, r := range append(c.Failures, c.Errors...) {
				if r.Message == nil || r.Type == nil || *r.Message == "" {
					t.Errorf("testcase %q: failure/error without message or type", deref(c.Name))
				}
			}
			for _, r := range c.Skipped {
				if r.Message == nil || *r.Message == "" {
					t.Errorf("testcase %q: skipped without a message saying why", deref(c.Name))
				}
			}
			if len(c.Failures)+len(c.Errors)+len(c.Skipped) > 1 {
				t.Errorf("testcase %q: more than one of failure, error, skipped", deref(c.Name))
			}
			f += len(c.Failures)
			e += len(c.Errors)
			sk += len(c.Skipped)
		}
		if s.Skipped == nil || *s.Skipped != sk {
			t.Errorf("testsuite %q: skipped=%v, cases say %d", deref(s.Name), s.Skipped, sk)
		}
		skipped += sk
		if *s.Tests != len(s.Cases) || *s.Failures != f || *s.Errors != e {
			t.Errorf("testsuite %q counts tests=%d failures=%d errors=%d, cases say %d %d %d", *s.Name, *s.Tests, *s.Failures, *s.Errors, len(s.Cases), f, e)
		}
		tests, failures, errs = tests+*s.Tests, failures+*s.Failures, errs+*s.Errors
	}
	if *doc.Tests != tests || *doc.Failures != failures || *doc.Errors != errs {
		t.Errorf("testsuites counts %d/%d/%d, suites sum to %d/%d/%d", *doc.Tests, *doc.Failures, *doc.Errors, tests, failures, errs)
	}
	// sample(): 7 entries and a file cut short; a body not recorded and a CORS preflight are
	// skipped, neither passed nor failed.
	if tests != 8 || failures != 3 || errs != 2 || skipped != 2 {
		t.Errorf("tests=%d failures=%d errors=%d skipped=%d, want 8 3 2 2", tests, failures, errs, skipped)
	}
	if !strings.Contains(out, `type="truncated"`) || !strings.Contains(out, "second line") {
		t.Errorf("problems missing from the report:\n%s", out)
	}
}

// TestJUnitXSD validates against testdata/junit.xsd with xmllint (Debian: libxml2-utils,
// which .ci/run installs). Without it the test skips on a developer's machine and fails in CI
// (CI=true), where a skip would hide that it never ran.
func TestJUnitXSD(t *testing.T) {
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("xmllint not installed in CI: apt-get install libxml2-utils")
		}
		t.Skip("xmllint not installed (apt-get install libxml2-utils)")
	}
	path := filepath.Join(t.TempDir(), "report.xml")
	if err := os.WriteFile(path, []byte(render(t, "junit")), 0o644); err != nil {
		t.Fatal(err)
	}
	// An empty report must validate too.
	var empty bytes.Buffer
	NewJUnit(&empty, nil).Close()
	emptyPath := filepath.Join(t.TempDir(), "empty.xml")
	os.WriteFile(emptyPath, empty.Bytes(), 0o644)
	for _, p := range []string{path, emptyPath} {
		out, err := exec.Command(xmllint, "--noout", "--schema", filepath.Join("testdata", "junit.xsd"), p).CombinedOutput()
		if err != nil {
			t.Errorf("xmllint %s: %v\n%s", p, err, out)
		}
	}
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

func TestNewFormats(t *testing.T) {
	for _, f := range Formats {
		if _, err := New(f, io.Discard); err != nil {
			t.Errorf("New(%q): %v", f, err)
		}
	}
	if _, err := New("xml", io.Discard); err == nil || !strings.Contains(err.Error(), "junit") {
		t.Errorf("New(xml) = %v, want an error listing the formats", err)
	}
}

// TestOutcomes: every format says what became of each kind of entry, so that a body not
// recorded or a preflight is neither read as a pass nor as a failure.
func TestOutcomes(t *testing.T) {
	text := render(t, "text")
	for _, want := range []string{
		"ok   rec:1,a%.har#0 composeTicket",
		"FAIL rec:1,a%.har#1 composeTicket",
		"SKIP rec:1,a%.har#5 replyToTicket POST /rest/tickets/reply.json → 200 omitted\n      response body not recorded: the HAR has no text for it, but content.size says 3712 bytes\n",
		"CORS rec:1,a%.har#6 - OPTIONS /rest/tickets/compose.json \n      CORS preflight for POST /rest/tickets/compose.json (composeTicket): the browser's, not checked\n",
		"7 pairs: 1 ok, 4 flagged (1 match no operation), 1 with a body not recorded (not checked whole), 1 CORS preflight(s) (not checked)",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text report lacks %q:\n%s", want, text)
		}
	}
	var outcomes []string
	for _, line := range strings.Split(strings.TrimSpace(render(t, "json")), "\n") {
		var l Line
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			t.Fatal(err)
		}
		outcomes = append(outcomes, string(l.Outcome))
	}
	if got, want := strings.Join(outcomes, ","), "ok,flagged,flagged,flagged,unreadable,unrecorded,preflight"; got != want {
		t.Errorf("JSON outcomes %s, want %s", got, want)
	}
}

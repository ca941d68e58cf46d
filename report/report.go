// Package report writes contract verdicts for people (text) and machines (json, one object
// per line; junit, JUnit XML for CI test reports; github, GitHub Actions annotations). Each format is a Reporter: Entry is called once per HAR entry, in order, and
// Close writes any summary.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/cerb-openapi/cerb-openapi/contract"
)

// Reporter receives verdicts in order.
type Reporter interface {
	Entry(r contract.EntryResult) error
	// Fatal records a file that could not be read (any further).
	Fatal(file string, err error) error
	Close() error
}

// New returns the reporter for a format name.
func New(format string, w io.Writer) (Reporter, error) {
	switch format {
	case "text", "":
		return &Text{w: w}, nil
	case "json":
		return &JSON{enc: json.NewEncoder(w)}, nil
	case "junit":
		return NewJUnit(w, nil), nil
	case "github":
		return &GitHub{w: w}, nil
	}
	return nil, fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats, ", "))
}

// Formats lists the format names New accepts.
var Formats = []string{"text", "json", "junit", "github"}

// Line is the JSON form of one entry's verdict.
type Line struct {
	File    string `json:"file"`
	Entry   int    `json:"entry"`
	Comment string `json:"comment"`
	Method  string `json:"method"`
	URL     string `json:"url"`
	// Outcome is ok, flagged, unrecorded (a body was sent but not recorded), preflight (a
	// CORS preflight, not checked) or unreadable.
	Outcome   contract.Outcome          `json:"outcome"`
	Operation string                    `json:"operation"`
	Request   contract.Verdict          `json:"request"`
	Response  *contract.ResponseVerdict `json:"response"`
	Preflight *contract.Preflight       `json:"preflight,omitempty"`
}

// LineOf converts a verdict; an unreadable entry becomes a request problem at "har".
func LineOf(r contract.EntryResult) Line {
	l := Line{File: r.File, Entry: r.Entry, Comment: r.Comment, Method: r.Method, URL: r.URL,
		Outcome: r.Outcome(), Operation: r.Operation, Request: r.Request, Response: r.Response, Preflight: r.Preflight}
	if r.Err != nil {
		l.Operation, l.Response = "", nil
		l.Request = contract.Verdict{OK: false, Problems: []contract.Problem{{Where: "har", Message: r.Err.Error()}}}
	}
	if l.Request.Problems == nil {
		l.Request.Problems = []contract.Problem{}
	}
	return l
}

// JSON writes one object per entry, one per line.
type JSON struct{ enc *json.Encoder }

func (j *JSON) Entry(r contract.EntryResult) error { return j.enc.Encode(LineOf(r)) }

// Fatal writes nothing: the JSON stream holds exactly one object per entry, and the command
// reports unreadable files on standard error.
func (j *JSON) Fatal(file string, err error) error { return nil }

func (j *JSON) Close() error { return nil }

// Summary counts verdicts.
type Summary struct {
	Pairs, OK, Flagged, NoOperation, Unreadable, FatalFiles int
	// Unrecorded counts pairs with nothing wrong found but a body not recorded; Preflights
	// the CORS preflights; Warned the conforming pairs with a warning (none is in OK or
	// Flagged).
	Unrecorded, Preflights, Warned int
	// Reasons counts flagged pairs by where their first problem is (request:body, response:status, …).
	Reasons map[string]int
}

// Add counts one verdict.
func (s *Summary) Add(r contract.EntryResult) {
	if s.Reasons == nil {
		s.Reasons = map[string]int{}
	}
	s.Pairs++
	switch r.Outcome() {
	case contract.OutcomeUnreadable:
		s.Unreadable++
		s.Flagged++
		s.Reasons["har"]++
	case contract.OutcomeOK:
		s.OK++
	case contract.OutcomeUnrecorded:
		s.Unrecorded++
	case contract.OutcomePreflight:
		s.Preflights++
	case contract.OutcomeWarned:
		s.Warned++
	default:
		s.Flagged++
		if r.Operation == "" {
			s.NoOperation++
		}
		seen := map[string]bool{}
		for _, p := range r.Request.Problems {
			seen["request:"+p.Where] = true
		}
		if r.Response != nil {
			for _, p := range r.Response.Problems {
				seen["response:"+p.Where] = true
			}
		}
		for k := range seen {
			s.Reasons[k]++
		}
	}
}

func (s Summary) String() string {
	var reasons []string
	for _, k := range sortedKeys(s.Reasons) {
		reasons = append(reasons, fmt.Sprintf("%s %d", k, s.Reasons[k]))
	}
	out := fmt.Sprintf("%d pairs: %d ok, %d flagged", s.Pairs, s.OK, s.Flagged)
	if s.NoOperation > 0 {
		out += fmt.Sprintf(" (%d match no operation)", s.NoOperation)
	}
	if s.Warned > 0 {
		out += fmt.Sprintf(", %d with a warning (a value most likely sent by mistake)", s.Warned)
	}
	if s.Unrecorded > 0 {
		out += fmt.Sprintf(", %d with a body not recorded (not checked whole)", s.Unrecorded)
	}
	if s.Preflights > 0 {
		out += fmt.Sprintf(", %d CORS preflight(s) (not checked)", s.Preflights)
	}
	if len(reasons) > 0 {
		out += "; flagged by " + strings.Join(reasons, ", ")
	}
	if s.FatalFiles > 0 {
		out += fmt.Sprintf("; %d file(s) unreadable or empty", s.FatalFiles)
	}
	return out
}

func sortedKeys(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Text writes one line per pair, its problems indented under it, then a summary.
type Text struct {
	w   io.Writer
	sum Summary
}

func (t *Text) Entry(r contract.EntryResult) error {
	t.sum.Add(r)
	l := LineOf(r)
	status := "ok  "
	switch l.Outcome {
	case contract.OutcomeFlagged, contract.OutcomeUnreadable:
		status = "FAIL"
	case contract.OutcomeUnrecorded:
		status = "SKIP"
	case contract.OutcomeWarned:
		status = "WARN"
	case contract.OutcomePreflight:
		status = "CORS"
	}
	op := l.Operation
	if op == "" {
		op = "-"
	}
	resp := ""
	if l.Response != nil {
		resp = fmt.Sprintf(" → %d", l.Response.Status)
	}
	name := l.Comment
	if i := strings.IndexByte(name, ':'); i > 0 {
		name = name[:i]
	}
	if _, err := fmt.Fprintf(t.w, "%s %s#%d %s %s %s%s %s\n", status, l.File, l.Entry, op, l.Method, pathOf(l.URL), resp, name); err != nil {
		return err
	}
	for _, line := range detailLines(l) {
		if _, err := fmt.Fprintf(t.w, "      %s\n", line); err != nil {
			return err
		}
	}
	return nil
}

// detailLines lists what the text report prints under an entry: its problems, then what
// was not recorded, or the call a preflight asks about.
func detailLines(l Line) []string {
	var out []string
	for _, p := range l.Request.Problems {
		out = append(out, "request  "+p.String())
	}
	if l.Response != nil {
		for _, p := range l.Response.Problems {
			out = append(out, "response "+p.String())
		}
	}
	out = append(out, unrecordedLines(l)...)
	if pf := l.Preflight; pf != nil {
		out = append(out, "CORS preflight for "+preflightTarget(pf)+": the browser's, not checked")
	}
	return out
}

// unrecordedLines says which bodies were sent but not recorded, and why the checker thinks so.
func unrecordedLines(l Line) []string {
	var out []string
	if l.Request.Unrecorded != "" {
		out = append(out, l.Request.Unrecorded)
	}
	if l.Response != nil && l.Response.Unrecorded != "" {
		out = append(out, l.Response.Unrecorded)
	}
	return out
}

func preflightTarget(pf *contract.Preflight) string {
	t := pf.Method + " " + pf.Path
	if pf.Operation != "" {
		t += " (" + pf.Operation + ")"
	} else {
		t += " (no operation in the spec)"
	}
	return t
}

func (t *Text) Fatal(file string, err error) error {
	t.sum.FatalFiles++
	_, werr := fmt.Fprintf(t.w, "ERROR %v\n", err)
	return werr
}

func (t *Text) Close() error {
	_, err := fmt.Fprintln(t.w, t.sum.String())
	return err
}

// pathOf shortens a URL to its path and query for the text report.
func pathOf(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		rest := u[i+3:]
		if j := strings.IndexByte(rest, '/'); j >= 0 {
			return rest[j:]
		}
	}
	return u
}

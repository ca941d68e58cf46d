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
	File      string                    `json:"file"`
	Entry     int                       `json:"entry"`
	Comment   string                    `json:"comment"`
	Method    string                    `json:"method"`
	URL       string                    `json:"url"`
	Operation string                    `json:"operation"`
	Request   contract.Verdict          `json:"request"`
	Response  *contract.ResponseVerdict `json:"response"`
}

// LineOf converts a verdict; an unreadable entry becomes a request problem at "har".
func LineOf(r contract.EntryResult) Line {
	l := Line{File: r.File, Entry: r.Entry, Comment: r.Comment, Method: r.Method, URL: r.URL,
		Operation: r.Operation, Request: r.Request, Response: r.Response}
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
	// Reasons counts flagged pairs by where their first problem is (request:body, response:status, …).
	Reasons map[string]int
}

// Add counts one verdict.
func (s *Summary) Add(r contract.EntryResult) {
	if s.Reasons == nil {
		s.Reasons = map[string]int{}
	}
	s.Pairs++
	switch {
	case r.Err != nil:
		s.Unreadable++
		s.Flagged++
		s.Reasons["har"]++
	case r.OK():
		s.OK++
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
	if len(reasons) > 0 {
		out += "; flagged by " + strings.Join(reasons, ", ")
	}
	if s.FatalFiles > 0 {
		out += fmt.Sprintf("; %d file(s) unreadable", s.FatalFiles)
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
	if !r.OK() {
		status = "FAIL"
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
	for _, p := range l.Request.Problems {
		if _, err := fmt.Fprintf(t.w, "      request  %s\n", p); err != nil {
			return err
		}
	}
	if l.Response != nil {
		for _, p := range l.Response.Problems {
			if _, err := fmt.Fprintf(t.w, "      response %s\n", p); err != nil {
				return err
			}
		}
	}
	return nil
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

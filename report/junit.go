package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/cerb-openapi/cerb-openapi/contract"
	"github.com/cerb-openapi/cerb-openapi/har"
)

// JUnit writes JUnit XML in the shape CI systems read (the Jenkins/Ant junit-10.xsd shape):
// one testsuite per HAR file, one testcase per pair (classname = the file), a failure on a
// flagged pair carrying its problems, an error on an unreadable entry or file. The document
// is written by Close, as the counts go on its opening tags.
type JUnit struct {
	w      io.Writer
	now    func() time.Time
	last   time.Time
	suites []*JUnitSuite
	byFile map[string]*JUnitSuite
}

// NewJUnit returns a JUnit reporter; now times the cases (nil means time.Now). Each case's
// time is the time since the previous case, that is, the time spent checking it.
func NewJUnit(w io.Writer, now func() time.Time) *JUnit {
	if now == nil {
		now = time.Now
	}
	return &JUnit{w: w, now: now, last: now(), byFile: map[string]*JUnitSuite{}}
}

func (j *JUnit) suite(file string) *JUnitSuite {
	s := j.byFile[file]
	if s == nil {
		s = &JUnitSuite{Name: file}
		j.byFile[file] = s
		j.suites = append(j.suites, s)
	}
	return s
}

// tick returns the seconds since the previous case.
func (j *JUnit) tick() float64 {
	t := j.now()
	d := t.Sub(j.last).Seconds()
	j.last = t
	if d < 0 {
		d = 0
	}
	return d
}

func seconds(d float64) string { return fmt.Sprintf("%.3f", d) }

// CaseName names an entry in reports: "entry N: case" (see caseLabel).
func CaseName(r contract.EntryResult) string {
	if label := caseLabel(r); label != "" {
		return fmt.Sprintf("entry %d: %s", r.Entry, label)
	}
	return fmt.Sprintf("entry %d", r.Entry)
}

// caseLabel is the case from the entry's comment (up to its first colon, as the bundled
// recordings write "case: description"), else the method and path, else "".
func caseLabel(r contract.EntryResult) string {
	name, _, _ := strings.Cut(r.Comment, ":")
	if name = strings.TrimSpace(name); name != "" {
		return name
	}
	return strings.TrimSpace(r.Method + " " + pathOf(r.URL))
}

// problemLines lists an entry's problems as "request body /x: …" lines.
func problemLines(l Line) []string {
	var out []string
	for _, p := range l.Request.Problems {
		out = append(out, "request "+p.String())
	}
	if l.Response != nil {
		for _, p := range l.Response.Problems {
			out = append(out, "response "+p.String())
		}
	}
	return out
}

func (j *JUnit) Entry(r contract.EntryResult) error {
	s := j.suite(r.File)
	d := j.tick()
	s.Seconds += d
	c := JUnitCase{Name: CaseName(r), Classname: r.File, Time: seconds(d)}
	l := LineOf(r)
	switch l.Outcome {
	case contract.OutcomeUnreadable:
		c.Error = &JUnitProblem{Message: r.Err.Error(), Type: "har", Text: r.Err.Error()}
		s.Errors++
	case contract.OutcomeUnrecorded:
		// Neither passed nor failed: a body was not there to check.
		c.Skipped = &JUnitSkipped{Message: strings.Join(unrecordedLines(l), "; ")}
		s.Skipped++
	case contract.OutcomePreflight:
		c.Skipped = &JUnitSkipped{Message: "CORS preflight for " + preflightTarget(l.Preflight) + ": not checked"}
		s.Skipped++
	case contract.OutcomeWarned:
		// Passed: a warning fails only with --fail-on warning, which the exit status says.
		c.SystemOut = strings.Join(problemLines(l), "\n")
	case contract.OutcomeFlagged:
		lines := problemLines(l)
		msg, typ := "no operation matched", "route"
		if len(lines) > 0 {
			msg = lines[0]
			if len(lines) > 1 {
				msg += fmt.Sprintf(" (and %d more)", len(lines)-1)
			}
			typ = firstWhere(l)
		}
		ctx := fmt.Sprintf("%s %s", l.Method, l.URL)
		if l.Operation != "" {
			ctx = l.Operation + " " + ctx
		}
		if l.Response != nil {
			ctx += fmt.Sprintf(" → %d", l.Response.Status)
		}
		c.Failure = &JUnitProblem{Message: msg, Type: typ, Text: ctx + "\n" + strings.Join(lines, "\n")}
		s.Failures++
	}
	s.Tests++
	s.Cases = append(s.Cases, c)
	return nil
}

// Fatal adds an errored case for a file that could not be read any further.
func (j *JUnit) Fatal(file string, err error) error {
	s := j.suite(file)
	d := j.tick()
	s.Seconds += d
	typ := "unreadable"
	if isTruncated(err) {
		typ = "truncated"
	}
	s.Tests++
	s.Errors++
	s.Cases = append(s.Cases, JUnitCase{Name: "read " + file, Classname: file, Time: seconds(d),
		Error: &JUnitProblem{Message: err.Error(), Type: typ, Text: err.Error()}})
	return nil
}

func (j *JUnit) Close() error {
	all := JUnitSuites{Name: "cerbcontract", Suites: j.suites}
	if all.Suites == nil {
		all.Suites = []*JUnitSuite{}
	}
	var total float64
	for _, s := range j.suites {
		s.Time = seconds(s.Seconds)
		total += s.Seconds
		all.Tests += s.Tests
		all.Failures += s.Failures
		all.Errors += s.Errors
	}
	all.Time = seconds(total)
	return WriteJUnitXML(j.w, &all)
}

func isTruncated(err error) bool {
	return err != nil && strings.Contains(err.Error(), har.ErrTruncated.Error())
}

// firstWhere classifies a flagged entry by its first problem: request:body, response:status…
func firstWhere(l Line) string {
	if len(l.Request.Problems) > 0 {
		return "request:" + l.Request.Problems[0].Where
	}
	if l.Response != nil && len(l.Response.Problems) > 0 {
		return "response:" + l.Response.Problems[0].Where
	}
	return "route"
}

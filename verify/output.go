package verify

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/cerb-openapi/cerb-openapi/report"
)

// Formats are the report formats of Write.
var Formats = []string{"text", "json", "junit"}

// Write writes the report in format (text, json or junit).
func (r *Report) Write(w io.Writer, format string) error {
	switch format {
	case "text":
		return r.WriteText(w)
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	case "junit":
		return r.WriteJUnit(w)
	}
	return fmt.Errorf("%w: unknown format %q (want %s)", ErrUsage, format, strings.Join(Formats, ", "))
}

// replay is the command line that sends a case again.
func (r *Report) replay(name string) string {
	spec := ""
	if r.Spec != "" {
		spec = " --spec " + shellQuote(r.Spec)
	}
	return fmt.Sprintf("cerbcontract verify --base-url %s --group-id %d%s --seed %d --case %s",
		shellQuote(r.BaseURL), r.GroupID, spec, r.Seed, shellQuote(name))
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// WriteText writes a line per case, then the known exceptions, the drift with what to
// replay, the records created and a summary.
func (r *Report) WriteText(w io.Writer) error {
	ew := &errWriter{w: w}
	label := map[string]string{VerdictOK: "ok", VerdictKnown: "KNOWN", VerdictUnverified: "SKIP", VerdictDrift: "DRIFT"}
	for _, res := range r.Results {
		ew.printf("%-5s %s (HTTP %d, %s)\n", label[res.Verdict], res.Case, res.Status, acceptedText(res))
		for _, d := range res.Drifts {
			ew.printf("      %s %s: %s\n", d.Kind, cmp.Or(d.Field, "(request)"), d.Message)
		}
	}
	if len(r.Known) > 0 {
		ew.printf("\nknown exceptions (the server accepts what the spec refuses; %s says why):\n", ExtServerAccepts)
		for _, k := range r.Known {
			ew.printf("  %s %s (%s): %s\n", k.Operation, k.Field, k.Keyword, oneLine(k.Why))
		}
	}
	if len(r.Drifts) > 0 {
		ew.printf("\ndrift:\n")
		for _, g := range groupDrifts(r.Drifts) {
			d := g[0]
			ew.printf("  %s %s %s in %d case(s): %s\n", d.Kind, d.Operation, cmp.Or(d.Field, "(request)"), len(g), d.Message)
			ew.printf("    replay: %s\n", d.Replay)
			if d.Request != nil {
				ew.printf("    request: %s %s\n", d.Request.Method, d.Request.URL)
				for _, k := range d.Request.headerNames() {
					ew.printf("             %s: %s\n", k, d.Request.Header[k])
				}
				ew.printf("             (%s) %s\n", d.Request.Media, d.Request.Body)
			}
		}
	}
	ew.printf("\ncreated %d record(s), subjects starting %q:\n", len(r.Created), r.Marker)
	for _, c := range r.Created {
		ew.printf("  %s %d %s %q (%s)\n", c.Kind, c.ID, c.Mask, c.Subject, c.Case)
	}
	for _, c := range r.Cleanup {
		ew.printf("  cleanup: %s\n", c)
	}
	ew.printf("\n%s\n", r.Summary())
	return ew.err
}

// Summary is the report's last line.
func (r *Report) Summary() string {
	c := r.Counts
	return fmt.Sprintf("cerbcontract verify: %d positive, %d random, %d negative cases, %d requests in %.1f s (seed %d): %d ok, %d known (%d distinct exceptions), %d unverified, %d drift",
		c.Positive, c.Random, c.Negative, c.Requests, r.Duration, r.Seed, c.OK, c.Known, len(r.Known), c.Unverified, c.Drift)
}

func acceptedText(res Result) string {
	if res.Accepted {
		return "accepted"
	}
	return "refused " + quote(res.Message)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// groupDrifts groups drift by kind, operation and field, in order of first appearance.
func groupDrifts(ds []Drift) [][]Drift {
	var keys []string
	groups := map[string][]Drift{}
	for _, d := range ds {
		k := d.Kind + "\x00" + d.Operation + "\x00" + d.Field
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], d)
	}
	out := make([][]Drift, 0, len(keys))
	for _, k := range keys {
		out = append(out, groups[k])
	}
	return out
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}

// WriteJUnit writes one test suite per operation and one test case per case: drift is a
// failure, an unverified case skipped, a known exception a pass that says so.
func (r *Report) WriteJUnit(w io.Writer) error {
	doc := report.JUnitSuites{Name: "cerbcontract verify", Time: fmt.Sprintf("%.3f", r.Duration)}
	index := map[string]*report.JUnitSuite{}
	for _, res := range r.Results {
		s, ok := index[res.Operation]
		if !ok {
			s = &report.JUnitSuite{Name: res.Operation}
			index[res.Operation] = s
			doc.Suites = append(doc.Suites, s)
		}
		jc := report.JUnitCase{Name: res.Case, Classname: "verify." + res.Operation, Time: fmt.Sprintf("%.3f", res.Seconds)}
		s.Seconds += res.Seconds
		switch res.Verdict {
		case VerdictDrift:
			var b strings.Builder
			for _, d := range res.Drifts {
				fmt.Fprintf(&b, "%s %s: %s\nreplay: %s\n", d.Kind, d.Field, d.Message, d.Replay)
				if d.Request != nil {
					fmt.Fprintf(&b, "request: %s %s\n", d.Request.Method, d.Request.URL)
					for _, k := range d.Request.headerNames() {
						fmt.Fprintf(&b, "  %s: %s\n", k, d.Request.Header[k])
					}
					fmt.Fprintf(&b, "  (%s) %s\n", d.Request.Media, d.Request.Body)
				}
			}
			jc.Failure = &report.JUnitProblem{Message: res.Drifts[0].Kind + " " + res.Drifts[0].Field, Type: "drift", Text: b.String()}
			s.Failures++
			doc.Failures++
		case VerdictUnverified:
			jc.Skipped = &report.JUnitSkipped{Message: "refused with a documented message for an id this server may not have: " + res.Message}
			s.Skipped++
		case VerdictKnown:
			var lines []string
			for _, k := range res.Known {
				lines = append(lines, fmt.Sprintf("known exception %s (%s): %s", k.Field, k.Keyword, oneLine(k.Why)))
			}
			jc.SystemOut = strings.Join(lines, "\n")
		}
		s.Cases = append(s.Cases, jc)
		s.Tests++
		doc.Tests++
	}
	for _, s := range doc.Suites {
		s.Time = fmt.Sprintf("%.3f", s.Seconds)
	}
	slices.SortStableFunc(doc.Suites, func(a, b *report.JUnitSuite) int { return strings.Compare(a.Name, b.Name) })
	return report.WriteJUnitXML(w, &doc)
}

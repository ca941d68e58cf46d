package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/cerb-openapi/cerb-openapi/contract"
)

// GitHub writes GitHub Actions workflow commands: an ::error annotation per flagged or
// unreadable entry, naming the HAR file and the entry, and a ::notice with the summary.
type GitHub struct {
	w   io.Writer
	sum Summary
}

// escapeData escapes a workflow command's message.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// escapeProperty escapes a workflow command property value, where : and , are separators.
func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

func (g *GitHub) annotate(file, title, msg string) error {
	return g.command("error", file, title, msg)
}

func (g *GitHub) command(level, file, title, msg string) error {
	_, err := fmt.Fprintf(g.w, "::%s file=%s,title=%s::%s\n", level, escapeProperty(file), escapeProperty(title), escapeData(msg))
	return err
}

func (g *GitHub) Entry(r contract.EntryResult) error {
	g.sum.Add(r)
	l := LineOf(r)
	level := "error"
	var lines []string
	switch l.Outcome {
	case contract.OutcomeOK:
		return nil
	case contract.OutcomeUnreadable:
		lines = []string{r.Err.Error()}
	case contract.OutcomeUnrecorded:
		// A warning: nothing was found wrong, but the pair was not checked whole.
		level, lines = "warning", unrecordedLines(l)
	case contract.OutcomePreflight:
		level, lines = "notice", []string{"CORS preflight for " + preflightTarget(l.Preflight) + ": not checked"}
	case contract.OutcomeWarned:
		level, lines = "warning", problemLines(l)
	default:
		if lines = problemLines(l); len(lines) == 0 {
			lines = []string{"no operation matched"}
		}
	}
	head := []string{fmt.Sprintf("entry %d", r.Entry)}
	if l.Operation != "" {
		head = append(head, l.Operation)
	}
	if l.Method != "" || l.URL != "" {
		head = append(head, strings.TrimSpace(l.Method+" "+pathOf(l.URL)))
	}
	if l.Response != nil {
		head = append(head, fmt.Sprintf("→ %d", l.Response.Status))
	}
	title := caseLabel(r)
	if title == "" {
		title = fmt.Sprintf("entry %d", r.Entry)
	}
	return g.command(level, r.File, title, strings.Join(head, " ")+": "+strings.Join(lines, "\n"))
}

func (g *GitHub) Fatal(file string, err error) error {
	g.sum.FatalFiles++
	title := "unreadable HAR file"
	if isTruncated(err) {
		title = "truncated HAR file"
	}
	return g.annotate(file, title, err.Error())
}

func (g *GitHub) Close() error {
	_, err := fmt.Fprintf(g.w, "::notice title=cerbcontract::%s\n", escapeData(g.sum.String()))
	return err
}

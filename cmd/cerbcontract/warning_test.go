package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestCheckWarning: a value most likely sent by mistake ("undefined" as the subject) is a
// warning: WARN in text, "warned" in JSON, passed with its lines in JUnit, ::warning in
// GitHub; it fails the run by default and with --fail-on warning, not without it.
func TestCheckWarning(t *testing.T) {
	e := bundledEntry(t, "compose-ok.har", 0)
	e.Request.PostData.Text = "group_id=1&subject=undefined&content=Hello&dont_send=1"
	e.Request.PostData.Params = nil
	file := writeHAR(t, t.TempDir(), "undefined.har", e)

	code, stdout, _ := runArgs(t, "check", file)
	if code != exitMismatch || !strings.HasPrefix(stdout, "WARN ") ||
		!strings.Contains(stdout, `request  body /subject: warning: "undefined" is JavaScript's undefined sent as text`) ||
		!strings.Contains(stdout, "1 pairs: 0 ok, 0 flagged, 1 with a warning") {
		t.Errorf("default: exit %d\n%s", code, stdout)
	}
	if code, stdout, _ = runArgs(t, "check", "--fail-on", "request,response,unrecorded", file); code != exitOK {
		t.Errorf("--fail-on without warning: exit %d\n%s", code, stdout)
	}
	if code, _, _ = runArgs(t, "check", "--fail-on", "warning", file); code != exitMismatch {
		t.Errorf("--fail-on warning: exit %d", code)
	}
	_, stdout, _ = runArgs(t, "check", "--format", "json", file)
	var line struct {
		Outcome string
		Request struct {
			OK       bool
			Problems []struct{ Pointer, Severity string }
		}
	}
	if err := json.Unmarshal([]byte(stdout), &line); err != nil || line.Outcome != "warned" || !line.Request.OK ||
		len(line.Request.Problems) != 1 || line.Request.Problems[0].Severity != "warning" || line.Request.Problems[0].Pointer != "/subject" {
		t.Errorf("json: %v %+v\n%s", err, line, stdout)
	}
	_, stdout, _ = runArgs(t, "check", "--format", "junit", file)
	if !strings.Contains(stdout, `failures="0"`) || !strings.Contains(stdout, "<system-out>request body /subject: warning:") {
		t.Errorf("junit:\n%s", stdout)
	}
	_, stdout, _ = runArgs(t, "check", "--format", "github", file)
	if !strings.HasPrefix(stdout, "::warning file=") || !strings.Contains(stdout, "/subject: warning:") {
		t.Errorf("github:\n%s", stdout)
	}
}

package contract

import (
	"net/http"

	"github.com/cerb-openapi/cerb-openapi/har"
)

// Request is a recorded request: the exact method, URL, headers and body bytes.
type Request struct {
	Method string
	URL    string
	Header http.Header
	Body   []byte
	// Params are the form fields as a HAR writer decoded them, for a recording that kept
	// them but not the body text (martian does so for multipart bodies). When Body is empty
	// they are checked instead, in the media type of the Content-Type header.
	Params []har.NameValue
	// Unrecorded, when not empty, says why the body is not in the recording although one
	// was sent (the HAR's sizes or Content-Length say so); the body is then not checked.
	Unrecorded string
}

// Response is a recorded response.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
	// Unrecorded: as for Request; the status and headers are still checked.
	Unrecorded string
}

// Problem is one way in which a request or response departs from the contract.
type Problem struct {
	// Where is route, security, header, query or body (requests); status, header or body
	// (responses).
	Where string `json:"where"`
	// Pointer is a JSON pointer into the body or names the header or query parameter, such
	// as /subject, /file_id[]/0 or /Content-Type; empty where none applies.
	Pointer string `json:"pointer"`
	// Message says what is wrong in words a person can act on.
	Message string `json:"message"`
	// Severity is "" for a departure from the contract, or SeverityWarning for a value the
	// contract allows but a client most likely sent by mistake ("undefined" as text, a
	// list joined with commas): it does not make the verdict fail, and check --fail-on
	// warning makes it fail the run.
	Severity string `json:"severity,omitempty"`
}

// SeverityWarning marks a Problem that is a warning.
const SeverityWarning = "warning"

func (p Problem) String() string {
	msg := p.Message
	if p.Severity != "" {
		msg = p.Severity + ": " + msg
	}
	if p.Pointer == "" {
		return p.Where + ": " + msg
	}
	return p.Where + " " + p.Pointer + ": " + msg
}

// Verdict is the outcome for one side of a pair.
type Verdict struct {
	OK       bool      `json:"ok"`
	Problems []Problem `json:"problems"`
	// Unrecorded, when not empty, says that this side's body was sent but not recorded, and
	// why the checker thinks so: the body could be neither passed nor flagged. OK then says
	// only that nothing else was found.
	Unrecorded string `json:"unrecorded,omitempty"`
}

// verdict is OK when every problem is a warning.
func verdict(problems []Problem) Verdict {
	if problems == nil {
		problems = []Problem{}
	}
	ok := true
	for _, p := range problems {
		ok = ok && p.Severity == SeverityWarning
	}
	return Verdict{OK: ok, Problems: problems}
}

// Warned reports whether the verdict has a warning.
func (v Verdict) Warned() bool {
	for _, p := range v.Problems {
		if p.Severity == SeverityWarning {
			return true
		}
	}
	return false
}

// ResponseVerdict adds the recorded status to a response verdict.
type ResponseVerdict struct {
	Status int `json:"status"`
	Verdict
}

// Result is the outcome for one pair. Operation is the operationId, or "" when the request
// matched no operation; Response is then nil, and so it is when no response was given.
type Result struct {
	Operation string           `json:"operation"`
	Request   Verdict          `json:"request"`
	Response  *ResponseVerdict `json:"response"`
	// Preflight is set for a CORS preflight (OPTIONS with Access-Control-Request-Method): the
	// browser's question before a cross-origin call, not a call of the API, so it is not
	// checked; Operation is then "" and Response nil.
	Preflight *Preflight `json:"preflight,omitempty"`
}

// Preflight names the call a CORS preflight asks about.
type Preflight struct {
	Method string `json:"method"`
	Path   string `json:"path"`
	// Operation is the operationId that call would reach, or "" when none.
	Operation string `json:"operation"`
}

// OK reports whether both sides conform (a body not recorded is not a problem; see Outcome).
func (r Result) OK() bool {
	return r.Operation != "" && r.Request.OK && (r.Response == nil || r.Response.OK)
}

// Outcome classifies a verdict for reports and exit statuses.
type Outcome string

const (
	// OutcomeOK: both sides conform.
	OutcomeOK Outcome = "ok"
	// OutcomeFlagged: a problem on either side, or no operation matched.
	OutcomeFlagged Outcome = "flagged"
	// OutcomeWarned: the pair conforms, but a value was most likely sent by mistake (a
	// warning; see Problem.Severity).
	OutcomeWarned Outcome = "warned"
	// OutcomeUnrecorded: nothing wrong was found, but a body that was sent is not in the
	// recording, so the pair could not be checked whole.
	OutcomeUnrecorded Outcome = "unrecorded"
	// OutcomePreflight: a CORS preflight, not checked.
	OutcomePreflight Outcome = "preflight"
	// OutcomeUnreadable: the entry could not be read as a pair (EntryResult.Err).
	OutcomeUnreadable Outcome = "unreadable"
)

// Outcome returns the verdict's class: preflight, flagged, warned, unrecorded or ok, in
// that order of precedence (a problem found beside a body not recorded is still a problem).
func (r Result) Outcome() Outcome {
	switch {
	case r.Preflight != nil:
		return OutcomePreflight
	case !r.OK():
		return OutcomeFlagged
	case r.Request.Warned():
		return OutcomeWarned
	case r.Request.Unrecorded != "" || r.Response != nil && r.Response.Unrecorded != "":
		return OutcomeUnrecorded
	}
	return OutcomeOK
}

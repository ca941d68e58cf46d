package contract

import (
	"net/http"
)

// Request is a recorded request: the exact method, URL, headers and body bytes.
type Request struct {
	Method string
	URL    string
	Header http.Header
	Body   []byte
}

// Response is a recorded response.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
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
}

func (p Problem) String() string {
	if p.Pointer == "" {
		return p.Where + ": " + p.Message
	}
	return p.Where + " " + p.Pointer + ": " + p.Message
}

// Verdict is the outcome for one side of a pair.
type Verdict struct {
	OK       bool      `json:"ok"`
	Problems []Problem `json:"problems"`
}

func verdict(problems []Problem) Verdict {
	if problems == nil {
		problems = []Problem{}
	}
	return Verdict{OK: len(problems) == 0, Problems: problems}
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
}

// OK reports whether both sides conform.
func (r Result) OK() bool {
	return r.Operation != "" && r.Request.OK && (r.Response == nil || r.Response.OK)
}

package contract_test

import (
	"context"
	"strings"
	"testing"

	"github.com/cerb-openapi/cerb-openapi/contract"
	"github.com/cerb-openapi/cerb-openapi/har"
)

// What HAR producers write that a hand-made HAR never has: form params without the body
// text, bodies that were not recorded, status -1, CORS preflights.

const producerComposeURL = "http://127.0.0.1:8081/rest/tickets/compose.json"

func nv(pairs ...string) []har.NameValue {
	var out []har.NameValue
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, har.NameValue{Name: pairs[i], Value: pairs[i+1]})
	}
	return out
}

var minimalCompose = nv("group_id", "1", "to", "customer@example.com", "subject", "Grüße", "content", "Hello", "custom_7[]", "a", "custom_7[]", "b")

func okJSON() *har.Response {
	return &har.Response{Status: 200, Headers: nv("Content-Type", "application/json; charset=utf-8"),
		Content: har.Content{Size: 120, MimeType: "application/json", Text: `{"__status":"error","__version":"10.4.10","__build":2024030901,"__error":"ERROR","message":"The 'subject' parameter is required"}`}}
}

func entryOf(method, url string, headers []har.NameValue, post *har.PostData, bodySize int64, resp *har.Response) har.Entry {
	return har.Entry{Request: &har.Request{Method: method, URL: url, Headers: append(nv("Authorization", "Bearer REDACTED"), headers...), PostData: post, BodySize: bodySize}, Response: resp}
}

func checkOne(t *testing.T, e har.Entry) contract.EntryResult {
	t.Helper()
	c, err := contract.NewChecker(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return c.CheckEntry(context.Background(), "x.har", 0, e)
}

func problemsOf(v contract.Verdict) string {
	var s []string
	for _, p := range v.Problems {
		s = append(s, p.String())
	}
	return strings.Join(s, "\n")
}

func TestProducerShapes(t *testing.T) {
	multipart := nv("Content-Type", "multipart/form-data; boundary=----WebKitFormBoundaryX")
	form := nv("Content-Type", "application/x-www-form-urlencoded")
	tests := []struct {
		name    string
		entry   har.Entry
		outcome contract.Outcome
		// request and response: substrings of the problems (one per problem, in order),
		// and of the Unrecorded notes.
		reqProblems, respProblems     []string
		reqUnrecorded, respUnrecorded string
		preflight                     *contract.Preflight
	}{
		{name: "multipart as params without text (martian)",
			entry:   entryOf("POST", producerComposeURL, multipart, &har.PostData{MimeType: "multipart/form-data", Params: minimalCompose}, 480, okJSON()),
			outcome: contract.OutcomeOK},
		{name: "multipart params are checked field by field",
			entry:       entryOf("POST", producerComposeURL, multipart, &har.PostData{MimeType: "multipart/form-data", Params: nv("group_id", "x", "to", "a@example.com", "content", "c")}, 60, okJSON()),
			outcome:     contract.OutcomeFlagged,
			reqProblems: []string{`body /group_id: cannot be decoded: "x" is`, "body /subject: required field is missing"}},
		{name: "request body not recorded, bodySize says so (Playwright omit, Chrome)",
			entry:         entryOf("POST", producerComposeURL, form, &har.PostData{MimeType: "application/x-www-form-urlencoded"}, 104, okJSON()),
			outcome:       contract.OutcomeUnrecorded,
			reqUnrecorded: "request body not recorded: the HAR has no text for it, but bodySize says 104 bytes"},
		{name: "request body not recorded, no postData, Content-Length says so",
			entry:         entryOf("POST", producerComposeURL, append(nv("Content-Length", "104"), form...), nil, -1, okJSON()),
			outcome:       contract.OutcomeUnrecorded,
			reqUnrecorded: "but Content-Length says 104 bytes"},
		{name: "request body over record --max-body",
			entry:         entryOf("POST", producerComposeURL, form, &har.PostData{MimeType: "application/x-www-form-urlencoded", Comment: "request body not recorded: 40000000 bytes, over the recording limit of 16777216 bytes (record --max-body)"}, 40000000, okJSON()),
			outcome:       contract.OutcomeUnrecorded,
			reqUnrecorded: "over the recording limit of 16777216 bytes (record --max-body)"},
		{name: "an empty body is an empty form, not an unrecorded one",
			entry:       entryOf("POST", producerComposeURL, append(nv("Content-Length", "0"), form...), &har.PostData{MimeType: "application/x-www-form-urlencoded"}, 0, okJSON()),
			outcome:     contract.OutcomeFlagged,
			reqProblems: []string{"/group_id: required field is missing", "/subject: required field is missing", "/content: required field is missing"}},
		{name: "response body not recorded (chrome-har without getResponseBody)",
			entry: entryOf("POST", producerComposeURL, form, &har.PostData{MimeType: "application/x-www-form-urlencoded", Text: "group_id=1&to=a%40example.com&subject=s&content=c"}, 48,
				&har.Response{Status: 200, Headers: nv("Content-Type", "application/json; charset=utf-8"), Content: har.Content{Size: 3712, MimeType: "application/json"}}),
			outcome:        contract.OutcomeUnrecorded,
			respUnrecorded: "response body not recorded: the HAR has no text for it, but content.size says 3712 bytes"},
		{name: "a response not recorded is still checked for its status and Content-Type",
			entry: entryOf("POST", producerComposeURL, form, &har.PostData{MimeType: "application/x-www-form-urlencoded", Text: "group_id=1&to=a%40example.com&subject=s&content=c"}, 48,
				&har.Response{Status: 200, Headers: nv("Content-Type", "text/plain"), BodySize: 3712}),
			outcome:        contract.OutcomeFlagged,
			respProblems:   []string{`header /Content-Type: response header Content-Type has unexpected value: "text/plain"`},
			respUnrecorded: "but bodySize says 3712 bytes"},
		{name: "no response: Playwright's -1",
			entry:        entryOf("POST", producerComposeURL, form, &har.PostData{MimeType: "application/x-www-form-urlencoded", Text: "group_id=1&to=a%40example.com&subject=s&content=c"}, 48, &har.Response{Status: -1, Content: har.Content{Size: -1}, BodySize: -1}),
			outcome:      contract.OutcomeFlagged,
			respProblems: []string{"status -1 is not an HTTP status: the request got no response (Playwright records -1"}},
		{name: "HEAD has no body whatever its Content-Length",
			entry:   entryOf("HEAD", producerComposeURL, nil, nil, 0, &har.Response{Status: 405, Headers: nv("Content-Length", "512")}),
			outcome: contract.OutcomeFlagged, reqProblems: []string{"route: no operation HEAD"}},
		{name: "CORS preflight",
			entry:     entryOf("OPTIONS", producerComposeURL, nv("Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization"), nil, 0, &har.Response{Status: 200, Headers: nv("Content-Type", "text/html")}),
			outcome:   contract.OutcomePreflight,
			preflight: &contract.Preflight{Method: "POST", Path: "/rest/tickets/compose.json", Operation: "composeTicket"}},
		{name: "CORS preflight for a call the spec lacks",
			entry:     entryOf("OPTIONS", "http://127.0.0.1:8081/rest/tickets/42.json", nv("Access-Control-Request-Method", "get"), nil, 0, &har.Response{Status: 0}),
			outcome:   contract.OutcomePreflight,
			preflight: &contract.Preflight{Method: "GET", Path: "/rest/tickets/42.json"}},
		{name: "a data: URL in a browser's HAR",
			entry:   entryOf("GET", "data:,", nil, nil, 0, &har.Response{Status: 200}),
			outcome: contract.OutcomeFlagged, reqProblems: []string{"route: a data: URL, not an HTTP request: no operation applies"}},
		{name: "OPTIONS without Access-Control-Request-Method is a call",
			entry:   entryOf("OPTIONS", producerComposeURL, nil, nil, 0, &har.Response{Status: 200}),
			outcome: contract.OutcomeFlagged, reqProblems: []string{"route: no operation OPTIONS /rest/tickets/compose.json"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := checkOne(t, tc.entry)
			if r.Err != nil {
				t.Fatal(r.Err)
			}
			if got := r.Outcome(); got != tc.outcome {
				t.Errorf("outcome %s, want %s\nrequest: %s", got, tc.outcome, problemsOf(r.Request))
			}
			matchProblems(t, "request", r.Request.Problems, tc.reqProblems)
			var rp []contract.Problem
			respUnrecorded := ""
			if r.Response != nil {
				rp, respUnrecorded = r.Response.Problems, r.Response.Unrecorded
			}
			matchProblems(t, "response", rp, tc.respProblems)
			if !contains(r.Request.Unrecorded, tc.reqUnrecorded) {
				t.Errorf("request unrecorded %q, want %q", r.Request.Unrecorded, tc.reqUnrecorded)
			}
			if !contains(respUnrecorded, tc.respUnrecorded) {
				t.Errorf("response unrecorded %q, want %q", respUnrecorded, tc.respUnrecorded)
			}
			if (r.Preflight == nil) != (tc.preflight == nil) || r.Preflight != nil && *r.Preflight != *tc.preflight {
				t.Errorf("preflight %+v, want %+v", r.Preflight, tc.preflight)
			}
		})
	}
}

// contains: want "" means got must be "" too.
func contains(got, want string) bool {
	if want == "" {
		return got == ""
	}
	return strings.Contains(got, want)
}

func matchProblems(t *testing.T, side string, got []contract.Problem, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d problems, want %d:\n%s", side, len(got), len(want), problemsOf(contract.Verdict{Problems: got}))
		return
	}
	for i, w := range want {
		if !strings.Contains(got[i].String(), w) {
			t.Errorf("%s problem %d: %q, want it to contain %q", side, i, got[i].String(), w)
		}
	}
}

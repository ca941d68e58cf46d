package contract_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/cerb-openapi/cerb-openapi/contract"
)

var (
	checkerOnce sync.Once
	checker     *contract.Checker
	checkerErr  error
)

func newChecker(t testing.TB) *contract.Checker {
	t.Helper()
	checkerOnce.Do(func() { checker, checkerErr = contract.NewChecker(context.Background()) })
	if checkerErr != nil {
		t.Fatal(checkerErr)
	}
	return checker
}

const composeURL = "https://cerb.example/rest/tickets/compose.json"

func form(body string) contract.Request {
	return contract.Request{Method: "POST", URL: composeURL, Body: []byte(body), Header: http.Header{
		"Authorization": {"Bearer t0ken"},
		"Content-Type":  {"application/x-www-form-urlencoded"},
	}}
}

const minimal = "group_id=1&subject=Hi&content=Hello"

type want struct{ where, pointer, msg string }

func TestRequestProblems(t *testing.T) {
	tests := []struct {
		name string
		req  contract.Request
		op   string
		want []want // exactly these problems, in any order
	}{
		{"minimal compose conforms", form(minimal), "composeTicket", nil},
		{"file ids and custom fields", form(minimal + "&file_id%5B%5D=1&file_id%5B%5D=2&custom_5=High&custom_7%5B%5D=a&custom_7%5B%5D=b"), "composeTicket", nil},
		{"missing subject", form("group_id=1&content=x"), "composeTicket", []want{{"body", "/subject", "required"}}},
		{"empty body reads as empty form", form(""), "composeTicket", []want{
			{"body", "/group_id", "required"}, {"body", "/subject", "required"}, {"body", "/content", "required"}}},
		{"status out of range", form(minimal + "&status=9"), "composeTicket", []want{{"body", "/status", "allowed values"}}},
		{"status not a number, others still checked", form("group_id=1&subject=&content=x&status=open"), "composeTicket", []want{
			{"body", "/status", `"open" is an invalid integer`}, {"body", "/subject", "minimum string length"}}},
		{"file id not a number points at the item", form(minimal + "&file_id%5B%5D=1&file_id%5B%5D=x"), "composeTicket", []want{{"body", "/file_id[]/1", `"x"`}}},
		{"generator's indexed array keys are undeclared", form(minimal + "&file_id%5B%5D%5B0%5D=1"), "composeTicket", []want{{"body", "/file_id[][0]", "repeated file_id[]="}}},
		{"unknown field", form(minimal + "&colour=red"), "composeTicket", []want{{"body", "/colour", "undeclared form field"}}},
		{"repeated scalar", form(minimal + "&status=1&status=2"), "composeTicket", []want{{"body", "/status", "sent 2 times"}}},
		{"bare timestamp send_at", form(minimal + "&send_at=1795783602"), "composeTicket", []want{{"body", "/send_at", "regular expression"}}},
		{"at-timestamp send_at", form(minimal + "&send_at=%401795783602"), "composeTicket", nil},
		{"invalid UTF-8", form("group_id=1&subject=Bad%FF&content=x"), "composeTicket", []want{{"body", "/subject", "not valid UTF-8"}}},
		{"bad percent-encoding", form(minimal + "&to=%ZZ"), "composeTicket", []want{{"body", "/to", "malformed percent-encoding"}}},
		{"JSON body", func() contract.Request {
			r := form(`{"group_id":1}`)
			r.Header.Set("Content-Type", "application/json")
			return r
		}(), "composeTicket", []want{{"header", "/Content-Type", "not accepted"},
			{"body", "/group_id", "required"}, {"body", "/subject", "required"}, {"body", "/content", "required"}}},
		{"no credentials", func() contract.Request {
			r := form(minimal)
			r.Header.Del("Authorization")
			return r
		}(), "composeTicket", []want{{"security", "", "no Authorization header"}}},
		{"legacy Cerb-Auth with date", func() contract.Request {
			r := form(minimal)
			r.Header.Del("Authorization")
			r.Header.Set("Cerb-Auth", "key:0cfe2f3b06552c060c8e77f7a0c875ee")
			r.Header.Set("X-Date", "Wed, 08 Feb 2017 19:53:35 GMT")
			return r
		}(), "composeTicket", nil},
		{"legacy Cerb-Auth without date", func() contract.Request {
			r := form(minimal)
			r.Header.Del("Authorization")
			r.Header.Set("Cerb-Auth", "key:sig")
			return r
		}(), "composeTicket", []want{{"security", "", "needs an X-Date or Date header"}}},
		{"query field belongs in the body", func() contract.Request {
			r := form(minimal)
			r.URL += "?custom_5=x&expand=custom_"
			return r
		}(), "composeTicket", []want{{"query", "/custom_5", "send it in the form body"}}},
		{"declared query parameter checked", func() contract.Request {
			r := form(minimal)
			r.URL += "?show_meta=2"
			return r
		}(), "composeTicket", []want{{"query", "/show_meta", "allowed values"}}},
		{"install prefix and index.php", func() contract.Request {
			r := form("message_id=5&content=x")
			r.URL = "http://helpdesk.example:8080/cerb/index.php/rest/tickets/reply.json"
			return r
		}(), "replyToTicket", nil},
		{"wrong method", func() contract.Request {
			r := form(minimal)
			r.Method = "GET"
			return r
		}(), "", []want{{"route", "", "the path has POST only"}}},
		{"unknown path", func() contract.Request {
			r := form(minimal)
			r.URL = "https://cerb.example/rest/tickets/nope.json"
			return r
		}(), "", []want{{"route", "", "no operation"}}},
		{"multipart with custom field", func() contract.Request {
			body := "--B\r\nContent-Disposition: form-data; name=\"group_id\"\r\n\r\n1\r\n" +
				"--B\r\nContent-Disposition: form-data; name=\"subject\"\r\n\r\ns\r\n" +
				"--B\r\nContent-Disposition: form-data; name=\"content\"\r\n\r\nc\r\n" +
				"--B\r\nContent-Disposition: form-data; name=\"custom_1\"\r\n\r\nv\r\n--B--\r\n"
			r := form(body)
			r.Header.Set("Content-Type", "multipart/form-data; boundary=B")
			return r
		}(), "composeTicket", nil},
	}
	c := newChecker(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := c.Check(context.Background(), tt.req, nil)
			if res.Operation != tt.op {
				t.Fatalf("operation = %q, want %q (problems %v)", res.Operation, tt.op, res.Request.Problems)
			}
			assertProblems(t, res.Request, tt.want)
		})
	}
}

func assertProblems(t *testing.T, v contract.Verdict, wants []want) {
	t.Helper()
	if v.OK != (len(wants) == 0) {
		t.Errorf("OK = %v, want %v", v.OK, len(wants) == 0)
	}
	if len(v.Problems) != len(wants) {
		t.Errorf("got %d problems %v, want %d", len(v.Problems), v.Problems, len(wants))
	}
	for _, w := range wants {
		found := false
		for _, p := range v.Problems {
			if p.Where == w.where && p.Pointer == w.pointer && strings.Contains(p.Message, w.msg) {
				found = true
			}
		}
		if !found {
			t.Errorf("no problem %s %s containing %q in %v", w.where, w.pointer, w.msg, v.Problems)
		}
	}
}

const ticketOK = `{"__build":2024030901,"__status":"success","__version":"10.4.10","_context":"cerberusweb.contexts.ticket","_label":"[#A] s","bucket_id":1,"closed":0,"closed_at":0,"created":1,"elapsed_resolution_first":"0","elapsed_response_first":"0","group_id":1,"id":2,"importance":50,"initial_message_id":2,"initial_response_message_id":0,"latest_message_id":2,"mask":"A","num_messages":1,"org_id":0,"owner_id":0,"record_url":"http://x/p","reopen_date":0,"spam_score":0.0001,"spam_training":"N","status":"open","status_id":0,"subject":null,"updated":1,"url":"http://x/p","bucket__context":"cerberusweb.contexts.bucket"}`

func TestResponseProblems(t *testing.T) {
	jsonHeader := http.Header{"Content-Type": {"application/json; charset=utf-8"}}
	tests := []struct {
		name   string
		status int
		header http.Header
		body   string
		want   []want
	}{
		{"ticket with null subject and link keys", 200, jsonHeader, ticketOK, nil},
		{"elapsed as integer", 200, jsonHeader, strings.Replace(ticketOK, `"elapsed_response_first":"0"`, `"elapsed_response_first":0`, 1),
			[]want{{"body", "/elapsed_response_first", "must be a string"}}},
		{"missing id in ticket", 200, jsonHeader, strings.Replace(ticketOK, `"id":2,`, ``, 1),
			[]want{{"body", "/id", "required"}}},
		{"unknown context", 200, jsonHeader, strings.Replace(ticketOK, `cerberusweb.contexts.ticket"`, `cerberusweb.contexts.task"`, 1),
			[]want{{"body", "", "discriminator"}}},
		{"error envelope", 200, jsonHeader, `{"__status":"error","__version":"10.4.10","__build":2024030901,"__error":"ERROR","message":"The 'subject' parameter is required"}`, nil},
		{"scope error", 200, jsonHeader, `{"__status":"error","message":"Your token does not have permission to use this endpoint."}`, nil},
		{"error with unknown code names the closest branch", 200, jsonHeader, `{"__status":"error","__version":"10.4.10","__build":1,"__error":"NOPE","message":"m"}`,
			[]want{{"body", "/__error", "closest oneOf branch ApiError"}}},
		{"401 with extra key", 401, jsonHeader, `{"__status":"error","message":"Unauthorized request","x":1}`,
			[]want{{"body", "/x", "undeclared property"}}},
		{"other status falls to the default (an error page)", 502, http.Header{"Content-Type": {"text/html"}}, `<html>Bad Gateway</html>`, nil},
		{"other status with JSON", 404, jsonHeader, `{}`, []want{{"header", "/Content-Type", "unexpected value"}}},
		{"html instead of json", 200, http.Header{"Content-Type": {"text/html"}}, `<html>`, []want{{"header", "/Content-Type", "Content-Type"}}},
	}
	c := newChecker(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := c.Check(context.Background(), form(minimal), &contract.Response{Status: tt.status, Header: tt.header, Body: []byte(tt.body)})
			if res.Response == nil {
				t.Fatal("no response verdict")
			}
			assertProblems(t, res.Response.Verdict, tt.want)
		})
	}
}

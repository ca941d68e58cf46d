package cerb_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cerb-openapi/cerb-openapi/api"
	"github.com/cerb-openapi/cerb-openapi/cerb"
)

var composeOK = cerb.ComposeRequest{GroupID: 1, To: "customer@example.com", Subject: "s", Content: "c"}

// Non-Cerb answers become *UnexpectedResponseError with the start of the body, and are
// never retried: exactly one request reaches the server.
func TestUnexpectedResponses(t *testing.T) {
	const page = "<html><body><h1>502 Bad Gateway</h1></body></html>"
	tests := []struct {
		name        string
		status      int
		contentType string
		body        string
		wantInMsg   string
	}{
		{"HTML from a proxy", 502, "text/html", page, "502 Bad Gateway"},
		{"JSON content type, HTML body", 200, "application/json", page, "<html>"},
		{"redirect not followed", 302, "text/html", "", "HTTP 302"},
		{"JSON without __status", 200, "application/json", `{"ok":true}`, "no __status"},
		{"success with an unknown record", 200, "application/json", `{"__status":"success","_context":"cerberusweb.contexts.message"}`, "unknown _context"},
		{"ticket with a wrong JSON type", 200, "application/json", `{"__status":"success","_context":"cerberusweb.contexts.ticket","elapsed_response_first":5}`, "elapsed_response_first"},
		{"success with a 500", 500, "application/json", `{"__status":"success"}`, "HTTP 500"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFakeCerb(t, func(*exchange) answer {
				h := http.Header{"Content-Type": {tt.contentType}}
				if tt.status == 302 {
					h.Set("Location", "https://elsewhere.example/rest/tickets/compose.json")
				}
				return answer{Status: tt.status, Header: h, Body: []byte(tt.body)}
			})
			_, err := newClient(t, srv.baseURL(), cerb.Bearer("tok")).Compose(context.Background(), composeOK)
			var ue *cerb.UnexpectedResponseError
			if !errors.As(err, &ue) {
				t.Fatalf("err = %v (%T), want *UnexpectedResponseError", err, err)
			}
			if ue.HTTPStatus != tt.status || ue.BodyStart != tt.body || !strings.Contains(err.Error(), tt.wantInMsg) {
				t.Errorf("err = %v / %+v", err, ue)
			}
			if n := len(srv.exchanges()); n != 1 {
				t.Errorf("%d requests, want exactly 1 (compose is never retried)", n)
			}
		})
	}
}

func TestBodyStartIsBounded(t *testing.T) {
	srv := newFakeCerb(t, func(*exchange) answer {
		return answer{Status: 503, Header: http.Header{"Content-Type": {"text/plain"}}, Body: []byte(strings.Repeat("é", 500))}
	})
	_, err := newClient(t, srv.baseURL(), cerb.Bearer("tok")).Compose(context.Background(), composeOK)
	var ue *cerb.UnexpectedResponseError
	if !errors.As(err, &ue) || len(ue.BodyStart) > 200 || !strings.HasPrefix(ue.BodyStart, "éé") {
		t.Fatalf("err = %v", err)
	}
}

// A timeout or cancellation is returned (wrapped), not retried.
func TestContextAndTimeout(t *testing.T) {
	block := make(chan struct{})
	srv := newFakeCerb(t, func(*exchange) answer {
		<-block
		return answer{Status: 502, Header: http.Header{"Content-Type": {"text/html"}}}
	})
	defer close(block)

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := newClient(t, srv.baseURL(), cerb.Bearer("tok")).Reply(ctx, cerb.ReplyRequest{MessageID: 1, Content: "x"})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want context.DeadlineExceeded", err)
	}

	c, err := cerb.New(cerb.Config{BaseURL: srv.baseURL(), Auth: cerb.Bearer("tok"), Timeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = c.Compose(context.Background(), composeOK)
	if err == nil || time.Since(start) > 5*time.Second {
		t.Errorf("err = %v after %v, want the client timeout", err, time.Since(start))
	}
}

// The generated typed methods (package api, through Client.Generated) use the same form
// encoder (template override): file_id[] and status=0 reach the server, and the request
// passes the contract. (Custom fields are not in the generated forms: Compose and Reply
// add them to the encoded form.)
func TestGeneratedFormdataMethodEncodesForPHP(t *testing.T) {
	srv := newFakeCerb(t, replay(recorded(t, "compose-ok.har", "compose-minimal")))
	c := newClient(t, srv.baseURL(), cerb.Bearer("tok"))
	ids := api.FileIDs{1}
	status := api.TicketStatusCodeOpen
	form := api.ComposeTicketForm{GroupId: 1, Subject: "s", Content: "c", FileId: &ids, Status: &status}
	resp, err := c.Generated().ComposeTicketWithFormdataBodyWithResponse(context.Background(), nil, form)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode() != 200 || resp.JSON200 == nil {
		t.Fatalf("status %d", resp.StatusCode())
	}
	const want = "content=c&file_id%5B%5D=1&group_id=1&status=0&subject=s"
	if got := string(srv.last(t).Body); got != want {
		t.Errorf("body %s, want %s", got, want)
	}
}

package cerb_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cerb-openapi/cerb-openapi/cerb"
)

// TestClientFaults: a server that misbehaves gives, for compose and for reply, a typed error
// that says what happened (status and start of the body where there is one), and exactly
// one request reaches the server: neither operation is ever retried. Cases already covered
// for compose by TestUnexpectedResponses and TestContextAndTimeout (HTML 502, redirect,
// JSON without __status, reply's context deadline) are run here only for the other
// operation.
func TestClientFaults(t *testing.T) {
	const token = "faults-client-token-9Xq2"
	const truncated = `{"__status":"success","_context":"cerberusweb.contexts.ticket","id":2,"mask":"ZA`
	const page = "<!DOCTYPE html><html><head><title>Cerb</title></head><body>Log in</body></html>"
	hang := func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	}
	respond := func(status int, ct, body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", ct)
			w.WriteHeader(status)
			io.WriteString(w, body)
		}
	}
	tests := []struct {
		name    string
		only    string // "compose" or "reply" when the other is covered elsewhere
		handler http.HandlerFunc
		timeout time.Duration // Config.Timeout; 0: a context deadline of 100ms instead
		check   func(t *testing.T, err error)
	}{
		{
			name: "connection closed without an answer",
			handler: func(w http.ResponseWriter, r *http.Request) {
				conn, _, err := http.NewResponseController(w).Hijack()
				if err == nil {
					conn.Close()
				}
			},
			check: func(t *testing.T, err error) {
				var ue *url.Error
				if !errors.As(err, &ue) || !errors.Is(err, io.EOF) || !strings.Contains(err.Error(), "EOF") {
					t.Errorf("err = %v (%T), want a *url.Error matching io.EOF", err, err)
				}
				var ure *cerb.UnexpectedResponseError
				if errors.As(err, &ure) {
					t.Errorf("err = %v: there was no response to describe", err)
				}
			},
		},
		{
			name:    "truncated JSON body (whole response)",
			handler: respond(200, "application/json; charset=utf-8", truncated),
			check:   wantUnexpected(200, "unexpected end of JSON input", truncated),
		},
		{
			name: "truncated JSON body (connection cut mid-body)",
			handler: func(w http.ResponseWriter, r *http.Request) {
				conn, buf, err := http.NewResponseController(w).Hijack()
				if err != nil {
					return
				}
				fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n%s", truncated)
				buf.Flush()
				conn.Close()
			},
			check: func(t *testing.T, err error) {
				wantUnexpected(200, "read response: unexpected EOF", truncated)(t, err)
				if !errors.Is(err, io.ErrUnexpectedEOF) {
					t.Errorf("err = %v, want errors.Is io.ErrUnexpectedEOF", err)
				}
			},
		},
		{
			name:    "HTML with 200",
			handler: respond(200, "text/html; charset=utf-8", page),
			check:   wantUnexpected(200, "not JSON", page),
		},
		{
			name:    "HTML with 502",
			only:    "reply",
			handler: respond(502, "text/html", page),
			check:   wantUnexpected(502, "not JSON", page),
		},
		{
			name:    "5xx with a Cerb error envelope",
			handler: respond(500, "application/json", `{"__status":"error","message":"Database error"}`),
			check: func(t *testing.T, err error) {
				var ae *cerb.APIError
				if !errors.As(err, &ae) || ae.HTTPStatus != 500 || ae.Message != "Database error" || !strings.Contains(err.Error(), "HTTP 500") {
					t.Errorf("err = %v (%T), want *APIError with HTTP 500", err, err)
				}
			},
		},
		{
			name:    "5xx JSON that is not Cerb's",
			handler: respond(503, "application/json", `{"error":"maintenance","retry_after":60}`),
			check:   wantUnexpected(503, "no __status", `{"error":"maintenance","retry_after":60}`),
		},
		{
			name:    "hangs past the context deadline",
			only:    "compose",
			handler: hang,
			check:   wantDeadline,
		},
		{
			name: "hangs mid-body past the context deadline",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("Content-Length", "5000")
				io.WriteString(w, truncated)
				http.NewResponseController(w).Flush()
				hang(w, r)
			},
			check: func(t *testing.T, err error) {
				wantDeadline(t, err)
				wantUnexpected(200, "read response", truncated)(t, err)
			},
		},
		{
			name:    "hangs past the client timeout",
			handler: hang,
			timeout: 100 * time.Millisecond,
			check: func(t *testing.T, err error) {
				wantDeadline(t, err)
				if !strings.Contains(err.Error(), "Client.Timeout exceeded") {
					t.Errorf("err = %v, want it to name the client timeout", err)
				}
			},
		},
	}
	for _, tt := range tests {
		for _, op := range []string{"compose", "reply"} {
			if tt.only != "" && tt.only != op {
				continue
			}
			t.Run(op+"/"+tt.name, func(t *testing.T) {
				var hits atomic.Int64
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					hits.Add(1)
					io.Copy(io.Discard, r.Body)
					tt.handler(w, r)
				}))
				defer srv.Close()
				c, err := cerb.New(cerb.Config{BaseURL: srv.URL + "/rest", Auth: cerb.Bearer(token), Timeout: tt.timeout})
				if err != nil {
					t.Fatal(err)
				}
				ctx := context.Background()
				if tt.timeout == 0 {
					var cancel context.CancelFunc
					ctx, cancel = context.WithTimeout(ctx, 100*time.Millisecond)
					defer cancel()
				}
				start := time.Now()
				if op == "compose" {
					_, err = c.Compose(ctx, composeOK)
				} else {
					_, err = c.Reply(ctx, cerb.ReplyRequest{MessageID: 1, Content: "x", Status: cerb.StatusWaiting})
				}
				if err == nil {
					t.Fatal("no error")
				}
				t.Logf("FAULT %s %s → %T: %v", op, tt.name, err, err)
				if !strings.HasPrefix(err.Error(), "cerb: "+op+": ") {
					t.Errorf("err = %q, want it to start with %q", err, "cerb: "+op+": ")
				}
				tt.check(t, err)
				if strings.Contains(err.Error(), token) || strings.Contains(fmt.Sprintf("%+v", err), token) {
					t.Errorf("the client's token is in the error: %v", err)
				}
				if d := time.Since(start); d > 5*time.Second {
					t.Errorf("took %v", d)
				}
				srv.CloseClientConnections()
				if n := hits.Load(); n != 1 {
					t.Errorf("the server saw %d requests, want exactly 1 (%s is never retried)", n, op)
				}
			})
		}
	}
}

func wantUnexpected(status int, inMsg, body string) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()
		var ue *cerb.UnexpectedResponseError
		if !errors.As(err, &ue) {
			t.Fatalf("err = %v (%T), want *UnexpectedResponseError", err, err)
		}
		start := body[:min(len(body), 40)]
		if ue.HTTPStatus != status || !strings.HasPrefix(ue.BodyStart, start) ||
			!strings.Contains(err.Error(), fmt.Sprintf("HTTP %d", status)) || !strings.Contains(err.Error(), inMsg) ||
			!strings.Contains(err.Error(), fmt.Sprintf("%q", start)[1:30]) {
			t.Errorf("err = %v\n%+v\nwant HTTP %d, %q and the body start %q in the message", err, ue, status, inMsg, start)
		}
	}
}

func wantDeadline(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v (%T), want errors.Is context.DeadlineExceeded", err, err)
	}
}

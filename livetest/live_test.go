//go:build live

package livetest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/cerb-openapi/cerb-openapi/cerb"
	"github.com/cerb-openapi/cerb-openapi/contract"
)

// recorder is a transport that keeps the exact bytes of every exchange; verify checks
// them all strictly against the contract. A pair a test sends in violation on purpose
// must be declared with expectViolation, or verify fails.
type recorder struct {
	mu     sync.Mutex
	pairs  []pair
	expect []*violation
}

// violation is a pair the contract must flag: match picks it, where is the problem's
// place ("route", "security", "body /status", ...) that must be among its problems.
type violation struct {
	name  string
	match func(p pair) bool
	where string
	seen  int
}

// expectViolation declares that the pairs match picks break the contract at where.
func (r *recorder) expectViolation(name, where string, match func(p pair) bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.expect = append(r.expect, &violation{name: name, match: match, where: where})
}

// count is the number of exchanges so far.
func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.pairs)
}

// last is the latest exchange.
func (r *recorder) last(t *testing.T) pair {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.pairs) == 0 {
		t.Fatal("no exchange recorded")
	}
	return r.pairs[len(r.pairs)-1]
}

type pair struct {
	req  contract.Request
	resp contract.Response
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		body = b
		req.Body = io.NopCloser(bytes.NewReader(b))
	}
	p := pair{req: contract.Request{Method: req.Method, URL: req.URL.String(), Header: req.Header.Clone(), Body: body}}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	rb, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(rb))
	p.resp = contract.Response{Status: resp.StatusCode, Header: resp.Header.Clone(), Body: rb}
	r.mu.Lock()
	r.pairs = append(r.pairs, p)
	r.mu.Unlock()
	return resp, nil
}

// verify checks every recorded pair strictly against the contract.
func (r *recorder) verify(t *testing.T) {
	t.Helper()
	if t.Skipped() {
		return
	}
	chk, err := contract.NewChecker(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.pairs) == 0 {
		t.Error("no exchanges recorded")
	}
	for i, p := range r.pairs {
		resp := p.resp
		res := chk.Check(context.Background(), p.req, &resp)
		if v := r.expected(p); v != nil {
			v.seen++
			found := false
			for _, pr := range res.Request.Problems {
				found = found || pr.Where == v.where || pr.Where+" "+pr.Pointer == v.where
			}
			if !found {
				t.Errorf("pair %d %s %s (%s): want the contract to flag the request at %s, got %+v", i, p.req.Method, p.req.URL, v.name, v.where, res)
			}
			// Whatever the request, what the server answered must be as the spec says.
			if res.Response != nil && !res.Response.OK {
				t.Errorf("pair %d %s %s (%s): the response breaks the contract: %+v\nbody: %.300s", i, p.req.Method, p.req.URL, v.name, res.Response, resp.Body)
			}
			continue
		}
		if !res.OK() {
			t.Errorf("pair %d %s %s (HTTP %d) breaks the contract:\nrequest: %v\nresponse: %+v\nbody: %.300s",
				i, p.req.Method, p.req.URL, resp.Status, res.Request.Problems, res.Response, resp.Body)
		}
	}
	for _, v := range r.expect {
		if v.seen == 0 {
			t.Errorf("expected violation %q: no such pair was sent", v.name)
		}
	}
}

func (r *recorder) expected(p pair) *violation {
	for _, v := range r.expect {
		if v.match(p) {
			return v
		}
	}
	return nil
}

func env(t *testing.T) (base, token string, group, field int64) {
	base, token = os.Getenv("CERB_BASE_URL"), os.Getenv("CERB_TOKEN")
	if base == "" || token == "" {
		skipOrFail(t, "set CERB_BASE_URL and CERB_TOKEN to run the live suite")
	}
	num := func(name string, def int64) int64 {
		s := os.Getenv(name)
		if s == "" {
			return def
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("%s=%q: %v", name, s, err)
		}
		return n
	}
	return base, token, num("CERB_GROUP_ID", 1), num("CERB_CUSTOM_FIELD_ID", 1)
}

// skipOrFail skips a test that needs something the server or the environment lacks, for
// a developer without a server; in CI (CI=true), where the kit provides everything, it
// fails instead, so the suite can never pass by skipping.
func skipOrFail(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true: %s", why)
	}
	t.Skip(why)
}

func newClient(t *testing.T, base string, auth cerb.Auth, rec *recorder) *cerb.Client {
	t.Helper()
	c, err := cerb.New(cerb.Config{
		BaseURL: base,
		Auth:    auth,
		HTTPClient: &http.Client{
			Timeout:       60 * time.Second,
			Transport:     rec,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		UserAgent: "cerb-openapi-livetest",
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestLiveComposeAndReply(t *testing.T) {
	base, token, group, field := env(t)
	rec := &recorder{}
	t.Cleanup(func() { rec.verify(t) })
	c := newClient(t, base, cerb.Bearer(token), rec)
	ctx := context.Background()

	subject := fmt.Sprintf("cerb-openapi live test %s", time.Now().UTC().Format(time.RFC3339Nano))
	res, err := c.Compose(ctx, cerb.ComposeRequest{
		GroupID:  group,
		Subject:  subject,
		Content:  "Created by the cerb-openapi live suite (dont_send=1, no recipients).",
		Status:   cerb.StatusOpen, // status=0 must reach the server
		DontSend: true,
	})
	if err != nil {
		t.Fatalf("compose: %v", err)
	}
	if res.Queued() || res.Ticket == nil {
		t.Fatalf("compose: want a ticket, got %+v", res)
	}
	tk := res.Ticket
	if tk.ID <= 0 || tk.Mask == "" || tk.Subject != subject || tk.Status != cerb.StatusOpen || tk.InitialMessageID <= 0 {
		t.Fatalf("compose: ticket = %+v", tk)
	}
	if tk.Created.IsZero() || tk.ElapsedResponseFirst < 0 {
		t.Errorf("created = %v, elapsed_response_first = %v", tk.Created, tk.ElapsedResponseFirst)
	}
	t.Logf("composed ticket %d (%s), group %d", tk.ID, tk.Mask, tk.GroupID)

	value := "live-" + strconv.FormatInt(time.Now().Unix(), 10)
	after, err := c.Reply(ctx, cerb.ReplyRequest{
		MessageID:    tk.InitialMessageID,
		Content:      "Reply from the cerb-openapi live suite.",
		Status:       cerb.StatusWaiting,
		ReopenAt:     cerb.TimeText("+1 day"),
		DontSend:     true,
		CustomFields: cerb.CustomFields{field: cerb.Single(value)},
		Expand:       []string{"custom_"},
	})
	if err != nil {
		t.Fatalf("reply: %v", err)
	}
	if after.ID != tk.ID || after.Status != cerb.StatusWaiting {
		t.Errorf("reply: ticket = %+v", after)
	}
	if !after.ReopenAt.After(time.Now()) {
		t.Errorf("reply: reopen_date = %v, want in the future", after.ReopenAt)
	}
	if after.NumMessages < 2 || after.LatestMessageID <= tk.InitialMessageID {
		t.Errorf("reply: num_messages = %d, latest_message_id = %d (dont_send stores the message)", after.NumMessages, after.LatestMessageID)
	}
	if got, ok := after.Custom(field); !ok {
		t.Errorf("reply with Expand custom_: no custom key in the ticket")
	} else if len(got) == 0 {
		t.Logf("custom_%d not stored: no such ticket field on this install (set CERB_CUSTOM_FIELD_ID)", field)
	} else if len(got) != 1 || got[0] != value {
		t.Errorf("custom_%d = %q, want %q (a single-line text field?)", field, got, value)
	}
}

func TestLiveLegacyAuth(t *testing.T) {
	base, _, group, _ := env(t)
	key, secret := os.Getenv("CERB_ACCESS_KEY"), os.Getenv("CERB_SECRET")
	if key == "" || secret == "" {
		skipOrFail(t, "set CERB_ACCESS_KEY and CERB_SECRET to test legacy Cerb-Auth")
	}
	rec := &recorder{}
	t.Cleanup(func() { rec.verify(t) })
	c := newClient(t, base, cerb.Legacy(key, secret), rec)
	res, err := c.Compose(context.Background(), cerb.ComposeRequest{
		GroupID: group, Subject: "cerb-openapi live test (Cerb-Auth)", Content: "Signed request.", DontSend: true,
		Expand: []string{"group_"},
	})
	if err != nil {
		t.Fatalf("compose with Cerb-Auth: %v", err)
	}
	if res.Ticket == nil || res.Ticket.ID <= 0 {
		t.Fatalf("result = %+v", res)
	}
}

//go:build live

package livetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/cerb-openapi/cerb-openapi/api"
	"github.com/cerb-openapi/cerb-openapi/cerb"
)

// TestLiveErrors: each kind of error the README names (*APIError with HTTP 200 and a
// code, 401, a scope that does not cover the call, a worker without access to a group,
// a base URL that is not the REST root), and what the server did or did not store.
func TestLiveErrors(t *testing.T) {
	k, r, c := setup(t)
	ctx := context.Background()

	// created reports whether call created a ticket: the ids of tickets composed right
	// before and after it must follow each other otherwise.
	created := func(t *testing.T, call func()) bool {
		t.Helper()
		before := compose(t, c, cerb.ComposeRequest{DontSend: true})
		call()
		after := compose(t, c, cerb.ComposeRequest{DontSend: true})
		return after.ID != before.ID+1
	}
	apiErr := func(t *testing.T, err error, status int, code, msg string) *cerb.APIError {
		t.Helper()
		var ae *cerb.APIError
		if !errors.As(err, &ae) {
			t.Fatalf("err = %v (%T), want *cerb.APIError", err, err)
		}
		if ae.HTTPStatus != status || ae.Code != code || !regexp.MustCompile("^"+msg+"$").MatchString(ae.Message) {
			t.Errorf("got HTTP %d code %q message %q, want HTTP %d code %q message %q", ae.HTTPStatus, ae.Code, ae.Message, status, code, msg)
		}
		if code != "" && (ae.Version == "" || ae.Build == 0) {
			t.Errorf("a validation error without __version/__build: %+v", ae)
		}
		if code == "" && (ae.Version != "" || ae.Build != 0) {
			t.Errorf("an auth or scope error with __version/__build: %+v", ae)
		}
		return ae
	}
	quoted := func(s string) string { return regexp.QuoteMeta(s) }

	for _, tc := range []struct {
		name string
		req  cerb.ComposeRequest
		msg  string
	}{
		{"compose group_id unknown", cerb.ComposeRequest{GroupID: 999}, "The given 'group_id' parameter is invalid"},
		{"compose bucket_id unknown", cerb.ComposeRequest{BucketID: cerb.ID(999)}, "The given 'bucket_id' parameter is invalid"},
		{"compose html_template_id unknown", cerb.ComposeRequest{HTMLTemplateID: 999}, "The given 'html_template_id' parameter is invalid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := tc.req
			if req.GroupID == 0 {
				req.GroupID = 1
			}
			req.Subject, req.Content, req.DontSend = "cerb-openapi live error "+marker(), "x", true
			if created(t, func() {
				_, err := c.Compose(ctx, req)
				apiErr(t, err, 200, "ERROR", quoted(tc.msg))
			}) {
				t.Error("the refused compose created a ticket")
			}
		})
	}
	t.Run("reply message_id unknown", func(t *testing.T) {
		_, err := c.Reply(ctx, cerb.ReplyRequest{MessageID: 999999999, Content: "x", DontSend: true})
		apiErr(t, err, 200, "ERROR", quoted("The given 'message_id' is invalid"))
	})
	t.Run("reply html_template_id unknown: nothing stored", func(t *testing.T) {
		tk := compose(t, c, cerb.ComposeRequest{DontSend: true})
		_, err := c.Reply(ctx, cerb.ReplyRequest{MessageID: tk.InitialMessageID, Content: "x", HTMLTemplateID: 999, DontSend: true})
		apiErr(t, err, 200, "ERROR", quoted("The given 'html_template_id' parameter is invalid"))
		k.ticket(t, tk.ID).want(t, "num_messages", "1")
	})

	jane := newClient(t, k.base, cerb.Bearer(k.jane), r)
	t.Run("worker without access: reply in a group she is not in", func(t *testing.T) {
		tk := compose(t, c, cerb.ComposeRequest{GroupID: 2, DontSend: true})
		_, err := jane.Reply(ctx, cerb.ReplyRequest{MessageID: tk.InitialMessageID, Content: "x", Status: cerb.StatusOpen, DontSend: true})
		apiErr(t, err, 200, "ERROR", quoted("You do not have write access to this ticket"))
		k.ticket(t, tk.ID).want(t, "num_messages", "1")
	})
	t.Run("worker without access: compose into a group she is not in creates the ticket", func(t *testing.T) {
		subject := "cerb-openapi live non-member " + marker()
		_, err := jane.Compose(ctx, cerb.ComposeRequest{GroupID: 2, Subject: subject, Content: "x", DontSend: true})
		ae := apiErr(t, err, 200, "ERROR", `Invalid ticket id '[0-9]+'`)
		id, _ := strconv.ParseInt(strings.Trim(strings.TrimPrefix(ae.Message, "Invalid ticket id "), "'"), 10, 64)
		k.ticket(t, id).want(t, "subject", subject, "group_id", "2")
	})
	t.Run("worker with access composes and replies", func(t *testing.T) {
		tk := compose(t, jane, cerb.ComposeRequest{GroupID: 5, DontSend: true})
		reply(t, jane, cerb.ReplyRequest{MessageID: tk.InitialMessageID, Status: cerb.StatusOpen, DontSend: true})
		got := k.ticket(t, tk.ID)
		got.want(t, "num_messages", "2", "group_id", "5")
		k.message(t, got.int(t, "latest_message_id")).want(t, "worker_id", "2")
	})

	for _, tc := range []struct {
		name   string
		auth   cerb.Auth
		status int
		msg    string
		scope  bool
	}{
		{"401 without credentials", nil, 401, "Unauthorized request", false},
		{"401 with a token the server does not know", cerb.Bearer("not-a-real-token"), 401, "The resource owner or authorization server denied the request.", false},
		{"401 legacy key with a wrong secret", cerb.Legacy(k.key, "wrong-secret"), 401, "Access denied! (Invalid credentials: checksum)", false},
		{"401 legacy key unknown", cerb.Legacy("nosuchkey123", k.secret), 401, "Access denied! (Invalid credentials: access key)", false},
		{"scope api:read-only: HTTP 200 error", cerb.Bearer(k.ro), 200, "Your token does not have permission to use this endpoint.", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.auth == nil { // sent without credentials on purpose: the spec requires them
				r.expectViolation("no credentials", "security", func(p pair) bool {
					return p.req.Header.Get("Authorization") == "" && p.req.Header.Get("Cerb-Auth") == ""
				})
			}
			cl := newClient(t, k.base, tc.auth, r)
			for _, op := range []string{"compose", "reply"} {
				if created(t, func() {
					n := r.count()
					var err error
					if op == "compose" {
						_, err = cl.Compose(ctx, cerb.ComposeRequest{GroupID: 1, Subject: "cerb-openapi live denied " + marker(), Content: "x", DontSend: true})
					} else {
						_, err = cl.Reply(ctx, cerb.ReplyRequest{MessageID: 1, Content: "x", Status: cerb.StatusOpen, DontSend: true})
					}
					ae := apiErr(t, err, tc.status, "", quoted(tc.msg))
					for _, secret := range []string{k.token, k.ro, k.secret} {
						if strings.Contains(err.Error(), secret) || strings.Contains(fmt.Sprintf("%v %+v %#v", cl, ae, tc.auth), secret) {
							t.Errorf("%s: a credential shows in the error or the client's %%v", op)
						}
					}
					if ae.Unauthorized() != (tc.status == 401) || ae.ScopeDenied() != tc.scope {
						t.Errorf("%s: Unauthorized() = %v, ScopeDenied() = %v", op, ae.Unauthorized(), ae.ScopeDenied())
					}
					if r.count() != n+1 {
						t.Errorf("%s: %d requests for one call (the client never retries)", op, r.count()-n)
					}
				}) {
					t.Errorf("%s refused with %d created a ticket", op, tc.status)
				}
			}
		})
	}

	t.Run("base URL without /rest: an HTML page, UnexpectedResponseError", func(t *testing.T) {
		r.expectViolation("base URL without /rest", "route", func(p pair) bool {
			return strings.HasPrefix(p.req.URL, k.root+"/tickets/")
		})
		cl := newClient(t, k.root, cerb.Bearer(k.token), r)
		if created(t, func() {
			_, err := cl.Compose(ctx, cerb.ComposeRequest{GroupID: 1, Subject: "cerb-openapi live wrong base " + marker(), Content: "x", DontSend: true})
			var ue *cerb.UnexpectedResponseError
			if !errors.As(err, &ue) {
				t.Fatalf("err = %v (%T), want *cerb.UnexpectedResponseError", err, err)
			}
			if !strings.HasPrefix(ue.ContentType, "text/html") || ue.HTTPStatus == 200 {
				t.Errorf("got HTTP %d %s %q, want an HTML error page", ue.HTTPStatus, ue.ContentType, ue.BodyStart)
			}
			t.Logf("Cerb answered HTTP %d %s %q", ue.HTTPStatus, ue.ContentType, ue.BodyStart)
		}) {
			t.Error("the wrong base URL created a ticket")
		}
	})
}

// TestLiveLegacyAuthReadBack: the signed legacy Cerb-Auth key composes and replies as
// its worker (1), with expand and show_meta in the signed query.
func TestLiveLegacyAuthReadBack(t *testing.T) {
	k, r, _ := setup(t)
	c := newClient(t, k.base, cerb.Legacy(k.key, k.secret), r)
	tk := compose(t, c, cerb.ComposeRequest{DontSend: true, Expand: []string{"custom_", "group_"}, ShowMeta: true})
	if p := r.last(t); p.req.Header.Get("Cerb-Auth") == "" || p.req.Header.Get("X-Date") == "" || p.req.Header.Get("Authorization") != "" {
		t.Errorf("headers %v: want Cerb-Auth and X-Date only", p.req.Header)
	}
	reply(t, c, cerb.ReplyRequest{MessageID: tk.InitialMessageID, Status: cerb.StatusWaiting, DontSend: true, Expand: []string{"owner_"}})
	got := k.ticket(t, tk.ID)
	got.want(t, "num_messages", "2", "status", "waiting")
	k.message(t, got.int(t, "latest_message_id")).want(t, "worker_id", "1")
}

// TestLiveGeneratedClient: the generated low-level client (Client.Generated) encodes the
// same form and the server stores what it sent.
func TestLiveGeneratedClient(t *testing.T) {
	k, r, c := setup(t)
	m := marker()
	resp, err := c.Generated().ComposeTicketWithFormdataBodyWithResponse(context.Background(), nil, generatedCompose(m))
	if err != nil || resp.StatusCode() != 200 {
		t.Fatalf("generated compose: %v, %v", err, resp)
	}
	id := ticketIDFromBody(t, resp.Body)
	wireHas(t, r, "owner_id=0", "status=1", "dont_send=1")
	k.ticket(t, id).want(t, "subject", "cerb-openapi live generated "+m, "status", "waiting", "owner_id", "0")
}

func generatedCompose(m string) api.ComposeTicketFormdataRequestBody {
	owner, status, dontSend := int64(0), api.TicketStatusCodeWaiting, api.FlagYes
	return api.ComposeTicketFormdataRequestBody{
		GroupId: 1, Subject: "cerb-openapi live generated " + m, Content: "Sent by the generated client.",
		OwnerId: &owner, Status: &status, DontSend: &dontSend,
	}
}

func ticketIDFromBody(t *testing.T, b []byte) int64 {
	t.Helper()
	var tk cerb.Ticket
	if err := json.Unmarshal(b, &tk); err != nil || tk.ID <= 0 {
		t.Fatalf("generated compose answered %.300s (%v)", b, err)
	}
	return tk.ID
}

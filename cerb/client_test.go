package api_test

import (
	"context"
	"errors"
	"flag"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cerb-openapi/cerb-openapi/api"
)

var update = flag.Bool("update", false, "rewrite testdata/golden")

func newClient(t *testing.T, base string, auth api.Auth) *api.Client {
	t.Helper()
	c, err := api.New(api.Config{BaseURL: base, Auth: auth})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// call runs a ComposeRequest or ReplyRequest.
func call(ctx context.Context, c *api.Client, req any) (any, error) {
	switch r := req.(type) {
	case api.ComposeRequest:
		return c.Compose(ctx, r)
	case api.ReplyRequest:
		return c.Reply(ctx, r)
	}
	panic("unknown request type")
}

// TestReplay answers the client with recorded responses of the real server and checks
// what it makes of them. Where the client's request is the recorded one, the form fields
// must be the same as the recorded ones (order aside: the client sorts its keys).
func TestReplay(t *testing.T) {
	reopen := time.Unix(1795862808, 0)
	tests := []struct {
		file, caseID string
		auth         api.Auth
		req          any
		sameAsRecord bool
		check        func(t *testing.T, res any, err error)
	}{
		{"compose-ok.har", "compose-minimal", api.Bearer("tok"),
			api.ComposeRequest{GroupID: 1, To: "customer@example.com", Subject: "Minimal compose", Content: "Hello, this is a minimal compose."}, true,
			func(t *testing.T, res any, err error) {
				tk := mustTicket(t, res, err)
				if tk.ID != 2 || tk.Mask != "ZAA-87972-656" || tk.SubjectText() != "Minimal compose" || tk.Status != "open" || tk.StatusID != 0 {
					t.Errorf("ticket = %+v", tk)
				}
				if tk.ElapsedResponseFirst != "0" || tk.InitialMessageID != 2 || tk.Version != "10.4.10" || tk.Build != 2024030901 {
					t.Errorf("ticket = %+v", tk)
				}
				if _, ok := tk.Extra["bucket__context"]; !ok || len(tk.Extra) < 100 {
					t.Errorf("Extra has %d keys, want the ~121 link keys", len(tk.Extra))
				}
				if _, ok := tk.Extra["__status"]; ok {
					t.Error("__status leaked into Extra")
				}
			}},
		{"compose-ok.har", "compose-custom-fields-all", api.Bearer("tok"),
			api.ComposeRequest{GroupID: 1, To: "customer@example.com", Subject: "All custom fields", Content: "Custom fields set.",
				CustomFields: api.CustomFields{1: api.Single("ORD-12345"), 2: api.Number(42), 3: api.Single("2026-12-31"), 4: api.Single("High"),
					5: api.Single("Line one\nLine two\nLine three"), 6: api.Checkbox(true), 7: api.Multi("billing", "bug"),
					8: api.Single("https://cerb.ai/docs/"), 9: api.Single("2"), 10: api.Single("19.99")}}, true,
			func(t *testing.T, res any, err error) { mustTicket(t, res, err) }},
		{"compose-ok.har", "compose-custom-fields-all-expand", api.Bearer("tok"),
			api.ComposeRequest{GroupID: 1, To: "customer@example.com", Subject: "All custom fields (expanded)", Content: "Custom fields set.",
				Expand:       []string{"custom_"},
				CustomFields: api.CustomFields{7: api.Multi("billing", "bug")}}, false,
			func(t *testing.T, res any, err error) {
				tk := mustTicket(t, res, err)
				if v, ok := tk.Custom(7); !ok || v != "billing, bug" {
					t.Errorf("Custom(7) = %q, %v", v, ok)
				}
			}},
		{"compose-ok.har", "compose-send-at-future-at-unix", api.Bearer("tok"),
			api.ComposeRequest{GroupID: 1, To: "customer@example.com", Subject: "Scheduled (@unix)", Content: "Scheduled by @timestamp.", SendAt: api.At(time.Unix(1795783602, 0))}, true,
			func(t *testing.T, res any, err error) {
				if err != nil {
					t.Fatal(err)
				}
				r := res.(*api.ComposeResult)
				if !r.Queued() || r.Ticket != nil || r.Draft.ID != "2" || r.Draft.Kind != api.DraftKindMailCompose || r.Draft.TicketID != "0" {
					t.Fatalf("result = %+v", r)
				}
				if n, err := r.Draft.Updated.Int64(); err != nil || n == 0 {
					t.Errorf("Updated = %q", r.Draft.Updated)
				}
				if string(r.Draft.Params["send_at"]) != `"@1795783602"` {
					t.Errorf("params.send_at = %s", r.Draft.Params["send_at"])
				}
			}},
		{"compose-ok.har", "compose-bucket-org-owner", api.Bearer("tok"),
			api.ComposeRequest{GroupID: 1, BucketID: api.ID(5), OrgID: api.ID(3), OwnerID: api.ID(2), To: "customer@acme.example", Subject: "Bucket, org and owner", Content: "Assigned to Jane, in the Waiting bucket, for Acme."}, true,
			func(t *testing.T, res any, err error) {
				tk := mustTicket(t, res, err)
				if tk.BucketID != 5 || tk.OrgID != 3 || tk.OwnerID != 2 {
					t.Errorf("ticket = %+v", tk)
				}
			}},
		{"compose-ok.har", "compose-non-utf8", api.Bearer("tok"),
			api.ComposeRequest{GroupID: 1, To: "customer@example.com", Subject: "s", Content: "c"}, false,
			func(t *testing.T, res any, err error) {
				tk := mustTicket(t, res, err)
				if tk.Subject != nil || tk.Mask != "" || tk.Importance != 0 {
					t.Errorf("want the corrupted ticket (subject null), got %+v", tk)
				}
			}},
		{"compose-ok.har", "compose-show-meta", api.Bearer("tok"),
			api.ComposeRequest{GroupID: 1, To: "customer@example.com", Subject: "show_meta", Content: "x", ShowMeta: true}, false,
			func(t *testing.T, res any, err error) {
				tk := mustTicket(t, res, err)
				if _, ok := tk.Extra["_labels"]; !ok {
					t.Error("no _labels in Extra")
				}
			}},
		{"compose-errors.har", "compose-missing-subject", api.Bearer("tok"),
			api.ComposeRequest{GroupID: 1, To: "customer@example.com", Subject: "s", Content: "Error case body."}, false,
			wantAPIError(200, "ERROR", "The 'subject' parameter is required", "10.4.10", false, false)},
		{"compose-errors.har", "compose-group-nonexistent", api.Bearer("tok"),
			api.ComposeRequest{GroupID: 999, To: "customer@example.com", Subject: "Error case", Content: "Error case body."}, true,
			wantAPIError(200, "ERROR", "The given 'group_id' parameter is invalid", "10.4.10", false, false)},
		{"reply-ok.har", "reply-status-1-reopen-unix", api.Bearer("tok"),
			api.ReplyRequest{MessageID: 56, Content: "Waiting until tomorrow.", Status: api.Status(api.StatusWaiting), ReopenAt: api.At(reopen)}, true,
			func(t *testing.T, res any, err error) {
				tk := mustTicket(t, res, err)
				if tk.Status != "waiting" || tk.StatusID != 1 || tk.ReopenDate == 0 {
					t.Errorf("ticket = %+v", tk)
				}
			}},
		{"reply-ok.har", "reply-status-0", api.Bearer("tok"),
			api.ReplyRequest{MessageID: 56, Content: "Reopening.", Status: api.Status(api.StatusOpen)}, true,
			func(t *testing.T, res any, err error) {
				if tk := mustTicket(t, res, err); tk.Status != "open" {
					t.Errorf("status = %s", tk.Status)
				}
			}},
		{"reply-ok.har", "reply-custom-fields", api.Bearer("tok"),
			api.ReplyRequest{MessageID: 56, Content: "Setting custom fields."}, false,
			func(t *testing.T, res any, err error) { mustTicket(t, res, err) }},
		{"reply-ok.har", "reply-dont-send", api.Bearer("tok"),
			api.ReplyRequest{MessageID: 56, Content: "Saved but not sent.", DontSend: true}, true,
			func(t *testing.T, res any, err error) { mustTicket(t, res, err) }},
		{"reply-ok.har", "reply-legacy-cerb-auth", api.Legacy("pjlfmn339fgh", "fw4y9fjjd5tqjlsk3u9zkjjr154xbftc"),
			api.ReplyRequest{MessageID: 56, Content: "Signed legacy reply."}, true,
			func(t *testing.T, res any, err error) { mustTicket(t, res, err) }},
		{"reply-errors.har", "reply-message-nonexistent", api.Bearer("tok"),
			api.ReplyRequest{MessageID: 999999, Content: "Bad message id."}, true,
			wantAPIError(200, "ERROR", "The given 'message_id' is invalid", "10.4.10", false, false)},
		{"reply-errors.har", "reply-no-write-access", api.Bearer("tok"),
			api.ReplyRequest{MessageID: 96, Content: "Jane tries to reply."}, true,
			wantAPIError(200, "ERROR", "You do not have write access to this ticket", "10.4.10", false, false)},
		{"auth-errors.har", "compose-readonly-scope", api.Bearer("tok"),
			api.ComposeRequest{GroupID: 1, To: "customer@example.com", Subject: "Error case", Content: "Error case body."}, true,
			wantAPIError(200, "", "Your token does not have permission to use this endpoint.", "", false, true)},
		{"auth-errors.har", "reply-wrong-token", api.Bearer("not-a-real-token"),
			api.ReplyRequest{MessageID: 56, Content: "x"}, true,
			wantAPIError(401, "", "The resource owner or authorization server denied the request.", "", true, false)},
		{"auth-errors.har", "compose-legacy-bad-signature", api.Legacy("key", "wrong"),
			api.ComposeRequest{GroupID: 1, To: "customer@example.com", Subject: "Error case", Content: "Error case body."}, true,
			wantAPIError(401, "", "Access denied! (Invalid credentials: checksum)", "", true, false)},
	}
	for _, tt := range tests {
		t.Run(tt.caseID, func(t *testing.T) {
			e := recorded(t, tt.file, tt.caseID)
			srv := newFakeCerb(t, replay(e))
			res, err := call(context.Background(), newClient(t, srv.baseURL(), tt.auth), tt.req)
			tt.check(t, res, err)
			if tt.sameAsRecord {
				sent := srv.last(t)
				got, _ := url.ParseQuery(string(sent.Body))
				want, _ := url.ParseQuery(e.Request.PostData.Text)
				if !reflect.DeepEqual(got, want) {
					t.Errorf("form differs from the recorded request\n got: %s\nwant: %s", sent.Body, e.Request.PostData.Text)
				}
			}
		})
	}
}

func mustTicket(t *testing.T, res any, err error) *api.TicketRecord {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	switch r := res.(type) {
	case *api.TicketRecord:
		return r
	case *api.ComposeResult:
		if r.Ticket == nil || r.Queued() {
			t.Fatalf("want a ticket, got %+v", r)
		}
		return r.Ticket
	}
	t.Fatalf("unexpected result %T", res)
	return nil
}

func wantAPIError(status int, code, msg, version string, unauthorized, scope bool) func(*testing.T, any, error) {
	return func(t *testing.T, res any, err error) {
		t.Helper()
		var ae *api.APIError
		if !errors.As(err, &ae) {
			t.Fatalf("err = %v (%T), want *api.APIError", err, err)
		}
		if ae.HTTPStatus != status || ae.Code != code || ae.Message != msg || ae.Version != version {
			t.Errorf("APIError = %+v", ae)
		}
		if version != "" && ae.Build != 2024030901 {
			t.Errorf("Build = %d", ae.Build)
		}
		if ae.Unauthorized() != unauthorized || ae.ScopeDenied() != scope {
			t.Errorf("Unauthorized() = %v, ScopeDenied() = %v", ae.Unauthorized(), ae.ScopeDenied())
		}
		if !reflect.ValueOf(res).IsNil() {
			t.Errorf("result = %v alongside an error", res)
		}
	}
}

// TestGolden pins the exact request bytes for representative requests.
func TestGolden(t *testing.T) {
	ticket := recorded(t, "compose-ok.har", "compose-minimal")
	reopen := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	sendAt := time.Date(2026, 12, 1, 8, 30, 0, 0, time.UTC)
	tests := []struct {
		name string
		req  any
	}{
		{"compose-minimal", api.ComposeRequest{GroupID: 1, To: "customer@example.com", Subject: "Minimal compose", Content: "Hello, this is a minimal compose."}},
		{"compose-full", api.ComposeRequest{
			GroupID: 1, Subject: "Hi & bye", Content: "line1\nline2 ü",
			To: "Alice <alice@example.com>, bob@example.com", Cc: "cc@example.com", Bcc: "bcc@example.com",
			BucketID: api.ID(0), OrgID: api.ID(3), OwnerID: api.ID(0),
			Status: api.Status(api.StatusWaiting), ReopenAt: api.At(reopen), SendAt: api.At(sendAt),
			ContentFormat: api.ContentFormatMarkdown, HTMLTemplateID: 2, FileIDs: []int64{1, 2}, DontSend: true,
			CustomFields: api.CustomFields{
				1: api.Single("ORD-1"), 2: api.Number(-7), 3: api.Date(reopen), 6: api.Checkbox(false), 7: api.Multi("billing", "bug"),
			},
			Expand: []string{"custom_", "group_"}, ShowMeta: true,
		}},
		{"compose-relative-times", api.ComposeRequest{GroupID: 1, Subject: "s", Content: "c",
			Status: api.Status(api.StatusClosed), ReopenAt: api.Text("+2 hours"), SendAt: api.Text("Friday 2pm")}},
		{"reply-status-0-unassign", api.ReplyRequest{MessageID: 56, Content: "Reopening.", Status: api.Status(api.StatusOpen), OwnerID: api.ID(0)}},
		{"reply-full", api.ReplyRequest{
			MessageID: 56, Content: "**Done**", Subject: "Renamed", To: "a@example.com", Cc: "c@example.com", Bcc: "b@example.com",
			Status: api.Status(api.StatusWaiting), ReopenAt: api.Text("+1 day"), SendAt: api.Text("@1795783602"),
			BucketID: api.ID(5), GroupID: api.ID(1), OwnerID: api.ID(2), WorkerID: 1,
			ContentFormat: api.ContentFormatMarkdown, HTMLTemplateID: 2, FileIDs: []int64{7},
			DontSend: true, DontKeepCopy: true, IsAutoreply: true, IsBroadcast: true, IsForward: true,
			CustomFields: api.CustomFields{4: api.Single("High"), 7: api.Multi("feature")},
			Expand:       []string{"latest_message_"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFakeCerb(t, replay(ticket))
			_, _ = call(context.Background(), newClient(t, srv.baseURL(), api.Bearer("tok")), tt.req)
			ex := srv.last(t)
			u, _ := url.Parse(ex.URL)
			got := ex.Method + " " + u.RequestURI() + "\nContent-Type: " + ex.Header.Get("Content-Type") + "\n\n" + string(ex.Body) + "\n"
			path := filepath.Join("testdata", "golden", tt.name+".txt")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./api -run TestGolden -update)", err)
			}
			if got != string(want) {
				t.Errorf("wire bytes changed\n got: %s\nwant: %s", got, want)
			}
		})
	}
}

// TestInvalidRequests: what the spec forbids (and the server would accept silently and
// mishandle) is refused before anything is sent.
func TestInvalidRequests(t *testing.T) {
	ok := api.ComposeRequest{GroupID: 1, Subject: "s", Content: "c"}
	with := func(f func(*api.ComposeRequest)) api.ComposeRequest { r := ok; f(&r); return r }
	tests := []struct {
		name, field string
		req         any
	}{
		{"bare-digit send_at", "send_at", with(func(r *api.ComposeRequest) { r.SendAt = api.Text("1795783602") })},
		{"zero time", "send_at", with(func(r *api.ComposeRequest) { r.SendAt = api.At(time.Time{}) })},
		{"zero reopen time", "reopen_at", with(func(r *api.ComposeRequest) { r.ReopenAt = api.At(time.Time{}) })},
		{"no group", "group_id", with(func(r *api.ComposeRequest) { r.GroupID = 0 })},
		{"no subject", "subject", with(func(r *api.ComposeRequest) { r.Subject = "" })},
		{"no content", "content", with(func(r *api.ComposeRequest) { r.Content = "" })},
		{"invalid UTF-8", "subject", with(func(r *api.ComposeRequest) { r.Subject = "Bad\xff\xfebytes" })},
		{"address without @", "to", with(func(r *api.ComposeRequest) { r.To = "not-an-email-address" })},
		{"status 9", "status", with(func(r *api.ComposeRequest) { r.Status = api.Status(9) })},
		{"negative owner", "owner_id", with(func(r *api.ComposeRequest) { r.OwnerID = api.ID(-1) })},
		{"unknown content_format", "content_format", with(func(r *api.ComposeRequest) { r.ContentFormat = "rtf" })},
		{"file id 0", "file_id[0]", with(func(r *api.ComposeRequest) { r.FileIDs = []int64{0} })},
		{"custom field id 0", "custom_0", with(func(r *api.ComposeRequest) { r.CustomFields = api.CustomFields{0: api.Single("x")} })},
		{"empty multi", "custom_7", with(func(r *api.ComposeRequest) { r.CustomFields = api.CustomFields{7: api.Multi()} })},
		{"custom value not built", "custom_5", with(func(r *api.ComposeRequest) { r.CustomFields = api.CustomFields{5: {}} })},
		{"expand with comma", "expand", with(func(r *api.ComposeRequest) { r.Expand = []string{"a,b"} })},
		{"reply without message", "message_id", api.ReplyRequest{Content: "x"}},
		{"reply bare-digit send_at", "send_at", api.ReplyRequest{MessageID: 1, Content: "x", SendAt: api.Text("123")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFakeCerb(t, func(*exchange) answer { t.Error("request sent"); return answer{Status: 500} })
			_, err := call(context.Background(), newClient(t, srv.baseURL(), api.Bearer("tok")), tt.req)
			var fe *api.FieldError
			if !errors.As(err, &fe) || fe.Field != tt.field || !errors.Is(err, api.ErrInvalidRequest) {
				t.Fatalf("err = %v, want *FieldError for %s", err, tt.field)
			}
		})
	}
}

func TestBaseURL(t *testing.T) {
	for _, base := range []string{"", "cerb.example/rest", "localhost:8080/rest", "ftp://cerb.example/rest", "https:///rest", "https://cerb.example/rest?x=1"} {
		if _, err := api.New(api.Config{BaseURL: base}); err == nil {
			t.Errorf("New(%q) accepted", base)
		} else if base == "cerb.example/rest" && !strings.Contains(err.Error(), "scheme") {
			t.Errorf("New(%q) = %v, want a message about the scheme", base, err)
		}
	}
	for _, base := range []string{"https://cerb.example/rest", "http://127.0.0.1:8080/helpdesk/index.php/rest/"} {
		if _, err := api.New(api.Config{BaseURL: base}); err != nil {
			t.Errorf("New(%q) = %v", base, err)
		}
	}
}

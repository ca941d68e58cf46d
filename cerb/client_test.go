package cerb_test

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cerb-openapi/cerb-openapi/cerb"
)

var update = flag.Bool("update", false, "rewrite testdata/golden")

func newClient(t *testing.T, base string, auth cerb.Auth) *cerb.Client {
	t.Helper()
	c, err := cerb.New(cerb.Config{BaseURL: base, Auth: auth})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// call runs a ComposeRequest or ReplyRequest.
func call(ctx context.Context, c *cerb.Client, req any) (any, error) {
	switch r := req.(type) {
	case cerb.ComposeRequest:
		return c.Compose(ctx, r)
	case cerb.ReplyRequest:
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
		auth         cerb.Auth
		req          any
		sameAsRecord bool
		check        func(t *testing.T, res any, err error)
	}{
		{"compose-ok.har", "compose-minimal", cerb.Bearer("tok"),
			cerb.ComposeRequest{GroupID: 1, To: "customer@example.com", Subject: "Minimal compose", Content: "Hello, this is a minimal compose."}, true,
			func(t *testing.T, res any, err error) {
				tk := mustTicket(t, res, err)
				if tk.ID != 2 || tk.Mask != "ZAA-87972-656" || tk.Subject != "Minimal compose" || tk.Status != cerb.StatusOpen {
					t.Errorf("ticket = %+v", tk)
				}
				if tk.ElapsedResponseFirst != 0 || tk.InitialMessageID != 2 || tk.Version != "10.4.10" || tk.Build != 2024030901 {
					t.Errorf("ticket = %+v", tk)
				}
				if _, ok := tk.Extra["bucket__context"]; !ok || len(tk.Extra) < 100 {
					t.Errorf("Extra has %d keys, want the ~121 link keys", len(tk.Extra))
				}
				if _, ok := tk.Extra["__status"]; ok {
					t.Error("__status leaked into Extra")
				}
				if v, ok := tk.Custom(7); ok || v != nil {
					t.Errorf("Custom(7) = %q, %v without Expand custom_, want not ok", v, ok)
				}
				if tk.Created.IsZero() || !tk.ClosedAt.IsZero() || !tk.ReopenAt.IsZero() || tk.URL == "" {
					t.Errorf("times and URL: %+v", tk)
				}
			}},
		{"compose-ok.har", "compose-custom-fields-all", cerb.Bearer("tok"),
			cerb.ComposeRequest{GroupID: 1, To: "customer@example.com", Subject: "All custom fields", Content: "Custom fields set.",
				CustomFields: cerb.CustomFields{1: cerb.Single("ORD-12345"), 2: cerb.Number(42), 3: cerb.Single("2026-12-31"), 4: cerb.Single("High"),
					5: cerb.Single("Line one\nLine two\nLine three"), 6: cerb.Checkbox(true), 7: cerb.Multi("billing", "bug"),
					8: cerb.Single("https://cerb.ai/docs/"), 9: cerb.Single("2"), 10: cerb.Single("19.99")}}, true,
			func(t *testing.T, res any, err error) { mustTicket(t, res, err) }},
		{"compose-ok.har", "compose-custom-fields-all-expand", cerb.Bearer("tok"),
			cerb.ComposeRequest{GroupID: 1, To: "customer@example.com", Subject: "All custom fields (expanded)", Content: "Custom fields set.",
				Expand:       []string{"custom_"},
				CustomFields: cerb.CustomFields{7: cerb.Multi("billing", "bug")}}, false,
			func(t *testing.T, res any, err error) {
				tk := mustTicket(t, res, err)
				if v, ok := tk.Custom(7); !ok || !reflect.DeepEqual(v, []string{"billing", "bug"}) {
					t.Errorf("Custom(7) = %q, %v", v, ok)
				}
				if v, ok := tk.Custom(10); !ok || !reflect.DeepEqual(v, []string{"1999"}) {
					t.Errorf("Custom(10) = %q, %v, want the stored form of 19.99", v, ok)
				}
				if v, ok := tk.Custom(999); !ok || v != nil {
					t.Errorf("Custom(999) = %q, %v, want none", v, ok)
				}
				var rendered string
				if err := json.Unmarshal(tk.Extra["custom_7"], &rendered); err != nil || rendered != "billing, bug" {
					t.Errorf("custom_7 = %s", tk.Extra["custom_7"])
				}
			}},
		{"compose-ok.har", "compose-send-at-future-at-unix", cerb.Bearer("tok"),
			cerb.ComposeRequest{GroupID: 1, To: "customer@example.com", Subject: "Scheduled (@unix)", Content: "Scheduled by @timestamp.", SendAt: cerb.At(time.Unix(1795783602, 0))}, true,
			func(t *testing.T, res any, err error) {
				if err != nil {
					t.Fatal(err)
				}
				r := res.(*cerb.ComposeResult)
				if !r.Queued() || r.Ticket != nil || r.Draft.ID != 2 || r.Draft.Kind != "mail.compose" || r.Draft.TicketID != 0 || r.Draft.URL != "/profiles/draft/2" {
					t.Fatalf("result = %+v", r)
				}
				if r.Draft.Updated.IsZero() {
					t.Errorf("Updated = %v", r.Draft.Updated)
				}
				if string(r.Draft.Params["send_at"]) != `"@1795783602"` {
					t.Errorf("params.send_at = %s", r.Draft.Params["send_at"])
				}
			}},
		{"compose-ok.har", "compose-bucket-org-owner", cerb.Bearer("tok"),
			cerb.ComposeRequest{GroupID: 1, BucketID: cerb.ID(5), OrgID: cerb.ID(3), OwnerID: cerb.ID(2), To: "customer@acme.example", Subject: "Bucket, org and owner", Content: "Assigned to Jane, in the Waiting bucket, for Acme."}, true,
			func(t *testing.T, res any, err error) {
				tk := mustTicket(t, res, err)
				if tk.BucketID != 5 || tk.OrgID != 3 || tk.OwnerID != 2 {
					t.Errorf("ticket = %+v", tk)
				}
			}},
		{"compose-ok.har", "compose-non-utf8", cerb.Bearer("tok"),
			cerb.ComposeRequest{GroupID: 1, To: "customer@example.com", Subject: "s", Content: "c"}, false,
			func(t *testing.T, res any, err error) {
				tk := mustTicket(t, res, err)
				if tk.Subject != "" || tk.Mask != "" || tk.Importance != 0 {
					t.Errorf("want the corrupted ticket (subject null), got %+v", tk)
				}
			}},
		{"compose-ok.har", "compose-show-meta", cerb.Bearer("tok"),
			cerb.ComposeRequest{GroupID: 1, To: "customer@example.com", Subject: "show_meta", Content: "x", ShowMeta: true}, false,
			func(t *testing.T, res any, err error) {
				tk := mustTicket(t, res, err)
				if _, ok := tk.Extra["_labels"]; !ok {
					t.Error("no _labels in Extra")
				}
			}},
		{"compose-errors.har", "compose-missing-subject", cerb.Bearer("tok"),
			cerb.ComposeRequest{GroupID: 1, To: "customer@example.com", Subject: "s", Content: "Error case body."}, false,
			wantAPIError(200, "ERROR", "The 'subject' parameter is required", "10.4.10", false, false)},
		{"compose-errors.har", "compose-group-nonexistent", cerb.Bearer("tok"),
			cerb.ComposeRequest{GroupID: 999, To: "customer@example.com", Subject: "Error case", Content: "Error case body."}, true,
			wantAPIError(200, "ERROR", "The given 'group_id' parameter is invalid", "10.4.10", false, false)},
		{"reply-ok.har", "reply-status-1-reopen-unix", cerb.Bearer("tok"),
			cerb.ReplyRequest{MessageID: 56, Content: "Waiting until tomorrow.", Status: cerb.StatusWaiting, ReopenAt: cerb.At(reopen)}, true,
			func(t *testing.T, res any, err error) {
				tk := mustTicket(t, res, err)
				if tk.Status != cerb.StatusWaiting || !tk.ReopenAt.Equal(reopen) {
					t.Errorf("ticket = %+v", tk)
				}
			}},
		{"reply-ok.har", "reply-status-0", cerb.Bearer("tok"),
			cerb.ReplyRequest{MessageID: 56, Content: "Reopening.", Status: cerb.StatusOpen}, true,
			func(t *testing.T, res any, err error) {
				if tk := mustTicket(t, res, err); tk.Status != "open" {
					t.Errorf("status = %s", tk.Status)
				}
			}},
		{"reply-ok.har", "reply-custom-fields", cerb.Bearer("tok"),
			cerb.ReplyRequest{MessageID: 56, Content: "Setting custom fields.",
				CustomFields: cerb.CustomFields{1: cerb.Single("ORD-12345"), 2: cerb.Number(42), 3: cerb.Single("2026-12-31"), 4: cerb.Single("High"),
					5: cerb.Single("Line one\nLine two\nLine three"), 6: cerb.Checkbox(true), 7: cerb.Add("billing", "bug"),
					8: cerb.Single("https://cerb.ai/docs/"), 9: cerb.Single("2"), 10: cerb.Single("19.99")}}, true,
			func(t *testing.T, res any, err error) { mustTicket(t, res, err) }},
		{"reply-ok.har", "reply-dont-send", cerb.Bearer("tok"),
			cerb.ReplyRequest{MessageID: 56, Content: "Saved but not sent.", DontSend: true}, true,
			func(t *testing.T, res any, err error) { mustTicket(t, res, err) }},
		{"reply-ok.har", "reply-legacy-cerb-auth", cerb.Legacy("pjlfmn339fgh", "fw4y9fjjd5tqjlsk3u9zkjjr154xbftc"),
			cerb.ReplyRequest{MessageID: 56, Content: "Signed legacy reply."}, true,
			func(t *testing.T, res any, err error) { mustTicket(t, res, err) }},
		{"reply-errors.har", "reply-message-nonexistent", cerb.Bearer("tok"),
			cerb.ReplyRequest{MessageID: 999999, Content: "Bad message id."}, true,
			wantAPIError(200, "ERROR", "The given 'message_id' is invalid", "10.4.10", false, false)},
		{"reply-errors.har", "reply-no-write-access", cerb.Bearer("tok"),
			cerb.ReplyRequest{MessageID: 96, Content: "Jane tries to reply."}, true,
			wantAPIError(200, "ERROR", "You do not have write access to this ticket", "10.4.10", false, false)},
		{"auth-errors.har", "compose-readonly-scope", cerb.Bearer("tok"),
			cerb.ComposeRequest{GroupID: 1, To: "customer@example.com", Subject: "Error case", Content: "Error case body."}, true,
			wantAPIError(200, "", "Your token does not have permission to use this endpoint.", "", false, true)},
		{"auth-errors.har", "reply-wrong-token", cerb.Bearer("not-a-real-token"),
			cerb.ReplyRequest{MessageID: 56, Content: "x"}, true,
			wantAPIError(401, "", "The resource owner or authorization server denied the request.", "", true, false)},
		{"auth-errors.har", "compose-legacy-bad-signature", cerb.Legacy("key", "wrong"),
			cerb.ComposeRequest{GroupID: 1, To: "customer@example.com", Subject: "Error case", Content: "Error case body."}, true,
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

func mustTicket(t *testing.T, res any, err error) *cerb.Ticket {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	switch r := res.(type) {
	case *cerb.Ticket:
		return r
	case *cerb.ComposeResult:
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
		var ae *cerb.APIError
		if !errors.As(err, &ae) {
			t.Fatalf("err = %v (%T), want *cerb.APIError", err, err)
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
		{"compose-minimal", cerb.ComposeRequest{GroupID: 1, To: "customer@example.com", Subject: "Minimal compose", Content: "Hello, this is a minimal compose."}},
		{"compose-full", cerb.ComposeRequest{
			GroupID: 1, Subject: "Hi & bye", Content: "line1\nline2 ü",
			To: "Alice <alice@example.com>, bob@example.com", Cc: "cc@example.com", Bcc: "bcc@example.com",
			BucketID: cerb.ID(0), OrgID: cerb.ID(3), OwnerID: cerb.ID(0),
			Status: cerb.StatusWaiting, ReopenAt: cerb.At(reopen), SendAt: cerb.At(sendAt),
			Markdown: true, HTMLTemplateID: 2, FileIDs: []int64{1, 2}, DontSend: true,
			CustomFields: cerb.CustomFields{
				1: cerb.Single("ORD-1"), 2: cerb.Number(-7), 3: cerb.Date(reopen), 6: cerb.Checkbox(false), 7: cerb.Multi("billing", "bug"),
			},
			Expand: []string{"custom_", "group_"}, ShowMeta: true,
		}},
		{"compose-relative-times", cerb.ComposeRequest{GroupID: 1, Subject: "s", Content: "c",
			Status: cerb.StatusClosed, ReopenAt: cerb.TimeText("+2 hours"), SendAt: cerb.TimeText("Friday 2pm")}},
		{"reply-custom-remove", cerb.ReplyRequest{MessageID: 56, Content: "Untagged.", Status: cerb.StatusOpen,
			CustomFields: cerb.CustomFields{7: cerb.Remove("bug", "billing"), 1: cerb.Single("")}}},
		{"reply-status-0-unassign", cerb.ReplyRequest{MessageID: 56, Content: "Reopening.", Status: cerb.StatusOpen, OwnerID: cerb.ID(0)}},
		{"reply-full", cerb.ReplyRequest{
			MessageID: 56, Content: "**Done**", Subject: "Renamed", To: "a@example.com", Cc: "c@example.com", Bcc: "b@example.com",
			Status: cerb.StatusWaiting, ReopenAt: cerb.TimeText("+1 day"), SendAt: cerb.TimeText("@1795783602"),
			BucketID: cerb.ID(5), GroupID: cerb.ID(1), OwnerID: cerb.ID(2), WorkerID: 1,
			Markdown: true, HTMLTemplateID: 2, FileIDs: []int64{7},
			DontSend: true, DontKeepCopy: true, IsAutoreply: true, IsBroadcast: true, IsForward: true,
			CustomFields: cerb.CustomFields{4: cerb.Single("High"), 7: cerb.Replace([]string{"billing", "bug"}, "feature")},
			Expand:       []string{"latest_message_"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFakeCerb(t, replay(ticket))
			_, _ = call(context.Background(), newClient(t, srv.baseURL(), cerb.Bearer("tok")), tt.req)
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
				t.Fatalf("%v (run go test ./cerb -run TestGolden -update)", err)
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
	ok := cerb.ComposeRequest{GroupID: 1, Subject: "s", Content: "c"}
	with := func(f func(*cerb.ComposeRequest)) cerb.ComposeRequest { r := ok; f(&r); return r }
	tests := []struct {
		name, field string
		req         any
	}{
		{"bare-digit send_at", "send_at", with(func(r *cerb.ComposeRequest) { r.SendAt = cerb.TimeText("1795783602") })},
		{"zero time", "send_at", with(func(r *cerb.ComposeRequest) { r.SendAt = cerb.At(time.Time{}) })},
		{"zero reopen time", "reopen_at", with(func(r *cerb.ComposeRequest) { r.ReopenAt = cerb.At(time.Time{}) })},
		{"no group", "group_id", with(func(r *cerb.ComposeRequest) { r.GroupID = 0 })},
		{"no subject", "subject", with(func(r *cerb.ComposeRequest) { r.Subject = "" })},
		{"no content", "content", with(func(r *cerb.ComposeRequest) { r.Content = "" })},
		{"invalid UTF-8", "subject", with(func(r *cerb.ComposeRequest) { r.Subject = "Bad\xff\xfebytes" })},
		{"address without @", "to", with(func(r *cerb.ComposeRequest) { r.To = "not-an-email-address" })},
		{"status deleted", "status", with(func(r *cerb.ComposeRequest) { r.Status = "deleted" })},
		{"status as a number", "status", with(func(r *cerb.ComposeRequest) { r.Status = "1" })},
		{"negative owner", "owner_id", with(func(r *cerb.ComposeRequest) { r.OwnerID = cerb.ID(-1) })},
		{"file id 0", "file_id[0]", with(func(r *cerb.ComposeRequest) { r.FileIDs = []int64{0} })},
		{"custom field id 0", "custom_0", with(func(r *cerb.ComposeRequest) { r.CustomFields = cerb.CustomFields{0: cerb.Single("x")} })},
		{"empty multi", "custom_7", with(func(r *cerb.ComposeRequest) { r.CustomFields = cerb.CustomFields{7: cerb.Multi()} })},
		{"multi value with a leading -", "custom_7", with(func(r *cerb.ComposeRequest) { r.CustomFields = cerb.CustomFields{7: cerb.Multi("-bug")} })},
		{"multi value with a leading +", "custom_7", with(func(r *cerb.ComposeRequest) { r.CustomFields = cerb.CustomFields{7: cerb.Multi("+bug")} })},
		{"empty multi value", "custom_7", with(func(r *cerb.ComposeRequest) { r.CustomFields = cerb.CustomFields{7: cerb.Multi("billing", "")} })},
		{"Add on compose", "custom_7", with(func(r *cerb.ComposeRequest) { r.CustomFields = cerb.CustomFields{7: cerb.Add("bug")} })},
		{"Replace on compose", "custom_7", with(func(r *cerb.ComposeRequest) { r.CustomFields = cerb.CustomFields{7: cerb.Replace(nil, "bug")} })},
		{"Multi on reply", "custom_7", cerb.ReplyRequest{MessageID: 1, Content: "x", CustomFields: cerb.CustomFields{7: cerb.Multi("bug")}}},
		{"Replace with nothing stored and nothing new", "custom_7", cerb.ReplyRequest{MessageID: 1, Content: "x", CustomFields: cerb.CustomFields{7: cerb.Replace(nil)}}},
		{"Remove nothing", "custom_7", cerb.ReplyRequest{MessageID: 1, Content: "x", CustomFields: cerb.CustomFields{7: cerb.Remove()}}},
		{"Remove an empty value", "custom_7", cerb.ReplyRequest{MessageID: 1, Content: "x", CustomFields: cerb.CustomFields{7: cerb.Remove("")}}},
		{"reply status deleted", "status", cerb.ReplyRequest{MessageID: 1, Content: "x", Status: "deleted"}},
		{"custom value not built", "custom_5", with(func(r *cerb.ComposeRequest) { r.CustomFields = cerb.CustomFields{5: {}} })},
		{"expand with comma", "expand", with(func(r *cerb.ComposeRequest) { r.Expand = []string{"a,b"} })},
		{"reply without message", "message_id", cerb.ReplyRequest{Content: "x"}},
		{"reply bare-digit send_at", "send_at", cerb.ReplyRequest{MessageID: 1, Content: "x", SendAt: cerb.TimeText("123")}},
		{"reply invalid UTF-8 in a custom value", "custom_7", cerb.ReplyRequest{MessageID: 1, Content: "x", CustomFields: cerb.CustomFields{7: cerb.Add("bu\xffg")}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFakeCerb(t, func(*exchange) answer { t.Error("request sent"); return answer{Status: 500} })
			_, err := call(context.Background(), newClient(t, srv.baseURL(), cerb.Bearer("tok")), tt.req)
			var fe *cerb.FieldError
			if !errors.As(err, &fe) || fe.Field != tt.field || !errors.Is(err, cerb.ErrInvalidRequest) {
				t.Fatalf("err = %v, want *FieldError for %s", err, tt.field)
			}
		})
	}
}

func TestBaseURL(t *testing.T) {
	for _, base := range []string{"", "cerb.example/rest", "localhost:8080/rest", "ftp://cerb.example/rest", "https:///rest", "https://cerb.example/rest?x=1"} {
		if _, err := cerb.New(cerb.Config{BaseURL: base}); err == nil {
			t.Errorf("New(%q) accepted", base)
		} else if base == "cerb.example/rest" && !strings.Contains(err.Error(), "scheme") {
			t.Errorf("New(%q) = %v, want a message about the scheme", base, err)
		}
	}
	for _, base := range []string{"https://cerb.example/rest", "http://127.0.0.1:8080/helpdesk/index.php/rest/"} {
		if _, err := cerb.New(cerb.Config{BaseURL: base}); err != nil {
			t.Errorf("New(%q) = %v", base, err)
		}
	}
}

//go:build live

package livetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cerb-openapi/cerb-openapi/cerb"
)

// setup is the kit, a recorder whose pairs are checked strictly at the end of the test,
// and an admin client sending through it.
func setup(t *testing.T) (kit, *recorder, *cerb.Client) {
	t.Helper()
	k := kitEnv(t)
	r := &recorder{}
	t.Cleanup(func() { r.verify(t) })
	return k, r, newClient(t, k.base, cerb.Bearer(k.token), r)
}

// compose creates a ticket (never mailed unless the request has a To and no DontSend)
// and returns it as the client decoded it.
func compose(t *testing.T, c *cerb.Client, req cerb.ComposeRequest) *cerb.Ticket {
	t.Helper()
	if req.GroupID == 0 {
		req.GroupID = 1
	}
	if req.Subject == "" {
		req.Subject = "cerb-openapi live test " + marker()
	}
	if req.Content == "" {
		req.Content = "Created by the cerb-openapi live suite."
	}
	res, err := c.Compose(context.Background(), req)
	if err != nil {
		t.Fatalf("compose: %v", err)
	}
	if res.Ticket == nil {
		t.Fatalf("compose: want a ticket, got %+v", res)
	}
	return res.Ticket
}

func wireHas(t *testing.T, r *recorder, parts ...string) {
	t.Helper()
	p := r.last(t)
	for _, s := range parts {
		if !strings.Contains(string(p.req.Body), s) && !strings.Contains(p.req.URL, s) {
			t.Errorf("the request does not carry %q: %s %s", s, p.req.URL, p.req.Body)
		}
	}
}

// TestLiveComposeFields: each compose field of the README's "Field types on the wire"
// table, sent by the client and read back from the server (GET /rest/tickets/<id>.json,
// GET /rest/messages/<id>.json).
func TestLiveComposeFields(t *testing.T) {
	k, r, c := setup(t)

	t.Run("string with reserved characters: subject and content", func(t *testing.T) {
		m := marker()
		subject, content := "Hi & bye "+m, "Line 1 & 2 = 3?\nLine 2 "+m
		tk := compose(t, c, cerb.ComposeRequest{Subject: subject, Content: content, DontSend: true})
		wireHas(t, r, "subject=Hi+%26+bye+"+m)
		k.ticket(t, tk.ID).want(t, "subject", subject)
		k.message(t, tk.InitialMessageID).want(t, "content", content)
	})
	t.Run("to, cc and bcc with dont_send: requesters stored, nothing mailed", func(t *testing.T) {
		m := marker()
		tk := compose(t, c, cerb.ComposeRequest{To: addr(m, "to"), Cc: addr(m, "cc"), Bcc: addr(m, "bcc"), DontSend: true})
		wireHas(t, r, "dont_send=1", "to="+m)
		got := k.ticket(t, tk.ID).requesters()
		if !slices.Contains(got, addr(m, "to")) {
			t.Errorf("requesters %q, want %s among them", got, addr(m, "to"))
		}
		msg := k.message(t, tk.InitialMessageID)
		msg.want(t, "is_not_sent", "1")
		h, _ := msg["headers"].(map[string]any)
		rec(h).want(t, "to", addr(m, "to"), "cc", addr(m, "cc"), "bcc", addr(m, "bcc"))
		if k.smtpLog != "" {
			k.notMailed(t, c, m)
		}
	})
	t.Run("group_id: the group's default bucket", func(t *testing.T) {
		tk := compose(t, c, cerb.ComposeRequest{GroupID: 5, DontSend: true})
		k.ticket(t, tk.ID).want(t, "group_id", "5", "group_name", "API Test", "bucket_id", "6")
	})
	t.Run("bucket_id of another group: the group follows the bucket", func(t *testing.T) {
		tk := compose(t, c, cerb.ComposeRequest{GroupID: 1, BucketID: cerb.ID(7), DontSend: true})
		k.ticket(t, tk.ID).want(t, "group_id", "5", "bucket_id", "7", "bucket_name", "Escalated")
	})
	t.Run("owner_id and org_id", func(t *testing.T) {
		tk := compose(t, c, cerb.ComposeRequest{OwnerID: cerb.ID(2), OrgID: cerb.ID(3), DontSend: true})
		k.ticket(t, tk.ID).want(t, "owner_id", "2", "owner_full_name", "Jane Agent", "org_id", "3", "org_name", "Acme Corp")
	})
	t.Run("owner_id=0 reaches the server", func(t *testing.T) {
		tk := compose(t, c, cerb.ComposeRequest{OwnerID: cerb.ID(0), DontSend: true})
		wireHas(t, r, "owner_id=0")
		k.ticket(t, tk.ID).want(t, "owner_id", "0")
	})
	for _, st := range []struct {
		s    cerb.Status
		wire string
		id   string
	}{{cerb.StatusOpen, "status=0", "0"}, {cerb.StatusWaiting, "status=1", "1"}, {cerb.StatusClosed, "status=2", "2"}} {
		t.Run("status "+string(st.s), func(t *testing.T) {
			tk := compose(t, c, cerb.ComposeRequest{Status: st.s, DontSend: true})
			wireHas(t, r, st.wire)
			k.ticket(t, tk.ID).want(t, "status", string(st.s), "status_id", st.id)
		})
	}
	t.Run("reopen_at exact (At) with status waiting", func(t *testing.T) {
		at := time.Now().Add(72 * time.Hour).Truncate(time.Second)
		tk := compose(t, c, cerb.ComposeRequest{Status: cerb.StatusWaiting, ReopenAt: cerb.At(at), DontSend: true})
		wireHas(t, r, "reopen_at="+strconv.FormatInt(at.Unix(), 10))
		k.ticket(t, tk.ID).want(t, "status", "waiting", "reopen_date", strconv.FormatInt(at.Unix(), 10))
	})
	t.Run("reopen_at relative (TimeText) with status closed", func(t *testing.T) {
		before := time.Now().Unix()
		tk := compose(t, c, cerb.ComposeRequest{Status: cerb.StatusClosed, ReopenAt: cerb.TimeText("+2 hours"), DontSend: true})
		after := time.Now().Unix()
		wireHas(t, r, "reopen_at=%2B2+hours")
		got := k.ticket(t, tk.ID)
		got.want(t, "status", "closed")
		if d := got.int(t, "reopen_date"); d < before+7200-300 || d > after+7200+300 {
			t.Errorf("reopen_date = %d, want about %d (+2 hours)", d, before+7200)
		}
	})
	t.Run("reopen_at without status is ignored", func(t *testing.T) {
		tk := compose(t, c, cerb.ComposeRequest{ReopenAt: cerb.TimeText("+2 hours"), DontSend: true})
		k.ticket(t, tk.ID).want(t, "status", "open", "reopen_date", "0")
	})
	t.Run("content_format=markdown adds an HTML part", func(t *testing.T) {
		tk := compose(t, c, cerb.ComposeRequest{Content: "**bold** " + marker(), Markdown: true, DontSend: true})
		wireHas(t, r, "content_format=markdown")
		if k.message(t, tk.InitialMessageID).int(t, "html_attachment_id") == 0 {
			t.Error("html_attachment_id = 0: no HTML part stored for Markdown content")
		}
	})
	t.Run("html_template_id with markdown", func(t *testing.T) {
		tk := compose(t, c, cerb.ComposeRequest{Content: "# Title", Markdown: true, HTMLTemplateID: 2, DontSend: true})
		wireHas(t, r, "html_template_id=2")
		if k.message(t, tk.InitialMessageID).int(t, "html_attachment_id") == 0 {
			t.Error("html_attachment_id = 0")
		}
	})
	t.Run("file_id[] from attachments/upload.json", func(t *testing.T) {
		m := marker()
		a, b := k.upload(t, m+"-a.txt", "first "+m), k.upload(t, m+"-b.txt", "second "+m)
		tk := compose(t, c, cerb.ComposeRequest{FileIDs: []int64{a, b}, DontSend: true})
		wireHas(t, r, fmt.Sprintf("file_id%%5B%%5D=%d&file_id%%5B%%5D=%d", a, b))
		got := k.message(t, tk.InitialMessageID).attachmentNames()
		for _, n := range []string{m + "-a.txt", m + "-b.txt"} {
			if !slices.Contains(got, n) {
				t.Errorf("attachments %q, want %s", got, n)
			}
		}
	})

	t.Run("custom fields of every type", func(t *testing.T) {
		m := marker()
		due := time.Date(2027, 3, 14, 0, 0, 0, 0, time.UTC)
		tk := compose(t, c, cerb.ComposeRequest{DontSend: true, CustomFields: cerb.CustomFields{
			1: cerb.Single("ref-" + m), 2: cerb.Number(-7), 3: cerb.Date(due), 4: cerb.Single("High"),
			5: cerb.Single("line 1\nline 2"), 6: cerb.Checkbox(true), 7: cerb.Multi("billing", "bug"),
			8: cerb.Single("https://example.com/" + m), 9: cerb.Single("2"), 10: cerb.Single("19.99"),
		}})
		wireHas(t, r, "custom_1=ref-"+m, "custom_2=-7", "custom_3="+strconv.FormatInt(due.Unix(), 10), "custom_6=1",
			"custom_7%5B%5D=billing&custom_7%5B%5D=bug")
		got := k.ticket(t, tk.ID)
		for _, f := range []struct{ name, key, want string }{
			{"text", "custom_1", "ref-" + m}, {"number", "custom_2", "-7"}, {"date", "custom_3", strconv.FormatInt(due.Unix(), 10)},
			{"picklist", "custom_4", "High"}, {"multi-line", "custom_5", "line 1\nline 2"}, {"checkbox", "custom_6", "1"},
			{"url", "custom_8", "https://example.com/" + m}, {"worker", "custom_9", "2"}, {"decimal (scaled)", "custom_10", "1999"},
		} {
			t.Run(f.name, func(t *testing.T) { got.want(t, f.key, f.want) })
		}
		t.Run("multiple checkboxes", func(t *testing.T) {
			if v := slices.Sorted(slices.Values(got.multi(7))); !slices.Equal(v, []string{"billing", "bug"}) {
				t.Errorf("custom 7 = %q, want billing, bug", v)
			}
		})
	})
	t.Run("checkbox false is stored as unset", func(t *testing.T) {
		tk := compose(t, c, cerb.ComposeRequest{DontSend: true, CustomFields: cerb.CustomFields{6: cerb.Checkbox(false)}})
		wireHas(t, r, "custom_6=0")
		k.ticket(t, tk.ID).want(t, "custom_6", "")
	})
	t.Run("expand and show_meta go in the query", func(t *testing.T) {
		res, err := c.Compose(context.Background(), cerb.ComposeRequest{
			GroupID: 1, Subject: "cerb-openapi live test " + marker(), Content: "x", DontSend: true,
			Expand: []string{"custom_", "group_"}, ShowMeta: true,
		})
		if err != nil {
			t.Fatal(err)
		}
		p := r.last(t)
		if !strings.Contains(p.req.URL, "expand=custom_%2Cgroup_") || !strings.Contains(p.req.URL, "show_meta=1") || strings.Contains(string(p.req.Body), "expand") {
			t.Errorf("request %s body %s: want expand and show_meta in the query only", p.req.URL, p.req.Body)
		}
		for _, key := range []string{"group_name", "custom_1", "_labels"} {
			if _, ok := res.Ticket.Extra[key]; !ok {
				t.Errorf("the answer has no %s", key)
			}
		}
	})
	t.Run("the client's Ticket is the server's record (timestamps, digit strings, zero times)", func(t *testing.T) {
		tk := compose(t, c, cerb.ComposeRequest{OwnerID: cerb.ID(2), DontSend: true})
		got := k.ticket(t, tk.ID)
		unix := func(x time.Time) string {
			if x.IsZero() {
				return "0"
			}
			return strconv.FormatInt(x.Unix(), 10)
		}
		got.want(t, "id", strconv.FormatInt(tk.ID, 10), "mask", tk.Mask, "subject", tk.Subject, "status", string(tk.Status),
			"group_id", strconv.FormatInt(tk.GroupID, 10), "bucket_id", strconv.FormatInt(tk.BucketID, 10),
			"owner_id", strconv.FormatInt(tk.OwnerID, 10), "org_id", strconv.FormatInt(tk.OrgID, 10),
			"created", unix(tk.Created), "reopen_date", unix(tk.ReopenAt), "closed_at", unix(tk.ClosedAt),
			"initial_message_id", strconv.FormatInt(tk.InitialMessageID, 10), "num_messages", strconv.FormatInt(tk.NumMessages, 10),
			"elapsed_response_first", strconv.FormatInt(int64(tk.ElapsedResponseFirst/time.Second), 10),
			"record_url", tk.URL)
		if !tk.ReopenAt.IsZero() || !tk.ClosedAt.IsZero() {
			t.Errorf("Cerb's 0 must be the zero time: reopen %v, closed %v", tk.ReopenAt, tk.ClosedAt)
		}
	})
	t.Run("refused before sending: bare digits in send_at, an empty Multi", func(t *testing.T) {
		n := r.count()
		for _, req := range []cerb.ComposeRequest{
			{GroupID: 1, Subject: "x", Content: "x", DontSend: true, SendAt: cerb.TimeText("1795783602")},
			{GroupID: 1, Subject: "x", Content: "x", DontSend: true, CustomFields: cerb.CustomFields{7: cerb.Multi()}},
		} {
			if _, err := c.Compose(context.Background(), req); !errors.Is(err, cerb.ErrInvalidRequest) {
				t.Errorf("err = %v, want a *FieldError", err)
			}
		}
		if r.count() != n {
			t.Error("a refused request was sent")
		}
	})
}

// TestLiveDrafts: a future send_at queues the mail as a draft (no ticket, nothing
// mailed); a past one sends at once. Cerb 10.4.10 has no REST read-back for drafts
// (/rest/records/draft/<id>.json answers ERROR_NOT_FOUND), so the effect read back is
// that no ticket was created: the next ticket id follows the previous one.
func TestLiveDrafts(t *testing.T) {
	k, r, c := setup(t)
	for _, tc := range []struct {
		name string
		when cerb.When
		wire string
	}{
		{"send_at @unix (At), far in the future", cerb.At(time.Now().AddDate(2, 0, 0)), "send_at=%40"},
		{"send_at relative (TimeText)", cerb.TimeText("+2 years"), "send_at=%2B2+years"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := marker()
			to := "" // a server with cron would send the draft one day: a recipient only with the kit
			if k.smtpLog != "" {
				to = addr(m, "to")
			}
			before := compose(t, c, cerb.ComposeRequest{DontSend: true})
			res, err := c.Compose(context.Background(), cerb.ComposeRequest{
				GroupID: 1, To: to, Subject: "cerb-openapi live draft " + m, Content: "Queued.", SendAt: tc.when,
			})
			if err != nil {
				t.Fatal(err)
			}
			wireHas(t, r, tc.wire)
			if !res.Queued() || res.Draft.ID <= 0 || res.Draft.Kind != "mail.compose" || res.Draft.TicketID != 0 ||
				res.Draft.URL != "/profiles/draft/"+strconv.FormatInt(res.Draft.ID, 10) {
				t.Fatalf("want a queued mail.compose draft, got %+v", res)
			}
			after := compose(t, c, cerb.ComposeRequest{DontSend: true})
			if after.ID != before.ID+1 {
				t.Errorf("ticket ids %d then %d: the draft created a ticket", before.ID, after.ID)
			}
			if k.smtpLog != "" {
				k.notMailed(t, c, m)
			}
		})
	}
	t.Run("send_at in the past sends at once: a ticket", func(t *testing.T) {
		res, err := c.Compose(context.Background(), cerb.ComposeRequest{
			GroupID: 1, Subject: "cerb-openapi live test " + marker(), Content: "x", DontSend: true, SendAt: cerb.TimeText("-1 hour"),
		})
		if err != nil || res.Ticket == nil {
			t.Fatalf("want a ticket, got %+v, %v", res, err)
		}
		k.ticket(t, res.Ticket.ID).want(t, "id", strconv.FormatInt(res.Ticket.ID, 10))
	})
}

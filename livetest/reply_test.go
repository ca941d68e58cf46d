//go:build live

package livetest

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/cerb-openapi/cerb-openapi/cerb"
)

func reply(t *testing.T, c *cerb.Client, req cerb.ReplyRequest) *cerb.Ticket {
	t.Helper()
	if req.Content == "" {
		req.Content = "Reply from the cerb-openapi live suite."
	}
	tk, err := c.Reply(context.Background(), req)
	if err != nil {
		t.Fatalf("reply: %v", err)
	}
	return tk
}

// TestLiveReplyFields: each reply field, and the README's rules about reply (reopen,
// owner, group and bucket moves, delta custom fields), read back from the server.
func TestLiveReplyFields(t *testing.T) {
	k, r, c := setup(t)

	t.Run("a reply without status reopens the ticket", func(t *testing.T) {
		for _, from := range []cerb.Status{cerb.StatusWaiting, cerb.StatusClosed} {
			tk := compose(t, c, cerb.ComposeRequest{Status: from, DontSend: true})
			k.ticket(t, tk.ID).want(t, "status", string(from))
			reply(t, c, cerb.ReplyRequest{MessageID: tk.InitialMessageID, DontSend: true})
			k.ticket(t, tk.ID).want(t, "status", "open")
		}
	})
	t.Run("status=0 reaches the server", func(t *testing.T) {
		tk := compose(t, c, cerb.ComposeRequest{Status: cerb.StatusClosed, DontSend: true})
		reply(t, c, cerb.ReplyRequest{MessageID: tk.InitialMessageID, Status: cerb.StatusOpen, DontSend: true})
		wireHas(t, r, "status=0")
		k.ticket(t, tk.ID).want(t, "status", "open", "status_id", "0")
	})
	t.Run("status waiting with reopen_at kept", func(t *testing.T) {
		at := time.Now().Add(48 * time.Hour).Truncate(time.Second)
		tk := compose(t, c, cerb.ComposeRequest{DontSend: true})
		reply(t, c, cerb.ReplyRequest{MessageID: tk.InitialMessageID, Status: cerb.StatusWaiting, ReopenAt: cerb.At(at), DontSend: true})
		k.ticket(t, tk.ID).want(t, "status", "waiting", "reopen_date", strconv.FormatInt(at.Unix(), 10))
	})
	t.Run("status closed", func(t *testing.T) {
		tk := compose(t, c, cerb.ComposeRequest{DontSend: true})
		reply(t, c, cerb.ReplyRequest{MessageID: tk.InitialMessageID, Status: cerb.StatusClosed, DontSend: true})
		k.ticket(t, tk.ID).want(t, "status", "closed", "status_id", "2")
	})
	t.Run("owner_id=0 unassigns, unset keeps, an id assigns", func(t *testing.T) {
		tk := compose(t, c, cerb.ComposeRequest{OwnerID: cerb.ID(2), DontSend: true})
		reply(t, c, cerb.ReplyRequest{MessageID: tk.InitialMessageID, Status: cerb.StatusOpen, DontSend: true})
		k.ticket(t, tk.ID).want(t, "owner_id", "2")
		reply(t, c, cerb.ReplyRequest{MessageID: tk.InitialMessageID, Status: cerb.StatusOpen, OwnerID: cerb.ID(0), DontSend: true})
		wireHas(t, r, "owner_id=0")
		k.ticket(t, tk.ID).want(t, "owner_id", "0")
		reply(t, c, cerb.ReplyRequest{MessageID: tk.InitialMessageID, Status: cerb.StatusOpen, OwnerID: cerb.ID(2), DontSend: true})
		k.ticket(t, tk.ID).want(t, "owner_id", "2")
	})
	t.Run("bucket_id moves the ticket; the group follows the bucket", func(t *testing.T) {
		tk := compose(t, c, cerb.ComposeRequest{DontSend: true})
		reply(t, c, cerb.ReplyRequest{MessageID: tk.InitialMessageID, Status: cerb.StatusOpen, GroupID: cerb.ID(1), BucketID: cerb.ID(7), DontSend: true})
		k.ticket(t, tk.ID).want(t, "group_id", "5", "bucket_id", "7")
	})
	t.Run("group_id alone moves only to the current group's default bucket", func(t *testing.T) {
		tk := compose(t, c, cerb.ComposeRequest{BucketID: cerb.ID(5), DontSend: true})
		k.ticket(t, tk.ID).want(t, "group_id", "1", "bucket_id", "5")
		reply(t, c, cerb.ReplyRequest{MessageID: tk.InitialMessageID, Status: cerb.StatusOpen, GroupID: cerb.ID(5), DontSend: true})
		k.ticket(t, tk.ID).want(t, "group_id", "1", "bucket_id", "1")
	})
	t.Run("group_id with a bucket of that group moves", func(t *testing.T) {
		tk := compose(t, c, cerb.ComposeRequest{GroupID: 5, DontSend: true})
		reply(t, c, cerb.ReplyRequest{MessageID: tk.InitialMessageID, Status: cerb.StatusOpen, GroupID: cerb.ID(1), BucketID: cerb.ID(5), DontSend: true})
		k.ticket(t, tk.ID).want(t, "group_id", "1", "bucket_id", "5", "bucket_name", "Waiting")
	})
	t.Run("subject renames the ticket", func(t *testing.T) {
		tk := compose(t, c, cerb.ComposeRequest{DontSend: true})
		s := "Renamed " + marker()
		reply(t, c, cerb.ReplyRequest{MessageID: tk.InitialMessageID, Status: cerb.StatusOpen, Subject: s, DontSend: true})
		k.ticket(t, tk.ID).want(t, "subject", s)
	})
	t.Run("dont_send stores the message, not sent; content read back", func(t *testing.T) {
		tk := compose(t, c, cerb.ComposeRequest{DontSend: true})
		content := "Stored only " + marker()
		after := reply(t, c, cerb.ReplyRequest{MessageID: tk.InitialMessageID, Content: content, Status: cerb.StatusOpen, DontSend: true})
		got := k.ticket(t, tk.ID)
		if got.int(t, "num_messages") != 2 {
			t.Errorf("num_messages = %s, want 2", got.str("num_messages"))
		}
		k.message(t, got.int(t, "latest_message_id")).want(t, "is_not_sent", "1", "content", content)
		if after.LatestMessageID != got.int(t, "latest_message_id") {
			t.Errorf("the reply's latest_message_id %d is not the server's %s", after.LatestMessageID, got.str("latest_message_id"))
		}
	})
	t.Run("worker_id sends as another worker (superuser caller)", func(t *testing.T) {
		tk := compose(t, c, cerb.ComposeRequest{DontSend: true})
		reply(t, c, cerb.ReplyRequest{MessageID: tk.InitialMessageID, Status: cerb.StatusOpen, WorkerID: 2, DontSend: true})
		k.message(t, k.ticket(t, tk.ID).int(t, "latest_message_id")).want(t, "worker_id", "2")
	})
	t.Run("markdown and file_id[] on reply", func(t *testing.T) {
		m := marker()
		f := k.upload(t, m+".txt", "reply attachment "+m)
		tk := compose(t, c, cerb.ComposeRequest{DontSend: true})
		reply(t, c, cerb.ReplyRequest{MessageID: tk.InitialMessageID, Content: "*hi* " + m, Markdown: true, FileIDs: []int64{f}, Status: cerb.StatusOpen, DontSend: true})
		msg := k.message(t, k.ticket(t, tk.ID).int(t, "latest_message_id"))
		if msg.int(t, "html_attachment_id") == 0 {
			t.Error("html_attachment_id = 0")
		}
		if got := msg.attachmentNames(); !slices.Contains(got, m+".txt") {
			t.Errorf("attachments %q, want %s.txt", got, m)
		}
	})
	t.Run("send_at in the future queues the reply: ticket unchanged", func(t *testing.T) {
		tk := compose(t, c, cerb.ComposeRequest{DontSend: true})
		reply(t, c, cerb.ReplyRequest{MessageID: tk.InitialMessageID, Status: cerb.StatusOpen, SendAt: cerb.TimeText("+2 years"), DontSend: true})
		k.ticket(t, tk.ID).want(t, "num_messages", "1", "latest_message_id", strconv.FormatInt(tk.InitialMessageID, 10))
	})
	t.Run("single custom field replaced, Single(\"\") clears", func(t *testing.T) {
		tk := compose(t, c, cerb.ComposeRequest{DontSend: true, CustomFields: cerb.CustomFields{1: cerb.Single("first"), 4: cerb.Single("Low")}})
		reply(t, c, cerb.ReplyRequest{MessageID: tk.InitialMessageID, Status: cerb.StatusOpen, DontSend: true, CustomFields: cerb.CustomFields{1: cerb.Single("second"), 4: cerb.Single("Critical")}})
		k.ticket(t, tk.ID).want(t, "custom_1", "second", "custom_4", "Critical")
		reply(t, c, cerb.ReplyRequest{MessageID: tk.InitialMessageID, Status: cerb.StatusOpen, DontSend: true, CustomFields: cerb.CustomFields{1: cerb.Single("")}})
		wireHas(t, r, "custom_1=&")
		k.ticket(t, tk.ID).want(t, "custom_1", "", "custom_4", "Critical")
	})
	t.Run("multi-value custom field by delta", func(t *testing.T) {
		tk := compose(t, c, cerb.ComposeRequest{DontSend: true, CustomFields: cerb.CustomFields{7: cerb.Multi("billing", "bug")}})
		stored := slices.Sorted(slices.Values(k.ticket(t, tk.ID).multi(7)))
		if !slices.Equal(stored, []string{"billing", "bug"}) {
			t.Fatalf("after compose: custom 7 = %q", stored)
		}
		for _, st := range []struct {
			name  string
			value func([]string) cerb.CustomValue
			wire  string
			want  []string
		}{
			{"Add", func([]string) cerb.CustomValue { return cerb.Add("feature") }, "custom_7%5B%5D=feature", []string{"billing", "bug", "feature"}},
			{"Remove", func([]string) cerb.CustomValue { return cerb.Remove("bug") }, "custom_7%5B%5D=-bug", []string{"billing", "feature"}},
			{"Replace", func(s []string) cerb.CustomValue { return cerb.Replace(s, "bug") }, "custom_7%5B%5D=-billing&custom_7%5B%5D=-feature&custom_7%5B%5D=bug", []string{"bug"}},
			{"Replace with nothing clears", func(s []string) cerb.CustomValue { return cerb.Replace(s) }, "custom_7%5B%5D=-bug", nil},
		} {
			t.Run(st.name, func(t *testing.T) {
				reply(t, c, cerb.ReplyRequest{MessageID: tk.InitialMessageID, Status: cerb.StatusOpen, DontSend: true, CustomFields: cerb.CustomFields{7: st.value(stored)}})
				wireHas(t, r, st.wire)
				stored = slices.Sorted(slices.Values(k.ticket(t, tk.ID).multi(7)))
				if !slices.Equal(stored, st.want) {
					t.Errorf("custom 7 = %q, want %q", stored, st.want)
				}
			})
		}
	})
	t.Run("Multi refused on reply, nothing sent", func(t *testing.T) {
		n := r.count()
		_, err := c.Reply(context.Background(), cerb.ReplyRequest{MessageID: 1, Content: "x", CustomFields: cerb.CustomFields{7: cerb.Multi("bug")}})
		var fe *cerb.FieldError
		if !errors.As(err, &fe) || r.count() != n {
			t.Errorf("err = %v (sent: %v), want a *FieldError before sending", err, r.count() != n)
		}
	})
}

// TestLiveMailFlags: what really reaches the SMTP sink, and what the flags store. These
// tests mail (to @example.com addresses, into the kit's sink only).
func TestLiveMailFlags(t *testing.T) {
	k, _, c := setup(t)
	k.needSMTP(t)

	// fresh: a ticket with one requester that was mailed, and its stored message count.
	fresh := func(t *testing.T, m string) *cerb.Ticket {
		tk := compose(t, c, cerb.ComposeRequest{To: addr(m, "customer"), Subject: "cerb-openapi live mail " + m})
		k.waitSMTP(t, addr(m, "customer"))
		k.message(t, tk.InitialMessageID).want(t, "is_not_sent", "0")
		return tk
	}
	t.Run("compose with to is mailed", func(t *testing.T) { fresh(t, marker()) })
	t.Run("reply to, cc, bcc are mailed; to becomes a requester", func(t *testing.T) {
		m := marker()
		tk := fresh(t, m)
		reply(t, c, cerb.ReplyRequest{MessageID: tk.InitialMessageID, To: addr(m, "newto"), Cc: addr(m, "cc"), Bcc: addr(m, "bcc"), Status: cerb.StatusOpen})
		// The sink logs the mail's text, not the envelope: Bcc is read back from the
		// stored message's headers only.
		for _, a := range []string{"To: " + addr(m, "newto"), "Cc: " + addr(m, "cc")} {
			k.waitSMTP(t, a)
		}
		got := k.ticket(t, tk.ID)
		if rq := got.requesters(); !slices.Contains(rq, addr(m, "newto")) {
			t.Errorf("requesters %q, want %s", rq, addr(m, "newto"))
		}
		h, _ := k.message(t, got.int(t, "latest_message_id"))["headers"].(map[string]any)
		rec(h).want(t, "to", addr(m, "newto"), "cc", addr(m, "cc"), "bcc", addr(m, "bcc"))
	})
	t.Run("is_forward mails to without making it a requester", func(t *testing.T) {
		m := marker()
		tk := fresh(t, m)
		reply(t, c, cerb.ReplyRequest{MessageID: tk.InitialMessageID, To: addr(m, "fwd"), IsForward: true, Status: cerb.StatusOpen})
		k.waitSMTP(t, addr(m, "fwd"))
		if got := k.ticket(t, tk.ID).requesters(); slices.Contains(got, addr(m, "fwd")) {
			t.Errorf("requesters %q: the forward address became a requester", got)
		}
	})
	t.Run("is_broadcast is stored on the message", func(t *testing.T) {
		m := marker()
		tk := fresh(t, m)
		reply(t, c, cerb.ReplyRequest{MessageID: tk.InitialMessageID, Content: "Broadcast " + m, IsBroadcast: true, Status: cerb.StatusOpen})
		k.message(t, k.ticket(t, tk.ID).int(t, "latest_message_id")).want(t, "is_broadcast", "1", "content", "Broadcast "+m)
	})
	for _, tc := range []struct {
		name string
		req  func(*cerb.ReplyRequest)
	}{
		{"is_autoreply mails but stores no message", func(r *cerb.ReplyRequest) { r.IsAutoreply = true }},
		{"dont_keep_copy mails but stores no message", func(r *cerb.ReplyRequest) { r.DontKeepCopy = true }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := marker()
			tk := fresh(t, m)
			req := cerb.ReplyRequest{MessageID: tk.InitialMessageID, Content: "Flag " + m, Subject: "cerb-openapi live flag " + m + "-flag", Status: cerb.StatusOpen}
			tc.req(&req)
			reply(t, c, req)
			k.waitSMTP(t, m+"-flag")
			k.ticket(t, tk.ID).want(t, "num_messages", "1")
		})
	}
	t.Run("dont_send on reply mails nothing", func(t *testing.T) {
		m := marker()
		tk := fresh(t, m)
		reply(t, c, cerb.ReplyRequest{MessageID: tk.InitialMessageID, To: addr(m, "silent"), DontSend: true, Status: cerb.StatusOpen})
		k.ticket(t, tk.ID).want(t, "num_messages", "2")
		k.notMailed(t, c, addr(m, "silent"))
	})
}

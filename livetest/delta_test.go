//go:build live

package livetest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cerb-openapi/cerb-openapi/cerb"
)

// TestLiveMultiValueDelta: on a multi-value custom field (multiple checkboxes with the
// options billing, bug and feature: field 7 of the test kit, or CERB_MULTI_FIELD_ID), a
// reply adds the values sent, "-value" removes one, and Replace (remove the stored ones,
// then add) sets them, exactly as cerb.Add, cerb.Remove and cerb.Replace document.
func TestLiveMultiValueDelta(t *testing.T) {
	base, token, group, _ := env(t)
	field := int64(7)
	if s := os.Getenv("CERB_MULTI_FIELD_ID"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("CERB_MULTI_FIELD_ID=%q: %v", s, err)
		}
		field = n
	}
	rec := &recorder{}
	t.Cleanup(func() { rec.verify(t) })
	c := newClient(t, base, cerb.Bearer(token), rec)
	ctx := context.Background()

	res, err := c.Compose(ctx, cerb.ComposeRequest{
		GroupID: group, Subject: "cerb-openapi live test (multi-value field)", Content: "Delta custom fields.",
		DontSend: true, CustomFields: cerb.CustomFields{field: cerb.Multi("billing", "bug")}, Expand: []string{"custom_"},
	})
	if err != nil {
		t.Fatalf("compose: %v", err)
	}
	stored, ok := res.Ticket.Custom(field)
	if !ok {
		t.Fatal("compose with Expand custom_: no custom key in the ticket")
	}
	if !slices.Equal(stored, []string{"billing", "bug"}) {
		skipOrFail(t, fmt.Sprintf("custom_%d after compose = %q: not a multiple-checkbox field with options billing, bug, feature (set CERB_MULTI_FIELD_ID)", field, stored))
	}
	msg := res.Ticket.InitialMessageID
	steps := []struct {
		name  string
		value func(stored []string) cerb.CustomValue
		want  []string
	}{
		{"Add", func([]string) cerb.CustomValue { return cerb.Add("feature") }, []string{"billing", "bug", "feature"}},
		{"Remove", func([]string) cerb.CustomValue { return cerb.Remove("bug") }, []string{"billing", "feature"}},
		{"Remove a value not stored", func([]string) cerb.CustomValue { return cerb.Remove("bug") }, []string{"billing", "feature"}},
		{"Replace", func(s []string) cerb.CustomValue { return cerb.Replace(s, "bug") }, []string{"bug"}},
		{"Replace with a stored value kept", func(s []string) cerb.CustomValue { return cerb.Replace(s, "bug", "feature") }, []string{"bug", "feature"}},
		{"Replace with nothing (clear)", func(s []string) cerb.CustomValue { return cerb.Replace(s) }, nil},
	}
	for _, st := range steps {
		tk, err := c.Reply(ctx, cerb.ReplyRequest{
			MessageID: msg, Content: "Delta: " + st.name, Status: cerb.StatusOpen, DontSend: true,
			CustomFields: cerb.CustomFields{field: st.value(stored)}, Expand: []string{"custom_"},
		})
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		got, _ := tk.Custom(field)
		if !slices.Equal(slices.Sorted(slices.Values(got)), st.want) {
			t.Fatalf("%s (stored %q): custom_%d = %q, want %q", st.name, stored, field, got, st.want)
		}
		stored = got
	}
}

// TestLiveStatusDeletedIsIgnored: Cerb 10.4.10 accepts status=3 (deleted) on compose and
// reply without an error and ignores it (compose: open; reply: the status stays as it
// was), which is why openapi.yaml (2.0.0) allows only 0..2 and the client offers no
// "deleted". The raw requests are sent with net/http (the client refuses 3) through the
// suite's recorder, which requires the contract to flag them at body /status and every
// response to validate.
func TestLiveStatusDeletedIsIgnored(t *testing.T) {
	k, r, _ := setup(t)
	_, _, group, _ := env(t)
	r.expectViolation("status=3", "body /status", func(p pair) bool {
		return strings.Contains(string(p.req.Body), "status=3")
	})
	hc := &http.Client{Transport: r, Timeout: 60 * time.Second}
	post := func(op string, form url.Values) map[string]any {
		t.Helper()
		req, err := http.NewRequest("POST", strings.TrimSuffix(k.base, "/")+"/tickets/"+op+".json", strings.NewReader(form.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "Bearer "+k.token)
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&m); err != nil || m["__status"] != "success" {
			t.Fatalf("%s %s: HTTP %d, %v %v", op, form.Encode(), resp.StatusCode, m, err)
		}
		return m
	}
	tk := post("compose", url.Values{"group_id": {strconv.FormatInt(group, 10)}, "subject": {"cerb-openapi live test (status=3) " + marker()}, "content": {"x"}, "dont_send": {"1"}, "status": {"3"}})
	if tk["status"] != "open" {
		t.Errorf("compose status=3: status %v, want open", tk["status"])
	}
	msg := fmt.Sprint(tk["initial_message_id"])
	for _, before := range []struct{ code, text string }{{"0", "open"}, {"1", "waiting"}, {"2", "closed"}} {
		post("reply", url.Values{"message_id": {msg}, "content": {"set " + before.text}, "dont_send": {"1"}, "status": {before.code}})
		after := post("reply", url.Values{"message_id": {msg}, "content": {"status=3"}, "dont_send": {"1"}, "status": {"3"}})
		if after["status"] != before.text {
			t.Errorf("reply status=3 on a %s ticket: status %v, want it unchanged", before.text, after["status"])
		}
	}
}

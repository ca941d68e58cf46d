//go:build live

package livetest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cerb-openapi/cerb-openapi/cerb"
)

// kit is a Cerb with the fixture records of ../shared/cerb-server (groups 1 and 5,
// buckets 5 to 7, worker 2 "Jane", org 3, HTML template 2, ticket custom fields 1 to 10)
// and its credentials. The claim tests need them; they run against the kit, or against
// another server set up the same way with CERB_KIT_FIXTURES=1.
type kit struct {
	base    string // REST root, .../rest
	root    string // the same without /rest
	token   string // admin, scope api
	ro      string // admin, scope api:read-only
	jane    string // worker 2, not an admin
	key     string // legacy API key
	secret  string
	smtpLog string // the SMTP sink's log ("" against a server that really mails)
}

// kitEnv returns the kit's settings, or skips (fails when CI=true) without them.
func kitEnv(t *testing.T) kit {
	t.Helper()
	base, token, _, _ := env(t)
	if os.Getenv("CERB_SERVER_DIR") == "" && os.Getenv("CERB_KIT_FIXTURES") != "1" {
		skipOrFail(t, "the claim tests need the fixture records of ../shared/cerb-server (source its env, or set CERB_KIT_FIXTURES=1 on a server with the same records)")
	}
	k := kit{
		base: strings.TrimSuffix(base, "/"), token: token,
		ro: os.Getenv("CERB_READONLY_TOKEN"), jane: os.Getenv("CERB_JANE_TOKEN"),
		key: os.Getenv("CERB_ACCESS_KEY"), secret: os.Getenv("CERB_SECRET"), smtpLog: os.Getenv("CERB_SMTP_LOG"),
	}
	k.root = strings.TrimSuffix(k.base, "/rest")
	for name, v := range map[string]string{"CERB_READONLY_TOKEN": k.ro, "CERB_JANE_TOKEN": k.jane, "CERB_ACCESS_KEY": k.key, "CERB_SECRET": k.secret} {
		if v == "" {
			skipOrFail(t, "set "+name+" (the kit's env has it)")
		}
	}
	return k
}

// needSMTP skips (fails when CI=true) a test that really sends mail, unless the server
// mails into the kit's sink: against any other server nothing may be mailed.
func (k kit) needSMTP(t *testing.T) {
	t.Helper()
	if k.smtpLog == "" {
		skipOrFail(t, "this test sends mail: it runs only with the kit's SMTP sink (CERB_SMTP_LOG)")
	}
}

var seq atomic.Int64

// marker is a string no earlier run can have used: subjects and addresses carry it, so a
// read-back or a search of the SMTP log finds this test's record only.
func marker() string {
	return fmt.Sprintf("lt%d%04d", time.Now().UnixNano()/1e6, seq.Add(1))
}

// addr is an @example.com address (reserved: never delivered anywhere) with the marker.
func addr(m, role string) string { return m + "-" + role + "@example.com" }

// raw sends a request outside the two operations of the spec (read-backs, uploads),
// which the contract checker therefore does not see, and returns the decoded success.
func (k kit) raw(t *testing.T, method, path string, form url.Values) map[string]any {
	t.Helper()
	return k.rawVia(t, &http.Client{Timeout: 60 * time.Second}, method, path, form)
}

// rawVia is raw through hc (a recorder's transport, say).
func (k kit) rawVia(t *testing.T, hc *http.Client, method, path string, form url.Values) map[string]any {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, k.base+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Authorization", "Bearer "+k.token)
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil || m["__status"] != "success" {
		t.Fatalf("%s %s: HTTP %d %.400s", method, path, resp.StatusCode, b)
	}
	return m
}

// ticket reads a ticket back from the server with its custom fields, owner, org, group,
// bucket and requesters.
func (k kit) ticket(t *testing.T, id int64) rec {
	t.Helper()
	return rec(k.raw(t, "GET", fmt.Sprintf("/tickets/%d.json?expand=custom_,owner_,org_,group_,bucket_,requesters", id), nil))
}

// message reads a message back with its content, headers and attachments.
func (k kit) message(t *testing.T, id int64) rec {
	t.Helper()
	return rec(k.raw(t, "GET", fmt.Sprintf("/messages/%d.json?expand=content,headers,attachments", id), nil))
}

// upload stores an attachment (POST /rest/attachments/upload.json) and returns its id.
func (k kit) upload(t *testing.T, name, content string) int64 {
	t.Helper()
	m := rec(k.raw(t, "POST", "/attachments/upload.json", url.Values{
		"file_name": {name}, "mime_type": {"text/plain"}, "content": {content}, "encoding": {"text"},
	}))
	return m.int(t, "id")
}

// smtp reports whether the SMTP sink's log holds s.
func (k kit) smtp(t *testing.T, s string) bool {
	t.Helper()
	b, err := os.ReadFile(k.smtpLog)
	if err != nil {
		t.Fatalf("SMTP log: %v", err)
	}
	return bytes.Contains(b, []byte(s))
}

// waitSMTP waits until the sink has logged s (Cerb hands the mail over during the
// request; the wait only absorbs the sink's own write).
func (k kit) waitSMTP(t *testing.T, s string) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for !k.smtp(t, s) {
		if time.Now().After(deadline) {
			t.Fatalf("%q never reached the SMTP sink (%s)", s, k.smtpLog)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// notMailed asserts that nothing with s was mailed: it mails a sentinel through the same
// server afterwards and, once the sentinel is in the log, requires s not to be.
func (k kit) notMailed(t *testing.T, c *cerb.Client, s string) {
	t.Helper()
	m := marker()
	if _, err := c.Compose(context.Background(), cerb.ComposeRequest{
		GroupID: 1, To: addr(m, "sentinel"), Subject: "cerb-openapi live sentinel " + m, Content: "Sentinel.",
	}); err != nil {
		t.Fatalf("sentinel: %v", err)
	}
	k.waitSMTP(t, addr(m, "sentinel"))
	if k.smtp(t, s) {
		t.Errorf("%q reached the SMTP sink: it must not be mailed", s)
	}
}

// rec is a decoded Cerb record (numbers kept as json.Number).
type rec map[string]any

func (r rec) str(key string) string {
	switch v := r[key].(type) {
	case nil:
		return ""
	case string:
		return v
	default:
		return fmt.Sprint(v)
	}
}

func (r rec) int(t *testing.T, key string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(r.str(key), 10, 64)
	if err != nil {
		t.Fatalf("%s = %v: not an integer", key, r[key])
	}
	return n
}

// want compares read-back keys with their expected text.
func (r rec) want(t *testing.T, kv ...string) {
	t.Helper()
	for i := 0; i+1 < len(kv); i += 2 {
		if got := r.str(kv[i]); got != kv[i+1] {
			t.Errorf("server has %s = %q, want %q", kv[i], got, kv[i+1])
		}
	}
}

// multi is the set of values of a multi-value custom field in a read-back ticket ("custom"
// holds it as an object keyed by value, or null/[] when empty).
func (r rec) multi(id int64) []string {
	cf, _ := r["custom"].(map[string]any)
	obj, _ := cf[strconv.FormatInt(id, 10)].(map[string]any)
	var out []string
	for v := range obj {
		out = append(out, v)
	}
	return out
}

// requesters are the email addresses of a read-back ticket's requesters.
func (r rec) requesters() []string {
	m, _ := r["requesters"].(map[string]any)
	var out []string
	for _, v := range m {
		if o, ok := v.(map[string]any); ok {
			out = append(out, fmt.Sprint(o["email"]))
		}
	}
	return out
}

// attachmentNames are the file names of a read-back message's attachments.
func (r rec) attachmentNames() []string {
	var out []string
	add := func(v any) {
		if o, ok := v.(map[string]any); ok {
			out = append(out, fmt.Sprint(o["file_name"]))
		}
	}
	switch a := r["attachments"].(type) {
	case map[string]any:
		for _, v := range a {
			add(v)
		}
	case []any:
		for _, v := range a {
			add(v)
		}
	}
	return out
}

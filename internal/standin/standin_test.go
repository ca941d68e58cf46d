package standin_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cerb-openapi/cerb-openapi/contract"
	"github.com/cerb-openapi/cerb-openapi/internal/standin"
)

// harness runs a stand-in and checks every compose and reply pair against the spec with
// the project's checker: whatever was asked, the answer must be as the spec says.
type harness struct {
	t   *testing.T
	srv *httptest.Server
	chk *contract.Checker
}

func newHarness(t *testing.T, fx standin.Fixtures) *harness {
	t.Helper()
	chk, err := contract.NewChecker(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(standin.New(fx, standin.WithSeed(1)))
	t.Cleanup(srv.Close)
	return &harness{t: t, srv: srv, chk: chk}
}

type answer struct {
	status int
	body   map[string]any
	raw    []byte
}

func (a answer) str(k string) string {
	switch v := a.body[k].(type) {
	case nil:
		return ""
	case string:
		return v
	default:
		return fmt.Sprint(v)
	}
}

// do sends one request; a compose or reply answer that breaks the spec fails the test.
func (h *harness) do(method, path string, form url.Values, header http.Header) answer {
	h.t.Helper()
	var body []byte
	if form != nil {
		body = []byte(form.Encode())
	}
	req, err := http.NewRequest(method, h.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if header == nil {
		header = http.Header{"Authorization": {"Bearer anything"}}
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	if method == "POST" && (strings.HasPrefix(path, "/rest/tickets/compose.json") || strings.HasPrefix(path, "/rest/tickets/reply.json")) {
		res := h.chk.Check(context.Background(),
			contract.Request{Method: method, URL: req.URL.String(), Header: req.Header, Body: body},
			&contract.Response{Status: resp.StatusCode, Header: resp.Header, Body: raw})
		if res.Response == nil || !res.Response.OK {
			h.t.Errorf("%s %s %s: the answer breaks the spec: %+v\n%.400s", method, path, body, res.Response, raw)
		}
	}
	a := answer{status: resp.StatusCode, raw: raw}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	_ = dec.Decode(&a.body)
	return a
}

func (h *harness) compose(form url.Values) answer {
	h.t.Helper()
	return h.do("POST", "/rest/tickets/compose.json", form, nil)
}

func (h *harness) reply(form url.Values) answer {
	h.t.Helper()
	return h.do("POST", "/rest/tickets/reply.json", form, nil)
}

func (h *harness) ticket(id string) answer {
	h.t.Helper()
	return h.do("GET", "/rest/tickets/"+id+".json?expand=custom_", nil, nil)
}

func base(kv ...string) url.Values {
	v := url.Values{"group_id": {"1"}, "subject": {"Printer on fire"}, "content": {"Hello"}, "dont_send": {"1"}}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "<unset>" {
			v.Del(kv[i])
			continue
		}
		v.Set(kv[i], kv[i+1])
	}
	return v
}

func want(t *testing.T, a answer, kv ...string) {
	t.Helper()
	for i := 0; i+1 < len(kv); i += 2 {
		if got := a.str(kv[i]); got != kv[i+1] {
			t.Errorf("%s = %q, want %q (answer %.300s)", kv[i], got, kv[i+1], a.raw)
		}
	}
}

func TestComposeRules(t *testing.T) {
	h := newHarness(t, standin.Default())
	for _, tc := range []struct {
		name string
		form url.Values
		want []string
	}{
		{"minimal", base(), []string{"__status", "success", "status", "open", "group_id", "1", "bucket_id", "1", "num_messages", "1"}},
		{"subject missing", base("subject", "<unset>"), []string{"__error", "ERROR", "message", "The 'subject' parameter is required"}},
		{"subject 0 is empty for PHP", base("subject", "0"), []string{"message", "The 'subject' parameter is required"}},
		{"content missing", base("content", "<unset>"), []string{"message", "The 'content' parameter is required"}},
		{"group_id abc", base("group_id", "abc"), []string{"message", "The 'group_id' parameter is required"}},
		{"group_id unknown", base("group_id", "999"), []string{"message", "The given 'group_id' parameter is invalid"}},
		{"bucket_id unknown", base("bucket_id", "999"), []string{"message", "The given 'bucket_id' parameter is invalid"}},
		{"html_template_id unknown", base("html_template_id", "999"), []string{"message", "The given 'html_template_id' parameter is invalid"}},
		{"group's default bucket", base("group_id", "5"), []string{"group_id", "5", "bucket_id", "6"}},
		{"bucket of another group wins", base("bucket_id", "7"), []string{"group_id", "5", "bucket_id", "7"}},
		{"owner unknown ignored, org stored", base("owner_id", "999", "org_id", "999"), []string{"owner_id", "0", "org_id", "999"}},
		{"status waiting", base("status", "1"), []string{"status", "waiting", "status_id", "1"}},
		{"status 3 is open", base("status", "3"), []string{"status", "open"}},
		{"status abc is open", base("status", "abc"), []string{"status", "open"}},
		{"reopen_at without status ignored", base("reopen_at", "+2 hours"), []string{"reopen_date", "0"}},
		{"reopen_at garbage", base("status", "1", "reopen_at", "not a date"), []string{"status", "waiting", "reopen_date", "0"}},
		{"reopen_at digits", base("status", "2", "reopen_at", "1893456000"), []string{"status", "closed", "reopen_date", "1893456000"}},
		{"send_at future: a draft", base("send_at", "+1 day"), []string{"_context", "cerberusweb.contexts.mail.draft", "type", "mail.compose"}},
		{"send_at @unix future: a draft", base("send_at", fmt.Sprintf("@%d", time.Now().Add(48*time.Hour).Unix())), []string{"_type", "draft"}},
		{"send_at bare digits: sent now", base("send_at", fmt.Sprint(time.Now().Add(48*time.Hour).Unix())), []string{"_type", "ticket"}},
		{"send_at past: sent now", base("send_at", "-1 hour"), []string{"_type", "ticket"}},
	} {
		t.Run(tc.name, func(t *testing.T) { want(t, h.compose(tc.form), tc.want...) })
	}
}

func TestComposeQueryAndJSONBody(t *testing.T) {
	h := newHarness(t, standin.Default())
	want(t, h.compose(base("expand", "custom_,group_", "custom_4", "Low")), "custom_4", "Low", "group_name", "Support")
	a := h.do("POST", "/rest/tickets/compose.json?group_id=1&subject=s&content=c", url.Values{}, nil)
	want(t, a, "__status", "success", "subject", "s")

	req, _ := http.NewRequest("POST", h.srv.URL+"/rest/tickets/compose.json", strings.NewReader(`{"group_id":1,"subject":"s","content":"c"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer x")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), "The 'subject' parameter is required") {
		t.Errorf("a JSON body is not read by Cerb: got %s", b)
	}
}

func TestReplyRules(t *testing.T) {
	h := newHarness(t, standin.Default())
	open := func(kv ...string) (id, msg string) {
		a := h.compose(base(kv...))
		return a.str("id"), a.str("initial_message_id")
	}
	r := func(msg string, kv ...string) answer {
		v := url.Values{"message_id": {msg}, "content": {"Re"}, "dont_send": {"1"}}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return h.reply(v)
	}
	t.Run("errors in Cerb's order", func(t *testing.T) {
		want(t, h.reply(url.Values{}), "message", "The 'content' parameter is required")
		want(t, h.reply(url.Values{"content": {"x"}, "message_id": {"abc"}}), "message", "The 'message_id' parameter is required")
		want(t, h.reply(url.Values{"content": {"x"}, "message_id": {"999999"}}), "message", "The given 'message_id' is invalid")
		_, msg := open()
		want(t, r(msg, "html_template_id", "999"), "message", "The given 'html_template_id' parameter is invalid")
	})
	t.Run("a reply without status reopens", func(t *testing.T) {
		_, msg := open("status", "2")
		want(t, r(msg), "status", "open", "num_messages", "2")
	})
	t.Run("status 3 and 9 leave it", func(t *testing.T) {
		_, msg := open("status", "1")
		want(t, r(msg, "status", "3"), "status", "waiting")
		want(t, r(msg, "status", "9"), "status", "waiting")
	})
	t.Run("owner: assign, keep, unassign, unknown ignored", func(t *testing.T) {
		_, msg := open()
		want(t, r(msg, "owner_id", "2"), "owner_id", "2")
		want(t, r(msg), "owner_id", "2")
		want(t, r(msg, "owner_id", "999"), "owner_id", "2")
		want(t, r(msg, "owner_id", "0"), "owner_id", "0")
	})
	t.Run("moves", func(t *testing.T) {
		_, msg := open("bucket_id", "5")
		want(t, r(msg), "group_id", "1", "bucket_id", "5")
		want(t, r(msg, "group_id", "5"), "group_id", "1", "bucket_id", "1")
		want(t, r(msg, "group_id", "1", "bucket_id", "7"), "group_id", "5", "bucket_id", "7")
		want(t, r(msg, "bucket_id", "999"), "group_id", "5", "bucket_id", "6")
	})
	t.Run("messages: dont_keep_copy, autoreply and a future send_at store none", func(t *testing.T) {
		_, msg := open()
		want(t, r(msg, "dont_keep_copy", "1"), "num_messages", "1")
		want(t, r(msg, "is_autoreply", "1"), "num_messages", "1")
		want(t, r(msg, "send_at", "+1 week", "status", "1"), "num_messages", "1", "status", "waiting", "_type", "ticket")
		want(t, r(msg, "is_forward", "1", "subject", "Fwd"), "num_messages", "2", "subject", "Printer on fire")
		want(t, r(msg, "subject", "Renamed"), "num_messages", "3", "subject", "Renamed")
	})
}

func TestInvalidUTF8(t *testing.T) {
	h := newHarness(t, standin.Default())
	a := h.compose(base("subject", "Bad\xff\xfebytes", "org_id", "3", "owner_id", "2", "status", "1"))
	want(t, a, "__status", "success", "mask", "", "_label", "[#] ", "importance", "0", "org_id", "0", "owner_id", "2", "status", "waiting")
	if a.body["subject"] != nil {
		t.Errorf("subject = %v, want null (MariaDB refused the ticket's first write)", a.body["subject"])
	}
	msg := a.str("initial_message_id")
	r := h.reply(url.Values{"message_id": {msg}, "content": {"Invalid\xc3\x28utf8\xff"}, "subject": {"Bad\xff"}})
	want(t, r, "num_messages", "2", "latest_message_id", msg) // the ticket's update was refused too
	got := h.do("GET", "/rest/messages/"+msg+".json?expand=content", nil, nil)
	want(t, got, "content", "Hello")
	want(t, h.reply(url.Values{"message_id": {msg}, "content": {"x"}, "subject": {"Fine"}}), "subject", "Fine", "num_messages", "3")
}

func TestCustomFields(t *testing.T) {
	h := newHarness(t, standin.Default())
	form := base("custom_1", "ref", "custom_2", "-7", "custom_3", "2026-12-31", "custom_4", "High", "custom_5", "a\nb",
		"custom_6", "1", "custom_8", "not a url", "custom_9", "999", "custom_10", "19.99", "custom_999", "x")
	form["custom_7[]"] = []string{"billing", "bug", "nope"}
	id := h.compose(form).str("id")
	got := h.ticket(id)
	want(t, got, "custom_1", "ref", "custom_2", "-7", "custom_3", "1798675200", "custom_4", "High", "custom_5", "a\nb",
		"custom_6", "1", "custom_7", "billing, bug", "custom_8", "not a url", "custom_9", "999", "custom_10", "1999", "custom_9_id", "999")
	msg := got.str("initial_message_id")
	rf := func(kv ...string) answer {
		v := url.Values{"message_id": {msg}, "content": {"x"}, "status": {"0"}}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Add(kv[i], kv[i+1])
		}
		h.reply(v)
		return h.ticket(id)
	}
	want(t, rf("custom_7[]", "feature", "custom_7[]", "-bug"), "custom_7", "billing, feature")
	want(t, rf("custom_4", "nope", "custom_2", "abc", "custom_6", "0"), "custom_4", "High", "custom_2", "", "custom_6", "")
	want(t, rf("custom_1", "", "custom_7[]", ""), "custom_1", "", "custom_7", "billing, feature")
	want(t, rf("custom_3", "not a date", "custom_10", "5"), "custom_3", "", "custom_10", "500")
	// A 255-byte cut: kept when it ends between characters, nothing when inside one.
	want(t, rf("custom_1", "a"+strings.Repeat("é", 200)), "custom_1", "a"+strings.Repeat("é", 127))
	want(t, rf("custom_1", strings.Repeat("é", 200), "custom_5", "multi\xffline"), "custom_1", "", "custom_5", "")
}

func TestAuth(t *testing.T) {
	fx := standin.Default()
	fx.Tokens = []standin.Token{{Token: "admin-token", WorkerID: 1}, {Token: "ro-token", WorkerID: 1, Scope: standin.ScopeReadOnly}, {Token: "jane-token", WorkerID: 2}}
	fx.APIKeys = []standin.APIKey{{AccessKey: "key1", Secret: "s3cret", WorkerID: 1}}
	h := newHarness(t, fx)
	bearer := func(tok string) http.Header { return http.Header{"Authorization": {"Bearer " + tok}} }
	compose := func(hd http.Header, kv ...string) answer {
		return h.do("POST", "/rest/tickets/compose.json", base(kv...), hd)
	}
	for _, tc := range []struct {
		name   string
		header http.Header
		status int
		msg    string
	}{
		{"no credentials", http.Header{}, 401, "Unauthorized request"},
		{"unknown token", bearer("nope"), 401, "The resource owner or authorization server denied the request."},
		{"empty bearer", http.Header{"Authorization": {"Bearer "}}, 401, "The resource owner or authorization server denied the request."},
		{"basic", http.Header{"Authorization": {"Basic YTpi"}}, 401, "The resource owner or authorization server denied the request."},
		{"read-only scope", bearer("ro-token"), 200, "Your token does not have permission to use this endpoint."},
		{"legacy unknown key", http.Header{"Cerb-Auth": {"nokey:abc"}, "Date": {time.Now().UTC().Format(time.RFC1123)}}, 401, "Access denied! (Invalid credentials: access key)"},
		{"legacy bad signature", http.Header{"Cerb-Auth": {"key1:abc"}, "Date": {time.Now().UTC().Format(time.RFC1123)}}, 401, "Access denied! (Invalid credentials: checksum)"},
		{"legacy stale date", http.Header{"Cerb-Auth": {"key1:abc"}, "Date": {time.Now().Add(-time.Hour).UTC().Format(time.RFC1123)}}, 401, "Access denied! (Invalid timestamp)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := compose(tc.header)
			if a.status != tc.status || a.str("message") != tc.msg || a.body["__version"] != nil {
				t.Errorf("HTTP %d %s, want %d %q without __version", a.status, a.raw, tc.status, tc.msg)
			}
		})
	}
	t.Run("legacy signature accepted", func(t *testing.T) {
		form := base()
		body := form.Encode()
		date := time.Now().UTC().Format(time.RFC1123)
		secret := md5.Sum([]byte("s3cret"))
		sum := md5.Sum([]byte("POST\n" + date + "\n/rest/tickets/compose.json\n\n" + body + "\n" + hex.EncodeToString(secret[:]) + "\n"))
		a := h.do("POST", "/rest/tickets/compose.json", form, http.Header{"Cerb-Auth": {"key1:" + hex.EncodeToString(sum[:])}, "X-Date": {date}})
		want(t, a, "__status", "success")
	})
	t.Run("Jane: compose into a group she is not in creates the ticket, answers an error", func(t *testing.T) {
		a := compose(bearer("jane-token"), "group_id", "2")
		want(t, a, "__error", "ERROR")
		id := strings.TrimSuffix(strings.TrimPrefix(a.str("message"), "Invalid ticket id '"), "'")
		got := h.do("GET", "/rest/tickets/"+id+".json", nil, bearer("admin-token"))
		want(t, got, "group_id", "2", "subject", "Printer on fire")
		reply := h.do("POST", "/rest/tickets/reply.json", url.Values{"message_id": {got.str("initial_message_id")}, "content": {"x"}}, bearer("jane-token"))
		want(t, reply, "message", "You do not have write access to this ticket")
	})
}

func TestRoutingAndFormat(t *testing.T) {
	h := newHarness(t, standin.Default())
	for _, tc := range []struct{ method, path, want string }{
		{"GET", "/rest/tickets/compose.json", `{"__status":"error","__version":"10.4.10","__build":2024030901,"__error":"ERROR_NOT_IMPLEMENTED","message":"Not implemented."}`},
		{"POST", "/rest/nope/compose.json", `{"__status":"error","message":"Unknown command (nope/compose.json)"}`},
		{"GET", "/rest/tickets/999999.json", `{"__status":"error","__version":"10.4.10","__build":2024030901,"__error":"ERROR","message":"Invalid ticket id '999999'"}`},
	} {
		if a := h.do(tc.method, tc.path, nil, nil); string(a.raw) != tc.want {
			t.Errorf("%s %s = %s, want %s", tc.method, tc.path, a.raw, tc.want)
		}
	}
	a := h.compose(base("subject", "Ünïcödé ✓ 🎉 a/b <x>"))
	if !bytes.Contains(a.raw, []byte(`"subject":"\u00dcn\u00efc\u00f6d\u00e9 \u2713 \ud83c\udf89 a/b <x>"`)) || !bytes.HasPrefix(a.raw, []byte(`{"__build":2024030901,`)) {
		t.Errorf("not encoded as PHP does: %.200s", a.raw)
	}
}

func TestLoadFixtures(t *testing.T) {
	for _, tc := range []struct{ file, err string }{
		{"fixtures.yaml", ""},
		{"unknown-key.yaml", "field grups not found"},
		{"bad-bucket.json", "default_bucket 9 is not one of its buckets"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			fx, err := standin.LoadFixtures(filepath.Join("testdata", tc.file))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			h := newHarness(t, fx)
			want(t, h.compose(base("group_id", "10")), "group_id", "10", "bucket_id", "11")
			if a := h.compose(base()); a.str("message") != "The given 'group_id' parameter is invalid" {
				t.Errorf("group 1 is not in the file: %s", a.raw)
			}
		})
	}
	if _, err := os.Stat("testdata/fixtures.yaml"); err != nil {
		t.Fatal(err)
	}
}

//go:build live

package livetest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cerb-openapi/cerb-openapi/cerb"
	"github.com/cerb-openapi/cerb-openapi/contract"
	"github.com/cerb-openapi/cerb-openapi/internal/standin"
)

// The differential suite: the same requests go to the real Cerb (the kit) and to the
// stand-in (cerbcontract serve, package internal/standin), and the answers must agree
// once ids, masks, timestamps and URLs are normalized: outcome, error message, ticket
// or draft, and, read back from each server with GET /rest/tickets/<id>.json?expand=custom_,
// status, group, bucket, owner, org, subject, message count, reopen date and every
// custom field value. Hand-written scenarios first, then seeded random sequences
// (CERB_DIFF_SEED, CERB_DIFF_COUNT: default 2 sequences of 160 requests). A difference
// stops its sequence (the two states have parted) and fails with the request and both
// answers.

// step is one request: who sends it, the operation, and its fields. A reply names its
// message as the initial or latest message of the sequence's ticket number ref.
type step struct {
	as     string // admin, jane, readonly, none, bogus
	op     string // compose, reply
	form   url.Values
	query  url.Values
	ref    int    // reply: index of the sequence's ticket
	latest bool   // reply: its latest message instead of the initial one
	rawMsg string // reply: a literal message_id instead of ref ("" = use ref, "-" = none)
	// via is how the fields travel: "" a url-encoded body, "query" the query string
	// (custom fields stay in the body: Cerb reads them from $_POST), "multipart".
	via string
}

// side is one server with its own ids for the sequence's tickets.
type side struct {
	name    string
	base    string
	tokens  map[string]string
	key     string
	secret  string
	tickets []int64 // sequence index → this server's ticket id
	// chk, when set, must find every answer as the spec says (the stand-in's: Cerb's
	// are held to the spec by the rest of the suite).
	chk *contract.Checker
}

// view is an answer with the server's own ids, masks, times and URLs taken out.
type view struct {
	HTTP    int               `json:"http"`
	Status  string            `json:"__status"`
	Code    string            `json:"__error,omitempty"`
	Message string            `json:"message,omitempty"`
	Kind    string            `json:"kind,omitempty"`   // ticket, draft
	Ticket  string            `json:"ticket,omitempty"` // T<index>
	Draft   map[string]string `json:"draft,omitempty"`
	Answer  map[string]string `json:"answer,omitempty"` // the ticket record answered
	Read    map[string]string `json:"read_back,omitempty"`
}

var ticketIDMessage = regexp.MustCompile(`^Invalid ticket id '([0-9]+)'$`)

func (sd *side) index(id int64) int {
	if i := slices.Index(sd.tickets, id); i >= 0 {
		return i
	}
	sd.tickets = append(sd.tickets, id)
	return len(sd.tickets) - 1
}

// send runs a step on this server and returns the normalized view (with the read-back).
func (sd *side) send(t *testing.T, st step) (view, string) {
	t.Helper()
	form := url.Values{}
	for k, v := range st.form {
		form[k] = v
	}
	if st.op == "reply" {
		switch {
		case st.rawMsg == "-":
		case st.rawMsg != "":
			form.Set("message_id", st.rawMsg)
		default:
			rb := sd.get(t, sd.tickets[st.ref], "")
			key := "initial_message_id"
			if st.latest {
				key = "latest_message_id"
			}
			form.Set("message_id", fmt.Sprint(rb[key]))
		}
	}
	query := url.Values{}
	for k, v := range st.query {
		query[k] = v
	}
	body, contentType := []byte(form.Encode()), "application/x-www-form-urlencoded"
	switch st.via {
	case "query":
		post := url.Values{}
		for k, v := range form {
			if strings.HasPrefix(k, "custom_") {
				post[k] = v
			} else {
				query[k] = v
			}
		}
		body = []byte(post.Encode())
	case "multipart":
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		keys := slices.Sorted(maps.Keys(form))
		for _, k := range keys {
			for _, v := range form[k] {
				_ = mw.WriteField(k, v)
			}
		}
		_ = mw.Close()
		body, contentType = buf.Bytes(), mw.FormDataContentType()
	}
	u := sd.base + "/tickets/" + st.op + ".json"
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequest("POST", u, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	switch st.as {
	case "none":
	case "bogus":
		req.Header.Set("Authorization", "Bearer not-a-real-token")
	case "legacy":
		if err := cerb.Legacy(sd.key, sd.secret).Authenticate(context.Background(), req); err != nil {
			t.Fatal(err)
		}
	default:
		req.Header.Set("Authorization", "Bearer "+sd.tokens[st.as])
	}
	resp, err := (&http.Client{Timeout: 60 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("%s: %v", sd.name, err)
	}
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if sd.chk != nil {
		res := sd.chk.Check(context.Background(), contract.Request{Method: "POST", URL: u, Header: req.Header, Body: body},
			&contract.Response{Status: resp.StatusCode, Header: resp.Header, Body: raw})
		if res.Response == nil || !res.Response.OK {
			t.Errorf("%s: the answer to %s %s breaks the spec: %+v\n%.400s", sd.name, st.op, form.Encode(), res.Response, raw)
		}
	}
	m := decode(raw)
	v := view{HTTP: resp.StatusCode, Status: str(m["__status"]), Code: str(m["__error"]), Message: str(m["message"])}
	var touched int64 = -1
	switch {
	case m["_context"] == "cerberusweb.contexts.ticket":
		v.Kind, touched = "ticket", num(m["id"])
		v.Answer = readBack(m)
		if !strings.Contains(st.query.Get("expand")+st.form.Get("expand"), "custom_") {
			for i := 1; i <= 10; i++ {
				delete(v.Answer, fmt.Sprintf("custom_%d", i))
			}
		}
	case m["_context"] == "cerberusweb.contexts.mail.draft":
		v.Kind = "draft"
		params, _ := m["params"].(map[string]any)
		v.Draft = map[string]string{"type": str(m["type"]), "subject": str(m["subject"]), "to": str(m["to"]), "ticket_id": str(m["ticket_id"]),
			"group_id": str(params["group_id"]), "bucket_id": str(params["bucket_id"]), "owner_id": str(params["owner_id"])}
	}
	if sm := ticketIDMessage.FindStringSubmatch(v.Message); sm != nil {
		touched = num(sm[1])
		v.Message = fmt.Sprintf("Invalid ticket id '<T%d>'", sd.index(touched))
	}
	if touched < 0 && st.op == "reply" && st.rawMsg == "" {
		touched = sd.tickets[st.ref] // an error or a draft: read back what it must not have changed
	}
	if touched >= 0 {
		v.Ticket = fmt.Sprintf("T%d", sd.index(touched))
		rb := sd.get(t, touched, "custom_,requesters")
		v.Read = readBack(rb)
		for k, val := range sd.message(t, num(rb["latest_message_id"])) {
			v.Read["latest_message "+k] = val
		}
	}
	return v, string(raw)
}

// get reads a ticket back as the admin.
func (sd *side) get(t *testing.T, id int64, expand string) map[string]any {
	t.Helper()
	u := fmt.Sprintf("%s/tickets/%d.json", sd.base, id)
	if expand != "" {
		u += "?expand=" + expand
	}
	return sd.read(t, u)
}

// read GETs a record as the admin and fails unless Cerb answers success.
func (sd *side) read(t *testing.T, u string) map[string]any {
	t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	req.Header.Set("Authorization", "Bearer "+sd.tokens["admin"])
	resp, err := (&http.Client{Timeout: 60 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("%s: %v", sd.name, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	m := decode(raw)
	if m["__status"] != "success" {
		t.Fatalf("%s: GET %s: %.300s", sd.name, u, raw)
	}
	return m
}

// message reads a message back as the admin: what its flags, worker and text are.
func (sd *side) message(t *testing.T, id int64) map[string]string {
	t.Helper()
	m := sd.read(t, fmt.Sprintf("%s/messages/%d.json?expand=content,attachments", sd.base, id))
	files, _ := m["attachments"].(map[string]any)
	return map[string]string{
		"worker_id": str(m["worker_id"]), "is_not_sent": str(m["is_not_sent"]), "is_broadcast": str(m["is_broadcast"]),
		"is_outgoing": str(m["is_outgoing"]), "content": str(m["content"]),
		"html part": strconv.FormatBool(num(m["html_attachment_id"]) != 0), "attachments": strconv.Itoa(len(files)),
	}
}

// readBack is what a ticket read back must agree on.
func readBack(m map[string]any) map[string]string {
	out := map[string]string{}
	for _, k := range []string{"status", "group_id", "bucket_id", "owner_id", "org_id", "subject", "num_messages"} {
		out[k] = str(m[k])
	}
	out["reopen_date"] = when(str(m["reopen_date"]))
	for i := 1; i <= 10; i++ {
		k := fmt.Sprintf("custom_%d", i)
		out[k] = str(m[k])
	}
	out["custom_3"] = when(out["custom_3"]) // the date field
	// What expand=group_, bucket_, owner_ and org_ add, where the answer has it.
	for _, k := range []string{"group_name", "bucket_name", "bucket_group_id", "owner_full_name", "org_name"} {
		if v, ok := m[k]; ok {
			out[k] = str(v)
		}
	}
	if req, ok := m["requesters"].(map[string]any); ok {
		var emails []string
		for _, r := range req {
			if o, ok := r.(map[string]any); ok {
				emails = append(emails, str(o["email"]))
			}
		}
		sort.Strings(emails)
		out["requesters"] = strings.Join(emails, ", ")
	}
	// The multi-value field's order is the database's: compare it as a set.
	parts := strings.Split(out["custom_7"], ", ")
	sort.Strings(parts)
	out["custom_7"] = strings.Join(parts, ", ")
	return out
}

// when marks a stored time (a Unix time, or "" / "0" for none) for alignTimes.
func when(v string) string {
	if n, err := strconv.ParseInt(v, 10, 64); err == nil && n != 0 {
		return "time " + v
	}
	return v
}

// alignTimes makes times that are at most 5 s apart compare equal: a time computed from
// relative text ("+2 hours") differs by the moments between the two servers' answers.
func alignTimes(a, b *view) {
	for _, pair := range [][2]map[string]string{{a.Answer, b.Answer}, {a.Read, b.Read}} {
		x, y := pair[0], pair[1]
		for k, vx := range x {
			vy, ok := y[k]
			if !ok || !strings.HasPrefix(vx, "time ") || !strings.HasPrefix(vy, "time ") {
				continue
			}
			nx, _ := strconv.ParseInt(strings.TrimPrefix(vx, "time "), 10, 64)
			ny, _ := strconv.ParseInt(strings.TrimPrefix(vy, "time "), 10, 64)
			if nx-ny <= 5 && ny-nx <= 5 {
				y[k] = vx
			}
		}
	}
}

func decode(raw []byte) map[string]any {
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	_ = dec.Decode(&m)
	return m
}

func str(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	default:
		return fmt.Sprint(x)
	}
}

func num(v any) int64 { n, _ := strconv.ParseInt(str(v), 10, 64); return n }

// differential runs the two servers side by side.
type differential struct {
	t           *testing.T
	real, stand *side
	requests    int
}

func newDifferential(t *testing.T) *differential {
	t.Helper()
	k := kitEnv(t)
	fx := standin.Default()
	fx.Tokens = []standin.Token{{Token: k.token, WorkerID: 1}, {Token: k.ro, WorkerID: 1, Scope: standin.ScopeReadOnly}, {Token: k.jane, WorkerID: 2}}
	fx.APIKeys = []standin.APIKey{{AccessKey: k.key, Secret: k.secret, WorkerID: 1}}
	srv := httptest.NewServer(standin.New(fx))
	t.Cleanup(srv.Close)
	tokens := map[string]string{"admin": k.token, "readonly": k.ro, "jane": k.jane}
	key, secret := k.key, k.secret
	chk, err := contract.NewChecker(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return &differential{t: t,
		real:  &side{name: "Cerb", base: k.base, tokens: tokens, key: key, secret: secret},
		stand: &side{name: "stand-in", base: srv.URL + "/rest", tokens: tokens, key: key, secret: secret, chk: chk},
	}
}

// run sends a scenario's steps to both servers; the first difference fails the test
// and stops it.
func (d *differential) run(t *testing.T, name string, steps []step) {
	t.Helper()
	d.real.tickets, d.stand.tickets = nil, nil
	for i, st := range steps {
		if st.op == "reply" && st.rawMsg == "" && st.ref >= len(d.real.tickets) {
			t.Fatalf("%s, step %d: no ticket T%d on Cerb", name, i, st.ref)
		}
		if !d.step(t, name, i, st) {
			return
		}
	}
}

func diffLines(a, b []byte) string {
	la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	var out []string
	for i := range max(len(la), len(lb)) {
		x, y := "", ""
		if i < len(la) {
			x = la[i]
		}
		if i < len(lb) {
			y = lb[i]
		}
		if x != y {
			out = append(out, fmt.Sprintf("Cerb %s | stand-in %s", strings.TrimSpace(x), strings.TrimSpace(y)))
		}
	}
	return strings.Join(out, "\n  ")
}

func form(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v
}

// composeForm is a compose that is never mailed, with the scenario's fields over it.
func composeForm(m string, kv ...string) url.Values {
	return over(form("group_id", "1", "subject", "cerb-openapi diff "+m, "content", "Differential.", "dont_send", "1"), kv...)
}

func replyForm(kv ...string) url.Values {
	return over(form("content", "Differential reply.", "dont_send", "1"), kv...)
}

// over sets the scenario's fields on a base form: "<unset>" removes one, a name ending in
// [] adds a value, any other name replaces it.
func over(v url.Values, kv ...string) url.Values {
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "<unset>" {
			v.Del(kv[i])
			continue
		}
		v.Add(kv[i], kv[i+1])
		if !strings.HasSuffix(kv[i], "[]") {
			v.Set(kv[i], kv[i+1])
		}
	}
	return v
}

func c(m string, kv ...string) step {
	return step{as: "admin", op: "compose", form: composeForm(m, kv...)}
}
func r(ref int, kv ...string) step {
	return step{as: "admin", op: "reply", ref: ref, form: replyForm(kv...)}
}

func TestLiveDifferentialScenarios(t *testing.T) {
	d := newDifferential(t)
	m := marker()
	future := strconv.FormatInt(time.Now().Add(72*time.Hour).Unix(), 10)
	scenarios := []struct {
		name  string
		steps []step
	}{
		{"compose validation", []step{
			c(m, "subject", "<unset>"), c(m, "subject", "0"), c(m, "content", ""), c(m, "group_id", "abc"),
			c(m, "group_id", "999"), c(m, "bucket_id", "999"), c(m, "html_template_id", "999"), c(m, "group_id", "0"),
		}},
		{"compose placement, owner, org", []step{
			c(m), c(m, "group_id", "5"), c(m, "bucket_id", "7"), c(m, "group_id", "5", "bucket_id", "5"),
			c(m, "owner_id", "2", "org_id", "3"), c(m, "owner_id", "999", "org_id", "999"), c(m, "owner_id", "abc"),
		}},
		{"compose status and reopen", []step{
			c(m, "status", "0"), c(m, "status", "1"), c(m, "status", "2"), c(m, "status", "3"), c(m, "status", "9"), c(m, "status", "abc"),
			c(m, "status", "1", "reopen_at", "+2 hours"), c(m, "status", "2", "reopen_at", "1893456000"), c(m, "reopen_at", "+2 hours"),
			c(m, "status", "1", "reopen_at", "not a date"),
		}},
		{"compose send_at: drafts and immediate sends", []step{
			c(m, "send_at", "+1 day"), c(m, "send_at", "@"+future), c(m, "send_at", future), c(m, "send_at", "-1 hour"),
			c(m, "send_at", "garbage"), c(m, "send_at", "+2 days", "bucket_id", "7", "owner_id", "2"),
		}},
		{"compose custom fields by type", []step{
			c(m, "custom_1", "ref", "custom_2", "-7", "custom_3", "2026-12-31", "custom_4", "High", "custom_5", "a\nb", "custom_6", "1",
				"custom_7[]", "billing", "custom_7[]", "bug", "custom_8", "not a url", "custom_9", "2", "custom_10", "19.99"),
			c(m, "custom_2", "abc", "custom_3", "not a date", "custom_4", "high", "custom_6", "0", "custom_7[]", "nope", "custom_9", "999",
				"custom_10", "1.5", "custom_999", "x"),
			c(m, "custom_3", future, "custom_10", "abc", "custom_2", "12abc", "custom_4", "Critical", "custom_6", "yes"),
			// Cerb cuts text at byte 255; a cut inside a character, or bytes that are not
			// UTF-8, store nothing.
			c(m, "custom_1", strings.Repeat("é", 200), "custom_8", "https://x.example/"+strings.Repeat("a", 300)),
			c(m, "custom_1", "a"+strings.Repeat("é", 200), "custom_8", "https://x.example/"+strings.Repeat("é", 150)),
			c(m, "custom_1", "bad\xff\xfebytes", "custom_5", "multi\xffline", "custom_8", "https://x.example/\xff"),
		}},
		{"reply status, reopen, subject, messages", []step{
			c(m, "status", "2"), r(0), r(0, "status", "1", "reopen_at", "+3 days"), r(0, "status", "3"), r(0, "status", "9"),
			r(0, "status", "abc"), r(0, "status", "2"), r(0, "status", "0"), r(0, "subject", "renamed "+m),
			r(0, "is_forward", "1", "subject", "fwd "+m), r(0, "send_at", "+1 week", "status", "1"),
			r(0, "send_at", "-1 hour"), r(0, "is_broadcast", "1"),
		}},
		{"reply moves and owner", []step{
			c(m, "bucket_id", "5"), r(0), r(0, "group_id", "5"), r(0, "group_id", "1", "bucket_id", "7"), r(0, "bucket_id", "999"),
			r(0, "group_id", "999"), r(0, "bucket_id", "abc"), r(0, "bucket_id", "0", "group_id", "1"), r(0, "bucket_id", "5", "group_id", "5"),
			r(0, "owner_id", "2"), r(0), r(0, "owner_id", "999"), r(0, "owner_id", "abc"), r(0, "owner_id", "0"), r(0, "owner_id", ""),
		}},
		{"reply custom fields: delta and drops", []step{
			c(m, "custom_7[]", "billing", "custom_7[]", "bug", "custom_1", "first", "custom_4", "Low", "custom_2", "5"),
			r(0, "custom_7[]", "feature"), r(0, "custom_7[]", "-bug"), r(0, "custom_7[]", "-bug"), r(0, "custom_7[]", "-billing", "custom_7[]", "-feature", "custom_7[]", "bug"),
			r(0, "custom_1", "", "custom_4", "nope"), r(0, "custom_2", "abc"), r(0, "custom_6", "1"), r(0, "custom_6", "0"),
			r(0, "custom_10", "3"), r(0, "custom_3", "tomorrow"), r(0, "custom_1", "kept"), r(0, "custom_1", strings.Repeat("é", 200)),
		}},
		{"reply validation", []step{
			c(m), r(0, "content", ""), {as: "admin", op: "reply", rawMsg: "-", form: replyForm()},
			{as: "admin", op: "reply", rawMsg: "abc", form: replyForm()}, {as: "admin", op: "reply", rawMsg: "999999999", form: replyForm()},
			r(0, "html_template_id", "999"), r(0, "html_template_id", "2", "content_format", "markdown"), r(0, "worker_id", "2"), r(0, "worker_id", "999"),
		}},
		{"mail flags with real sending (the kit's SMTP sink)", []step{
			c(m, "to", m+"-mail@example.com", "dont_send", "<unset>"),
			r(0, "dont_send", "<unset>", "is_autoreply", "1"), r(0, "dont_send", "<unset>", "dont_keep_copy", "1"),
			r(0, "dont_send", "<unset>", "is_broadcast", "1"), r(0, "dont_send", "<unset>", "to", m+"-fwd@example.com", "is_forward", "1"),
			r(0, "dont_send", "<unset>", "cc", m+"-cc@example.com", "to", m+"-new@example.com"),
		}},
		{"transports: query string, multipart, legacy Cerb-Auth", []step{
			{as: "admin", op: "compose", via: "query", form: composeForm(m, "custom_1", "q")},
			{as: "admin", op: "compose", via: "multipart", form: composeForm(m, "custom_7[]", "bug", "custom_7[]", "feature")},
			{as: "legacy", op: "compose", form: composeForm(m, "status", "1")},
			{as: "legacy", op: "reply", ref: 2, via: "multipart", form: replyForm("status", "2", "custom_7[]", "billing")},
			{as: "admin", op: "reply", ref: 1, via: "query", form: replyForm("custom_7[]", "-bug", "owner_id", "2")},
		}},
		{"invalid UTF-8", []step{
			c(m, "subject", "Bad\xff\xfebytes", "org_id", "3", "owner_id", "2", "status", "2", "reopen_at", "+2 hours", "bucket_id", "5", "custom_1", "x"),
			c(m), r(1, "subject", "Bad\xff\xfebytes"), r(1, "content", "Invalid\xc3\x28utf8\xff"), r(1, "is_forward", "1", "subject", "Bad\xff"),
			r(0, "subject", "now fine "+m), r(0, "content", "x", "status", "0"),
		}},
		{"auth and access", []step{
			{as: "none", op: "compose", form: composeForm(m)}, {as: "bogus", op: "compose", form: composeForm(m)},
			{as: "readonly", op: "compose", form: composeForm(m)},
			{as: "jane", op: "compose", form: composeForm(m, "group_id", "2")}, {as: "jane", op: "compose", form: composeForm(m, "group_id", "5")},
			c(m, "group_id", "2"), {as: "jane", op: "reply", ref: 2, form: replyForm()}, {as: "jane", op: "reply", ref: 1, form: replyForm("bucket_id", "2")},
			{as: "readonly", op: "reply", ref: 1, form: replyForm()}, {as: "none", op: "reply", ref: 1, form: replyForm()},
		}},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			if strings.HasPrefix(sc.name, "mail flags") && os.Getenv("CERB_SMTP_LOG") == "" {
				skipOrFail(t, "this scenario mails: it runs only with the kit's SMTP sink (CERB_SMTP_LOG)")
			}
			d.run(t, sc.name, sc.steps)
		})
	}
	t.Logf("%d scenarios, %d requests to each server", len(scenarios), d.requests)
}

// randomStep draws one request; tickets is how many the sequence has made so far.
func randomStep(rng *rand.Rand, m string, n, tickets int) step {
	pick := func(vals ...string) string { return vals[rng.IntN(len(vals))] }
	maybe := func(p float64) bool { return rng.Float64() < p }
	as := "admin"
	switch x := rng.Float64(); {
	case x < 0.10:
		as = "jane"
	case x < 0.12:
		as = "readonly"
	case x < 0.13:
		as = pick("none", "bogus")
	case x < 0.18:
		as = "legacy"
	}
	v := url.Values{}
	set := func(p float64, key string, vals ...string) {
		if maybe(p) {
			v.Set(key, pick(vals...))
		}
	}
	future := strconv.FormatInt(time.Now().Add(96*time.Hour).Unix(), 10)
	common := func() {
		set(0.25, "status", "0", "1", "2", "3", "9", "abc")
		set(0.15, "reopen_at", "+2 hours", "+3 days", "not a date", "1893456000", "tomorrow")
		set(0.15, "owner_id", "0", "1", "2", "999", "abc", "2.0", "")
		set(0.07, "send_at", "+1 day", "-1 hour", "@"+future, future, "garbage")
		set(0.05, "html_template_id", "1", "2", "999", "abc")
		set(0.05, "content_format", "markdown", "html", "rtf")
		// Custom fields, valid and not.
		set(0.10, "custom_1", "ref "+strconv.Itoa(n), "", "x")
		set(0.10, "custom_2", "42", "-7", "abc", "0", "12abc", "")
		set(0.08, "custom_3", "2026-12-31", future, "not a date", "", "+1 week")
		set(0.10, "custom_4", "Low", "High", "Critical", "high", "nope", "")
		set(0.05, "custom_5", "line 1\nline 2", "")
		set(0.08, "custom_6", "1", "0", "yes", "")
		set(0.05, "custom_8", "https://example.com/"+m, "not a url")
		set(0.05, "custom_9", "1", "2", "999", "abc")
		set(0.06, "custom_10", "19.99", "5", "1.234", "abc", "")
		if maybe(0.05) {
			v.Add("file_id[]", pick("1", "2", "999999"))
		}
		if maybe(0.12) {
			for range 1 + rng.IntN(3) {
				v.Add("custom_7[]", pick("billing", "bug", "feature", "-billing", "-bug", "-feature", "nope", ""))
			}
		}
	}
	if tickets == 0 || maybe(0.35) {
		v.Set("group_id", "1")
		set(0.25, "group_id", "1", "2", "3", "5", "0", "abc", "999", "5abc", " 5", "+5", "5.9")
		v.Set("subject", fmt.Sprintf("cerb-openapi diff %s-%d", m, n))
		set(0.03, "subject", "", "0", "Bad\xff\xfebytes")
		v.Set("content", "Random compose.")
		set(0.03, "content", "")
		v.Set("dont_send", "1")
		set(0.3, "bucket_id", "0", "1", "2", "5", "6", "7", "999", "abc", "7.0")
		set(0.15, "org_id", "0", "1", "3", "999")
		set(0.1, "to", m+"-to@example.com", "not an address", "A <"+m+"-a@example.com>, "+m+"-b@example.com", m+"-c@example.com; "+m+"-d@example.com")
		common()
		return step{as: as, op: "compose", form: v, via: via(rng), query: expand(rng, v)}
	}
	v.Set("content", "Random reply.")
	set(0.03, "content", "")
	v.Set("dont_send", "1")
	set(0.2, "bucket_id", "", "0", "1", "2", "5", "6", "7", "999", "abc", "7.0", " 7")
	set(0.15, "group_id", "0", "1", "2", "5", "999")
	set(0.08, "subject", fmt.Sprintf("renamed %s-%d", m, n), "Bad\xff\xfe "+m)
	set(0.02, "content", "Invalid\xc3\x28utf8\xff")
	set(0.08, "to", m+"-new@example.com", "not an address")
	set(0.04, "is_forward", "1")
	set(0.04, "is_broadcast", "1")
	set(0.03, "dont_keep_copy", "1")
	set(0.03, "is_autoreply", "1")
	set(0.04, "worker_id", "2", "999")
	common()
	st := step{as: as, op: "reply", form: v, ref: rng.IntN(tickets), latest: maybe(0.5), via: via(rng), query: expand(rng, v)}
	switch x := rng.Float64(); {
	case x < 0.02:
		st.rawMsg = "999999999"
	case x < 0.03:
		st.rawMsg = "abc"
	case x < 0.04:
		st.rawMsg = "-"
	}
	return st
}

// via draws how a random request's fields travel (mostly a url-encoded body).
func via(rng *rand.Rand) string {
	switch x := rng.Float64(); {
	case x < 0.1:
		return "query"
	case x < 0.2:
		return "multipart"
	}
	return ""
}

// expand draws a random request's expand and show_meta (the answer is compared with
// them), in the query or, now and then, in the form (Cerb reads $_REQUEST).
func expand(rng *rand.Rand, form url.Values) url.Values {
	q := url.Values{}
	into := q
	if rng.Float64() < 0.15 {
		into = form
	}
	if rng.Float64() < 0.2 {
		into.Set("expand", []string{"custom_", "custom_,group_", "custom_,bucket_,owner_,org_,requesters", "nope"}[rng.IntN(4)])
	}
	if rng.Float64() < 0.05 {
		into.Set("show_meta", "1")
	}
	return q
}

func TestLiveDifferentialRandom(t *testing.T) {
	d := newDifferential(t)
	seeds := []uint64{20261202, 14}
	if s := os.Getenv("CERB_DIFF_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("CERB_DIFF_SEED=%q: %v", s, err)
		}
		seeds = []uint64{n}
	}
	count := 320 / len(seeds)
	if s := os.Getenv("CERB_DIFF_COUNT"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			t.Fatalf("CERB_DIFF_COUNT=%q: %v", s, err)
		}
		count = n
	}
	for _, seed := range seeds {
		t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) { d.runRandom(t, seed, count) })
	}
	t.Logf("%d random requests to each server", d.requests)
	if d.requests < 300 && os.Getenv("CERB_DIFF_COUNT") == "" {
		t.Errorf("only %d random requests, want at least 300", d.requests)
	}
}

// runRandom sends count random requests of the sequence seed makes. A reply names one
// of the tickets the sequence has made so far (a refused compose makes none); a reply
// drawn before any ticket exists is drawn again.
func (d *differential) runRandom(t *testing.T, seed uint64, count int) {
	t.Helper()
	d.real.tickets, d.stand.tickets = nil, nil
	rng := rand.New(rand.NewPCG(seed, 0))
	m := marker()
	for i := 0; i < count; {
		st := randomStep(rng, m, i, len(d.real.tickets))
		if st.op == "reply" && st.rawMsg == "" {
			st.ref %= len(d.real.tickets)
		}
		if !d.step(t, fmt.Sprintf("seed %d", seed), i, st) {
			return
		}
		i++
	}
}

// step sends one request to both servers and compares the answers.
func (d *differential) step(t *testing.T, name string, i int, st step) bool {
	t.Helper()
	a, rawA := d.real.send(t, st)
	b, rawB := d.stand.send(t, st)
	d.requests++
	alignTimes(&a, &b)
	ja, _ := json.MarshalIndent(a, "  ", "  ")
	jb, _ := json.MarshalIndent(b, "  ", "  ")
	if !bytes.Equal(ja, jb) {
		t.Errorf("%s, step %d: Cerb and the stand-in differ\nrequest: %s %s as %s, query %s, ticket T%d (latest %v, message %q)\n  %s\nCerb:\n  %s\n  (%.600s)\nstand-in:\n  %s\n  (%.600s)",
			name, i, st.op, st.form.Encode(), st.as, st.query.Encode(), st.ref, st.latest, st.rawMsg, diffLines(ja, jb), ja, rawA, jb, rawB)
		return false
	}
	return true
}

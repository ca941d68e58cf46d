// Package fakecerb is a small stand-in for Cerb 10.4.10's two ticket-writing endpoints,
// POST /rest/tickets/compose.json and /rest/tickets/reply.json, for tests that must not
// need the real server. It answers as the recordings in contract_test/testdata show the
// real one does: errors with HTTP 200 in the fixed envelope, the ticket record (the
// recorded compose-minimal body, updated) or a draft for a future send_at, silent
// acceptance of what Cerb does not validate (status 9, a bare Unix send_at, non-numbers
// read as 0, unknown fields), and 401 without the right bearer token.
//
// Quirks plant server-side drift on purpose; Requests keeps what every call sent, so a
// test can assert what reached the server.
package fakecerb

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

//go:embed ticket.json
var ticketJSON []byte

//go:embed draft.json
var draftJSON []byte

// The fixture records, as in ../shared/cerb-server.
var (
	groups    = map[int64]bool{1: true, 2: true, 3: true, 4: true, 5: true}
	buckets   = map[int64]int64{1: 1, 2: 2, 3: 3, 4: 4, 5: 1, 6: 5, 7: 5} // bucket → group
	templates = map[int64]bool{1: true, 2: true}
)

// Quirks make the fake depart from Cerb 10.4.10, to plant drift.
type Quirks struct {
	// RequireTo refuses a compose without to, as Cerb's reference (wrongly) says.
	RequireTo bool
	// SubjectNumber sends the ticket's subject as a JSON number.
	SubjectNumber bool
	// NotMember answers compose as Cerb does to a worker outside the group: the ticket
	// is created, the answer is the error "Invalid ticket id '<id>'".
	NotMember bool
}

// Call is one request as the server received it.
type Call struct {
	Method, Path string
	Header       http.Header
	// Form is $_REQUEST: the query string, then the body fields (url-encoded or multipart).
	Form url.Values
	// Body is the form body alone ($_POST), where Cerb reads custom fields.
	Body url.Values
}

// Server is a running fake Cerb; URL + "/rest" is its REST root.
type Server struct {
	*httptest.Server
	token  string
	quirks Quirks

	mu       sync.Mutex
	calls    []Call
	tickets  map[int64]*ticket
	messages map[int64]int64 // message → ticket
	next     int64
}

type ticket struct {
	id, group, bucket, status int64
	subject                   string
	initial, latest, count    int64
}

// New starts a fake that accepts the bearer token; close it with Close.
func New(token string, q Quirks) *Server {
	s := &Server{token: token, quirks: q, tickets: map[int64]*ticket{}, messages: map[int64]int64{}, next: 100}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// Calls returns every request received so far.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// TicketStatus is the status id of a ticket, and whether it exists.
func (s *Server) TicketStatus(id int64) (int64, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tickets[id]
	if !ok {
		return 0, false
	}
	return t.status, true
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Set-Cookie", "Devblocks=fake; path=/; HttpOnly; SameSite=Lax")
	form, body := parse(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, Call{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Form: form, Body: body})

	switch auth := r.Header.Get("Authorization"); {
	case auth == "":
		writeJSON(w, 401, `{"__status":"error","message":"Unauthorized request"}`)
		return
	case auth != "Bearer "+s.token:
		writeJSON(w, 401, `{"__status":"error","message":"The resource owner or authorization server denied the request."}`)
		return
	}
	switch {
	case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/rest/tickets/compose.json"):
		s.compose(w, form)
	case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/rest/tickets/reply.json"):
		s.reply(w, form)
	default:
		writeJSON(w, 200, `{"__status":"error","__version":"10.4.10","__build":2024030901,"__error":"ERROR_NOT_IMPLEMENTED","message":"Not implemented."}`)
	}
}

func (s *Server) compose(w http.ResponseWriter, f url.Values) {
	switch {
	case f.Get("subject") == "":
		apiError(w, "The 'subject' parameter is required")
		return
	case f.Get("content") == "":
		apiError(w, "The 'content' parameter is required")
		return
	case intval(f.Get("group_id")) == 0:
		apiError(w, "The 'group_id' parameter is required")
		return
	case !groups[intval(f.Get("group_id"))]:
		apiError(w, "The given 'group_id' parameter is invalid")
		return
	case s.quirks.RequireTo && f.Get("to") == "":
		apiError(w, "The 'to' parameter is required")
		return
	}
	group, bucket := intval(f.Get("group_id")), int64(0)
	if b := intval(f.Get("bucket_id")); b != 0 {
		g, ok := buckets[b]
		if !ok {
			apiError(w, "The given 'bucket_id' parameter is invalid")
			return
		}
		group, bucket = g, b
	}
	if h := intval(f.Get("html_template_id")); h != 0 && !templates[h] {
		apiError(w, "The given 'html_template_id' parameter is invalid")
		return
	}
	if at, ok := strtotime(f.Get("send_at")); ok && at > time.Now().Unix() {
		s.next++
		var d map[string]any
		_ = json.Unmarshal(draftJSON, &d)
		d["id"], d["subject"], d["name"], d["_label"] = strconv.FormatInt(s.next, 10), f.Get("subject"), f.Get("subject"), f.Get("subject")
		d["to"] = f.Get("to")
		d["record_url"] = fmt.Sprintf("/profiles/draft/%d", s.next)
		writeRecord(w, d)
		return
	}
	if bucket == 0 {
		for b, g := range buckets {
			if g == group && (bucket == 0 || b < bucket) {
				bucket = b
			}
		}
	}
	s.next++
	t := &ticket{id: s.next, group: group, bucket: bucket, subject: f.Get("subject"), status: statusOf(f.Get("status"), 0)}
	s.next++
	t.initial, t.latest, t.count = s.next, s.next, 1
	s.tickets[t.id] = t
	s.messages[t.initial] = t.id
	if s.quirks.NotMember {
		apiError(w, fmt.Sprintf("Invalid ticket id '%d'", t.id))
		return
	}
	s.writeTicket(w, t)
}

func (s *Server) reply(w http.ResponseWriter, f url.Values) {
	switch {
	case f.Get("content") == "":
		apiError(w, "The 'content' parameter is required")
		return
	case intval(f.Get("message_id")) == 0:
		apiError(w, "The 'message_id' parameter is required")
		return
	}
	t := s.tickets[s.messages[intval(f.Get("message_id"))]]
	if t == nil {
		apiError(w, "The given 'message_id' is invalid")
		return
	}
	if h := intval(f.Get("html_template_id")); h != 0 && !templates[h] {
		apiError(w, "The given 'html_template_id' parameter is invalid")
		return
	}
	t.status = statusOf(f.Get("status"), t.status)
	if sub := f.Get("subject"); sub != "" && intval(f.Get("is_forward")) == 0 {
		t.subject = sub
	}
	if b := intval(f.Get("bucket_id")); buckets[b] != 0 {
		t.group, t.bucket = buckets[b], b
	}
	at, _ := strtotime(f.Get("send_at"))
	if intval(f.Get("dont_keep_copy")) == 0 && intval(f.Get("is_autoreply")) == 0 && at <= time.Now().Unix() {
		s.next++
		t.latest = s.next
		t.count++
		s.messages[t.latest] = t.id
	}
	s.writeTicket(w, t)
}

func (s *Server) writeTicket(w http.ResponseWriter, t *ticket) {
	var m map[string]any
	_ = json.Unmarshal(ticketJSON, &m)
	mask := fmt.Sprintf("FAK-%05d-%03d", t.id, t.id%1000)
	m["id"], m["mask"], m["group_id"], m["bucket_id"] = t.id, mask, t.group, t.bucket
	m["subject"], m["_label"] = t.subject, "[#"+mask+"] "+t.subject
	if s.quirks.SubjectNumber {
		m["subject"] = 42
	}
	m["status_id"], m["status"] = t.status, []string{"open", "waiting", "closed"}[t.status]
	m["initial_message_id"], m["latest_message_id"], m["num_messages"], m["num_messages_out"] = t.initial, t.latest, t.count, t.count
	m["url"] = "http://cerb.example/profiles/ticket/" + mask
	m["record_url"] = m["url"]
	writeRecord(w, m)
}

// statusOf is the status after a request: 0–2 as sent, a non-number 0 (PHP's intval),
// anything else (3, 9) leaves it as it was.
func statusOf(v string, old int64) int64 {
	if n := intval(v); n >= 0 && n <= 2 {
		return n
	}
	return old
}

var leadingInt = regexp.MustCompile(`^\s*[+-]?[0-9]+`)

// intval is PHP's intval of a request string: its leading integer, or 0.
func intval(s string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSpace(leadingInt.FindString(s)), 10, 64)
	return n
}

var relative = regexp.MustCompile(`^([+-][0-9]+) (second|minute|hour|day|week|month|year)s?$`)

// strtotime understands what the tests send: "@<unix>" and "+N unit". Like PHP's, it
// does not read a bare number as a timestamp.
func strtotime(s string) (int64, bool) {
	now := time.Now()
	if rest, ok := strings.CutPrefix(s, "@"); ok {
		n, err := strconv.ParseInt(rest, 10, 64)
		return n, err == nil
	}
	m := relative.FindStringSubmatch(s)
	if m == nil {
		return now.Unix(), s != ""
	}
	n, _ := strconv.Atoi(m[1])
	unit := map[string]time.Duration{"second": time.Second, "minute": time.Minute, "hour": time.Hour, "day": 24 * time.Hour, "week": 7 * 24 * time.Hour, "month": 30 * 24 * time.Hour, "year": 365 * 24 * time.Hour}[m[2]]
	return now.Add(time.Duration(n) * unit).Unix(), true
}

// parse reads $_REQUEST and $_POST as PHP fills them: a JSON body is not read.
func parse(r *http.Request) (form, body url.Values) {
	form, body = url.Values{}, url.Values{}
	for k, v := range r.URL.Query() {
		form[k] = append(form[k], v...)
	}
	mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "application/x-www-form-urlencoded":
		b, _ := io.ReadAll(r.Body)
		body, _ = url.ParseQuery(string(b))
	case "multipart/form-data":
		mr := multipart.NewReader(r.Body, params["boundary"])
		for {
			p, err := mr.NextPart()
			if err != nil {
				break
			}
			b, _ := io.ReadAll(p)
			body.Add(p.FormName(), string(b))
		}
	}
	for k, v := range body {
		form[k] = v // PHP: $_POST wins over $_GET in $_REQUEST
	}
	return form, body
}

func apiError(w http.ResponseWriter, msg string) {
	b, _ := json.Marshal(msg)
	writeJSON(w, 200, `{"__status":"error","__version":"10.4.10","__build":2024030901,"__error":"ERROR","message":`+string(b)+`}`)
}

func writeRecord(w http.ResponseWriter, m map[string]any) {
	b, _ := json.Marshal(m) // keys sorted, as Cerb's ksort
	writeJSON(w, 200, string(b))
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	io.WriteString(w, body)
}

package standin

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ticket, message and draft are the records the API creates.
type ticket struct {
	id                                 int64
	mask, subject                      string
	status, group, bucket, owner, org  int64
	created, updated, closedAt, reopen int64
	initial, latest, firstResponse     int64
	elapsedResponseFirst               int64
	custom                             map[int64][]string // field → stored values
	requesters                         []string
	// corrupt is a ticket whose first write MariaDB refused (a subject that is not
	// UTF-8): no mask, importance and org 0, and no subject (null) until a reply sets one.
	corrupt, nullSubject bool
}

type message struct {
	id, ticket, created, worker, htmlAttachment int64
	notSent, broadcast                          bool
	content                                     string
	headers                                     map[string]string
	files                                       []int64
}

type draft struct {
	id, ticket, worker, updated int64
	kind, subject, to, token    string
	params                      map[string]any
}

// compose is POST /rest/tickets/compose.json: tickets.php _handlePostCompose, then
// CerberusMail::compose, then the read-back through the caller's group ACL.
func (s *Server) compose(r *request) reply {
	subject, content := r.get("subject"), r.get("content")
	groupID, bucketID := intval(r.get("group_id")), intval(r.get("bucket_id"))
	htmlTemplate := intval(r.get("html_template_id"))
	switch {
	case empty(subject):
		return apiError("ERROR", "The 'subject' parameter is required")
	case empty(content):
		return apiError("ERROR", "The 'content' parameter is required")
	case groupID == 0:
		return apiError("ERROR", "The 'group_id' parameter is required")
	case s.group(groupID) == nil:
		return apiError("ERROR", "The given 'group_id' parameter is invalid")
	}
	if bucketID != 0 {
		b := s.bucket(bucketID)
		if b == nil {
			return apiError("ERROR", "The given 'bucket_id' parameter is invalid")
		}
		groupID = b.GroupID // the bucket's group wins
	}
	if htmlTemplate != 0 && !s.hasTemplate(htmlTemplate) {
		return apiError("ERROR", "The given 'html_template_id' parameter is invalid")
	}
	if bucketID == 0 {
		bucketID = s.group(groupID).DefaultBucket
	}
	now := s.now().Unix()
	if at, ok := strtotime(r.get("send_at"), s.now()); !empty(r.get("send_at")) && ok && at != 0 && at >= now {
		return s.composeDraft(r, groupID, intval(r.get("bucket_id")), at)
	}

	s.lastID.ticket++
	t := &ticket{
		id: s.lastID.ticket, mask: s.mask(), subject: subject, group: groupID, bucket: bucketID,
		created: now, updated: now, custom: map[int64][]string{},
	}
	to := addresses(r.get("to"))
	t.requesters = to
	t.org = intval(r.get("org_id"))
	if !utf8.ValidString(subject) {
		// MariaDB (strict, utf8mb4) refuses the write of the new ticket's fields; what
		// later writes set (group, bucket, owner, status, custom fields) is kept.
		t.corrupt, t.nullSubject, t.mask, t.subject, t.org = true, true, "", "", 0
	}
	if owner := intval(r.get("owner_id")); owner == 0 || s.worker(owner) != nil {
		t.owner = owner
	}
	m := s.newMessage(r, t, r.worker.ID)
	m.headers["to"] = strings.Join(to, ", ")
	t.initial, t.latest = m.id, m.id
	s.tickets[t.id] = t
	if st := intval(r.get("status")); st == 1 || st == 2 {
		s.setStatus(t, st, r.get("reopen_at"))
	}
	s.setCustomFields(t, r.post)
	if !s.canRead(r.worker, t) {
		return apiError("ERROR", fmt.Sprintf("Invalid ticket id '%d'", t.id))
	}
	return success(s.ticketRecord(t, r))
}

// composeDraft queues a compose for a future send_at: the answer is the draft record.
func (s *Server) composeDraft(r *request, group, bucket, at int64) reply {
	s.lastID.draft++
	d := &draft{
		id: s.lastID.draft, worker: r.worker.ID, updated: s.now().Unix(), kind: "mail.compose",
		subject: r.get("subject"), to: r.get("to"), token: s.token(10),
	}
	d.params = map[string]any{
		"to": r.get("to"), "subject": d.subject, "content": r.get("content"), "group_id": group,
		"bucket_id": bucket, "owner_id": intval(r.get("owner_id")), "worker_id": r.worker.ID, "send_at": r.get("send_at"),
	}
	for _, k := range []string{"cc", "bcc"} {
		if v := r.get(k); v != "" {
			d.params[k] = v
		}
	}
	s.drafts[d.id] = d
	id := strconv.FormatInt(d.id, 10)
	return success(map[string]any{
		"_context": "cerberusweb.contexts.mail.draft", "_label": d.subject, "_type": "draft",
		"id": id, "name": d.subject, "params": d.params, "record_url": "/profiles/draft/" + id,
		"subject": d.subject, "ticket__context": "cerberusweb.contexts.ticket", "ticket_id": "0",
		"ticket_url": s.fx.BaseURL + "/profiles/ticket/0#draft" + id, "to": d.to, "token": d.token,
		"type": d.kind, "updated": strconv.FormatInt(d.updated, 10),
		"worker__context": "cerberusweb.contexts.worker", "worker_id": strconv.FormatInt(d.worker, 10),
	})
}

// reply is POST /rest/tickets/reply.json: tickets.php _handlePostReply, then
// CerberusMail::sendTicketMessage (DAO_Ticket::updateWithMessageProperties runs before
// a future send_at queues the reply), then the read-back through the caller's ACL.
func (s *Server) reply(r *request) reply {
	if empty(r.get("content")) {
		return apiError("ERROR", "The 'content' parameter is required")
	}
	msgID := intval(r.get("message_id"))
	if msgID == 0 {
		return apiError("ERROR", "The 'message_id' parameter is required")
	}
	msg := s.messages[msgID]
	if msg == nil {
		return apiError("ERROR", "The given 'message_id' is invalid")
	}
	t := s.tickets[msg.ticket]
	if !s.canWrite(r.worker, t) {
		return apiError("ERROR", "You do not have write access to this ticket")
	}
	if h := intval(r.get("html_template_id")); h != 0 && !s.hasTemplate(h) {
		return apiError("ERROR", "The given 'html_template_id' parameter is invalid")
	}
	sender := r.worker.ID
	if w := intval(r.get("worker_id")); r.worker.Superuser && w != 0 && s.worker(w) != nil {
		sender = w
	}

	// Where the ticket goes: a bucket that exists (and its group), else the default
	// bucket of the ticket's current group; neither parameter keeps it where it is.
	bucketParam, groupParam := r.get("bucket_id"), intval(r.get("group_id"))
	if !r.has("bucket_id") {
		bucketParam = ""
	}
	if empty(bucketParam) && groupParam == 0 {
		bucketParam = strconv.FormatInt(t.bucket, 10)
	}
	if id, ok := arrayKey(bucketParam); ok && !empty(bucketParam) && s.bucket(id) != nil {
		t.bucket, t.group = id, s.bucket(id).GroupID
	} else if g := s.group(t.group); g != nil {
		t.bucket = g.DefaultBucket
	}

	// Owner: an existing worker assigns, 0 unassigns, anything else is ignored.
	if o := r.get("owner_id"); o != "" {
		if empty(o) {
			t.owner = 0
		} else if id, ok := arrayKey(o); ok && s.worker(id) != nil {
			t.owner = id
		}
	}
	to := addresses(r.get("to"))
	forward := intval(r.get("is_forward")) != 0
	if !forward {
		for _, a := range to {
			if !slices.Contains(t.requesters, a) {
				t.requesters = append(t.requesters, a)
			}
		}
	}
	if st := intval(r.get("status")); st >= 0 && st <= 2 {
		s.setStatus(t, st, r.get("reopen_at"))
	}
	s.setCustomFields(t, r.post)

	now := s.now()
	if at, ok := strtotime(r.get("send_at"), now); r.get("send_at") != "" && ok && at != 0 && at >= now.Unix() {
		s.lastID.draft++
		kind := "ticket.reply"
		if forward {
			kind = "ticket.forward"
		}
		s.drafts[s.lastID.draft] = &draft{id: s.lastID.draft, ticket: t.id, worker: sender, updated: now.Unix(), kind: kind, subject: r.get("subject"), to: r.get("to")}
	} else if intval(r.get("dont_keep_copy")) == 0 && intval(r.get("is_autoreply")) == 0 {
		m := s.newMessage(r, t, sender)
		if len(to) == 0 {
			to = t.requesters
		}
		m.headers["to"] = strings.Join(to, ", ")
		if sub := r.get("subject"); !forward && !empty(sub) && !utf8.ValidString(sub) {
			// The ticket's update (subject, latest message, times) is refused as a whole;
			// the message is stored all the same.
			return s.answerTicket(r, t)
		}
		t.latest, t.updated = m.id, now.Unix()
		if sub := r.get("subject"); !empty(sub) && !forward {
			t.subject, t.nullSubject = sub, false
		}
		if t.firstResponse == 0 {
			t.firstResponse = m.id
			t.elapsedResponseFirst = max(now.Unix()-t.created, 0)
		}
	}
	return s.answerTicket(r, t)
}

// answerTicket is the read-back after a write, through the caller's group ACL.
func (s *Server) answerTicket(r *request, t *ticket) reply {
	if !s.canRead(r.worker, t) {
		return apiError("ERROR", fmt.Sprintf("Invalid ticket id '%d'", t.id))
	}
	return success(s.ticketRecord(t, r))
}

// newMessage stores an outgoing message of t.
func (s *Server) newMessage(r *request, t *ticket, worker int64) *message {
	s.lastID.message++
	m := &message{
		id: s.lastID.message, ticket: t.id, created: s.now().Unix(), worker: worker,
		notSent: intval(r.get("dont_send")) != 0, broadcast: intval(r.get("is_broadcast")) != 0,
		content: questionMarks(r.get("content")), headers: map[string]string{},
	}
	for _, h := range []string{"cc", "bcc", "subject"} {
		if v := r.get(h); v != "" {
			m.headers[h] = v
		}
	}
	if m.headers["subject"] == "" {
		m.headers["subject"] = t.subject
	}
	if slices.Contains([]string{"markdown", "parsedown", "html"}, r.get("content_format")) {
		// Markdown is sent with an HTML part, kept as an attachment of the message.
		s.lastID.attachment++
		m.htmlAttachment = s.lastID.attachment
		s.files[m.htmlAttachment] = &Attachment{ID: m.htmlAttachment, FileName: "original_message.html", FileType: "text/html", FileSize: int64(len(m.content))}
		m.files = append(m.files, m.htmlAttachment)
	}
	for _, f := range r.form["file_id"] {
		if id := intval(f); id != 0 && s.attachment(id) != nil && !slices.Contains(m.files, id) {
			m.files = append(m.files, id)
		}
	}
	s.messages[m.id] = m
	return m
}

// setStatus is the status part of updateWithMessageProperties: open clears reopen_date;
// waiting and closed take reopen_at (digits as a Unix time, else strtotime, else 0).
func (s *Server) setStatus(t *ticket, status int64, reopenAt string) {
	var reopen int64
	if reopenAt != "" {
		if isNumeric(reopenAt) {
			reopen = intval(reopenAt)
		} else if at, ok := strtotime(reopenAt, s.now()); ok {
			reopen = at
		}
	}
	switch status {
	case 0:
		t.reopen = 0
	case 1, 2:
		t.reopen = reopen
	}
	if status == 2 && t.status != 2 {
		t.closedAt = s.now().Unix()
	}
	t.status = status
}

// setCustomFields is formatAndSetFieldValues with delta on: custom_<id> from $_POST only;
// a blank single value unsets, a multi-value field adds values and removes "-value";
// values Cerb cannot store are dropped (after clearing what was stored, as Cerb's
// setFieldValue does).
func (s *Server) setCustomFields(t *ticket, post map[string][]string) {
	for key, vals := range post {
		idText, ok := strings.CutPrefix(key, "custom_")
		if !ok || !isNumeric(idText) {
			continue
		}
		f := s.field(intval(idText))
		if f == nil || len(vals) == 0 {
			continue
		}
		if f.Type == FieldMulti {
			for _, v := range vals {
				if empty(v) {
					continue
				}
				remove := strings.HasPrefix(v, "-")
				v = strings.TrimLeft(v, "+-")
				if !slices.Contains(f.Options, v) {
					continue
				}
				t.custom[f.ID] = slices.DeleteFunc(t.custom[f.ID], func(x string) bool { return x == v })
				if !remove {
					t.custom[f.ID] = append(t.custom[f.ID], v)
				}
			}
			continue
		}
		v := vals[len(vals)-1]
		if v == "" {
			delete(t.custom, f.ID)
			continue
		}
		var stored string
		switch f.Type {
		case FieldSingleLine, FieldURL:
			// substr($value, 0, 255) counts bytes; a cut inside a character leaves bytes
			// strict MariaDB refuses, and the field ends up with no value (seen on 10.4.10).
			stored = v
			if len(stored) > 255 {
				stored = stored[:255]
			}
			if !utf8.ValidString(stored) {
				stored = ""
			}
		case FieldMultiLine:
			stored = v
			if !utf8.ValidString(stored) {
				stored = "" // as above: MariaDB refuses it, the field has no value
			}
		case FieldPicklist:
			if !slices.Contains(f.Options, v) {
				continue // not even cleared: Cerb skips setFieldValue
			}
			stored = v
		case FieldCheckbox:
			if !empty(v) {
				stored = "1"
			}
		case FieldDate:
			if isNumeric(v) {
				stored = numText(intval(v))
			} else if at, ok := strtotime(v, s.now()); ok {
				stored = numText(at)
			}
		case FieldNumber, FieldWorker:
			stored = numText(intval(v))
		case FieldDecimal:
			stored = numText(intval(parseDecimal(v, f.DecimalAt)))
		}
		if stored == "" {
			delete(t.custom, f.ID)
		} else {
			t.custom[f.ID] = []string{stored}
		}
	}
}

// questionMarks is message text as Cerb stores it: each byte that is not UTF-8 becomes "?".
func questionMarks(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		if r == utf8.RuneError && n == 1 {
			b.WriteByte('?')
		} else {
			b.WriteString(s[:n])
		}
		s = s[n:]
	}
	return b.String()
}

// numText is a stored integer value as Cerb keeps it: 0 is no value.
func numText(n int64) string {
	if n == 0 {
		return ""
	}
	return strconv.FormatInt(n, 10)
}

// parseDecimal is DevblocksPlatform::strParseDecimal with its bug: the separator test
// has its arguments swapped, so ".00" is always appended before splitting.
func parseDecimal(v string, places int) string {
	parts := strings.Split(v+"."+strings.Repeat("0", places), ".")
	digits := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, s)
	}
	whole, dec := digits(parts[0]), digits(parts[1])
	if whole == "" {
		whole = "0"
	}
	for len(dec) < places {
		dec += "0"
	}
	return whole + dec[:places]
}

// addresses are the addresses of an RFC 5322 list (comma or semicolon separated); what
// does not parse is dropped, as Cerb drops it.
func addresses(list string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ';' }) {
		if a, err := mail.ParseAddress(strings.TrimSpace(part)); err == nil {
			out = append(out, strings.ToLower(a.Address))
		}
	}
	return out
}

// mask is a new ticket mask in Cerb's LLL-NNNNN-NNN form.
func (s *Server) mask() string {
	for {
		b := make([]byte, 3)
		for i := range b {
			b[i] = maskLetters[s.rng.IntN(len(maskLetters))]
		}
		m := fmt.Sprintf("%s-%05d-%03d", b, s.rng.IntN(100000), s.rng.IntN(1000))
		taken := false
		for _, t := range s.tickets {
			taken = taken || t.mask == m
		}
		if !taken {
			return m
		}
	}
}

// canRead and canWrite are the group ACL: superusers everything, others their groups.
func (s *Server) canRead(w *Worker, t *ticket) bool {
	return w.Superuser || slices.Contains(w.Groups, t.group)
}

func (s *Server) canWrite(w *Worker, t *ticket) bool { return s.canRead(w, t) }

func (s *Server) group(id int64) *Group {
	return byID(s.fx.Groups, id, func(x *Group) int64 { return x.ID })
}

func (s *Server) bucket(id int64) *Bucket {
	return byID(s.fx.Buckets, id, func(x *Bucket) int64 { return x.ID })
}

func (s *Server) org(id int64) *Org {
	return byID(s.fx.Orgs, id, func(x *Org) int64 { return x.ID })
}

func (s *Server) field(id int64) *CustomField {
	return byID(s.fx.CustomFields, id, func(x *CustomField) int64 { return x.ID })
}

func (s *Server) attachment(id int64) *Attachment {
	if a := s.files[id]; a != nil {
		return a
	}
	return byID(s.fx.Attachments, id, func(x *Attachment) int64 { return x.ID })
}

// byID returns the fixture record with the id, or nil.
func byID[T any](records []T, id int64, idOf func(*T) int64) *T {
	for i := range records {
		if idOf(&records[i]) == id {
			return &records[i]
		}
	}
	return nil
}

func (s *Server) hasTemplate(id int64) bool {
	return slices.ContainsFunc(s.fx.HTMLTemplates, func(n Named) bool { return n.ID == id })
}

//go:embed ticket_links.json
var recordedTicket []byte

// linkKeys are the <prefix>__context and __type keys every ticket record carries, taken
// from a recorded Cerb answer.
var linkKeys = func() map[string]string {
	var m map[string]any
	if err := json.Unmarshal(recordedTicket, &m); err != nil {
		panic(err)
	}
	out := map[string]string{}
	for k, v := range m {
		if s, ok := v.(string); ok && (strings.HasSuffix(k, "__context") || strings.HasSuffix(k, "__type")) {
			out[k] = s
		}
	}
	return out
}()

var statusNames = []string{"open", "waiting", "closed"}

// ticketRecord is the ticket dictionary (ChRest_Tickets::getContext) with what the
// request's expand and show_meta add.
func (s *Server) ticketRecord(t *ticket, r *request) map[string]any {
	m := map[string]any{}
	for k, v := range linkKeys {
		m[k] = v
	}
	url := s.fx.BaseURL + "/profiles/ticket/" + t.mask
	count := int64(0)
	for _, msg := range s.messages {
		if msg.ticket == t.id {
			count++
		}
	}
	for k, v := range map[string]any{
		"_context": "cerberusweb.contexts.ticket", "_label": "[#" + t.mask + "] " + t.subject, "_type": "ticket",
		"bucket_id": t.bucket, "closed": t.closedAt, "closed_at": t.closedAt, "created": t.created,
		"elapsed_resolution_first": "0", "elapsed_response_first": strconv.FormatInt(t.elapsedResponseFirst, 10),
		"elapsed_status_open": "0", "group_id": t.group, "id": t.id, "importance": 50,
		"initial_message_id": t.initial, "initial_response_message_id": t.firstResponse, "last_opened_at": t.created,
		"latest_message_id": t.latest, "mask": t.mask, "num_messages": count, "num_messages_in": 0, "num_messages_out": count,
		"org_id": t.org, "owner_id": t.owner, "record_url": url, "reopen_date": t.reopen, "spam_score": 0.0001,
		"spam_training": "N", "status": statusNames[t.status], "status_id": t.status, "subject": t.subject,
		"updated": t.updated, "url": url,
	} {
		m[k] = v
	}
	if t.corrupt {
		m["importance"], m["last_opened_at"] = 0, 0
	}
	if t.nullSubject {
		m["subject"] = nil
	}
	// expand and show_meta are read from $_REQUEST: the query or the body.
	for _, item := range strings.Split(r.get("expand"), ",") {
		switch strings.TrimSpace(item) {
		case "custom_":
			s.expandCustom(m, t)
		case "group_":
			if g := s.group(t.group); g != nil {
				m["group__label"], m["group_name"], m["group_is_default"], m["group_is_private"] = g.Name, g.Name, boolInt(g.Default), 0
			}
		case "bucket_":
			if b := s.bucket(t.bucket); b != nil {
				m["bucket__label"], m["bucket_name"], m["bucket_group_id"] = b.Name, b.Name, b.GroupID
				m["bucket_is_default"] = boolInt(s.group(b.GroupID).DefaultBucket == b.ID)
			}
		case "owner_":
			if w := s.worker(t.owner); w != nil {
				m["owner__label"], m["owner_full_name"], m["owner_id"], m["owner_is_superuser"] = w.Name, w.Name, w.ID, boolInt(w.Superuser)
			}
		case "org_":
			if o := s.org(t.org); o != nil {
				m["org__label"], m["org_name"] = o.Name, o.Name
			}
		case "requesters":
			req := map[string]any{}
			for i, a := range t.requesters {
				req[strconv.Itoa(i+1)] = map[string]any{"id": i + 1, "email": a, "name": "", "contact_id": 0, "org_id": 0}
			}
			if len(req) == 0 {
				m["requesters"] = []any{}
			} else {
				m["requesters"] = req
			}
		}
	}
	if !empty(r.get("show_meta")) {
		labels, types := map[string]any{}, map[string]any{}
		for k, v := range m {
			if strings.HasPrefix(k, "_") || strings.Contains(k, "__") {
				continue
			}
			labels[k] = strings.ReplaceAll(k, "_", " ")
			switch v.(type) {
			case string:
				types[k] = "S"
			default:
				types[k] = "N"
			}
		}
		m["_labels"], m["_types"] = labels, types
	}
	return m
}

// expandCustom adds custom_<id> (a string, "" when unset) for every ticket field and
// "custom", the raw values keyed by field id.
func (s *Server) expandCustom(m map[string]any, t *ticket) {
	raw := map[string]any{}
	for _, f := range s.fx.CustomFields {
		id := strconv.FormatInt(f.ID, 10)
		vals := t.custom[f.ID]
		key := "custom_" + id
		switch {
		case f.Type == FieldMulti:
			if len(vals) == 0 {
				m[key], raw[id] = "", nil
				continue
			}
			set := map[string]any{}
			for _, v := range vals {
				set[v] = v
			}
			m[key], raw[id] = strings.Join(vals, ", "), set
		case len(vals) == 0:
			m[key], raw[id] = "", nil
		default:
			m[key], raw[id] = vals[0], vals[0]
		}
		switch f.Type {
		case FieldWorker:
			m[key+"__context"] = "cerberusweb.contexts.worker"
			if len(vals) == 0 {
				m[key+"_id"] = nil
			} else {
				m[key+"_id"] = vals[0]
			}
		case FieldDecimal:
			m[key+"_decimal_at"] = f.DecimalAt
		}
	}
	m["custom"] = raw
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// getTicket is GET /rest/tickets/<id>.json: the same record, through the caller's ACL.
func (s *Server) getTicket(r *request, id int64) reply {
	t := s.tickets[id]
	if t == nil || !s.canRead(r.worker, t) {
		return apiError("ERROR", fmt.Sprintf("Invalid ticket id '%d'", id))
	}
	return success(s.ticketRecord(t, r))
}

// getMessage is GET /rest/messages/<id>.json; expand=content,headers,attachments add
// the message's text, its headers and its files.
func (s *Server) getMessage(r *request, id int64) reply {
	m := s.messages[id]
	if m == nil || !s.canRead(r.worker, s.tickets[m.ticket]) {
		return apiError("ERROR", fmt.Sprintf("Invalid message id '%d'", id))
	}
	t := s.tickets[m.ticket]
	rec := map[string]any{
		"_context": "cerberusweb.contexts.message", "_type": "message", "created": m.created, "hash_header_message_id": "",
		"html_attachment_id": m.htmlAttachment, "id": m.id, "is_broadcast": boolInt(m.broadcast),
		"is_not_sent": boolInt(m.notSent), "is_outgoing": 1, "record_url": fmt.Sprintf("%s/profiles/message/%d", s.fx.BaseURL, m.id),
		"response_time": 0, "sender_id": 0, "signed_at": 0, "signed_key_fingerprint": "", "storage_size": len(m.content),
		"ticket_id": m.ticket, "ticket_url": s.fx.BaseURL + "/profiles/ticket/" + t.mask, "token": "", "was_encrypted": 0,
		"worker_id": m.worker, "sender__context": "cerberusweb.contexts.address", "ticket__context": "cerberusweb.contexts.ticket",
		"worker__context": "cerberusweb.contexts.worker",
	}
	for _, item := range strings.Split(r.get("expand"), ",") {
		switch strings.TrimSpace(item) {
		case "content":
			rec["content"] = m.content
		case "headers":
			h := map[string]any{}
			for k, v := range m.headers {
				h[k] = v
			}
			rec["headers"] = h
		case "attachments":
			files := map[string]any{}
			for _, f := range m.files {
				a := s.attachment(f)
				files[strconv.FormatInt(f, 10)] = map[string]any{"id": a.ID, "file_name": a.FileName, "file_size": a.FileSize, "file_type": a.FileType}
			}
			if len(files) == 0 {
				rec["attachments"] = []any{}
			} else {
				rec["attachments"] = files
			}
		}
	}
	return success(rec)
}

package cerb

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// Record contexts (_context) of the two success shapes.
const (
	contextTicket = "cerberusweb.contexts.ticket"
	contextDraft  = "cerberusweb.contexts.mail.draft"
)

// Ticket is the ticket that compose and reply return. Cerb's Unix timestamps are
// time.Time here, in UTC (the zero Time where Cerb sends 0, "none"), and its strings of digits
// are numbers and durations. Keys not declared here (the ~120 *__context/*__type link
// keys, and whatever Expand or ShowMeta add) are kept raw in Extra.
type Ticket struct {
	ID      int64
	Mask    string // "ABC-12345-678"; "" when Cerb could not store the ticket
	Subject string // "" also when Cerb sent null (it could not store the ticket: invalid UTF-8)
	Label   string // "[#<mask>] <subject>"
	Status  Status // StatusOpen, StatusWaiting or StatusClosed

	GroupID    int64
	BucketID   int64
	OrgID      int64 // 0 = none
	OwnerID    int64 // 0 = nobody
	Importance int   // 0..100

	Created      time.Time
	Updated      time.Time
	ClosedAt     time.Time // the last close; kept when the ticket reopens
	ReopenAt     time.Time // when a waiting or closed ticket reopens (reopen_date); zero = never
	LastOpenedAt time.Time

	NumMessages    int64
	NumMessagesIn  int64
	NumMessagesOut int64

	InitialMessageID         int64 // reply to it: ReplyRequest.MessageID
	InitialResponseMessageID int64 // 0 until a worker answers
	LatestMessageID          int64 // the message a reply just added

	SpamScore    float64
	SpamTraining string // "", "N" (not spam) or "S" (spam)

	URL string // the ticket's page in Cerb's web UI (url, record_url)

	ElapsedResponseFirst   time.Duration // until the first response; Cerb sends seconds as a string
	ElapsedResolutionFirst time.Duration
	ElapsedStatusOpen      time.Duration // Cerb 10.2 and later

	Version string // __version of the server, e.g. "10.4.10"
	Build   int64  // __build, e.g. 2024030901

	// Extra holds every other key, undecoded.
	Extra map[string]json.RawMessage
}

// ticketJSON is the ticket record with the JSON types Cerb 10.4.10 sends.
type ticketJSON struct {
	Version  string  `json:"__version"`
	Build    int64   `json:"__build"`
	Context  string  `json:"_context"`
	Label    string  `json:"_label"`
	Type     string  `json:"_type"`
	ID       int64   `json:"id"`
	Mask     string  `json:"mask"`
	Subject  *string `json:"subject"`
	Status   Status  `json:"status"`
	StatusID int     `json:"status_id"`

	GroupID    int64 `json:"group_id"`
	BucketID   int64 `json:"bucket_id"`
	OrgID      int64 `json:"org_id"`
	OwnerID    int64 `json:"owner_id"`
	Importance int   `json:"importance"`

	Created      int64 `json:"created"`
	Updated      int64 `json:"updated"`
	Closed       int64 `json:"closed"`
	ClosedAt     int64 `json:"closed_at"`
	ReopenDate   int64 `json:"reopen_date"`
	LastOpenedAt int64 `json:"last_opened_at"`

	NumMessages    int64 `json:"num_messages"`
	NumMessagesIn  int64 `json:"num_messages_in"`
	NumMessagesOut int64 `json:"num_messages_out"`

	InitialMessageID         int64 `json:"initial_message_id"`
	InitialResponseMessageID int64 `json:"initial_response_message_id"`
	LatestMessageID          int64 `json:"latest_message_id"`

	SpamScore    float64 `json:"spam_score"`
	SpamTraining string  `json:"spam_training"`

	URL       string `json:"url"`
	RecordURL string `json:"record_url"`

	ElapsedResponseFirst   digits `json:"elapsed_response_first"`
	ElapsedResolutionFirst digits `json:"elapsed_resolution_first"`
	ElapsedStatusOpen      digits `json:"elapsed_status_open"`
}

// UnmarshalJSON decodes Cerb's ticket record, checking the JSON types of the declared
// keys, and keeps the other keys in Extra.
func (t *Ticket) UnmarshalJSON(b []byte) error {
	var w ticketJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	extra, err := extraKeys(b, ticketKeys)
	if err != nil {
		return err
	}
	url := w.URL
	if url == "" {
		url = w.RecordURL
	}
	*t = Ticket{
		ID: w.ID, Mask: w.Mask, Label: w.Label, Status: w.Status,
		GroupID: w.GroupID, BucketID: w.BucketID, OrgID: w.OrgID, OwnerID: w.OwnerID, Importance: w.Importance,
		Created: unixTime(w.Created), Updated: unixTime(w.Updated), ClosedAt: unixTime(w.ClosedAt),
		ReopenAt: unixTime(w.ReopenDate), LastOpenedAt: unixTime(w.LastOpenedAt),
		NumMessages: w.NumMessages, NumMessagesIn: w.NumMessagesIn, NumMessagesOut: w.NumMessagesOut,
		InitialMessageID: w.InitialMessageID, InitialResponseMessageID: w.InitialResponseMessageID, LatestMessageID: w.LatestMessageID,
		SpamScore: w.SpamScore, SpamTraining: w.SpamTraining, URL: url,
		ElapsedResponseFirst: w.ElapsedResponseFirst.seconds(), ElapsedResolutionFirst: w.ElapsedResolutionFirst.seconds(),
		ElapsedStatusOpen: w.ElapsedStatusOpen.seconds(),
		Version:           w.Version, Build: w.Build, Extra: extra,
	}
	if w.Subject != nil {
		t.Subject = *w.Subject
	}
	return nil
}

// Custom returns the stored values of ticket custom field id, from the "custom" key that
// Expand "custom_" adds: one value for a single-value field, every value of a multi-value
// field (pass them to Replace), none when the field is unset. ok is false when the ticket
// was read without Expand "custom_".
//
// The values are Cerb's stored form: a date in Unix seconds, a checkbox "1", a decimal
// scaled to an integer ("1999" for 19.99 with two decimals).
func (t *Ticket) Custom(id int64) (values []string, ok bool) {
	raw, ok := t.Extra["custom"]
	if !ok {
		return nil, false
	}
	var byID map[string]json.RawMessage
	if json.Unmarshal(raw, &byID) != nil { // [] when the install has no ticket custom fields
		return nil, true
	}
	v := bytes.TrimSpace(byID[strconv.FormatInt(id, 10)])
	switch {
	case len(v) == 0 || string(v) == "null":
		return nil, true
	case v[0] == '{': // a multi-value field: {"billing":"billing","bug":"bug"}, in stored order
		return objectValues(v), true
	}
	var s string
	if json.Unmarshal(v, &s) != nil {
		return []string{string(v)}, true
	}
	return []string{s}, true
}

// objectValues returns the string values of a JSON object in their order.
func objectValues(obj []byte) []string {
	dec := json.NewDecoder(bytes.NewReader(obj))
	if _, err := dec.Token(); err != nil { // {
		return nil
	}
	var out []string
	for dec.More() {
		if _, err := dec.Token(); err != nil { // key
			return out
		}
		var s string
		if err := dec.Decode(&s); err != nil {
			return out
		}
		out = append(out, s)
	}
	return out
}

// Draft is what compose returns instead of a ticket when SendAt is in the future: the
// queued mail. Cerb sends its ids and time as strings of digits; they are numbers here.
type Draft struct {
	ID        int64
	Kind      string // "mail.compose"
	Token     string
	Name      string
	Subject   string
	To        string
	TicketID  int64 // 0 until the mail is sent
	WorkerID  int64
	Updated   time.Time
	URL       string // the draft's page, relative: "/profiles/draft/<id>" (record_url)
	TicketURL string

	// Params are the compose parameters as queued (send_at, group_id, ...).
	Params map[string]json.RawMessage

	Version string // __version
	Build   int64  // __build

	Extra map[string]json.RawMessage
}

type draftJSON struct {
	Version   string                     `json:"__version"`
	Build     int64                      `json:"__build"`
	Context   string                     `json:"_context"`
	Label     string                     `json:"_label"`
	Type      string                     `json:"_type"`
	ID        digits                     `json:"id"`
	Kind      string                     `json:"type"`
	Token     string                     `json:"token"`
	Name      string                     `json:"name"`
	Subject   string                     `json:"subject"`
	To        string                     `json:"to"`
	TicketID  digits                     `json:"ticket_id"`
	WorkerID  digits                     `json:"worker_id"`
	Updated   digits                     `json:"updated"`
	RecordURL string                     `json:"record_url"`
	TicketURL string                     `json:"ticket_url"`
	Params    map[string]json.RawMessage `json:"params"`
}

// UnmarshalJSON decodes Cerb's draft record, checking the JSON types of the declared
// keys, and keeps the other keys in Extra.
func (d *Draft) UnmarshalJSON(b []byte) error {
	var w draftJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	extra, err := extraKeys(b, draftKeys)
	if err != nil {
		return err
	}
	*d = Draft{
		ID: int64(w.ID), Kind: w.Kind, Token: w.Token, Name: w.Name, Subject: w.Subject, To: w.To,
		TicketID: int64(w.TicketID), WorkerID: int64(w.WorkerID), Updated: unixTime(int64(w.Updated)),
		URL: w.RecordURL, TicketURL: w.TicketURL, Params: w.Params,
		Version: w.Version, Build: w.Build, Extra: extra,
	}
	return nil
}

// ComposeResult is either the created ticket or, for a future SendAt, the queued draft.
type ComposeResult struct {
	Ticket *Ticket
	Draft  *Draft
}

// Queued reports whether the mail was queued as a draft instead of creating a ticket now.
func (r *ComposeResult) Queued() bool { return r.Draft != nil }

// digits is a non-negative integer that Cerb sends as a JSON string ("42").
type digits int64

func (d *digits) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("want a string of digits, got %s", b)
	}
	if !isDigits(s) {
		return fmt.Errorf("want a string of digits, got %q", s)
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return err
	}
	*d = digits(n)
	return nil
}

func (d digits) seconds() time.Duration { return time.Duration(d) * time.Second }

func unixTime(sec int64) time.Time {
	if sec == 0 {
		return time.Time{}
	}
	return time.Unix(sec, 0).UTC()
}

var (
	ticketKeys = jsonKeys(ticketJSON{}, "__status")
	draftKeys  = jsonKeys(draftJSON{}, "__status")
)

func jsonKeys(v any, more ...string) map[string]bool {
	keys := map[string]bool{}
	for _, k := range more {
		keys[k] = true
	}
	b, _ := json.Marshal(v)
	var m map[string]json.RawMessage
	_ = json.Unmarshal(b, &m)
	for k := range m {
		keys[k] = true
	}
	return keys
}

func extraKeys(b []byte, known map[string]bool) (map[string]json.RawMessage, error) {
	var all map[string]json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		return nil, err
	}
	for k := range all {
		if known[k] {
			delete(all, k)
		}
	}
	if len(all) == 0 {
		return nil, nil
	}
	return all, nil
}

package api

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// Record contexts (_context) of the two success shapes.
const (
	ContextTicket = "cerberusweb.contexts.ticket"
	ContextDraft  = "cerberusweb.contexts.mail.draft"
)

// Digits is a non-negative integer that Cerb sends as a JSON string ("42").
type Digits string

// Int64 parses the digits.
func (d Digits) Int64() (int64, error) { return strconv.ParseInt(string(d), 10, 64) }

// Seconds parses the digits as a duration in seconds.
func (d Digits) Seconds() (time.Duration, error) {
	n, err := d.Int64()
	return time.Duration(n) * time.Second, err
}

// TicketRecord is the ticket dictionary that compose and reply return, with the JSON types
// the real server uses. Keys not declared here (the ~120 *__context/*__type link keys, and
// whatever expand or show_meta add) are kept raw in Extra.
type TicketRecord struct {
	Version string `json:"__version"`
	Build   int64  `json:"__build"`
	Context string `json:"_context"`
	Label   string `json:"_label"`
	Type    string `json:"_type"`

	ID      int64   `json:"id"`
	Mask    string  `json:"mask"`    // "" when the server could not store the ticket
	Subject *string `json:"subject"` // null when the server could not store it (invalid UTF-8)

	Status   TicketStatusText `json:"status"`    // "open", "waiting", "closed"
	StatusID TicketStatusID   `json:"status_id"` // 0, 1, 2

	GroupID    int64 `json:"group_id"`
	BucketID   int64 `json:"bucket_id"`
	OrgID      int64 `json:"org_id"`   // 0 = none
	OwnerID    int64 `json:"owner_id"` // 0 = nobody
	Importance int   `json:"importance"`

	Created      int64 `json:"created"` // Unix seconds
	Updated      int64 `json:"updated"`
	Closed       int64 `json:"closed"`
	ClosedAt     int64 `json:"closed_at"`
	ReopenDate   int64 `json:"reopen_date"` // 0 = none
	LastOpenedAt int64 `json:"last_opened_at"`

	NumMessages    int64 `json:"num_messages"`
	NumMessagesIn  int64 `json:"num_messages_in"`
	NumMessagesOut int64 `json:"num_messages_out"`

	InitialMessageID         int64 `json:"initial_message_id"` // use as ReplyRequest.MessageID
	InitialResponseMessageID int64 `json:"initial_response_message_id"`
	LatestMessageID          int64 `json:"latest_message_id"`

	SpamScore    float64            `json:"spam_score"`
	SpamTraining TicketSpamTraining `json:"spam_training"`

	URL       string `json:"url"`
	RecordURL string `json:"record_url"`

	ElapsedResponseFirst   Digits `json:"elapsed_response_first"`
	ElapsedResolutionFirst Digits `json:"elapsed_resolution_first"`
	ElapsedStatusOpen      Digits `json:"elapsed_status_open"`

	// Extra holds every other key, undecoded.
	Extra map[string]json.RawMessage `json:"-"`
}

// SubjectText returns the subject, or "" when the server sent null.
func (t *TicketRecord) SubjectText() string {
	if t.Subject == nil {
		return ""
	}
	return *t.Subject
}

// Custom returns custom_<id> as Cerb renders it (present only with Expand "custom_"):
// always a string, "" when unset, "billing, bug" for a multi-value field.
func (t *TicketRecord) Custom(id int64) (string, bool) {
	raw, ok := t.Extra["custom_"+strconv.FormatInt(id, 10)]
	if !ok {
		return "", false
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", false
	}
	return s, true
}

// UnmarshalJSON decodes the declared keys with their exact types and keeps the rest.
func (t *TicketRecord) UnmarshalJSON(b []byte) error {
	type plain TicketRecord
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	extra, err := extraKeys(b, ticketKeys)
	if err != nil {
		return err
	}
	p.Extra = extra
	*t = TicketRecord(p)
	return nil
}

// DraftRecord is what compose returns instead of a ticket when SendAt is in the future:
// the queued mail. Its ids and times are strings of digits, and RecordURL is relative.
type DraftRecord struct {
	Version string `json:"__version"`
	Build   int64  `json:"__build"`
	Context string `json:"_context"`
	Label   string `json:"_label"`
	Type    string `json:"_type"`

	ID        Digits    `json:"id"`
	Kind      DraftKind `json:"type"` // "mail.compose"
	Token     string    `json:"token"`
	Name      string    `json:"name"`
	Subject   string    `json:"subject"`
	To        string    `json:"to"`
	TicketID  Digits    `json:"ticket_id"` // "0" until sent
	WorkerID  Digits    `json:"worker_id"`
	Updated   Digits    `json:"updated"`
	RecordURL string    `json:"record_url"`
	TicketURL string    `json:"ticket_url"`

	// Params are the compose parameters as queued (send_at, group_id, ...).
	Params map[string]json.RawMessage `json:"params"`

	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the declared keys with their exact types and keeps the rest.
func (d *DraftRecord) UnmarshalJSON(b []byte) error {
	type plain DraftRecord
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	extra, err := extraKeys(b, draftKeys)
	if err != nil {
		return err
	}
	p.Extra = extra
	*d = DraftRecord(p)
	return nil
}

// ComposeResult is either the created ticket or, for a future SendAt, the queued draft.
type ComposeResult struct {
	Ticket *TicketRecord
	Draft  *DraftRecord
}

// Queued reports whether the mail was queued as a draft instead of creating a ticket now.
func (r *ComposeResult) Queued() bool { return r.Draft != nil }

var (
	ticketKeys = jsonKeys(reflect.TypeFor[TicketRecord](), "__status")
	draftKeys  = jsonKeys(reflect.TypeFor[DraftRecord](), "__status")
)

func jsonKeys(t reflect.Type, more ...string) map[string]bool {
	keys := map[string]bool{}
	for _, k := range more {
		keys[k] = true
	}
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			keys[name] = true
		}
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

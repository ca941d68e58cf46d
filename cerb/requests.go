package api

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// ComposeRequest is the input of Client.Compose (POST /tickets/compose.json).
// Zero values are "not sent" except where a field says otherwise.
type ComposeRequest struct {
	GroupID int64  // required, >= 1
	Subject string // required
	Content string // required; plain text, or Markdown with ContentFormat

	To, Cc, Bcc string // comma-separated addresses; optional (no To: nothing is mailed)

	BucketID Opt[int64] // 0 = the group's default bucket
	OrgID    Opt[int64]
	OwnerID  Opt[int64] // 0 = nobody

	Status   Opt[TicketStatusCode] // unset = open
	ReopenAt When                  // applied only with Status waiting or closed
	SendAt   When                  // a future time queues the mail: the result is a Draft

	ContentFormat  ContentFormat // "" plain text, or ContentFormatMarkdown
	HTMLTemplateID int64         // 0 = not sent
	FileIDs        []int64       // attachment ids from /attachments/upload.json
	DontSend       bool          // create the ticket without mailing anything
	CustomFields   CustomFields

	Expand   []string // query expand=a,b: e.g. "custom_", "group_"
	ShowMeta bool     // query show_meta=1
}

// ReplyRequest is the input of Client.Reply (POST /tickets/reply.json).
type ReplyRequest struct {
	MessageID int64  // required: a ticket's InitialMessageID or LatestMessageID
	Content   string // required

	To, Cc, Bcc string
	Subject     string // non-empty renames the ticket

	// Status after the reply. Unset means Cerb's default, 0 = open: a reply without a
	// status REOPENS a waiting or closed ticket. Set it to keep the current status.
	Status   Opt[TicketStatusCode]
	ReopenAt When
	SendAt   When // a future time queues the reply; the unchanged ticket comes back

	BucketID Opt[int64] // moves the ticket; the group follows the bucket
	GroupID  Opt[int64] // quirk: alone it only moves to the CURRENT group's default bucket
	OwnerID  Opt[int64] // ID(0) unassigns; unset leaves the owner unchanged
	WorkerID int64      // send as this worker (superusers only); 0 = not sent

	ContentFormat  ContentFormat
	HTMLTemplateID int64
	FileIDs        []int64
	DontSend       bool // store the message without mailing it
	DontKeepCopy   bool // mail it without storing a message
	IsAutoreply    bool
	IsBroadcast    bool
	IsForward      bool
	CustomFields   CustomFields

	Expand   []string
	ShowMeta bool
}

// checker collects the first spec violation the server would accept silently.
type checker struct{ err error }

func (c *checker) fail(field, format string, args ...any) {
	if c.err == nil {
		c.err = fieldErr(field, format, args...)
	}
}

func (c *checker) text(field, s string, required bool) {
	if required && s == "" {
		c.fail(field, "is required")
	}
	if !utf8.ValidString(s) {
		// Cerb answers success but stores a corrupted ticket (subject null, mask "").
		c.fail(field, "is not valid UTF-8")
	}
}

func (c *checker) addresses(field, s string) {
	c.text(field, s, false)
	if s != "" && !strings.Contains(s, "@") {
		// Cerb drops an address it cannot parse and reports success.
		c.fail(field, "%q has no address with @", s)
	}
}

func (c *checker) optID(field string, o Opt[int64]) {
	if v, ok := o.Get(); ok && v < 0 {
		c.fail(field, "must be >= 0, got %d", v)
	}
}

func (c *checker) status(o Opt[TicketStatusCode]) {
	if v, ok := o.Get(); ok && !v.Valid() {
		c.fail("status", "must be 0..3, got %d", v)
	}
}

func (c *checker) contentFormat(f ContentFormat) {
	if !f.Valid() {
		c.fail("content_format", "%q is not one of \"\", markdown, parsedown, html", f)
	}
}

func (c *checker) fileIDs(ids []int64) {
	for i, id := range ids {
		if id < 1 {
			c.fail(fmt.Sprintf("file_id[%d]", i), "must be >= 1, got %d", id)
		}
	}
}

func (c *checker) when(field string, w When, enc func(When) (string, error)) *string {
	if !w.IsSet() {
		return nil
	}
	s, err := enc(w)
	if err != nil {
		if c.err == nil {
			c.err = &FieldError{Field: field, Err: err}
		}
		return nil
	}
	c.text(field, s, false)
	return &s
}

func (c *checker) custom(cf CustomFields) map[string]CustomFieldValue {
	m, err := cf.additional()
	if err != nil && c.err == nil {
		c.err = err
	}
	for _, id := range cf.ids() {
		for _, s := range cf[id].vals {
			c.text(fmt.Sprintf("custom_%d", id), s, false)
		}
	}
	return m
}

func flag(b bool) *Flag {
	if !b {
		return nil
	}
	f := FlagYes
	return &f
}

func optStr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func optRecord(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// shared converts the fields compose and reply have in common.
func (c *checker) shared(format ContentFormat, fileIDs []int64, custom CustomFields) (*ContentFormat, *FileIDs, map[string]CustomFieldValue) {
	var cf *ContentFormat
	if format != "" {
		cf = &format
	}
	var ids *FileIDs
	if len(fileIDs) > 0 {
		cp := append(FileIDs(nil), fileIDs...)
		ids = &cp
	}
	return cf, ids, c.custom(custom)
}

// query converts expand and show_meta, recording the first error.
func (c *checker) query(expand []string, showMeta bool) (*string, *Flag) {
	e, m, err := queryParams(expand, showMeta)
	if err != nil && c.err == nil {
		c.err = err
	}
	return e, m
}

func queryParams(expand []string, showMeta bool) (*string, *Flag, error) {
	var e *string
	if len(expand) > 0 {
		for _, x := range expand {
			if x == "" || strings.Contains(x, ",") {
				return nil, nil, fieldErr("expand", "%q: each item is one non-empty key without commas", x)
			}
		}
		s := strings.Join(expand, ",")
		e = &s
	}
	return e, flag(showMeta), nil
}

// form checks the request against the spec and builds the generated body and params.
func (r ComposeRequest) form() (*ComposeTicketParams, ComposeTicketForm, error) {
	var c checker
	if r.GroupID < 1 {
		c.fail("group_id", "is required (>= 1), got %d", r.GroupID)
	}
	c.text("subject", r.Subject, true)
	c.text("content", r.Content, true)
	c.addresses("to", r.To)
	c.addresses("cc", r.Cc)
	c.addresses("bcc", r.Bcc)
	c.optID("bucket_id", r.BucketID)
	c.optID("org_id", r.OrgID)
	c.optID("owner_id", r.OwnerID)
	c.status(r.Status)
	c.contentFormat(r.ContentFormat)
	if r.HTMLTemplateID < 0 {
		c.fail("html_template_id", "must be >= 1, got %d", r.HTMLTemplateID)
	}
	c.fileIDs(r.FileIDs)
	f := ComposeTicketForm{
		GroupId:        r.GroupID,
		Subject:        r.Subject,
		Content:        r.Content,
		To:             optStr(r.To),
		Cc:             optStr(r.Cc),
		Bcc:            optStr(r.Bcc),
		BucketId:       r.BucketID.ptr(),
		OrgId:          r.OrgID.ptr(),
		OwnerId:        r.OwnerID.ptr(),
		Status:         r.Status.ptr(),
		ReopenAt:       c.when("reopen_at", r.ReopenAt, When.reopenAt),
		SendAt:         c.when("send_at", r.SendAt, When.sendAt),
		HtmlTemplateId: optRecord(r.HTMLTemplateID),
		DontSend:       flag(r.DontSend),
	}
	f.ContentFormat, f.FileId, f.AdditionalProperties = c.shared(r.ContentFormat, r.FileIDs, r.CustomFields)
	expand, showMeta := c.query(r.Expand, r.ShowMeta)
	if c.err != nil {
		return nil, f, c.err
	}
	return &ComposeTicketParams{Expand: expand, ShowMeta: showMeta}, f, nil
}

func (r ReplyRequest) form() (*ReplyToTicketParams, ReplyToTicketForm, error) {
	var c checker
	if r.MessageID < 1 {
		c.fail("message_id", "is required (>= 1), got %d", r.MessageID)
	}
	c.text("content", r.Content, true)
	c.addresses("to", r.To)
	c.addresses("cc", r.Cc)
	c.addresses("bcc", r.Bcc)
	c.text("subject", r.Subject, false)
	c.optID("bucket_id", r.BucketID)
	c.optID("group_id", r.GroupID)
	c.optID("owner_id", r.OwnerID)
	c.status(r.Status)
	c.contentFormat(r.ContentFormat)
	if r.HTMLTemplateID < 0 {
		c.fail("html_template_id", "must be >= 1, got %d", r.HTMLTemplateID)
	}
	if r.WorkerID < 0 {
		c.fail("worker_id", "must be >= 1, got %d", r.WorkerID)
	}
	c.fileIDs(r.FileIDs)
	f := ReplyToTicketForm{
		MessageId:      r.MessageID,
		Content:        r.Content,
		To:             optStr(r.To),
		Cc:             optStr(r.Cc),
		Bcc:            optStr(r.Bcc),
		Subject:        optStr(r.Subject),
		Status:         r.Status.ptr(),
		ReopenAt:       c.when("reopen_at", r.ReopenAt, When.reopenAt),
		SendAt:         c.when("send_at", r.SendAt, When.sendAt),
		BucketId:       r.BucketID.ptr(),
		GroupId:        r.GroupID.ptr(),
		OwnerId:        r.OwnerID.ptr(),
		WorkerId:       optRecord(r.WorkerID),
		HtmlTemplateId: optRecord(r.HTMLTemplateID),
		DontSend:       flag(r.DontSend),
		DontKeepCopy:   flag(r.DontKeepCopy),
		IsAutoreply:    flag(r.IsAutoreply),
		IsBroadcast:    flag(r.IsBroadcast),
		IsForward:      flag(r.IsForward),
	}
	f.ContentFormat, f.FileId, f.AdditionalProperties = c.shared(r.ContentFormat, r.FileIDs, r.CustomFields)
	expand, showMeta := c.query(r.Expand, r.ShowMeta)
	if c.err != nil {
		return nil, f, c.err
	}
	return &ReplyToTicketParams{Expand: expand, ShowMeta: showMeta}, f, nil
}

package cerb

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/cerb-openapi/cerb-openapi/api"
	"github.com/cerb-openapi/cerb-openapi/internal/phpform"
)

// ComposeRequest is the input of Client.Compose (POST /tickets/compose.json).
// Zero values are not sent, except where a field says otherwise.
type ComposeRequest struct {
	GroupID int64  // required, >= 1
	Subject string // required
	Content string // required; plain text, or Markdown with Markdown set

	To, Cc, Bcc string // comma-separated addresses; optional (no To: nothing is mailed)

	BucketID OptionalID // unset = the group's default bucket
	OrgID    OptionalID // unset = the org of the first recipient's contact
	OwnerID  OptionalID // unset or ID(0) = nobody

	Status   Status // unset = StatusOpen
	ReopenAt When   // applied only with Status waiting or closed
	SendAt   When   // a future time queues the mail: the result is a Draft

	Markdown       bool    // Content is Markdown: Cerb adds an HTML part (content_format=markdown)
	HTMLTemplateID int64   // HTML mail template for Markdown content; 0 = not sent
	FileIDs        []int64 // attachment ids from /attachments/upload.json
	DontSend       bool    // create the ticket without mailing anything
	CustomFields   CustomFields

	Expand   []string // query expand=a,b: e.g. "custom_", "group_"
	ShowMeta bool     // query show_meta=1
}

// ReplyRequest is the input of Client.Reply (POST /tickets/reply.json).
// Zero values are not sent, except where a field says otherwise.
type ReplyRequest struct {
	MessageID int64  // required: a ticket's InitialMessageID or LatestMessageID
	Content   string // required

	To, Cc, Bcc string
	Subject     string // non-empty renames the ticket

	// Status after the reply. Unset means Cerb's default, open: a reply without a status
	// REOPENS a waiting or closed ticket. Set it to keep the current status.
	Status   Status
	ReopenAt When
	SendAt   When // a future time queues the reply; the unchanged ticket comes back

	BucketID OptionalID // moves the ticket; the group follows the bucket
	GroupID  OptionalID // quirk: alone it only moves to the CURRENT group's default bucket
	OwnerID  OptionalID // ID(0) unassigns; unset leaves the owner unchanged
	WorkerID int64      // send as this worker (superusers only); 0 = not sent

	Markdown       bool
	HTMLTemplateID int64
	FileIDs        []int64
	DontSend       bool // store the message without mailing it
	DontKeepCopy   bool // mail it without storing a message
	IsAutoreply    bool
	IsBroadcast    bool
	IsForward      bool
	CustomFields   CustomFields // multi-value fields: Add, Remove, Replace (see CustomValue)

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

func (c *checker) optID(field string, o OptionalID) {
	if v, ok := o.Get(); ok && v < 0 {
		c.fail(field, "must be >= 0, got %d", v)
	}
}

func (c *checker) status(s Status) *api.TicketStatusCode {
	if s == "" {
		return nil
	}
	code, err := s.code()
	if err != nil {
		c.fail("status", "%v", err)
		return nil
	}
	return &code
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

func (c *checker) custom(op string, cf CustomFields) url.Values {
	m, err := cf.form(op)
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

func flag(b bool) *api.Flag {
	if !b {
		return nil
	}
	f := api.FlagYes
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

// encodeForm encodes a generated form with phpform, as the generated ...WithFormdataBody
// methods do, and adds the custom fields.
func encodeForm(form any, custom url.Values) (url.Values, error) {
	body, err := phpform.Encode(form)
	if err != nil {
		var fe *phpform.FieldError
		if errors.As(err, &fe) {
			return nil, &FieldError{Field: fe.Field, Err: fe.Err}
		}
		return nil, err
	}
	for k, vs := range custom {
		if _, taken := body[k]; taken {
			return nil, fieldErr(k, "is a declared field of the form, not a custom field")
		}
		body[k] = vs
	}
	return body, nil
}

// shared converts the fields compose and reply have in common.
func (c *checker) shared(op string, markdown bool, fileIDs []int64, custom CustomFields) (*api.ContentFormat, *api.FileIDs, url.Values) {
	var cf *api.ContentFormat
	if markdown {
		f := api.ContentFormatMarkdown
		cf = &f
	}
	var ids *api.FileIDs
	if len(fileIDs) > 0 {
		cp := append(api.FileIDs(nil), fileIDs...)
		ids = &cp
	}
	return cf, ids, c.custom(op, custom)
}

// query converts expand and show_meta, recording the first error.
func (c *checker) query(expand []string, showMeta bool) (*string, *api.Flag) {
	e, m, err := queryParams(expand, showMeta)
	if err != nil && c.err == nil {
		c.err = err
	}
	return e, m
}

func queryParams(expand []string, showMeta bool) (*string, *api.Flag, error) {
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
// form checks the request and returns its query and its form body, encoded as Cerb's PHP
// front end reads it (the generated fields, then the custom fields).
func (r ComposeRequest) form() (*api.ComposeTicketParams, url.Values, error) {
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
	if r.HTMLTemplateID < 0 {
		c.fail("html_template_id", "must be >= 1, got %d", r.HTMLTemplateID)
	}
	c.fileIDs(r.FileIDs)
	f := api.ComposeTicketForm{
		GroupId:        r.GroupID,
		Subject:        r.Subject,
		Content:        r.Content,
		To:             optStr(r.To),
		Cc:             optStr(r.Cc),
		Bcc:            optStr(r.Bcc),
		BucketId:       r.BucketID.ptr(),
		OrgId:          r.OrgID.ptr(),
		OwnerId:        r.OwnerID.ptr(),
		Status:         c.status(r.Status),
		ReopenAt:       c.when("reopen_at", r.ReopenAt, When.reopenAt),
		SendAt:         c.when("send_at", r.SendAt, When.sendAt),
		HtmlTemplateId: optRecord(r.HTMLTemplateID),
		DontSend:       flag(r.DontSend),
	}
	var custom url.Values
	f.ContentFormat, f.FileId, custom = c.shared("compose", r.Markdown, r.FileIDs, r.CustomFields)
	expand, showMeta := c.query(r.Expand, r.ShowMeta)
	if c.err != nil {
		return nil, nil, c.err
	}
	body, err := encodeForm(f, custom)
	if err != nil {
		return nil, nil, err
	}
	return &api.ComposeTicketParams{Expand: expand, ShowMeta: showMeta}, body, nil
}

func (r ReplyRequest) form() (*api.ReplyToTicketParams, url.Values, error) {
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
	if r.HTMLTemplateID < 0 {
		c.fail("html_template_id", "must be >= 1, got %d", r.HTMLTemplateID)
	}
	if r.WorkerID < 0 {
		c.fail("worker_id", "must be >= 1, got %d", r.WorkerID)
	}
	c.fileIDs(r.FileIDs)
	f := api.ReplyToTicketForm{
		MessageId:      r.MessageID,
		Content:        r.Content,
		To:             optStr(r.To),
		Cc:             optStr(r.Cc),
		Bcc:            optStr(r.Bcc),
		Subject:        optStr(r.Subject),
		Status:         c.status(r.Status),
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
	var custom url.Values
	f.ContentFormat, f.FileId, custom = c.shared("reply", r.Markdown, r.FileIDs, r.CustomFields)
	expand, showMeta := c.query(r.Expand, r.ShowMeta)
	if c.err != nil {
		return nil, nil, c.err
	}
	body, err := encodeForm(f, custom)
	if err != nil {
		return nil, nil, err
	}
	return &api.ReplyToTicketParams{Expand: expand, ShowMeta: showMeta}, body, nil
}

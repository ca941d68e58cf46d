package cerb

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/cerb-openapi/cerb-openapi/api"
)

// Status is a ticket's status: a request's Status and a Ticket's Status. The zero value
// (unset) sends no status: compose then opens the ticket, and reply REOPENS it.
type Status string

// The statuses a request may set. A Ticket may also report "deleted", which these two
// operations never set: Cerb 10.4.10 accepts status=3 (deleted) and ignores it, so the
// client does not offer it.
const (
	StatusOpen    Status = "open"    // status=0
	StatusWaiting Status = "waiting" // status=1
	StatusClosed  Status = "closed"  // status=2
)

// code returns the wire value (status=0..2).
func (s Status) code() (api.TicketStatusCode, error) {
	switch s {
	case StatusOpen:
		return api.TicketStatusCodeOpen, nil
	case StatusWaiting:
		return api.TicketStatusCodeWaiting, nil
	case StatusClosed:
		return api.TicketStatusCodeClosed, nil
	}
	return 0, fmt.Errorf("%q is not one of open, waiting, closed (Cerb ignores status=3, deleted)", string(s))
}

// OptionalID is a record id where Cerb treats "absent" and 0 differently: owner_id=0
// unassigns while an absent owner_id leaves the owner alone. The zero value is unset (not
// sent); build a set one with ID.
type OptionalID struct {
	id  int64
	set bool
}

// ID is a set OptionalID: OwnerID: cerb.ID(0) unassigns, cerb.ID(2) assigns worker 2.
func ID(id int64) OptionalID { return OptionalID{id: id, set: true} }

// Get returns the id and whether it is set.
func (o OptionalID) Get() (int64, bool) { return o.id, o.set }

func (o OptionalID) ptr() *int64 {
	if !o.set {
		return nil
	}
	id := o.id
	return &id
}

// When is the time of SendAt or ReopenAt: an exact time (At) or text that PHP's
// strtotime() understands (TimeText). The zero When is unset (not sent).
type When struct {
	t    time.Time
	text string
	kind int // 0 unset, 1 time, 2 text
}

// At is an exact time. SendAt goes out as "@<unix seconds>" (Cerb's strtotime() does not
// read a bare timestamp there and would send at once); ReopenAt as "<unix seconds>".
func At(t time.Time) When { return When{t: t, kind: 1} }

// TimeText is strtotime() text, sent as given: "+2 hours", "Friday 2pm",
// "2026-12-31 09:00", "@1795783602". For SendAt, digits only are refused (see At).
func TimeText(s string) When { return When{text: s, kind: 2} }

// IsSet reports whether the value will be sent.
func (w When) IsSet() bool { return w.kind != 0 }

// String shows the value as it would be sent as send_at.
func (w When) String() string {
	s, _ := w.sendAt()
	return s
}

var errZeroTime = errors.New("zero time.Time; leave the field unset instead")

func (w When) sendAt() (string, error) {
	switch w.kind {
	case 1:
		if w.t.IsZero() {
			return "", errZeroTime
		}
		return "@" + strconv.FormatInt(w.t.Unix(), 10), nil
	case 2:
		if isDigits(w.text) {
			return "", fmt.Errorf("%q is a bare Unix timestamp, which Cerb does not understand for send_at (the mail goes out at once): use cerb.At(time.Unix(%s, 0)) or \"@%s\"", w.text, w.text, w.text)
		}
		return w.text, nil
	}
	return "", nil
}

func (w When) reopenAt() (string, error) {
	switch w.kind {
	case 1:
		if w.t.IsZero() {
			return "", errZeroTime
		}
		return strconv.FormatInt(w.t.Unix(), 10), nil
	case 2:
		return w.text, nil
	}
	return "", nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// CustomFields are ticket custom fields keyed by field id:
//
//	cerb.CustomFields{4: cerb.Single("High"), 7: cerb.Multi("billing", "bug")}
//
// They go out as top-level form fields: custom_4=High&custom_7[]=billing&custom_7[]=bug.
// Cerb never validates them: a value it does not understand (a picklist option it does
// not have, a number that is not one) is dropped without an error.
type CustomFields map[int64]CustomValue

// CustomValue is the value of one ticket custom field. Build it with Single, Checkbox,
// Number or Date for a single-value field, which the value sent replaces; and for a
// multi-value field (multiple checkboxes) with Multi on compose, and with Add, Remove or
// Replace on reply.
//
// Cerb (10.4.10) changes a multi-value field by delta, one value after the other in the
// order sent: a value is added to the stored ones, and "-value" removes one. On reply,
// with billing and bug stored (stored := []string{"billing", "bug"}, from Ticket.Custom):
//
//	value                            sent                    stored after the reply
//	cerb.Add("feature")              custom_7[]=feature      billing, bug, feature
//	cerb.Remove("bug")               custom_7[]=-bug         billing
//	cerb.Replace(stored, "feature")  custom_7[]=-billing     feature
//	                                 custom_7[]=-bug
//	                                 custom_7[]=feature
//	cerb.Replace(stored)             custom_7[]=-billing     (none)
//	                                 custom_7[]=-bug
//
// An empty list cannot be sent in a form and an empty value changes nothing, so removing
// every stored value is the only way to clear the field. A value must not be empty or
// start with "-" or "+", which Cerb reads as operators; a value that is not one of the
// field's options is skipped.
type CustomValue struct {
	kind    customKind
	vals    []string // as given
	removes int      // delta: the first removes values are removed, the rest added
}

type customKind int

const (
	unbuilt customKind = iota
	single             // Single, Checkbox, Number, Date
	multi              // Multi (compose)
	delta              // Add, Remove, Replace (reply)
)

// Single is the value of a single-value field (text, number, date, picklist, URL, worker
// id, ...). On reply, Single("") clears the field.
func Single(v string) CustomValue { return CustomValue{kind: single, vals: []string{v}} }

// Checkbox is the value of a checkbox field: "1" or "0" (Cerb stores 0 as unset).
func Checkbox(b bool) CustomValue {
	if b {
		return Single("1")
	}
	return Single("0")
}

// Number is the value of a number field.
func Number(n int64) CustomValue { return Single(strconv.FormatInt(n, 10)) }

// Date is the value of a date field, sent as Unix seconds.
func Date(t time.Time) CustomValue { return Single(strconv.FormatInt(t.Unix(), 10)) }

// Multi is the values of a multi-value field on compose, sent as custom_<id>[] repeated.
// A reply would add them to the stored values, so ReplyRequest refuses Multi: say Add,
// Remove or Replace there.
func Multi(values ...string) CustomValue {
	return CustomValue{kind: multi, vals: slices.Clone(values)}
}

// Add adds values to a multi-value field on reply: custom_<id>[]=<value> for each.
func Add(values ...string) CustomValue {
	return CustomValue{kind: delta, vals: slices.Clone(values)}
}

// Remove removes values from a multi-value field on reply: custom_<id>[]=-<value> for
// each. A value that is not stored is ignored.
func Remove(values ...string) CustomValue {
	return CustomValue{kind: delta, vals: slices.Clone(values), removes: len(values)}
}

// Replace sets a multi-value field on reply to values, given the values stored now (from
// Ticket.Custom): it removes each stored value, then adds the new ones, in that order:
// custom_<id>[]=-<stored> for each, then custom_<id>[]=<value> for each. With no values
// it clears the field.
func Replace(stored []string, values ...string) CustomValue {
	return CustomValue{kind: delta, vals: slices.Concat(stored, values), removes: len(stored)}
}

// wire returns the values as sent, and whether they go out as a list (custom_<id>[]).
func (c CustomValue) wire() ([]string, bool) {
	if c.kind == single {
		return c.vals, false
	}
	out := make([]string, len(c.vals))
	for i, v := range c.vals {
		if i < c.removes {
			v = "-" + v
		}
		out[i] = v
	}
	return out, true
}

// check reports why c cannot be sent in the request op ("compose" or "reply").
func (c CustomValue) check(op string) error {
	switch {
	case c.kind == unbuilt:
		return errors.New("no value: build it with cerb.Single, Multi, Add, Remove, Replace, Checkbox, Number or Date")
	case c.kind == multi && op == "reply":
		return errors.New("on reply Cerb adds the values sent to the stored ones: say cerb.Add, or cerb.Replace(stored, ...) to set them")
	case c.kind == delta && op == "compose":
		return errors.New("a new ticket has no stored values: use cerb.Multi on compose (Add, Remove and Replace are for reply)")
	case c.kind != single && len(c.vals) == 0:
		return errors.New("an empty list cannot be sent in a PHP form (it would be dropped)")
	}
	if c.kind != single {
		for _, v := range c.vals {
			if v == "" || v[0] == '-' || v[0] == '+' {
				return fmt.Errorf("value %q: Cerb skips an empty value and reads a leading - or + as remove or add", v)
			}
		}
	}
	return nil
}

func (cf CustomFields) ids() []int64 {
	ids := make([]int64, 0, len(cf))
	for id := range cf {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// form converts the fields into form values (custom_<id>=v, or custom_<id>[]=v repeated),
// checking each against the operation ("compose" or "reply"). They are not part of the
// generated form types: the spec leaves custom fields undeclared, as every installation
// has its own.
func (cf CustomFields) form(op string) (url.Values, error) {
	if len(cf) == 0 {
		return nil, nil
	}
	out := url.Values{}
	for _, id := range cf.ids() {
		key := "custom_" + strconv.FormatInt(id, 10)
		if id <= 0 {
			return nil, fieldErr(key, "custom field ids are positive")
		}
		v := cf[id]
		if err := v.check(op); err != nil {
			return nil, &FieldError{Field: key, Err: err}
		}
		vals, list := v.wire()
		if list {
			key += "[]"
		}
		out[key] = vals
	}
	return out, nil
}

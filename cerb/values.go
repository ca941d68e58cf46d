package api

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// Opt is an optional value whose zero value means "not sent". Use it where Cerb treats
// "absent" and 0 differently: a reply without status reopens the ticket, owner_id=0
// unassigns while an absent owner_id leaves the owner alone.
type Opt[T any] struct {
	v  T
	ok bool
}

// Some returns a set Opt. Spell the type when the constant is untyped: Some[int64](0).
func Some[T any](v T) Opt[T] { return Opt[T]{v: v, ok: true} }

// Get returns the value and whether it is set.
func (o Opt[T]) Get() (T, bool) { return o.v, o.ok }

// IsSet reports whether the value will be sent.
func (o Opt[T]) IsSet() bool { return o.ok }

func (o Opt[T]) ptr() *T {
	if !o.ok {
		return nil
	}
	v := o.v
	return &v
}

// ID is Some for record ids: OwnerID: api.ID(0) unassigns.
func ID(id int64) Opt[int64] { return Some(id) }

// Ticket status codes for requests (status=0..2). Deleted (3) exists in the spec but
// compose ignores it.
const (
	StatusOpen    = TicketStatusCodeOpen
	StatusWaiting = TicketStatusCodeWaiting
	StatusClosed  = TicketStatusCodeClosed
)

// Status returns a set status: Status: api.Status(api.StatusWaiting).
func Status(s TicketStatusCode) Opt[TicketStatusCode] { return Some(s) }

// When is a point in time for send_at and reopen_at: either an exact time (At) or text
// that PHP's strtotime() understands (Text). The zero When is "not sent".
type When struct {
	t    time.Time
	text string
	kind int // 0 unset, 1 time, 2 text
}

// At is an exact time. send_at goes out as "@<unix seconds>" (Cerb's strtotime() does not
// read a bare timestamp there and would send at once); reopen_at as "<unix seconds>".
func At(t time.Time) When { return When{t: t, kind: 1} }

// Text is strtotime() text sent as given: "+2 hours", "Friday 2pm", "2026-12-31 09:00",
// "@1795783602". For send_at, text of digits only is rejected (see At).
func Text(s string) When { return When{text: s, kind: 2} }

// IsSet reports whether the value will be sent.
func (w When) IsSet() bool { return w.kind != 0 }

// String shows the value as it will be sent for send_at.
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
			return "", fmt.Errorf("%q is a bare Unix timestamp, which Cerb does not understand for send_at (the mail goes out at once): use api.At(time.Unix(%s, 0)) or \"@%s\"", w.text, w.text, w.text)
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

// CustomValue is the value of one ticket custom field. Build it with Single, Multi,
// Checkbox, Number or Date.
type CustomValue struct {
	vals  []string
	multi bool
}

// CustomFields are ticket custom fields keyed by field id:
//
//	api.CustomFields{5: api.Single("High"), 7: api.Multi("billing", "bug")}
//
// They go out as top-level form fields custom_5=High&custom_7[]=billing&custom_7[]=bug.
// Cerb never validates them: a value it does not understand is dropped without an error.
type CustomFields map[int64]CustomValue

// Single is a single-value field (text, number, date, dropdown, URL, worker id, ...).
func Single(v string) CustomValue { return CustomValue{vals: []string{v}} }

// Multi is a multi-value field (multiple checkboxes): custom_<id>[] repeated.
// An empty Multi cannot be sent in a PHP form and is rejected.
func Multi(vs ...string) CustomValue {
	return CustomValue{vals: append([]string(nil), vs...), multi: true}
}

// Checkbox is a checkbox field: "1" or "0" (Cerb stores 0 as unset).
func Checkbox(b bool) CustomValue {
	if b {
		return Single("1")
	}
	return Single("0")
}

// Number is a number field.
func Number(n int64) CustomValue { return Single(strconv.FormatInt(n, 10)) }

// Date is a date field, sent as Unix seconds.
func Date(t time.Time) CustomValue { return Single(strconv.FormatInt(t.Unix(), 10)) }

// Values returns the values and whether the field is multi-value.
func (c CustomValue) Values() ([]string, bool) { return append([]string(nil), c.vals...), c.multi }

func (c CustomValue) union() (CustomFieldValue, error) {
	var u CustomFieldValue
	switch {
	case c.multi:
		if len(c.vals) == 0 {
			return u, errors.New("an empty Multi cannot be sent in a PHP form (it would be dropped)")
		}
		return u, u.FromCustomFieldValue1(c.vals)
	case len(c.vals) == 1:
		return u, u.FromCustomFieldValue0(c.vals[0])
	}
	return u, errors.New("no value: build it with api.Single, api.Multi, api.Checkbox, api.Number or api.Date")
}

func (cf CustomFields) ids() []int64 {
	ids := make([]int64, 0, len(cf))
	for id := range cf {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

func (cf CustomFields) additional() (map[string]CustomFieldValue, error) {
	if len(cf) == 0 {
		return nil, nil
	}
	m := make(map[string]CustomFieldValue, len(cf))
	for _, id := range cf.ids() {
		v := cf[id]
		key := "custom_" + strconv.FormatInt(id, 10)
		if id <= 0 {
			return nil, &FieldError{Field: key, Err: errors.New("custom field ids are positive")}
		}
		u, err := v.union()
		if err != nil {
			return nil, &FieldError{Field: key, Err: err}
		}
		m[key] = u
	}
	return m, nil
}

package customfields

import (
	"fmt"
	"strings"

	"github.com/cerb-openapi/cerb-openapi/contract"
)

// ExtField is the extension every custom-field schema of an overlay carries: the field as
// Cerb lists it, so that tools reading the overlaid document (serve, the Go helpers) know
// the installation without asking it again.
const ExtField = "x-cerb-custom-field"

// Patterns of the typed text fields. Each allows "" (on reply an empty value clears a
// single-value field; on compose it sets nothing).
const (
	// integerPattern: at most 18 digits, inside PHP's 64-bit intval.
	integerPattern = `^(-?[0-9]{1,18})?$`
	// datePattern: Unix seconds, or an ISO 8601 date with an optional time and offset.
	datePattern = `^(-?[0-9]{1,18}|[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,9})?)?(Z|[+-][0-9]{2}:?[0-9]{2})?)?)?$`
	// urlPattern: an absolute URL: a scheme, "://", no white space.
	urlPattern = `^([A-Za-z][A-Za-z0-9+.-]*://[^\s]+)?$`
	// storedDigits: how Cerb returns a number, date, worker or decimal value: digits
	// (a number may be negative), "" when unset.
	storedInteger = `^(-?[0-9]+)?$`
)

// maxStored is what Cerb keeps of a single-line or URL value: substr($value, 0, 255),
// in bytes.
const maxStored = 255

// truncateNote is what Cerb does with a single-line or URL value over maxStored bytes:
// when the cut splits a UTF-8 character the field ends up without a value, on compose
// and on reply (read back from Cerb 10.4.10 by livetest's TestLiveCustomFieldValues).
var truncateNote = fmt.Sprintf("Cerb keeps the first %d bytes and drops the rest, without an error; when byte %d is inside a multi-byte character (`é` is 2 bytes), it stores nothing: the field is cleared, on reply as well.", maxStored, maxStored)

// decimalPattern accepts what a decimal field with places digits after the point stores
// exactly: no sign (Cerb drops it) and no more places than the field has (Cerb cuts them).
func decimalPattern(places int) string {
	if places == 0 {
		return `^([0-9]{1,18})?$`
	}
	return fmt.Sprintf(`^([0-9]{1,%d}(\.[0-9]{1,%d})?)?$`, 18-places, places)
}

// requestSchema is the schema of one value of f in a compose or reply form. reply adds
// the "-value" removal form of multiple checkboxes.
func requestSchema(f Field, workers []Worker, reply bool) *node {
	s := newMap()
	switch f.Type {
	case SingleLine:
		// maxLength counts characters, Cerb bytes: x-cerb-max-bytes says so, and the
		// checker enforces it (contract.ExtMaxBytes).
		s.set("type", "string").set("maxLength", maxStored).set(contract.ExtMaxBytes, maxStored)
		s.accepts("maxLength", truncateNote)
		s.accepts(contract.ExtMaxBytes, truncateNote)
	case MultiLine:
		s.set("type", "string")
	case Number:
		s.set("type", "string").set("pattern", integerPattern)
		s.accepts("pattern", "Cerb reads the leading integer (PHP intval: `12abc` is 12, and past 64 bits it is 9223372036854775807 or -9223372036854775808); a value without one clears the field, without an error.")
	case Date:
		s.set("type", "string").set("pattern", datePattern)
		s.accepts("pattern", "Cerb reads other text with PHP strtotime() on its own clock and timezone (`tomorrow`, `+1 week`); text it cannot read clears the field, without an error.")
	case Picklist:
		s.set("type", "string").set("enum", append([]string{""}, f.Options...))
		s.accepts("enum", "Cerb skips any other value without an error: the field keeps what it had.")
	case Checkbox:
		s.set("type", "string").set("enum", []string{"", "0", "1"})
		s.accepts("enum", "Cerb checks the box for any other non-empty value (`false`, `no` and `off` included), without an error.")
	case Checkboxes:
		opts := append([]string(nil), f.Options...)
		if reply {
			for _, o := range f.Options {
				opts = append(opts, "-"+o)
			}
		}
		s.set("type", "string").set("enum", opts)
		if reply {
			s.accepts("enum", "Cerb skips a value that is not one of the options (after stripping a leading + or -), without an error.")
		} else {
			s.accepts("enum", "Cerb skips a value that is not one of the options, without an error; it strips a leading + (`+bug` adds bug) and reads a leading - as a removal, which on compose removes nothing.")
		}
	case URL:
		s.set("type", "string").set("maxLength", maxStored).set(contract.ExtMaxBytes, maxStored).set("pattern", urlPattern)
		s.accepts("pattern", "Cerb stores any text as given, without an error: the field then holds a link that does not work.")
		s.accepts("maxLength", truncateNote)
		s.accepts(contract.ExtMaxBytes, truncateNote)
	case WorkerType:
		if workers == nil {
			s.set("type", "string").set("pattern", `^([0-9]{1,18})?$`)
			s.accepts("pattern", "Cerb reads the leading integer (PHP intval); a value without one clears the field, without an error.")
			break
		}
		ids := []string{""}
		for _, w := range workers {
			ids = append(ids, fmt.Sprint(w.ID))
		}
		s.set("type", "string").set("enum", ids)
		s.accepts("enum", "Cerb stores any other number, even one no worker has (the field then points to nobody); 0 or text without a number clears the field, without an error.")
	case Decimal:
		s.set("type", "string").set("pattern", decimalPattern(f.DecimalAt))
		s.accepts("pattern", fmt.Sprintf("Cerb keeps the digits only (a minus sign or thousands separator is dropped: `-5` is 5) and cuts the places after the first %d; text without a digit clears the field, without an error.", f.DecimalAt))
	default:
		return nil
	}
	if ex := example(f, workers); ex != "" {
		s.set("example", ex)
	}
	return s
}

// example is a value the field stores as sent: what verify sends for it, what generators
// show; "" for none.
func example(f Field, workers []Worker) string {
	switch f.Type {
	case SingleLine:
		return "ORD-12345"
	case MultiLine:
		return "Line one\nLine two"
	case Number:
		return "42"
	case Date:
		return "2026-12-31"
	case Picklist, Checkboxes:
		return f.Options[0]
	case Checkbox:
		return "1"
	case URL:
		return "https://example.com/"
	case WorkerType:
		if len(workers) > 0 {
			return fmt.Sprint(workers[0].ID)
		}
		if workers == nil {
			return "1"
		}
	case Decimal:
		if f.DecimalAt == 0 {
			return "19"
		}
		return "19." + strings.Repeat("9", min(f.DecimalAt, 2))
	}
	return ""
}

// formSchema is the schema of the form field f.Key() in a compose or reply form.
func formSchema(f Field, ref string, reply bool) *node {
	s := newMap()
	if f.Multi() {
		s.set("type", "array").set("minItems", 1)
		s.set("items", newMap().set("$ref", ref))
	} else {
		s.set("allOf", []*node{newMap().set("$ref", ref)})
	}
	s.set("title", f.Name)
	verb := "sets"
	if f.Multi() {
		verb = "adds the values to the stored ones; `-value` removes one"
		if !reply {
			verb = "sets the values"
		}
	}
	s.set("description", fmt.Sprintf("%s: custom field %d (%s); %s.%s", f.Name, f.ID, f.TypeName(), verb, fieldsetNote(f)))
	return s
}

// responseSchema is custom_<id> as an expanded ticket (expand=custom_) returns it: text,
// "" when unset. What Cerb stored is typed, not checked against today's options: a value
// stored before an option was removed is still returned.
func responseSchema(f Field) *node {
	s := newMap().set("type", "string").set("title", f.Name)
	desc := fmt.Sprintf("%s: custom field %d (%s), as stored; \"\" when unset.", f.Name, f.ID, f.TypeName())
	switch f.Type {
	case Number, WorkerType:
		s.set("pattern", storedInteger)
	case Date:
		s.set("pattern", storedInteger)
		desc = fmt.Sprintf("%s: custom field %d (date), as stored: Unix seconds; \"\" when unset.", f.Name, f.ID)
	case Decimal:
		s.set("pattern", storedInteger)
		desc = fmt.Sprintf("%s: custom field %d (decimal), as stored: the digits without the point (%d places: `1999` is 19.99); \"\" when unset.", f.Name, f.ID, f.DecimalAt)
	case Checkbox:
		s.set("enum", []string{"", "0", "1"})
	case Checkboxes:
		desc = fmt.Sprintf("%s: custom field %d (multiple checkboxes), as stored: the values joined with \", \"; \"\" when unset.", f.Name, f.ID)
	}
	if !f.Typed() {
		s = newMap().set("title", f.Name)
	}
	return s.set("description", desc)
}

func fieldsetNote(f Field) string {
	if f.FieldsetID == 0 {
		return ""
	}
	return fmt.Sprintf(" In fieldset %d.", f.FieldsetID)
}

// fieldExt is the x-cerb-custom-field value of f.
func fieldExt(f Field) *node {
	e := newMap().set("id", f.ID).set("name", f.Name).set("type", f.Type)
	if f.FieldsetID != 0 {
		e.set("fieldset_id", f.FieldsetID)
	}
	if len(f.Options) > 0 {
		e.set("options", f.Options)
	}
	if f.Type == Decimal {
		e.set("decimal_at", f.DecimalAt)
	}
	return e
}

// describe is the description of a field's value schema.
func describe(f Field, workers []Worker) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: ticket custom field %d, %s.", f.Name, f.ID, f.TypeName())
	switch f.Type {
	case SingleLine:
		fmt.Fprintf(&b, " At most %d bytes.", maxStored)
	case Number:
		b.WriteString(" An integer; 0 is no value.")
	case Date:
		b.WriteString(" Unix seconds, or an ISO 8601 date (`2026-12-31`, `2026-12-31T09:30:00Z`); a date without an offset is read in Cerb's timezone. 0 is no value.")
	case Picklist, Checkboxes:
		fmt.Fprintf(&b, " One of %s.", strings.Join(f.Options, ", "))
	case Checkbox:
		b.WriteString(" `1` checked, `0` or \"\" unchecked.")
	case URL:
		fmt.Fprintf(&b, " An absolute URL, at most %d bytes.", maxStored)
	case WorkerType:
		if workers == nil {
			b.WriteString(" A worker id.")
		} else {
			var names []string
			for _, w := range workers {
				n := fmt.Sprintf("%d %s", w.ID, w.Name)
				if w.Disabled {
					n += " (disabled)"
				}
				names = append(names, n)
			}
			fmt.Fprintf(&b, " A worker id: %s.", strings.Join(names, ", "))
		}
	case Decimal:
		fmt.Fprintf(&b, " A decimal number, not negative, with at most %d places (`19.99`); 0 is no value.", f.DecimalAt)
	}
	if !f.Multi() {
		b.WriteString(" \"\" clears it on reply.")
	}
	return b.String()
}

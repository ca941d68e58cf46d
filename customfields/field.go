package customfields

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Field is one ticket custom field of an installation, as Cerb lists it.
type Field struct {
	ID         int64    `json:"id" yaml:"id"`
	Name       string   `json:"name" yaml:"name"`
	Type       string   `json:"type" yaml:"type"` // Cerb's type code, see Types
	Pos        int      `json:"pos,omitempty" yaml:"pos,omitempty"`
	FieldsetID int64    `json:"fieldset_id,omitempty" yaml:"fieldset_id,omitempty"`
	Options    []string `json:"options,omitempty" yaml:"options,omitempty"`       // picklist and multiple checkboxes
	DecimalAt  int      `json:"decimal_at,omitempty" yaml:"decimal_at,omitempty"` // decimal: digits after the point
}

// Worker is a worker of the installation: the values a worker field takes.
type Worker struct {
	ID       int64  `json:"id" yaml:"id"`
	Name     string `json:"name" yaml:"name"`
	Disabled bool   `json:"disabled,omitempty" yaml:"disabled,omitempty"`
}

// Installation is what Fetch reads from a Cerb.
type Installation struct {
	// Server is where the fields were read (the REST root), Version Cerb's __version.
	Server  string
	Version string
	Fields  []Field
	// Workers are the ids a worker field can point to; nil when they could not be listed
	// (then worker fields are typed as ids without a list).
	Workers []Worker
}

// Cerb's custom field type codes.
const (
	SingleLine = "S"
	MultiLine  = "T"
	Number     = "N"
	Date       = "E"
	Picklist   = "D"
	Checkboxes = "X" // multiple checkboxes
	Checkbox   = "C"
	URL        = "U"
	WorkerType = "W"
	Decimal    = "O"
)

// Types are the type codes this package types; a field of another type (link, list,
// file, currency, an extension's) is described by name only and left as the base spec
// has it.
var Types = map[string]string{
	SingleLine: "single line text",
	MultiLine:  "multi-line text",
	Number:     "number",
	Date:       "date",
	Picklist:   "picklist",
	Checkboxes: "multiple checkboxes",
	Checkbox:   "checkbox",
	URL:        "URL",
	WorkerType: "worker",
	Decimal:    "decimal",
}

// otherTypes names Cerb 10.4's other built-in types, for the description of a field this
// package does not type.
var otherTypes = map[string]string{
	"L": "record link", "M": "list", "F": "file", "I": "files", "Y": "currency",
}

// Typed reports whether the package types f's values.
func (f Field) Typed() bool { _, ok := Types[f.Type]; return ok }

// Multi reports whether f takes several values (sent as custom_<id>[]).
func (f Field) Multi() bool { return f.Type == Checkboxes }

// Key is the form field name: custom_<id>, or custom_<id>[] for a multi-value field.
func (f Field) Key() string {
	if f.Multi() {
		return fmt.Sprintf("custom_%d[]", f.ID)
	}
	return fmt.Sprintf("custom_%d", f.ID)
}

// TypeName is the type in words ("picklist"), or the code when it is not known.
func (f Field) TypeName() string {
	if n, ok := Types[f.Type]; ok {
		return n
	}
	if n, ok := otherTypes[f.Type]; ok {
		return n
	}
	return fmt.Sprintf("type %q", f.Type)
}

// validate reports fields that cannot be described: ids must be positive and distinct,
// option lists of picklists and checkboxes non-empty and free of the values Cerb reads as
// operators.
func validate(fields []Field) error {
	seen := map[int64]bool{}
	var errs []string
	for _, f := range fields {
		switch {
		case f.ID <= 0:
			errs = append(errs, fmt.Sprintf("field %q: id %d", f.Name, f.ID))
		case seen[f.ID]:
			errs = append(errs, fmt.Sprintf("field %d: listed twice", f.ID))
		case (f.Type == Picklist || f.Type == Checkboxes) && len(f.Options) == 0:
			errs = append(errs, fmt.Sprintf("field %d %q: a %s without options", f.ID, f.Name, f.TypeName()))
		case f.DecimalAt < 0 || f.DecimalAt > 18:
			errs = append(errs, fmt.Sprintf("field %d %q: decimal_at %d", f.ID, f.Name, f.DecimalAt))
		}
		seen[f.ID] = true
		for _, o := range f.Options {
			if f.Type == Checkboxes && (o == "" || strings.HasPrefix(o, "-") || strings.HasPrefix(o, "+")) {
				errs = append(errs, fmt.Sprintf("field %d %q: option %q cannot be sent (Cerb reads a leading - or + as remove or add)", f.ID, f.Name, o))
			}
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("custom fields: %s", strings.Join(errs, "; "))
	}
	return nil
}

// sorted returns the fields by id, as every output lists them.
func sorted(fields []Field) []Field {
	out := slices.Clone(fields)
	slices.SortFunc(out, func(a, b Field) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

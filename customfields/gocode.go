package customfields

import (
	"bytes"
	"fmt"
	"go/format"
	"go/token"
	"strconv"
	"strings"
	"unicode"
)

// GoHelpers writes a Go package (named pkg) of typed helpers for inst's fields, for the
// cerb client's ComposeRequest and ReplyRequest:
//
//	CustomFields: kitfields.Fields(kitfields.Severity(kitfields.SeverityHigh),
//		kitfields.Topics(kitfields.TopicsBilling, kitfields.TopicsBug))
//
// A picklist or checkboxes option is a constant of its own type, so a typo does not
// compile; numbers, dates, checkboxes, URLs, worker ids and decimals take Go types.
// Fields of types the package does not type get a helper taking a string.
func GoHelpers(inst *Installation, pkg string) ([]byte, error) {
	if !token.IsIdentifier(pkg) {
		return nil, fmt.Errorf("package name %q is not a Go identifier", pkg)
	}
	if err := validate(inst.Fields); err != nil {
		return nil, err
	}
	fields := sorted(inst.Fields)
	sum, err := fingerprint(inst)
	if err != nil {
		return nil, err
	}
	used := map[string]bool{"Field": true, "Fields": true, "Clear": true}
	imports := map[string]bool{}
	var b bytes.Buffer
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	p(`// Field is the value of one custom field, made by this package's helpers.
type Field struct {
	id    int64
	value cerb.CustomValue
}

// Fields collects values into cerb.CustomFields; a later value of the same field wins.
func Fields(values ...Field) cerb.CustomFields {
	out := cerb.CustomFields{}
	for _, v := range values {
		out[v.id] = v.value
	}
	return out
}

// Clear empties the single-value field id on reply (custom_<id>=). A multi-value field
// is emptied by removing each stored value (see the Replace helpers).
func Clear(id int64) Field { return Field{id, cerb.Single("")} }

`)

	for _, f := range fields {
		name := unique(used, ident(f.Name, fmt.Sprintf("Field%d", f.ID)), f.ID)
		idName := unique(used, name+"ID", f.ID)
		p("// %s is the id of custom field %q (%s).\nconst %s int64 = %d\n\n", idName, f.Name, f.TypeName(), idName, f.ID)
		doc := fmt.Sprintf("// %s is custom field %d %q, %s", name, f.ID, f.Name, f.TypeName())
		switch f.Type {
		case SingleLine, MultiLine:
			p("%s.\nfunc %s(text string) Field { return Field{%d, cerb.Single(text)} }\n\n", doc, name, f.ID)
		case Number:
			p("%s.\nfunc %s(n int64) Field { return Field{%d, cerb.Number(n)} }\n\n", doc, name, f.ID)
		case Date:
			imports["time"] = true
			p("%s, sent as Unix seconds.\nfunc %s(t time.Time) Field { return Field{%d, cerb.Date(t)} }\n\n", doc, name, f.ID)
		case Checkbox:
			p("%s.\nfunc %s(checked bool) Field { return Field{%d, cerb.Checkbox(checked)} }\n\n", doc, name, f.ID)
		case URL:
			imports["net/url"] = true
			p("%s.\nfunc %s(u *url.URL) Field { return Field{%d, cerb.Single(u.String())} }\n\n", doc, name, f.ID)
		case WorkerType:
			imports["strconv"] = true
			p("%s: a worker's id.\nfunc %s(workerID int64) Field { return Field{%d, cerb.Single(strconv.FormatInt(workerID, 10))} }\n\n", doc, name, f.ID)
		case Decimal:
			imports["strconv"], imports["strings"], imports["decimal"] = true, true, true
			unit := decimalUnit(f.DecimalAt)
			p("%s with %d places, given in %s (Cerb stores no sign).\n", doc, f.DecimalAt, unit)
			p("func %s(%s uint64) Field { return Field{%d, cerb.Single(decimal(%s, %d))} }\n\n", name, unit, f.ID, unit, f.DecimalAt)
		case Picklist, Checkboxes:
			typ := unique(used, name+"Option", f.ID)
			p("// %s is an option of %s.\ntype %s string\n\n// The options of %s.\nconst (\n", typ, name, typ, name)
			for i, o := range f.Options {
				c := unique(used, name+ident(o, fmt.Sprintf("Option%d", i+1)), f.ID)
				p("\t%s %s = %s\n", c, typ, strconv.Quote(o))
			}
			p(")\n\n")
			if f.Type == Picklist {
				p("%s.\nfunc %s(option %s) Field { return Field{%d, cerb.Single(string(option))} }\n\n", doc, name, typ, f.ID)
				continue
			}
			imports["texts"] = true
			add, remove, replace := unique(used, name+"Add", f.ID), unique(used, name+"Remove", f.ID), unique(used, name+"Replace", f.ID)
			p("%s, on compose.\nfunc %s(options ...%s) Field { return Field{%d, cerb.Multi(texts(options)...)} }\n\n", doc, name, typ, f.ID)
			p("// %s adds options to %s on reply.\nfunc %s(options ...%s) Field { return Field{%d, cerb.Add(texts(options)...)} }\n\n", add, name, add, typ, f.ID)
			p("// %s removes options from %s on reply.\nfunc %s(options ...%s) Field { return Field{%d, cerb.Remove(texts(options)...)} }\n\n", remove, name, remove, typ, f.ID)
			p("// %s sets %s to options on reply, given the values stored now (cerb.Ticket.Custom).\nfunc %s(stored []string, options ...%s) Field {\n\treturn Field{%d, cerb.Replace(stored, texts(options)...)}\n}\n\n", replace, name, replace, typ, f.ID)
		default:
			p("%s: not typed by cerbcontract fields, sent as given.\nfunc %s(value string) Field { return Field{%d, cerb.Single(value)} }\n\n", doc, name, f.ID)
		}
	}
	if imports["texts"] {
		p(`func texts[T ~string](options []T) []string {
	out := make([]string, len(options))
	for i, o := range options {
		out[i] = string(o)
	}
	return out
}

`)
	}
	if imports["decimal"] {
		p(`// decimal writes n units of 10^-places as Cerb reads a decimal: 1999 with 2 places is 19.99.
func decimal(n uint64, places int) string {
	s := strconv.FormatUint(n, 10)
	if places == 0 {
		return s
	}
	if len(s) <= places {
		s = strings.Repeat("0", places-len(s)+1) + s
	}
	return s[:len(s)-places] + "." + s[len(s)-places:]
}
`)
	}
	var head bytes.Buffer
	fmt.Fprintf(&head, "// Code generated by cerbcontract fields --format go; DO NOT EDIT.\n\n")
	fmt.Fprintf(&head, "// Package %s types the %d ticket custom fields of one Cerb installation (%s): build\n", pkg, len(fields), sum)
	fmt.Fprintf(&head, "// the CustomFields of a cerb.ComposeRequest or ReplyRequest with Fields, so that a\n// misspelt option does not compile. Write it again when a field or an option changes.\n")
	fmt.Fprintf(&head, "package %s\n\nimport (\n", pkg)
	for _, imp := range []string{"net/url", "strconv", "strings", "time"} {
		if imports[imp] {
			fmt.Fprintf(&head, "\t%q\n", imp)
		}
	}
	fmt.Fprintf(&head, "\n\t\"github.com/cerb-openapi/cerb-openapi/cerb\"\n)\n\n")
	src, err := format.Source(append(head.Bytes(), b.Bytes()...))
	if err != nil {
		return nil, fmt.Errorf("go helpers: %w", err)
	}
	return src, nil
}

// ident makes an exported Go identifier of a name: its ASCII letters and digits, each
// word capitalised ("Order Ref" → OrderRef, "won't fix" → WontFix, "2nd line" →
// N2ndLine); fallback when none is left.
func ident(name, fallback string) string {
	var b strings.Builder
	upper := true
	for _, r := range translit.Replace(name) {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if upper {
				r = unicode.ToUpper(r)
			}
			b.WriteRune(r)
			upper = false
		case r == '\'' || r == '’':
			// an apostrophe joins: won't → Wont
		default:
			upper = true
		}
	}
	s := b.String()
	switch {
	case s == "":
		return fallback
	case unicode.IsDigit(rune(s[0])):
		return "N" + s
	}
	return s
}

// unique returns name, or name with the field id appended when it is taken.
func unique(used map[string]bool, name string, id int64) string {
	for n, i := name, 0; ; i++ {
		if !used[n] && token.IsIdentifier(n) && !token.IsKeyword(n) {
			used[n] = true
			return n
		}
		n = fmt.Sprintf("%s%d", name, id)
		if i > 0 {
			n = fmt.Sprintf("%s%d_%d", name, id, i)
		}
	}
}

// translit spells the Latin-1 letters in ASCII, so that "Größe" is Groesse, not Gre.
var translit = strings.NewReplacer(
	"ä", "ae", "ö", "oe", "ü", "ue", "Ä", "Ae", "Ö", "Oe", "Ü", "Ue", "ß", "ss", "æ", "ae", "Æ", "Ae", "œ", "oe", "Œ", "Oe",
	"à", "a", "á", "a", "â", "a", "ã", "a", "å", "a", "À", "A", "Á", "A", "Â", "A", "Ã", "A", "Å", "A",
	"ç", "c", "Ç", "C", "è", "e", "é", "e", "ê", "e", "ë", "e", "È", "E", "É", "E", "Ê", "E", "Ë", "E",
	"ì", "i", "í", "i", "î", "i", "ï", "i", "Ì", "I", "Í", "I", "Î", "I", "Ï", "I", "ñ", "n", "Ñ", "N",
	"ò", "o", "ó", "o", "ô", "o", "õ", "o", "ø", "o", "Ò", "O", "Ó", "O", "Ô", "O", "Õ", "O", "Ø", "O",
	"ù", "u", "ú", "u", "û", "u", "Ù", "U", "Ú", "U", "Û", "U", "ý", "y", "ÿ", "y", "Ý", "Y",
)

func decimalUnit(places int) string {
	switch places {
	case 0:
		return "units"
	case 1:
		return "tenths"
	case 2:
		return "hundredths"
	case 3:
		return "thousandths"
	}
	return fmt.Sprintf("units1e%d", places)
}

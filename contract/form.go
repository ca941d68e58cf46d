package contract

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/cerb-openapi/cerb-openapi/har"
)

// customField matches Cerb's custom fields: custom_<id>, and custom_<id>[] for multi-value ones.
var customField = regexp.MustCompile(`^custom_[0-9]+(\[\])?$`)

// formField is one decoded field, in body order.
type formField struct {
	key, value string
}

const formURLEncoded = "application/x-www-form-urlencoded"

// checkBody checks a form body. An empty or absent body, and a body the server does not parse
// as a form (JSON, say), are checked as the empty form Cerb sees, so every missing required
// field is reported by its own pointer.
//
// params, when body is empty, are fields a HAR writer recorded decoded instead of the body
// text: they are checked as they are, in the media type of the Content-Type header.
func (c *Checker) checkBody(op *openapi3.Operation, header http.Header, body []byte, params []har.NameValue) []Problem {
	if op.RequestBody == nil || op.RequestBody.Value == nil {
		return nil
	}
	rb := op.RequestBody.Value
	var problems []Problem
	ct := header.Get("Content-Type")
	var fields []formField
	var mt *openapi3.MediaType
	switch {
	case ct == "" && len(body) == 0 && len(params) == 0:
		// Nothing sent: Cerb sees an empty form.
	case ct == "":
		problems = append(problems, Problem{Where: "header", Pointer: "/Content-Type",
			Message: "body sent without a Content-Type: Cerb does not parse it and sees an empty form"})
	default:
		mediaType, mtParams, err := mime.ParseMediaType(ct)
		if err != nil {
			problems = append(problems, Problem{Where: "header", Pointer: "/Content-Type",
				Message: fmt.Sprintf("unparsable Content-Type %q: %v", ct, err)})
			break
		}
		mt = rb.Content.Get(mediaType)
		if mt == nil {
			problems = append(problems, Problem{Where: "header", Pointer: "/Content-Type",
				Message: fmt.Sprintf("Content-Type %q is not accepted (the spec has %s): Cerb does not parse such a body and sees an empty form", mediaType, strings.Join(mediaTypes(rb), ", "))})
			break
		}
		var perr []Problem
		switch {
		case len(body) == 0 && len(params) > 0:
			for _, p := range params {
				fields = append(fields, formField{p.Name, p.Value})
			}
		case mediaType == formURLEncoded:
			fields, perr = parseURLEncoded(body)
		case mediaType == "multipart/form-data":
			fields, perr = parseMultipart(body, mtParams["boundary"])
		default:
			perr = []Problem{{Where: "body", Message: fmt.Sprintf("media type %q is declared but the checker cannot read it", mediaType)}}
		}
		problems = append(problems, perr...)
	}
	if mt == nil {
		if mt = rb.Content.Get(formURLEncoded); mt == nil {
			return problems
		}
	}
	if mt.Schema == nil || mt.Schema.Value == nil {
		return problems
	}
	return append(problems, c.checkForm(mt, fields)...)
}

func mediaTypes(rb *openapi3.RequestBody) []string {
	var out []string
	for k := range rb.Content {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// checkForm checks decoded fields against the body schema.
func (c *Checker) checkForm(mt *openapi3.MediaType, fields []formField) []Problem {
	schema := mt.Schema.Value
	var problems []Problem
	declared := url.Values{}
	count := map[string]int{}
	for _, f := range fields {
		count[f.key]++
		ptr := pointer(f.key)
		if !utf8.ValidString(f.key) {
			problems = append(problems, Problem{Where: "body", Pointer: ptr, Message: "field name is not valid UTF-8"})
			continue
		}
		if !utf8.ValidString(f.value) {
			problems = append(problems, Problem{Where: "body", Pointer: ptr,
				Message: "value is not valid UTF-8: Cerb accepts it but cannot store it (the ticket comes back with a null subject) and mangles the mail"})
		}
		if _, ok := schema.Properties[f.key]; ok {
			declared.Add(f.key, f.value)
			continue
		}
		switch {
		case !customField.MatchString(f.key):
			problems = append(problems, Problem{Where: "body", Pointer: ptr, Message: undeclaredMessage(schema, f.key)})
		case schema.Extensions[ExtCustomFieldsClosed] != nil:
			problems = append(problems, Problem{Where: "body", Pointer: ptr, Message: unknownCustomField(schema, f.key)})
		}
	}
	// Repeated scalar fields: PHP keeps the last value while validators read the first, so
	// what was checked is not what the server used.
	for _, k := range sortedKeys(count) {
		if count[k] < 2 || strings.HasSuffix(k, "[]") {
			continue
		}
		if p, ok := schema.Properties[k]; ok && p.Value != nil && p.Value.Type.Is("array") {
			continue
		}
		problems = append(problems, Problem{Where: "body", Pointer: pointer(k),
			Message: fmt.Sprintf("sent %d times: PHP keeps only the last value; send it once (or as %s[] for a list)", count[k], k)})
	}
	value, failed, decodeProblems := decodeForm(mt, declared)
	problems = append(problems, decodeProblems...)
	if err := schema.VisitJSON(value, openapi3.MultiErrors()); err != nil {
		for _, p := range c.schemaProblems("body", err) {
			if failed[p.Pointer] {
				continue // already reported as undecodable; "missing" would only repeat it
			}
			problems = append(problems, p)
		}
	}
	problems = append(problems, maxBytesProblems(schema, declared, problems)...)
	return append(problems, suspectValues(schema, fields)...)
}

// jsText are what JavaScript's String() makes of values that are not text: a client that
// sends them meant to leave the field out, or to send something else.
var jsText = map[string]string{
	"undefined":       "JavaScript's undefined sent as text: the client serialized a field it meant to leave out (openapi-fetch's default form serializer does so for an optional field set to undefined); Cerb takes the text as the value",
	"null":            "a null sent as text: the client serialized a field it meant to leave out or empty; Cerb takes the text as the value",
	"NaN":             "a number that was not one (NaN) sent as text: Cerb reads a number field as 0 and a text field as the word",
	"[object Object]": "an object turned into text with String(): the client sent an object where Cerb wants its fields or one value",
}

// suspectValues warns of values the contract allows that a client most likely sent by
// mistake: JavaScript's text for undefined, null, NaN or an object, and a list item
// holding a comma-joined list (a client serializing arrays as CSV), unless the item is
// one of the list's declared options.
func suspectValues(schema *openapi3.Schema, fields []formField) []Problem {
	var out []Problem
	index := map[string]int{}
	for _, f := range fields {
		i := index[f.key]
		index[f.key]++
		ptr := pointer(f.key)
		list := strings.HasSuffix(f.key, "[]")
		if p := schema.Properties[f.key]; p != nil && p.Value != nil && p.Value.Type.Is("array") {
			list = true
		}
		if list {
			ptr += fmt.Sprintf("/%d", i)
		}
		if why, ok := jsText[f.value]; ok {
			out = append(out, Problem{Where: "body", Pointer: ptr, Severity: SeverityWarning,
				Message: fmt.Sprintf("%q is %s", f.value, why)})
			continue
		}
		if list && strings.Contains(f.value, ",") && !isOption(schema, f.key, f.value) {
			base := strings.TrimSuffix(f.key, "[]")
			out = append(out, Problem{Where: "body", Pointer: ptr, Severity: SeverityWarning,
				Message: fmt.Sprintf("%q in one list item: the client joined the list with commas (openapi-fetch's default form serializer does); Cerb reads one value from it (an id list gives its first id only, a custom field no option). Send each value as its own %s[]=… field", truncate(f.value, 60), base)})
		}
	}
	return out
}

// isOption reports whether v is one of the declared options of the list field key.
func isOption(schema *openapi3.Schema, key, v string) bool {
	p := schema.Properties[key]
	if p == nil || p.Value == nil || p.Value.Items == nil || p.Value.Items.Value == nil {
		return false
	}
	var enum []any
	var walk func(s *openapi3.Schema)
	walk = func(s *openapi3.Schema) {
		if s == nil {
			return
		}
		enum = append(enum, s.Enum...)
		for _, a := range s.AllOf {
			if a != nil {
				walk(a.Value)
			}
		}
	}
	walk(p.Value.Items.Value)
	return slices.ContainsFunc(enum, func(e any) bool { return fmt.Sprint(e) == v })
}

// ExtMaxBytes bounds a string in bytes of UTF-8, which JSON Schema's maxLength (in
// characters) cannot: Cerb cuts a custom field's text at byte 255. The checker reports a
// form value over it, with the schema's x-cerb-server-accepts for the keyword.
const ExtMaxBytes = "x-cerb-max-bytes"

// maxBytesProblems checks the declared fields whose schema (or items schema) carries
// ExtMaxBytes; a pointer that already has a problem is not reported twice.
func maxBytesProblems(schema *openapi3.Schema, declared url.Values, already []Problem) []Problem {
	var out []Problem
	for _, k := range sortedKeys(declared) {
		p := schema.Properties[k]
		if p == nil || p.Value == nil {
			continue
		}
		s, list := p.Value, p.Value.Type.Is("array")
		if list && s.Items != nil {
			s = s.Items.Value
		}
		limit, target := maxBytes(s)
		if limit < 0 {
			continue
		}
		for i, v := range declared[k] {
			if len(v) <= limit {
				continue
			}
			ptr := pointer(k)
			if list {
				ptr += fmt.Sprintf("/%d", i)
			}
			if slices.ContainsFunc(already, func(x Problem) bool { return x.Where == "body" && x.Pointer == ptr }) {
				continue
			}
			msg := fmt.Sprintf("%d bytes (%d characters) is over %d bytes", len(v), utf8.RuneCountInString(v), limit)
			if why := serverAccepts(target, ExtMaxBytes); why != "" {
				msg += " — " + why
			}
			out = append(out, Problem{Where: "body", Pointer: ptr, Message: msg})
		}
	}
	return out
}

// maxBytes finds ExtMaxBytes on s or what it is built from (allOf); -1 when none.
func maxBytes(s *openapi3.Schema) (int, *openapi3.Schema) {
	if s == nil {
		return -1, nil
	}
	if v, ok := s.Extensions[ExtMaxBytes]; ok {
		switch n := v.(type) {
		case float64:
			return int(n), s
		case int:
			return n, s
		case json.Number:
			if i, err := n.Int64(); err == nil {
				return int(i), s
			}
		}
	}
	for _, a := range s.AllOf {
		if a != nil {
			if n, t := maxBytes(a.Value); n >= 0 {
				return n, t
			}
		}
	}
	return -1, nil
}

// decodeForm types the declared fields with openapi3filter's form decoder. It decodes all
// fields at once and, only when that fails, one by one, so that every undecodable field is
// reported and the others are still validated.
func decodeForm(mt *openapi3.MediaType, values url.Values) (map[string]any, map[string]bool, []Problem) {
	// Plain string properties need no typing: take them as they are rather than re-encode
	// and re-parse what may be megabytes of content.
	plain := map[string]any{}
	typed := url.Values{}
	for k, v := range values {
		if p := mt.Schema.Value.Properties[k]; p != nil && p.Value != nil && isPlainString(p.Value) && len(v) > 0 {
			plain[k] = v[0] // the first value, as openapi3filter's decoder takes it
			continue
		}
		typed[k] = v
	}
	obj, failed, problems := decodeTyped(mt, typed)
	for k, v := range plain {
		obj[k] = v
	}
	return obj, failed, problems
}

func isPlainString(s *openapi3.Schema) bool {
	return s.Type.Is("string") && len(s.OneOf) == 0 && len(s.AnyOf) == 0 && len(s.AllOf) == 0 && s.Not == nil
}

func decodeTyped(mt *openapi3.MediaType, values url.Values) (map[string]any, map[string]bool, []Problem) {
	encFn := func(name string) *openapi3.Encoding { return mt.Encoding[name] }
	header := http.Header{"Content-Type": {formURLEncoded}}
	decode := func(v url.Values) (map[string]any, error) {
		out, err := openapi3filter.UrlencodedBodyDecoder(strings.NewReader(v.Encode()), header, mt.Schema, encFn)
		if err != nil {
			return nil, err
		}
		m, _ := out.(map[string]any)
		if m == nil {
			m = map[string]any{}
		}
		return m, nil
	}
	if obj, err := decode(values); err == nil {
		return obj, nil, nil
	}
	obj := map[string]any{}
	failed := map[string]bool{}
	var problems []Problem
	for _, k := range sortedKeys(values) {
		one, err := decode(url.Values{k: values[k]})
		if err != nil {
			ptr := pointer(k)
			var pe *openapi3filter.ParseError
			if errors.As(err, &pe) {
				ptr = parsePointer(k, pe)
			}
			failed[pointer(k)] = true
			problems = append(problems, Problem{Where: "body", Pointer: ptr, Message: parseMessage(err)})
			continue
		}
		for kk, vv := range one {
			obj[kk] = vv
		}
	}
	return obj, failed, problems
}

// parsePointer builds /file_id[]/0 from a ParseError path such as [0 file_id[]] (innermost first).
func parsePointer(key string, pe *openapi3filter.ParseError) string {
	path := pe.Path()
	ptr := pointer(key)
	for i := len(path) - 1; i >= 0; i-- {
		if n, ok := path[i].(int); ok {
			ptr += fmt.Sprintf("/%d", n)
		}
	}
	return ptr
}

func parseMessage(err error) string {
	var pe *openapi3filter.ParseError
	if !errors.As(err, &pe) {
		return "cannot be decoded: " + err.Error()
	}
	// The innermost ParseError carries the offending value.
	for {
		inner, ok := pe.Cause.(*openapi3filter.ParseError)
		if !ok {
			break
		}
		pe = inner
	}
	reason := pe.Reason
	if reason == "" && pe.Cause != nil {
		reason = innermost(pe.Cause)
	}
	if pe.Value != nil {
		return fmt.Sprintf("cannot be decoded: %q is %s", fmt.Sprint(pe.Value), strings.TrimPrefix(reason, "value "))
	}
	return "cannot be decoded: " + reason
}

// ExtCustomFieldsClosed marks a form schema that declares every custom field of one
// installation (an overlay written by cerbcontract fields sets it): a custom_<id> it does
// not declare is then reported, as Cerb ignores a field it does not have.
const ExtCustomFieldsClosed = "x-cerb-custom-fields-closed"

func unknownCustomField(schema *openapi3.Schema, key string) string {
	base := strings.TrimSuffix(key, "[]")
	for _, other := range []string{base, base + "[]"} {
		if _, ok := schema.Properties[other]; ok && other != key {
			if strings.HasSuffix(other, "[]") {
				return fmt.Sprintf("%s is a multi-value field: send it as repeated %s=… fields (PHP keeps only the last %s)", base, other, key)
			}
			return fmt.Sprintf("%s takes one value: send %s=… once, not as a list", base, base)
		}
	}
	return fmt.Sprintf("%s is not a custom field of this installation (the overlay declares every one): Cerb ignores it without an error", base)
}

func undeclaredMessage(schema *openapi3.Schema, key string) string {
	msg := fmt.Sprintf("undeclared form field %q (neither a property of the body nor custom_<id>)", key)
	// A PHP-style indexed name (file_id[0], file_id[][0]) for a declared list.
	if i := strings.IndexByte(key, '['); i > 0 {
		base := key[:i]
		for _, cand := range []string{base + "[]", base} {
			if p, ok := schema.Properties[cand]; ok && p.Value != nil && p.Value.Type.Is("array") {
				return msg + fmt.Sprintf("; send the list %q as repeated %s=… fields", cand, cand)
			}
		}
	}
	return msg
}

// parseURLEncoded splits a body as PHP does (on '&' only) and reports each malformed pair.
func parseURLEncoded(body []byte) ([]formField, []Problem) {
	var fields []formField
	var problems []Problem
	for _, part := range strings.Split(string(body), "&") {
		if part == "" {
			continue
		}
		rawKey, rawVal, _ := strings.Cut(part, "=")
		key, err1 := url.QueryUnescape(rawKey)
		val, err2 := url.QueryUnescape(rawVal)
		if err1 != nil || err2 != nil {
			problems = append(problems, Problem{Where: "body", Pointer: pointer(rawKey),
				Message: fmt.Sprintf("malformed percent-encoding in %q", truncate(part, 60))})
			continue
		}
		fields = append(fields, formField{key, val})
	}
	return fields, problems
}

// maxPart bounds one multipart value read into memory; larger parts are reported, not read.
const maxPart = 64 << 20

func parseMultipart(body []byte, boundary string) ([]formField, []Problem) {
	if boundary == "" {
		return nil, []Problem{{Where: "header", Pointer: "/Content-Type", Message: "multipart/form-data without a boundary parameter"}}
	}
	mr := multipart.NewReader(bytes.NewReader(body), boundary)
	var fields []formField
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return fields, nil
		}
		if err != nil {
			return fields, []Problem{{Where: "body", Message: fmt.Sprintf("malformed multipart body after %d parts: %v", len(fields), err)}}
		}
		name := part.FormName()
		if name == "" {
			return fields, []Problem{{Where: "body", Message: fmt.Sprintf("multipart part %d has no form name", len(fields))}}
		}
		b, err := io.ReadAll(io.LimitReader(part, maxPart+1))
		if err != nil || len(b) > maxPart {
			return fields, []Problem{{Where: "body", Pointer: pointer(name), Message: fmt.Sprintf("multipart part %q is unreadable or larger than %d bytes", name, maxPart)}}
		}
		fields = append(fields, formField{name, string(b)})
	}
}

// checkQuery reports query parameters the operation does not declare. Cerb reads them like
// form fields, but custom fields only from the body, and the spec puts fields in the body.
func (c *Checker) checkQuery(op *openapi3.Operation, q url.Values) []Problem {
	var problems []Problem
	for _, k := range sortedKeys(q) {
		if p := op.Parameters.GetByInAndName(openapi3.ParameterInQuery, k); p != nil {
			// As for form fields: PHP keeps the last value, openapi3filter checked the first.
			if len(q[k]) > 1 && (p.Schema == nil || p.Schema.Value == nil || !p.Schema.Value.Type.Is("array")) {
				problems = append(problems, Problem{Where: "query", Pointer: pointer(k),
					Message: fmt.Sprintf("sent %d times: PHP keeps only the last value; send it once", len(q[k]))})
			}
			continue
		}
		msg := fmt.Sprintf("undeclared query parameter %q", k)
		if op.RequestBody != nil && op.RequestBody.Value != nil {
			if mt := op.RequestBody.Value.Content.Get(formURLEncoded); mt != nil && mt.Schema != nil && mt.Schema.Value != nil {
				if _, ok := mt.Schema.Value.Properties[k]; ok || customField.MatchString(k) {
					msg += ": it is a body field; send it in the form body (Cerb reads custom fields from the body only)"
				}
			}
		}
		problems = append(problems, Problem{Where: "query", Pointer: pointer(k), Message: msg})
	}
	return problems
}

var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")

// pointer makes a one-segment JSON pointer (RFC 6901 escaping).
func pointer(key string) string {
	if !strings.ContainsAny(key, "~/") {
		return "/" + key
	}
	return "/" + pointerEscaper.Replace(key)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

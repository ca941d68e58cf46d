package contract

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/cerb-openapi/cerb-openapi/internal/jsonstr"
	"github.com/cerb-openapi/cerb-openapi/internal/utf8check"
)

func (c *Checker) checkResponse(ctx context.Context, reqIn *openapi3filter.RequestValidationInput, resp *Response) []Problem {
	return c.checkResponseBody(ctx, reqIn, resp, true)
}

// checkResponseBody is checkResponse; with fast false every body goes through
// openapi3filter.ValidateResponse (response_diff_test.go compares the two).
func (c *Checker) checkResponseBody(ctx context.Context, reqIn *openapi3filter.RequestValidationInput, resp *Response, fast bool) []Problem {
	header := resp.Header
	if header == nil {
		header = http.Header{}
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: reqIn,
		Status:                 resp.Status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(resp.Body)),
		Options: &openapi3filter.Options{
			MultiError:            true,
			IncludeResponseStatus: true,
		},
	}
	// openapi3filter.ValidateResponse validates a JSON body with VisitAsResponse, under which
	// every oneOf/anyOf branch deep-copies the value (the ~156-key ticket map, per branch) in
	// case a default gets set in it. When the document has no writeOnly property and no
	// default is ever set, that mode changes no verdict, so status, headers and Content-Type
	// are left to openapi3filter and a JSON body is decoded and visited here, the way
	// ValidateResponse does it, but without the copies. Anything else goes to it unchanged.
	var problems []Problem
	// encoding/json reads bytes that are not UTF-8 as U+FFFD, so the schema check alone
	// would pass a body that is not JSON at all.
	if !utf8.Valid(resp.Body) && strings.Contains(strings.ToLower(header.Get("Content-Type")), "json") {
		problems = append(problems, Problem{Where: "body",
			Message: fmt.Sprintf("JSON body is not valid UTF-8 at byte %d (RFC 8259 requires UTF-8; PHP's json_encode never writes such a body)", utf8check.FirstInvalid(resp.Body))})
	}
	if resp.Unrecorded != "" {
		// Status and headers are checked; the body is not there to check. A Content-Type
		// the operation does not declare is still reported: openapi3filter checks it before
		// it reads the (empty) body.
		if _, ok := c.jsonBodySchema(reqIn, resp.Status, header); ok {
			in.Options.ExcludeResponseBody = true
		}
		if err := openapi3filter.ValidateResponse(ctx, in); err != nil {
			problems = append(problems, c.responseProblems(err)...)
		}
		return problems
	}
	if schema, ok := c.jsonBodySchema(reqIn, resp.Status, header); ok && fast {
		in.Options.ExcludeResponseBody = true
		if err := openapi3filter.ValidateResponse(ctx, in); err != nil {
			return append(problems, c.responseProblems(err)...)
		}
		if err := visitJSONBody(in, schema, resp.Body); err != nil {
			problems = append(problems, c.responseProblems(err)...)
		}
		return problems
	}
	if err := openapi3filter.ValidateResponse(ctx, in); err != nil {
		problems = append(problems, c.responseProblems(err)...)
	}
	return problems
}

// jsonBodySchema returns the schema of the response's body when openapi3filter would decode
// it with its JSON decoder and validate it against that schema, and VisitAsResponse could
// make no difference (the document declares no writeOnly property).
func (c *Checker) jsonBodySchema(reqIn *openapi3filter.RequestValidationInput, status int, header http.Header) (*openapi3.SchemaRef, bool) {
	route := reqIn.Route
	if reqIn.Request.Method == http.MethodHead || route == nil || route.Operation == nil || route.Spec == nil {
		return nil, false
	}
	switch status {
	case http.StatusNotModified, http.StatusPermanentRedirect, http.StatusTemporaryRedirect, http.StatusMovedPermanently:
		return nil, false
	}
	responses := route.Operation.Responses
	if responses.Len() == 0 {
		return nil, false
	}
	ref := responses.Status(status)
	if ref == nil {
		ref = responses.Default()
	}
	if ref == nil || ref.Value == nil {
		return nil, false
	}
	mt := ref.Value.Content.Get(header.Get("Content-Type"))
	if mt == nil || mt.Schema == nil || mt.Schema.Value == nil || mt.Encoding[""] != nil {
		return nil, false
	}
	if s := mt.Schema.Value; s.Type.Is("string") && s.Format == "binary" {
		return nil, false
	}
	if !usesJSONDecoder(header.Get("Content-Type")) || c.writeOnly {
		return nil, false
	}
	return mt.Schema, true
}

var jsonDecoderPC = reflect.ValueOf(openapi3filter.JSONBodyDecoder).Pointer()

// usesJSONDecoder reports whether openapi3filter decodes a body of this Content-Type with
// its JSONBodyDecoder (registered for the media type, or for application/json as a +json
// fallback).
func usesJSONDecoder(contentType string) bool {
	mediaType, _, _ := strings.Cut(contentType, ";")
	mediaType = strings.ToLower(strings.TrimSpace(mediaType))
	dec := openapi3filter.RegisteredBodyDecoder(mediaType)
	if dec == nil && strings.HasSuffix(mediaType, "+json") {
		dec = openapi3filter.RegisteredBodyDecoder("application/json")
	}
	return dec != nil && reflect.ValueOf(dec).Pointer() == jsonDecoderPC
}

// hasWriteOnly reports whether any schema of the document is writeOnly, from its JSON form.
func hasWriteOnly(doc *openapi3.T) bool {
	b, err := doc.MarshalJSON()
	return err != nil || bytes.Contains(b, []byte(`"writeOnly":true`))
}

// visitJSONBody is the body half of openapi3filter.ValidateResponse for a JSON body, with
// the same errors, minus VisitAsResponse.
func visitJSONBody(in *openapi3filter.ResponseValidationInput, schema *openapi3.SchemaRef, body []byte) error {
	value, ok := fastJSON(body)
	if !ok {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if err := dec.Decode(&value); err != nil {
			return &openapi3filter.ResponseError{Input: in, Reason: "failed to decode response body",
				Err: &openapi3filter.ParseError{Kind: openapi3filter.KindInvalidFormat, Cause: err}}
		}
	}
	opts := []openapi3.SchemaValidationOption{openapi3.MultiErrors()}
	if in.RequestValidationInput.Route.Spec.IsOpenAPI31OrLater() {
		opts = append(opts, openapi3.EnableJSONSchema2020())
	}
	if err := schema.Value.VisitJSON(value, opts...); err != nil {
		id := strings.TrimSpace(schema.Ref)
		if id == "" {
			id = strings.TrimSpace(schema.Value.Title)
		}
		if id != "" {
			id = " " + id
		}
		return &openapi3filter.ResponseError{Input: in, Reason: "response body doesn't match schema" + id, Err: err}
	}
	return nil
}

func (c *Checker) responseProblems(err error) []Problem {
	if me, ok := err.(openapi3.MultiError); ok && !isSchemaMulti(err) {
		var out []Problem
		for _, e := range me {
			out = append(out, c.responseProblems(e)...)
		}
		return out
	}
	var re *openapi3filter.ResponseError
	if !errors.As(err, &re) {
		return []Problem{{Where: "body", Message: err.Error()}}
	}
	switch {
	case strings.HasPrefix(re.Reason, "status is not supported"):
		return []Problem{{Where: "status", Message: "status is not declared for this operation"}}
	case strings.Contains(re.Reason, "Content-Type"):
		return []Problem{{Where: "header", Pointer: "/Content-Type", Message: re.Reason}}
	case strings.HasPrefix(re.Reason, "response header"):
		return []Problem{{Where: "header", Message: re.Error()}}
	case strings.Contains(re.Reason, "body") && re.Err != nil:
		var se *openapi3.SchemaError
		var me openapi3.MultiError
		if errors.As(re.Err, &se) || errors.As(re.Err, &me) {
			return c.schemaProblems("body", re.Err)
		}
		return []Problem{{Where: "body", Message: re.Reason + ": " + innermost(re.Err)}}
	}
	return []Problem{{Where: "body", Message: re.Error()}}
}

// isSchemaMulti tells a MultiError of schema errors (one body) from one of response errors.
func isSchemaMulti(err error) bool {
	me, ok := err.(openapi3.MultiError)
	if !ok || len(me) == 0 {
		return false
	}
	_, ok = me[0].(*openapi3.SchemaError)
	return ok
}

// schemaProblems flattens schema errors into problems. A failed oneOf/anyOf reports the
// branch that came closest (the fewest problems), named, rather than every branch.
func (c *Checker) schemaProblems(where string, err error) []Problem {
	var out []Problem
	for _, l := range c.leaves(err, "") {
		out = append(out, Problem{Where: where, Pointer: l.pointer, Message: l.message})
	}
	return out
}

type leaf struct{ pointer, message string }

func (c *Checker) leaves(err error, note string) []leaf {
	switch e := err.(type) {
	case openapi3.MultiError:
		var out []leaf
		for _, x := range e {
			out = append(out, c.leaves(x, note)...)
		}
		return out
	case *openapi3.SchemaError:
		if e.SchemaField == "oneOf" || e.SchemaField == "anyOf" || e.SchemaField == "allOf" {
			if branches := branchErrors(e.Origin); len(branches) > 0 {
				if e.SchemaField == "allOf" {
					var out []leaf
					for _, b := range branches {
						out = append(out, c.leaves(b, note)...)
					}
					return out
				}
				if len(branches) == 1 {
					// A discriminator chose the branch: its problems speak for themselves.
					return c.leaves(branches[0], note)
				}
				var best []leaf
				bestName := ""
				for i, b := range branches {
					ls := c.leaves(b, "")
					if best == nil || len(ls) < len(best) {
						best, bestName = ls, branchName(e.Schema, e.SchemaField, i, len(branches))
					}
				}
				n := fmt.Sprintf("closest %s branch %s", e.SchemaField, bestName)
				if note != "" {
					n = note + "; " + n
				}
				for i := range best {
					best[i].message += " (" + n + ")"
				}
				return best
			}
		}
		ptr := schemaPointer(e)
		if strings.HasSuffix(e.Reason, "is unsupported") {
			// kin-openapi points at the object; point at the key itself.
			if _, name, ok := strings.Cut(e.Reason, `"`); ok {
				if name, _, ok = strings.Cut(name, `"`); ok {
					ptr += pointer(name)
				}
			}
		}
		return []leaf{{pointer: ptr, message: schemaMessage(e) + noteSuffix(note)}}
	}
	var se *openapi3.SchemaError
	if errors.As(err, &se) {
		return c.leaves(se, note)
	}
	return []leaf{{message: err.Error() + noteSuffix(note)}}
}

func noteSuffix(note string) string {
	if note == "" {
		return ""
	}
	return " (" + note + ")"
}

// branchErrors returns the per-branch errors kin-openapi keeps in a xOf error's Origin.
func branchErrors(origin error) []error {
	for err := origin; err != nil; err = errors.Unwrap(err) {
		if me, ok := err.(openapi3.MultiError); ok {
			return me
		}
	}
	return nil
}

// branchName names branch i of a failed xOf by its $ref; every branch failed, so the
// errors line up with the branches.
func branchName(s *openapi3.Schema, field string, i, n int) string {
	refs := s.OneOf
	if field == "anyOf" {
		refs = s.AnyOf
	}
	if len(refs) != n || refs[i].Ref == "" {
		return fmt.Sprintf("#%d", i)
	}
	return refs[i].Ref[strings.LastIndex(refs[i].Ref, "/")+1:]
}

func schemaPointer(e *openapi3.SchemaError) string {
	parts := e.JSONPointer()
	if len(parts) == 0 {
		return ""
	}
	var b strings.Builder
	for _, p := range parts {
		b.WriteString(pointer(p))
	}
	return b.String()
}

// schemaMessage is kin-openapi's reason, made to stand alone: no value or schema dumps.
func schemaMessage(e *openapi3.SchemaError) string {
	msg := e.Reason
	switch e.SchemaField {
	case "required":
		return "required field is missing"
	case "pattern", "enum":
		if d := firstSentence(e.Schema.Description); d != "" {
			msg += " — " + d
		}
	case "additionalProperties", "properties":
		if strings.HasSuffix(msg, "is unsupported") {
			msg = "undeclared property: this object allows no other keys"
		}
	}
	if why := serverAccepts(e.Schema, e.SchemaField); why != "" {
		msg += " — " + why
	}
	return msg
}

// ExtServerAccepts is the extension that says, keyword by keyword, what Cerb does with a
// value the schema refuses ("Any other value is plain text, without an error."): the
// problem's message ends with it, so that a report says what the server would have done.
const ExtServerAccepts = "x-cerb-server-accepts"

func serverAccepts(s *openapi3.Schema, keyword string) string {
	if s == nil {
		return ""
	}
	switch m := s.Extensions[ExtServerAccepts].(type) {
	case map[string]any:
		if why, ok := m[keyword].(string); ok {
			return why
		}
	case json.RawMessage:
		var byKeyword map[string]string
		if json.Unmarshal(m, &byKeyword) == nil {
			return byKeyword[keyword]
		}
	}
	return ""
}

func firstSentence(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if i := strings.Index(s, ". "); i >= 0 {
		s = s[:i+1]
	}
	return truncate(s, 200)
}

// fastJSON decodes the first JSON value of b to exactly what json.Decoder with UseNumber
// gives (map[string]any, []any, string, json.Number, bool, nil; later duplicate keys win;
// what follows the value is not looked at), about twice as fast: plain strings are sliced,
// not unquoted. Strings with escapes or bytes that are not UTF-8 go to encoding/json. It
// reports false for anything it does not accept; the caller then asks encoding/json, for
// the value or for its error.
func fastJSON(b []byte) (any, bool) {
	p := jsonParser{b: b}
	p.space()
	v, ok := p.value(0)
	if !ok {
		return nil, false
	}
	switch v.(type) {
	case map[string]any, []any:
		// json.Decoder stops reading at the closing bracket.
	default:
		// It reads a scalar up to the next byte, which must be a space (or the end).
		if p.i < len(p.b) {
			switch p.b[p.i] {
			case ' ', '\t', '\n', '\r':
			default:
				return nil, false
			}
		}
	}
	return v, true
}

type jsonParser struct {
	b []byte
	i int
}

func (p *jsonParser) space() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *jsonParser) value(depth int) (any, bool) {
	if p.i >= len(p.b) || depth > 1000 {
		return nil, false
	}
	switch c := p.b[p.i]; {
	case c == '{':
		p.i++
		m := map[string]any{}
		p.space()
		if p.i < len(p.b) && p.b[p.i] == '}' {
			p.i++
			return m, true
		}
		for {
			p.space()
			k, ok := p.str()
			if !ok {
				return nil, false
			}
			p.space()
			if p.i >= len(p.b) || p.b[p.i] != ':' {
				return nil, false
			}
			p.i++
			p.space()
			v, ok := p.value(depth + 1)
			if !ok {
				return nil, false
			}
			m[k] = v
			p.space()
			if p.i >= len(p.b) {
				return nil, false
			}
			switch p.b[p.i] {
			case ',':
				p.i++
			case '}':
				p.i++
				return m, true
			default:
				return nil, false
			}
		}
	case c == '[':
		p.i++
		a := []any{}
		p.space()
		if p.i < len(p.b) && p.b[p.i] == ']' {
			p.i++
			return a, true
		}
		for {
			p.space()
			v, ok := p.value(depth + 1)
			if !ok {
				return nil, false
			}
			a = append(a, v)
			p.space()
			if p.i >= len(p.b) {
				return nil, false
			}
			switch p.b[p.i] {
			case ',':
				p.i++
			case ']':
				p.i++
				return a, true
			default:
				return nil, false
			}
		}
	case c == '"':
		return p.str()
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	case bytes.HasPrefix(p.b[p.i:], []byte("true")):
		p.i += 4
		return true, true
	case bytes.HasPrefix(p.b[p.i:], []byte("false")):
		p.i += 5
		return false, true
	case bytes.HasPrefix(p.b[p.i:], []byte("null")):
		p.i += 4
		return nil, true
	}
	return nil, false
}

// str reads a string; one with an escape or a byte that is not ASCII is unquoted by
// encoding/json, which is then the one to decide what it means.
func (p *jsonParser) str() (string, bool) {
	if p.i >= len(p.b) || p.b[p.i] != '"' {
		return "", false
	}
	start := p.i
	plain := true
	for j := p.i + 1; j < len(p.b); j++ {
		switch c := p.b[j]; {
		case c == '"':
			p.i = j + 1
			if plain {
				return string(p.b[start+1 : j]), true
			}
			// Escapes and other scripts, in valid UTF-8, are unquoted as encoding/json does;
			// bytes that are not UTF-8 (which it replaces) are left to it.
			if inner := p.b[start+1 : j]; utf8.Valid(inner) {
				if s, ok := jsonstr.Unquote(inner); ok {
					return s, true
				}
			}
			var s string
			if err := json.Unmarshal(p.b[start:j+1], &s); err != nil {
				return "", false
			}
			return s, true
		case c == '\\':
			plain = false
			j++ // the escaped byte cannot end the string
		case c < 0x20:
			return "", false
		case c >= 0x80:
			plain = false
		}
	}
	return "", false
}

func (p *jsonParser) number() (any, bool) {
	b, i := p.b, p.i
	digits := func() bool {
		s := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		return i > s
	}
	if b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case !digits():
		return nil, false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if !digits() {
			return nil, false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if !digits() {
			return nil, false
		}
	}
	n := json.Number(b[p.i:i])
	p.i = i
	return n, true
}

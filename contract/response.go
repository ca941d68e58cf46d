package contract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

func (c *Checker) checkResponse(ctx context.Context, reqIn *openapi3filter.RequestValidationInput, resp *Response) []Problem {
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
	var problems []Problem
	// encoding/json reads bytes that are not UTF-8 as U+FFFD, so the schema check alone
	// would pass a body that is not JSON at all.
	if !utf8.Valid(resp.Body) && strings.Contains(strings.ToLower(header.Get("Content-Type")), "json") {
		problems = append(problems, Problem{Where: "body",
			Message: fmt.Sprintf("JSON body is not valid UTF-8 at byte %d (RFC 8259 requires UTF-8; PHP's json_encode never writes such a body)", firstInvalid(resp.Body))})
	}
	if err := openapi3filter.ValidateResponse(ctx, in); err != nil {
		problems = append(problems, c.responseProblems(err)...)
	}
	return problems
}

// firstInvalid returns the offset of the first byte that is not UTF-8.
func firstInvalid(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(b)
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
	return msg
}

func firstSentence(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if i := strings.Index(s, ". "); i >= 0 {
		s = s[:i+1]
	}
	return truncate(s, 200)
}

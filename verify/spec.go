package verify

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/cerb-openapi/cerb-openapi/contract"
)

// Vendor extensions verify reads.
const (
	// ExtServerAccepts marks a request schema (a property, a shared component, a query
	// parameter's schema, or the body schema for undeclared keys) whose refused values the
	// real server accepts anyway. Its value maps the keyword the value breaks (type, enum,
	// minimum, pattern, minLength, required, additionalProperties) to why that is known
	// and allowed; the keyword * covers them all. Verify reports such a request as a known
	// exception, not as drift.
	ExtServerAccepts = contract.ExtServerAccepts
	extErrorMessages = "x-cerb-error-messages"
	extKeyPatterns   = "x-cerb-key-patterns"
)

// The operations verify knows how to drive: it must know what a Cerb field means on the
// server (which group, which message, what mails), which no schema says.
const (
	opCompose = "composeTicket"
	opReply   = "replyToTicket"
)

const formURLEncoded = "application/x-www-form-urlencoded"

// operation is what verify reads of one operation of the document.
type operation struct {
	id, path  string
	op        *openapi3.Operation
	body      *openapi3.Schema // the url-encoded form schema
	multipart bool             // multipart/form-data is declared too
	props     []string         // property names, sorted
	required  map[string]bool
	keyForms  map[string]string // x-cerb-key-patterns: custom_<id> → regexp
	// closed: an overlay declares every custom field of the installation
	// (x-cerb-custom-fields-closed), so an undeclared custom_<id> is refused, not sent.
	closed   bool
	query    []*openapi3.Parameter
	messages []*regexp.Regexp // x-cerb-error-messages of the 200 response
}

// operations finds composeTicket and replyToTicket in doc.
func operations(doc *openapi3.T) (map[string]*operation, error) {
	out := map[string]*operation{}
	if doc.Paths != nil {
		for path, item := range doc.Paths.Map() {
			op := item.Post
			if op == nil || (op.OperationID != opCompose && op.OperationID != opReply) {
				continue
			}
			o, err := readOperation(path, op)
			if err != nil {
				return nil, err
			}
			out[op.OperationID] = o
		}
	}
	for _, id := range []string{opCompose, opReply} {
		if out[id] == nil {
			return nil, fmt.Errorf("%w: the spec has no POST operation %s with a form body", ErrUsage, id)
		}
	}
	return out, nil
}

func readOperation(path string, op *openapi3.Operation) (*operation, error) {
	o := &operation{id: op.OperationID, path: path, op: op, required: map[string]bool{}, keyForms: map[string]string{}}
	if op.RequestBody == nil || op.RequestBody.Value == nil {
		return nil, fmt.Errorf("%w: %s has no request body", ErrUsage, op.OperationID)
	}
	mt := op.RequestBody.Value.Content.Get(formURLEncoded)
	if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
		return nil, fmt.Errorf("%w: %s has no %s body", ErrUsage, op.OperationID, formURLEncoded)
	}
	o.body = mt.Schema.Value
	o.multipart = op.RequestBody.Value.Content.Get("multipart/form-data") != nil
	for name := range o.body.Properties {
		o.props = append(o.props, name)
	}
	sort.Strings(o.props)
	for _, r := range o.body.Required {
		o.required[r] = true
	}
	o.closed = o.body.Extensions[contract.ExtCustomFieldsClosed] != nil
	// x-cerb-key-patterns is on the form (2.2.0) or on its additionalProperties schema
	// (2.1.0).
	patterns := o.body.Extensions[extKeyPatterns]
	if ap := o.body.AdditionalProperties.Schema; patterns == nil && ap != nil && ap.Value != nil {
		patterns = ap.Value.Extensions[extKeyPatterns]
	}
	if !o.closed {
		for form, re := range stringMap(patterns) {
			o.keyForms[form] = re
		}
	}
	for _, p := range op.Parameters {
		if p.Value != nil && p.Value.In == openapi3.ParameterInQuery {
			o.query = append(o.query, p.Value)
		}
	}
	sort.Slice(o.query, func(i, j int) bool { return o.query[i].Name < o.query[j].Name })
	if r := op.Responses.Status(200); r != nil && r.Value != nil {
		for _, msgs := range stringLists(r.Value.Extensions[extErrorMessages]) {
			for _, m := range msgs {
				o.messages = append(o.messages, messagePattern(m))
			}
		}
	}
	return o, nil
}

// messagePattern turns a listed message into a pattern: <name> stands for any text.
func messagePattern(m string) *regexp.Regexp {
	parts := regexp.MustCompile(`<[a-z_]+>`).Split(m, -1)
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile("^" + strings.Join(parts, ".*") + "$")
}

// documented reports whether the operation's spec lists msg as a known error message.
func (o *operation) documented(msg string) bool {
	for _, re := range o.messages {
		if re.MatchString(msg) {
			return true
		}
	}
	return false
}

// property returns the schema of a declared body property, nil if there is none.
func (o *operation) property(name string) *openapi3.Schema {
	if p := o.body.Properties[name]; p != nil {
		return p.Value
	}
	return nil
}

// facts are the constraints of a schema, gathered through allOf.
type facts struct {
	typ       string
	enum      []any
	minimum   *float64
	pattern   string
	minLength uint64
	items     *openapi3.Schema
	example   any
}

func factsOf(s *openapi3.Schema) facts {
	var f facts
	var walk func(s *openapi3.Schema)
	walk = func(s *openapi3.Schema) {
		if s == nil {
			return
		}
		if f.typ == "" && s.Type != nil && len(s.Type.Slice()) == 1 {
			f.typ = s.Type.Slice()[0]
		}
		if f.enum == nil && len(s.Enum) > 0 {
			f.enum = s.Enum
		}
		if f.minimum == nil && s.Min != nil {
			f.minimum = s.Min
		}
		if f.pattern == "" {
			f.pattern = s.Pattern
		}
		if s.MinLength > f.minLength {
			f.minLength = s.MinLength
		}
		if f.items == nil && s.Items != nil {
			f.items = s.Items.Value
		}
		if f.example == nil {
			f.example = s.Example
		}
		for _, a := range s.AllOf {
			if a != nil {
				walk(a.Value)
			}
		}
	}
	walk(s)
	return f
}

// accepts looks for x-cerb-server-accepts covering keyword on the schema of a field: the
// property's own schema first, then what it is built from (allOf, array items), so that a
// mark on one property does not cover another that shares its component.
func accepts(s *openapi3.Schema, keyword string) (string, bool) {
	seen := map[*openapi3.Schema]bool{}
	var walk func(s *openapi3.Schema) (string, bool)
	walk = func(s *openapi3.Schema) (string, bool) {
		if s == nil || seen[s] {
			return "", false
		}
		seen[s] = true
		if why, ok := mark(s.Extensions, keyword); ok {
			return why, true
		}
		for _, a := range s.AllOf {
			if a != nil {
				if why, ok := walk(a.Value); ok {
					return why, true
				}
			}
		}
		if s.Items != nil {
			return walk(s.Items.Value)
		}
		return "", false
	}
	return walk(s)
}

// mark reads x-cerb-server-accepts for keyword from a schema's extensions.
func mark(ext map[string]any, keyword string) (string, bool) {
	m := stringMap(ext[ExtServerAccepts])
	if why, ok := m[keyword]; ok {
		return why, true
	}
	why, ok := m["*"]
	return why, ok
}

// stringMap reads an extension that maps names to strings, however the loader kept it.
func stringMap(v any) map[string]string {
	out := map[string]string{}
	switch m := v.(type) {
	case map[string]any:
		for k, x := range m {
			out[k] = fmt.Sprint(x)
		}
	case json.RawMessage:
		_ = json.Unmarshal(m, &out)
	}
	return out
}

// stringLists reads an extension that maps names to lists of strings.
func stringLists(v any) map[string][]string {
	out := map[string][]string{}
	switch m := v.(type) {
	case map[string]any:
		for k, x := range m {
			if l, ok := x.([]any); ok {
				for _, s := range l {
					out[k] = append(out[k], fmt.Sprint(s))
				}
			}
		}
	case json.RawMessage:
		_ = json.Unmarshal(m, &out)
	}
	return out
}

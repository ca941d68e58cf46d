package coverage

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/cerb-openapi/cerb-openapi/contract"
)

// The vendor extensions this package reads (see the package documentation).
const (
	ExtKeyPatterns   = "x-cerb-key-patterns"
	ExtErrorMessages = "x-cerb-error-messages"
)

const (
	formURLEncoded = "application/x-www-form-urlencoded"
	formMultipart  = "multipart/form-data"
)

// Coverage counts what a stream of verdicts exercised of one document. Add is not safe for
// concurrent use; contract.Checker.CheckHAR calls its callback from one goroutine.
type Coverage struct {
	spec string
	ops  []*operation
	byID map[string]*operation

	entries, unmatched, unreadable, unrecorded, preflights int
}

type operation struct {
	id, method, path string
	forms            map[string]*openapi3.Schema // form media type → body schema
	fields           []string                    // declared form fields, sorted
	enums            map[string][]string         // field → its enum values as sent
	keyForms         []keyForm
	query            []string
	responses        map[string]*response // declared status code → its variants
	variants         []string             // every variant, in document order

	pairs, unrecordedReq, noResponse, unrecordedResp, unclassified int

	fieldPairs, queryPairs, customPairs, undeclared, variantPairs map[string]int
	enumSent, enumOther                                           map[string]map[string]int
	customKeys                                                    map[string]map[string]bool
	unlisted                                                      map[unlistedKey]int
}

type keyForm struct {
	name string
	re   *regexp.Regexp
}

type response struct {
	code     string
	content  openapi3.Content
	messages map[string][]message // leaf schema name → known messages
}

type message struct {
	text string
	re   *regexp.Regexp
}

type unlistedKey struct{ variant, message string }

// Limits on what is kept of values the traffic chose (undeclared keys, values outside an
// enum): enough to act on, never a copy of the traffic.
const (
	maxDistinct = 50
	maxText     = 60
	maxDepth    = 32
)

// New derives what there is to cover from doc. Operations without an operationId are left
// out: verdicts name operations by it.
func New(doc *openapi3.T) (*Coverage, error) {
	if doc == nil || doc.Paths == nil {
		return nil, errors.New("coverage: the document has no paths")
	}
	c := &Coverage{byID: map[string]*operation{}}
	if doc.Info != nil {
		c.spec = strings.TrimSpace(doc.Info.Title + " " + doc.Info.Version)
	}
	for _, path := range sortedKeys(doc.Paths.Map()) {
		item := doc.Paths.Value(path)
		ops := item.Operations()
		for _, method := range sortedKeys(ops) {
			op := ops[method]
			if op.OperationID == "" {
				continue
			}
			o, err := newOperation(method, path, item, op)
			if err != nil {
				return nil, fmt.Errorf("coverage: %s: %w", op.OperationID, err)
			}
			if _, dup := c.byID[o.id]; dup {
				return nil, fmt.Errorf("coverage: operationId %s is used twice", o.id)
			}
			c.byID[o.id] = o
			c.ops = append(c.ops, o)
		}
	}
	return c, nil
}

func newOperation(method, path string, item *openapi3.PathItem, op *openapi3.Operation) (*operation, error) {
	o := &operation{
		id: op.OperationID, method: method, path: path,
		forms: map[string]*openapi3.Schema{}, enums: map[string][]string{}, responses: map[string]*response{},
		fieldPairs: map[string]int{}, queryPairs: map[string]int{}, customPairs: map[string]int{},
		undeclared: map[string]int{}, variantPairs: map[string]int{},
		enumSent: map[string]map[string]int{}, enumOther: map[string]map[string]int{},
		customKeys: map[string]map[string]bool{}, unlisted: map[unlistedKey]int{},
	}
	if op.RequestBody != nil && op.RequestBody.Value != nil {
		fields := map[string]bool{}
		forms := map[string]keyForm{}
		for _, mt := range sortedKeys(op.RequestBody.Value.Content) {
			media := op.RequestBody.Value.Content[mt]
			base := baseMediaType(mt)
			if (base != formURLEncoded && base != formMultipart) || media.Schema == nil || media.Schema.Value == nil {
				continue
			}
			s := media.Schema.Value
			o.forms[base] = s
			for name, p := range s.Properties {
				fields[name] = true
				if vals := enumValues(p, 0); len(vals) > 0 && o.enums[name] == nil {
					o.enums[name] = vals
				}
			}
			kf, err := keyForms(s)
			if err != nil {
				return nil, fmt.Errorf("%s body: %w", base, err)
			}
			for _, f := range kf {
				forms[f.name] = f
			}
		}
		o.fields = sortedKeys(fields)
		for _, name := range sortedKeys(forms) {
			o.keyForms = append(o.keyForms, forms[name])
		}
	}
	query := map[string]bool{}
	for _, params := range []openapi3.Parameters{item.Parameters, op.Parameters} {
		for _, p := range params {
			if p != nil && p.Value != nil && p.Value.In == openapi3.ParameterInQuery {
				query[p.Value.Name] = true
			}
		}
	}
	o.query = sortedKeys(query)
	if op.Responses != nil {
		for _, code := range sortedKeys(op.Responses.Map()) {
			rr := op.Responses.Map()[code]
			if code == "default" || rr == nil || rr.Value == nil {
				continue // what a proxy answers is not something to aim for
			}
			r, variants, err := newResponse(code, rr.Value)
			if err != nil {
				return nil, fmt.Errorf("response %s: %w", code, err)
			}
			o.responses[strings.ToUpper(code)] = r
			o.variants = append(o.variants, variants...)
		}
	}
	return o, nil
}

func newResponse(code string, rv *openapi3.Response) (*response, []string, error) {
	msgs, err := messages(rv.Extensions[ExtErrorMessages])
	if err != nil {
		return nil, nil, err
	}
	r := &response{code: code, content: rv.Content, messages: msgs}
	if len(rv.Content) == 0 {
		return r, []string{code}, nil
	}
	var names []string
	seen := map[string]bool{}
	for _, mt := range sortedKeys(rv.Content) {
		for _, leaf := range leaves(rv.Content[mt].Schema, "body", 0) {
			if !seen[leaf] {
				seen[leaf] = true
				names = append(names, leaf)
			}
		}
	}
	for leaf := range msgs {
		if !seen[leaf] {
			return nil, nil, fmt.Errorf("%s names %q, which is not a schema of this response (it has %s)", ExtErrorMessages, leaf, strings.Join(names, ", "))
		}
	}
	var variants []string
	for _, leaf := range names {
		if ms := msgs[leaf]; len(ms) > 0 {
			for _, m := range ms {
				variants = append(variants, code+" "+leaf+": "+m.text)
			}
			continue
		}
		variants = append(variants, code+" "+leaf)
	}
	return r, variants, nil
}

// messages reads x-cerb-error-messages: schema name → list of messages.
func messages(ext any) (map[string][]message, error) {
	if ext == nil {
		return nil, nil
	}
	m, ok := ext.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s: want an object of schema name → messages, got %T", ExtErrorMessages, ext)
	}
	out := map[string][]message{}
	for leaf, v := range m {
		list, ok := v.([]any)
		if !ok {
			return nil, fmt.Errorf("%s.%s: want a list of messages, got %T", ExtErrorMessages, leaf, v)
		}
		for _, item := range list {
			text, ok := item.(string)
			if !ok {
				return nil, fmt.Errorf("%s.%s: want a message string, got %T", ExtErrorMessages, leaf, item)
			}
			out[leaf] = append(out[leaf], message{text: text, re: messagePattern(text)})
		}
	}
	return out, nil
}

var placeholder = regexp.MustCompile(`<[^<>]+>`)

// messagePattern matches a message with its <name> placeholders standing for any text.
func messagePattern(text string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`^`)
	last := 0
	for _, loc := range placeholder.FindAllStringIndex(text, -1) {
		b.WriteString(regexp.QuoteMeta(text[last:loc[0]]))
		b.WriteString(`.*`)
		last = loc[1]
	}
	b.WriteString(regexp.QuoteMeta(text[last:]))
	b.WriteString(`$`)
	return regexp.MustCompile(b.String())
}

// keyForms reads x-cerb-key-patterns (form name → regular expression for undeclared keys)
// from the body schema or its additionalProperties schema. A form whose custom fields an
// overlay declared one by one (x-cerb-custom-fields-closed) has none: each field is then a
// declared property, covered as such.
func keyForms(s *openapi3.Schema) ([]keyForm, error) {
	if s.Extensions[contract.ExtCustomFieldsClosed] != nil {
		return nil, nil
	}
	ext := s.Extensions[ExtKeyPatterns]
	if ext == nil && s.AdditionalProperties.Schema != nil && s.AdditionalProperties.Schema.Value != nil {
		ext = s.AdditionalProperties.Schema.Value.Extensions[ExtKeyPatterns]
	}
	if ext == nil {
		return nil, nil
	}
	m, ok := ext.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s: want an object of form name → regular expression, got %T", ExtKeyPatterns, ext)
	}
	var out []keyForm
	for _, name := range sortedKeys(m) {
		expr, ok := m[name].(string)
		if !ok {
			return nil, fmt.Errorf("%s.%s: want a regular expression string, got %T", ExtKeyPatterns, name, m[name])
		}
		re, err := regexp.Compile(expr)
		if err != nil {
			return nil, fmt.Errorf("%s.%s: %w", ExtKeyPatterns, name, err)
		}
		out = append(out, keyForm{name: name, re: re})
	}
	return out, nil
}

// enumValues returns the enum of a field as the text a form carries, looking through allOf
// and into array items.
func enumValues(ref *openapi3.SchemaRef, depth int) []string {
	if ref == nil || ref.Value == nil || depth > maxDepth {
		return nil
	}
	s := ref.Value
	if len(s.Enum) > 0 {
		out := make([]string, len(s.Enum))
		for i, v := range s.Enum {
			out[i] = formText(v)
		}
		return out
	}
	for _, sub := range s.AllOf {
		if vals := enumValues(sub, depth+1); len(vals) > 0 {
			return vals
		}
	}
	if s.Type.Is("array") {
		return enumValues(s.Items, depth+1)
	}
	return nil
}

// formText writes an enum value as a form field carries it.
func formText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		if v {
			return "1"
		}
		return "0"
	}
	return fmt.Sprint(v)
}

// leaves lists the names of the branches at the bottom of a schema's oneOf/anyOf tree.
func leaves(ref *openapi3.SchemaRef, fallback string, depth int) []string {
	if ref == nil || ref.Value == nil || depth > maxDepth {
		return nil
	}
	name := schemaName(ref, fallback)
	branches := ref.Value.OneOf
	if len(branches) == 0 {
		branches = ref.Value.AnyOf
	}
	if len(branches) == 0 {
		return []string{name}
	}
	var out []string
	for i, b := range branches {
		out = append(out, leaves(b, fmt.Sprintf("%s/%d", name, i), depth+1)...)
	}
	return out
}

// classify finds the leaf a value belongs to: by discriminator where there is one, else by
// the first branch the value validates against.
func classify(ref *openapi3.SchemaRef, v any, fallback string, depth int) (string, bool) {
	if ref == nil || ref.Value == nil || depth > maxDepth {
		return "", false
	}
	s := ref.Value
	name := schemaName(ref, fallback)
	branches := s.OneOf
	if len(branches) == 0 {
		branches = s.AnyOf
	}
	if len(branches) == 0 {
		return name, true
	}
	if d := s.Discriminator; d != nil {
		if obj, ok := v.(map[string]any); ok {
			if key, ok := obj[d.PropertyName].(string); ok {
				target, mapped := d.Mapping[key]
				for i, b := range branches {
					if (mapped && target.Ref == b.Ref) || (!mapped && schemaName(b, "") == key) {
						return classify(b, v, fmt.Sprintf("%s/%d", name, i), depth+1)
					}
				}
			}
		}
	}
	for i, b := range branches {
		if b != nil && b.Value != nil && b.Value.VisitJSON(v) == nil {
			return classify(b, v, fmt.Sprintf("%s/%d", name, i), depth+1)
		}
	}
	return "", false
}

// schemaName is a schema's component name, else its title, else fallback.
func schemaName(ref *openapi3.SchemaRef, fallback string) string {
	if ref.Ref != "" {
		return ref.Ref[strings.LastIndex(ref.Ref, "/")+1:]
	}
	if ref.Value != nil && ref.Value.Title != "" {
		return ref.Value.Title
	}
	return fallback
}

// Add counts one verdict.
func (c *Coverage) Add(r contract.EntryResult) {
	c.entries++
	switch {
	case r.Err != nil:
		c.unreadable++
		return
	case r.Preflight != nil:
		c.preflights++
		return
	}
	o := c.byID[r.Operation]
	if o == nil {
		c.unmatched++
		return
	}
	o.pairs++
	reqUnrecorded := r.Request.Unrecorded != ""
	respUnrecorded := r.Response != nil && r.Response.Unrecorded != ""
	if reqUnrecorded || respUnrecorded {
		c.unrecorded++
	}
	if r.Pair == nil {
		return
	}
	o.countQuery(r.Pair.Request.URL)
	if reqUnrecorded {
		o.unrecordedReq++
	} else {
		o.countRequest(r.Pair.Request)
	}
	switch {
	case r.Pair.Response == nil || r.Pair.Response.Status < 100:
		// HAR writers record a request that got no answer with status 0 or -1.
		o.noResponse++
	case respUnrecorded:
		o.unrecordedResp++
	default:
		o.countResponse(*r.Pair.Response)
	}
}

func (o *operation) countQuery(raw string) {
	u, err := url.Parse(raw)
	if err != nil {
		return
	}
	q := u.Query()
	for _, name := range o.query {
		if _, ok := q[name]; ok {
			o.queryPairs[name]++
		}
	}
}

// countRequest counts the form fields of one request, once per pair each. A body in a media
// type the operation does not declare is what Cerb reads as the empty form: nothing sent.
func (o *operation) countRequest(req contract.Request) {
	ct := req.Header.Get("Content-Type")
	schema := o.forms[baseMediaType(ct)]
	var fields []contract.FormField
	if len(req.Body) == 0 && len(req.Params) > 0 {
		// The HAR kept the decoded fields, not the body text: the checker reads them so too.
		for _, p := range req.Params {
			fields = append(fields, contract.FormField{Key: p.Name, Value: p.Value})
		}
	} else if schema != nil {
		fields, _ = contract.FormFields(ct, req.Body) // what could be decoded was sent
	}
	if schema == nil {
		return
	}
	once := map[string]bool{}
	first := func(k string) bool {
		if once[k] {
			return false
		}
		once[k] = true
		return true
	}
	for _, f := range fields {
		if _, ok := schema.Properties[f.Key]; ok {
			if first("f\x00" + f.Key) {
				o.fieldPairs[f.Key]++
			}
			if vals, ok := o.enums[f.Key]; ok {
				bucket := o.enumOther
				if contains(vals, f.Value) {
					bucket = o.enumSent
				}
				if first("e\x00" + f.Key + "\x00" + f.Value) {
					addCount(bucket, f.Key, clip(f.Value))
				}
			}
			continue
		}
		if form, ok := o.keyForm(f.Key); ok {
			if first("c\x00" + form) {
				o.customPairs[form]++
			}
			if o.customKeys[form] == nil {
				o.customKeys[form] = map[string]bool{}
			}
			if len(o.customKeys[form]) < maxDistinct {
				o.customKeys[form][clip(f.Key)] = true
			}
			continue
		}
		if k := clip(f.Key); first("u\x00"+k) && (o.undeclared[k] > 0 || len(o.undeclared) < maxDistinct) {
			o.undeclared[k]++
		}
	}
}

func (o *operation) keyForm(key string) (string, bool) {
	for _, f := range o.keyForms {
		if f.re.MatchString(key) {
			return f.name, true
		}
	}
	return "", false
}

// countResponse finds the variant of one response.
func (o *operation) countResponse(resp contract.Response) {
	def := o.responses[strconv.Itoa(resp.Status)]
	if def == nil {
		def = o.responses[fmt.Sprintf("%dXX", resp.Status/100)]
	}
	if def == nil {
		o.unclassified++
		return
	}
	if len(def.content) == 0 {
		o.variantPairs[def.code]++
		return
	}
	base := baseMediaType(resp.Header.Get("Content-Type"))
	media := def.content.Get(base)
	if media == nil {
		o.unclassified++
		return
	}
	var v any
	if base == "application/json" || strings.HasSuffix(base, "+json") {
		if err := json.Unmarshal(resp.Body, &v); err != nil {
			o.unclassified++
			return
		}
	} else {
		v = string(resp.Body)
	}
	leaf, ok := classify(media.Schema, v, "body", 0)
	if !ok {
		o.unclassified++
		return
	}
	variant := def.code + " " + leaf
	if ms := def.messages[leaf]; len(ms) > 0 {
		obj, _ := v.(map[string]any)
		text, _ := obj["message"].(string)
		matched := false
		for _, m := range ms {
			if m.re.MatchString(text) {
				variant += ": " + m.text
				matched = true
				break
			}
		}
		if !matched {
			k := unlistedKey{variant, clip(text)}
			if o.unlisted[k] > 0 || len(o.unlisted) < maxDistinct {
				o.unlisted[k]++
			}
			return
		}
	}
	o.variantPairs[variant]++
}

func baseMediaType(ct string) string {
	if ct == "" {
		return ""
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return strings.ToLower(strings.TrimSpace(strings.SplitN(ct, ";", 2)[0]))
	}
	return mt
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func addCount(m map[string]map[string]int, k, v string) {
	if m[k] == nil {
		m[k] = map[string]int{}
	}
	if m[k][v] > 0 || len(m[k]) < maxDistinct {
		m[k][v]++
	}
}

// clip keeps a value the traffic chose short and printable.
func clip(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if r := []rune(s); len(r) > maxText {
		return string(r[:maxText]) + "…"
	}
	return s
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

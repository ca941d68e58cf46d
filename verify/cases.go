package verify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/cerb-openapi/cerb-openapi/contract"
)

// Kinds of cases.
const (
	Positive = "positive" // every field and enum value, unicode and long values, both media types
	Random   = "random"   // seeded random combinations of valid values
	Negative = "negative" // one field made invalid (or an id that cannot exist)
)

// Keywords a negative case breaks besides JSON Schema's own.
const (
	violUnknownID   = "unknown-id"   // a valid id of a record that cannot exist
	violContentType = "content-type" // a JSON body, which Cerb does not read
)

// unknownID is an id no record has: the largest INT UNSIGNED, beyond any auto-increment
// a Cerb database reaches, so a probe can never touch a real record.
const unknownID = "4294967295"

// msgRef stands for the message id of a ticket this run created; it is filled in when the
// case is sent, so a reply only ever goes to a ticket verify made.
const msgRef = "\x00message"

// Field is one form field as sent, in order.
type Field struct{ Key, Value string }

// Case is one request verify sends.
type Case struct {
	// Name is unique and stable for a seed: operation/kind/what, e.g.
	// composeTicket/negative/status=9; --case NAME sends it again.
	Name      string
	Operation string
	Kind      string
	// Field is the field the case is about ("" for a whole request).
	Field string
	// Violates is, for a negative case, the keyword its value breaks (required, type,
	// enum, minimum, pattern, minLength, additionalProperties, unknown-id, content-type).
	Violates string
	// UnknownID names a field set to an id that may not exist on this server (a probe, or
	// a value verify cannot know): a documented refusal that names it is not drift.
	UnknownID string
	Multipart bool
	JSON      bool
	Query     []Field
	Form      []Field
}

func (c Case) get(key string) (string, bool) {
	for _, f := range c.Form {
		if f.Key == key {
			return f.Value, true
		}
	}
	return "", false
}

// with returns the fields with key set to values (several for a key[] list), in place of
// any earlier ones.
func with(fields []Field, key string, values ...string) []Field {
	out := make([]Field, 0, len(fields)+len(values))
	placed := false
	for _, f := range fields {
		if f.Key != key {
			out = append(out, f)
			continue
		}
		if !placed {
			placed = true
			for _, v := range values {
				out = append(out, Field{key, v})
			}
		}
	}
	if !placed {
		for _, v := range values {
			out = append(out, Field{key, v})
		}
	}
	return out
}

func without(fields []Field, key string) []Field {
	return slices.DeleteFunc(slices.Clone(fields), func(f Field) bool { return f.Key == key })
}

// encode is the request body of a case, with message ids filled in.
func (c Case) encode(msgID int64) (contentType string, body []byte, err error) {
	fields := make([]Field, len(c.Form))
	for i, f := range c.Form {
		if f.Value == msgRef {
			f.Value = strconv.FormatInt(msgID, 10)
		}
		fields[i] = f
	}
	switch {
	case c.JSON:
		m := map[string]string{}
		for _, f := range fields {
			m[f.Key] = f.Value
		}
		b, err := json.Marshal(m)
		return "application/json", b, err
	case c.Multipart:
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for _, f := range fields {
			if err := mw.WriteField(f.Key, f.Value); err != nil {
				return "", nil, err
			}
		}
		if err := mw.Close(); err != nil {
			return "", nil, err
		}
		return mw.FormDataContentType(), buf.Bytes(), nil
	}
	return formURLEncoded, []byte(formText(fields)), nil
}

// formText is fields url-encoded in their order, as PHP reads them.
func formText(fields []Field) string {
	var b strings.Builder
	for i, f := range fields {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(f.Key))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(f.Value))
	}
	return b.String()
}

// planner generates the cases from the document.
type planner struct {
	ops    map[string]*operation
	chk    *contract.Checker
	base   string // REST root, for the checker's routing
	group  int64
	marker string // every subject starts with it
	run    string // in every address
	now    time.Time
}

// plan is every case of a run, in the order sent: positives (the first composes the
// ticket the replies go to), then negatives, then the random combinations.
func (p *planner) plan(ctx context.Context, seed int64, count int) ([]Case, error) {
	var out []Case
	for _, id := range []string{opCompose, opReply} {
		out = append(out, p.positives(p.ops[id])...)
	}
	for _, id := range []string{opCompose, opReply} {
		out = append(out, p.negatives(ctx, p.ops[id])...)
	}
	out = append(out, p.random(seed, count)...)
	seen := map[string]bool{}
	for _, c := range out {
		if seen[c.Name] {
			return nil, fmt.Errorf("verify: two cases named %s", c.Name)
		}
		seen[c.Name] = true
	}
	return out, nil
}

func (p *planner) addr(role string) string { return "verify-" + p.run + "-" + role + "@example.com" }

// values are the valid values verify sends for a field, first the one of the minimal
// request. Cerb's fields mean things no schema says (which group, which message, who is
// mailed), so those are chosen here; any other field gets its enum or example.
func (p *planner) values(o *operation, name string) []string {
	future := p.now.Add(365 * 24 * time.Hour).Unix()
	switch name {
	case "group_id":
		if o.required[name] {
			return []string{strconv.FormatInt(p.group, 10)}
		}
		return []string{"0", strconv.FormatInt(p.group, 10)}
	case "message_id":
		return []string{msgRef}
	case "dont_send":
		return []string{"1"}
	case "subject":
		return []string{p.marker + " " + o.id}
	case "content":
		return []string{"Sent by cerbcontract verify to compare a Cerb server with its OpenAPI document. Nothing is mailed (dont_send=1)."}
	case "to", "cc", "bcc":
		return []string{p.addr(name), "Verify Person <" + p.addr(name+"2") + ">", p.addr(name) + ", " + p.addr(name+"3")}
	case "bucket_id", "owner_id", "org_id":
		return []string{"0"} // none: another value could be somebody's real record
	case "html_template_id":
		return []string{"1"} // Cerb's installer makes template 1; UnknownID covers a server without it
	case "worker_id", "file_id[]":
		return []string{unknownID} // Cerb ignores an unknown one; a real one is somebody's
	case "send_at":
		return []string{"+1 year", "@" + strconv.FormatInt(future, 10), "now"}
	case "reopen_at":
		return []string{"+2 hours", strconv.FormatInt(p.now.Add(24*time.Hour).Unix(), 10)}
	case "expand":
		return []string{"custom_", "group_,bucket_"}
	}
	f := factsOf(o.property(name))
	if len(f.enum) > 0 {
		var out []string
		for _, e := range f.enum {
			out = append(out, fmt.Sprint(e))
		}
		return out
	}
	if f.example != nil {
		return []string{fmt.Sprint(f.example)}
	}
	if f.typ == "array" && f.items != nil {
		// One value of the list (custom_7[]): its items' enum or example.
		fi := factsOf(f.items)
		var out []string
		for _, e := range fi.enum {
			out = append(out, fmt.Sprint(e))
		}
		if len(out) == 0 && fi.example != nil {
			out = []string{fmt.Sprint(fi.example)}
		}
		if len(out) > 0 {
			return out
		}
	}
	switch f.typ {
	case "integer", "number":
		return []string{"1"}
	case "array":
		return []string{"1"}
	}
	return []string{"cerbcontract verify"}
}

// queryValues are the valid values of a query parameter.
func (p *planner) queryValues(o *operation, q string) []string {
	if q == "expand" {
		return []string{"custom_", "group_,bucket_,owner_"}
	}
	var f facts
	if prm := paramByName(o, q); prm != nil && prm.Schema != nil {
		f = factsOf(prm.Schema.Value)
	}
	var out []string
	for _, e := range f.enum {
		out = append(out, fmt.Sprint(e))
	}
	if len(out) == 0 {
		out = []string{"1"}
	}
	return out
}

// minimal is the smallest valid request: the required fields and dont_send=1.
func (p *planner) minimal(o *operation) []Field {
	var fields []Field
	for _, name := range o.props {
		if o.required[name] {
			fields = append(fields, Field{name, p.values(o, name)[0]})
		}
	}
	return with(fields, "dont_send", "1")
}

// draftSafe drops the recipients of a compose with send_at, which may queue a draft (Cerb
// 10.4.10 queues one even for "now"): a draft keeps no dont_send, so a server that runs its
// scheduler would mail them later.
func (p *planner) draftSafe(o *operation, c Case) Case {
	if o.id != opCompose {
		return c
	}
	if _, ok := c.get("send_at"); !ok {
		return c
	}
	for _, k := range []string{"to", "cc", "bcc"} {
		if !o.required[k] {
			c.Form = without(c.Form, k)
		}
	}
	return c
}

func (p *planner) positives(o *operation) []Case {
	base := p.minimal(o)
	mk := func(what, field string, form []Field, q []Field, mp bool) Case {
		c := Case{Name: o.id + "/" + Positive + "/" + what, Operation: o.id, Kind: Positive, Field: field, Form: form, Query: q, Multipart: mp}
		if v, ok := c.get("html_template_id"); ok && v != "0" {
			c.UnknownID = "html_template_id"
		}
		return p.draftSafe(o, c)
	}
	out := []Case{mk("minimal", "", base, nil, false)}
	if o.multipart {
		out = append(out, mk("minimal/multipart", "", base, nil, true))
	}
	for _, name := range o.props {
		vals := p.values(o, name)
		for i, v := range vals {
			if o.required[name] && i == 0 || name == "dont_send" {
				continue
			}
			what := name + "=" + v
			switch {
			case len(vals) == 1:
				what = name
			case len(v) > 24 || strings.ContainsAny(v, " /<>\x00"):
				what = fmt.Sprintf("%s/%d", name, i+1)
			}
			out = append(out, mk(what, name, with(base, name, v), nil, false))
		}
	}
	for _, form := range sortedKeys(o.keyForms) {
		key := strings.Replace(form, "<id>", unknownID, 1)
		vals := []string{"cerbcontract verify"}
		if strings.HasSuffix(key, "[]") {
			vals = []string{"billing", "bug"}
		}
		out = append(out, mk(form, key, with(base, key, vals...), nil, false))
	}
	for _, q := range o.query {
		for _, v := range p.queryValues(o, q.Name) {
			out = append(out, mk("query/"+q.Name+"="+v, q.Name, base, []Field{{q.Name, v}}, false))
		}
	}
	uni := with(base, "content", "Ünïcödé ✓ 日本語 🎉 עברית e\u0301\nzweite Zeile\ttab")
	if _, ok := o.body.Properties["subject"]; ok {
		uni = with(uni, "subject", p.marker+" Ünïcödé ✓ 日本語 🎉")
	}
	long := with(base, "content", strings.Repeat("A long message for cerbcontract verify, 64 bytes in each line.\n", 4096))
	if _, ok := o.body.Properties["subject"]; ok {
		long = with(long, "subject", p.marker+" "+strings.Repeat("long subject ", 12))
	}
	out = append(out, mk("unicode", "", uni, nil, false), mk("long", "", long, nil, false))
	if o.multipart {
		out = append(out, mk("unicode/multipart", "", uni, nil, true), mk("long/multipart", "", long, nil, true))
	}
	return out
}

// random is count combinations of valid values, the same for the same seed.
func (p *planner) random(seed int64, count int) []Case {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
	var out []Case
	for i := range count {
		o := p.ops[opCompose]
		if rng.IntN(2) == 1 {
			o = p.ops[opReply]
		}
		c := Case{Name: fmt.Sprintf("%s/%s/%d", o.id, Random, i), Operation: o.id, Kind: Random, Form: p.minimal(o)}
		for _, name := range o.props {
			if o.required[name] || name == "dont_send" || rng.Float64() >= 0.35 {
				continue
			}
			vals := p.values(o, name)
			c.Form = with(c.Form, name, vals[rng.IntN(len(vals))])
		}
		for _, form := range sortedKeys(o.keyForms) {
			if rng.Float64() < 0.25 {
				c.Form = with(c.Form, strings.Replace(form, "<id>", unknownID, 1), "bug")
			}
		}
		for _, q := range o.query {
			if rng.Float64() < 0.3 {
				vals := p.queryValues(o, q.Name)
				c.Query = append(c.Query, Field{q.Name, vals[rng.IntN(len(vals))]})
			}
		}
		c.Multipart = o.multipart && rng.Float64() < 0.25
		if v, ok := c.get("html_template_id"); ok && v != "0" {
			c.UnknownID = "html_template_id"
		}
		out = append(out, p.draftSafe(o, c))
	}
	return out
}

// negatives make one field at a time invalid in the minimal request. A candidate value
// becomes a case only when the checker (the spec) refuses it at that field: the spec
// decides what is invalid, so a spec that drops a constraint loses the case, and a spec
// that adds one (a required to) gains it.
func (p *planner) negatives(ctx context.Context, o *operation) []Case {
	base := p.minimal(o)
	var out []Case
	add := func(c Case, probe bool) {
		c.Operation, c.Kind = o.id, Negative
		c.Name = o.id + "/" + Negative + "/" + c.Name
		if c.Form == nil {
			c.Form = base
		}
		if probe && !p.refuses(ctx, o, c, c.Field) {
			return
		}
		out = append(out, c)
	}
	for _, name := range o.props {
		if !o.required[name] {
			continue
		}
		add(Case{Name: name + "-missing", Field: name, Violates: "required", Form: without(base, name)}, true)
		empty := "minLength"
		if t := factsOf(o.property(name)).typ; t != "string" {
			empty = "type"
		}
		add(Case{Name: name + "-empty", Field: name, Violates: empty, Form: with(base, name, "")}, true)
	}
	future := strconv.FormatInt(p.now.Add(365*24*time.Hour).Unix(), 10)
	for _, name := range o.props {
		if name == "dont_send" {
			continue // always 1: it is what keeps verify from mailing anybody
		}
		f := factsOf(o.property(name))
		if f.typ == "array" && f.items != nil {
			// A list breaks in its items (file_id[]: a non-number; custom_7[]: not an option).
			if fi := factsOf(f.items); len(fi.enum) > 0 || fi.pattern != "" {
				f = facts{typ: fi.typ, enum: fi.enum, pattern: fi.pattern}
			}
		}
		var cands []Field // Key: keyword, Value: the value
		if f.typ == "integer" || f.typ == "number" || f.typ == "array" {
			cands = append(cands, Field{"type", "abc"})
		}
		if len(f.enum) > 0 {
			if _, isNum := number(f.enum[0]); isNum {
				top := 0.0
				for _, e := range f.enum {
					n, _ := number(e)
					top = max(top, n)
				}
				cands = append(cands, Field{"enum", strconv.FormatFloat(top+1, 'f', -1, 64)})
				if len(f.enum) > 2 {
					cands = append(cands, Field{"enum", "9"})
				}
			} else {
				cands = append(cands, Field{"enum", "bogus"})
			}
		}
		if f.minimum != nil {
			cands = append(cands, Field{"minimum", strconv.FormatFloat(*f.minimum-1, 'f', -1, 64)})
		} else if f.items != nil && f.items.Min != nil {
			cands = append(cands, Field{"minimum", strconv.FormatFloat(*f.items.Min-1, 'f', -1, 64)})
		}
		if f.pattern != "" {
			cands = append(cands, Field{"pattern", "nobody at example.com"}, Field{"pattern", future})
		}
		sent := map[string]bool{}
		for _, cand := range cands {
			if sent[cand.Value] || cand.Key == "pattern" && sent["pattern"] {
				continue
			}
			label := cand.Value
			if cand.Value == future {
				label = "unix-timestamp"
			}
			n := len(out)
			add(Case{Name: name + "-" + cand.Key + "=" + label, Field: name, Violates: cand.Key, Form: with(base, name, cand.Value)}, true)
			if len(out) > n {
				// One value per keyword is enough, but two for an enum of numbers: the
				// next number and 9 (status 3 is Cerb's "deleted").
				sent[cand.Value], sent[cand.Key] = true, true
			}
		}
	}
	for _, name := range []string{"group_id", "message_id", "bucket_id", "html_template_id", "owner_id", "org_id"} {
		if _, ok := o.body.Properties[name]; ok {
			add(Case{Name: name + "-unknown", Field: name, Violates: violUnknownID, UnknownID: name, Form: with(base, name, unknownID)}, false)
		}
	}
	add(Case{Name: "undeclared-field", Field: "cerbcontract_verify_undeclared", Violates: "additionalProperties", Form: with(base, "cerbcontract_verify_undeclared", "1")}, true)
	if o.closed {
		key := "custom_" + unknownID
		add(Case{Name: "custom-field-unknown", Field: key, Violates: "additionalProperties", Form: with(base, key, "1")}, true)
	}
	add(Case{Name: "json-body", Field: "Content-Type", Violates: violContentType, JSON: true}, false)
	for _, q := range o.query {
		if q.Schema == nil {
			continue
		}
		f := factsOf(q.Schema.Value)
		if len(f.enum) > 0 {
			add(Case{Name: "query/" + q.Name + "-enum=2", Field: q.Name, Violates: "enum", Query: []Field{{q.Name, "2"}}}, true)
		}
		if f.typ == "integer" {
			add(Case{Name: "query/" + q.Name + "-type=abc", Field: q.Name, Violates: "type", Query: []Field{{q.Name, "abc"}}}, true)
		}
	}
	return out
}

// refuses reports whether the spec refuses the case's request at field (security aside:
// the probe carries no credentials).
func (p *planner) refuses(ctx context.Context, o *operation, c Case, field string) bool {
	req, err := p.request(o, c, 1)
	if err != nil {
		return false
	}
	for _, pr := range p.chk.Check(ctx, req, nil).Request.Problems {
		if pr.Where != "security" && fieldOf(pr.Pointer) == field {
			return true
		}
	}
	return false
}

// request is the case as the checker sees it, without credentials.
func (p *planner) request(o *operation, c Case, msgID int64) (contract.Request, error) {
	ct, body, err := c.encode(msgID)
	if err != nil {
		return contract.Request{}, err
	}
	return contract.Request{Method: http.MethodPost, URL: caseURL(p.base, o, c), Header: http.Header{"Content-Type": {ct}}, Body: body}, nil
}

func caseURL(base string, o *operation, c Case) string {
	u := strings.TrimSuffix(base, "/") + o.path
	if len(c.Query) > 0 {
		u += "?" + formText(c.Query)
	}
	return u
}

func paramByName(o *operation, name string) *openapi3.Parameter {
	for _, q := range o.query {
		if q.Name == name {
			return q
		}
	}
	return nil
}

// fieldOf is the field a JSON pointer names: its first segment, unescaped.
func fieldOf(ptr string) string {
	s, _, _ := strings.Cut(strings.TrimPrefix(ptr, "/"), "/")
	return strings.NewReplacer("~1", "/", "~0", "~").Replace(s)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// number is an enum value as a float, however the loader typed it.
func number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}

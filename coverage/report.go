package coverage

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
)

// Report is what was exercised and what never was; its JSON form is the command's
// --format json. Every list is present (empty rather than null), so a script can read
// .operations[].fields.never without checks.
type Report struct {
	// Spec is the document's title and version.
	Spec string `json:"spec"`
	// Entries is every HAR entry read; Pairs those that matched an operation.
	Entries    int `json:"entries"`
	Pairs      int `json:"pairs"`
	Unmatched  int `json:"unmatched"`  // matched no operation of the document
	Unreadable int `json:"unreadable"` // could not be read as a pair
	Unrecorded int `json:"unrecorded"` // pairs with a body that was sent but not recorded
	Preflights int `json:"preflights"` // CORS preflights, not calls of the API
	// Exercised lists the operations with at least one pair (seen) and without (never).
	Exercised  Observed    `json:"exercised"`
	Operations []Operation `json:"operations"`
	// Below lists the --min thresholds not met (see Check).
	Below []Shortfall `json:"below"`
}

// Operation is the coverage of one operation.
type Operation struct {
	Operation string `json:"operation"`
	Method    string `json:"method"`
	Path      string `json:"path"`
	Pairs     int    `json:"pairs"`
	// Unrecorded counts pairs whose request body was not recorded: their fields are not
	// counted.
	Unrecorded int `json:"unrecorded"`
	// Fields are the properties of the form request body.
	Fields Tally `json:"fields"`
	// Undeclared counts form keys sent that are neither fields nor a custom form, by key.
	Undeclared map[string]int `json:"undeclared"`
	// Query are the declared query parameters.
	Query Tally `json:"query"`
	Enums Enums `json:"enums"`
	// Custom are the forms of x-cerb-key-patterns (custom_<id>, custom_<id>[]).
	Custom    Custom    `json:"custom"`
	Responses Responses `json:"responses"`
}

// Tally says which of a list of things were sent and which never were.
type Tally struct {
	Sent  []string `json:"sent"`
	Never []string `json:"never"`
	// Pairs counts the pairs that sent each item.
	Pairs map[string]int `json:"pairs"`
	// Percent is the share of items sent (100 when there is nothing to send).
	Percent float64 `json:"percent"`
}

// Observed is Tally for things received.
type Observed struct {
	Seen    []string       `json:"seen"`
	Never   []string       `json:"never"`
	Pairs   map[string]int `json:"pairs"`
	Percent float64        `json:"percent"`
}

// Enums are the enum values of the fields that have an enum.
type Enums struct {
	// Sent and Total count values over all fields.
	Sent    int     `json:"sent"`
	Total   int     `json:"total"`
	Percent float64 `json:"percent"`
	// Fields maps a field to its values.
	Fields map[string]EnumField `json:"fields"`
}

// EnumField lists a field's enum values as sent on the wire, in the document's order, and
// the values sent that are not in the enum.
type EnumField struct {
	Sent  []string `json:"sent"`
	Never []string `json:"never"`
	Other []string `json:"other"`
}

// Custom is Tally for custom-field forms, with the keys seen for each.
type Custom struct {
	Tally
	Keys map[string][]string `json:"keys"`
}

// Responses are the response variants seen and never seen.
type Responses struct {
	Observed
	// Unlisted are messages of a split variant that the document does not list.
	Unlisted []Unlisted `json:"unlisted"`
	// Unclassified counts responses that fit no variant: a status the document declares
	// only as default or not at all, another media type, or a body that fits no branch.
	Unclassified int `json:"unclassified"`
	NoResponse   int `json:"no_response"` // pairs recorded without a response
	Unrecorded   int `json:"unrecorded"`  // responses whose body was not recorded
}

// Unlisted is a message the document does not list for a variant.
type Unlisted struct {
	Variant string `json:"variant"`
	Message string `json:"message"`
	Pairs   int    `json:"pairs"`
}

// Report builds the report of what was counted so far.
func (c *Coverage) Report() *Report {
	r := &Report{Spec: c.spec, Entries: c.entries, Unmatched: c.unmatched, Unreadable: c.unreadable,
		Unrecorded: c.unrecorded, Preflights: c.preflights, Operations: []Operation{}, Below: []Shortfall{}}
	var ids []string
	opPairs := map[string]int{}
	for _, o := range c.ops {
		r.Pairs += o.pairs
		ids = append(ids, o.id)
		if o.pairs > 0 {
			opPairs[o.id] = o.pairs
		}
		r.Operations = append(r.Operations, o.report())
	}
	r.Exercised = seen(ids, opPairs)
	return r
}

func (o *operation) report() Operation {
	op := Operation{
		Operation: o.id, Method: o.method, Path: o.path, Pairs: o.pairs, Unrecorded: o.unrecordedReq,
		Fields:     tally(o.fields, o.fieldPairs),
		Undeclared: copyCounts(o.undeclared),
		Query:      tally(o.query, o.queryPairs),
		Enums:      Enums{Fields: map[string]EnumField{}},
		Custom:     Custom{Keys: map[string][]string{}},
		Responses: Responses{Observed: seen(o.variants, o.variantPairs), Unlisted: []Unlisted{},
			Unclassified: o.unclassified, NoResponse: o.noResponse, Unrecorded: o.unrecordedResp},
	}
	for _, field := range sortedKeys(o.enums) {
		ef := EnumField{Sent: []string{}, Never: []string{}, Other: sortedKeys(o.enumOther[field])}
		for _, v := range o.enums[field] {
			if o.enumSent[field][v] > 0 {
				ef.Sent = append(ef.Sent, v)
			} else {
				ef.Never = append(ef.Never, v)
			}
		}
		op.Enums.Sent += len(ef.Sent)
		op.Enums.Total += len(o.enums[field])
		op.Enums.Fields[field] = ef
	}
	op.Enums.Percent = percent(op.Enums.Sent, op.Enums.Total)
	var forms []string
	for _, f := range o.keyForms {
		forms = append(forms, f.name)
		if keys := sortedKeys(o.customKeys[f.name]); len(keys) > 0 {
			op.Custom.Keys[f.name] = keys
		}
	}
	op.Custom.Tally = tally(forms, o.customPairs)
	for k, n := range o.unlisted {
		op.Responses.Unlisted = append(op.Responses.Unlisted, Unlisted{Variant: k.variant, Message: k.message, Pairs: n})
	}
	sort.Slice(op.Responses.Unlisted, func(i, j int) bool {
		a, b := op.Responses.Unlisted[i], op.Responses.Unlisted[j]
		if a.Variant != b.Variant {
			return a.Variant < b.Variant
		}
		return a.Message < b.Message
	})
	return op
}

func tally(items []string, pairs map[string]int) Tally {
	s := seen(items, pairs)
	return Tally{Sent: s.Seen, Never: s.Never, Pairs: s.Pairs, Percent: s.Percent}
}

func seen(items []string, pairs map[string]int) Observed {
	s := Observed{Seen: []string{}, Never: []string{}, Pairs: map[string]int{}}
	for _, it := range items {
		if n := pairs[it]; n > 0 {
			s.Seen = append(s.Seen, it)
			s.Pairs[it] = n
		} else {
			s.Never = append(s.Never, it)
		}
	}
	s.Percent = percent(len(s.Seen), len(items))
	return s
}

// percent rounds down to one decimal, so that a share just short of a threshold never
// prints as the threshold.
func percent(n, total int) float64 {
	if total == 0 {
		return 100
	}
	return math.Floor(float64(n)*1000/float64(total)) / 10
}

func copyCounts(m map[string]int) map[string]int {
	out := make(map[string]int, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// WriteText writes the report for people: per operation the gaps first, then what was
// covered, then the totals.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	for _, op := range r.Operations {
		fmt.Fprintf(&b, "%s (%s %s): %s\n", op.Operation, op.Method, op.Path, plural(op.Pairs, "pair"))
		if op.Pairs == 0 {
			fmt.Fprintf(&b, "  NEVER EXERCISED: its %s, %s and %s were never sent or seen\n",
				plural(len(op.Fields.Never), "field"), plural(op.Enums.Total, "enum value"), plural(len(op.Responses.Never), "response variant"))
			continue
		}
		line := func(label, text string) { fmt.Fprintf(&b, "  %-28s %s\n", label+":", text) }
		gap := func(what string, items []string, sep string) {
			if len(items) > 0 {
				line("never "+what, strings.Join(items, sep))
			}
		}
		gap("sent fields", op.Fields.Never, ", ")
		gap("sent query parameters", op.Query.Never, ", ")
		var enums []string
		for _, f := range sortedKeys(op.Enums.Fields) {
			for _, v := range op.Enums.Fields[f].Never {
				enums = append(enums, fmt.Sprintf("%s=%s", f, quoteEmpty(v)))
			}
		}
		gap("sent enum values", enums, ", ")
		gap("sent custom forms", op.Custom.Never, ", ")
		gap("seen responses", op.Responses.Never, "\n"+strings.Repeat(" ", 31))
		for _, u := range op.Responses.Unlisted {
			line("unlisted message", fmt.Sprintf("%s: %q (%s)", u.Variant, u.Message, plural(u.Pairs, "pair")))
		}
		var odd []string
		for _, f := range sortedKeys(op.Enums.Fields) {
			for _, v := range op.Enums.Fields[f].Other {
				odd = append(odd, fmt.Sprintf("%s=%s", f, quoteEmpty(v)))
			}
		}
		if len(odd) > 0 {
			line("sent outside the enums", strings.Join(odd, ", "))
		}
		if len(op.Undeclared) > 0 {
			line("sent undeclared keys", strings.Join(sortedKeys(op.Undeclared), ", "))
		}
		var notes []string
		if n := op.Responses.Unclassified; n > 0 {
			notes = append(notes, fmt.Sprintf("%s fit no response variant", plural(n, "response")))
		}
		if n := op.Responses.NoResponse; n > 0 {
			notes = append(notes, fmt.Sprintf("%s without a response", plural(n, "pair")))
		}
		if n := op.Unrecorded; n > 0 {
			notes = append(notes, fmt.Sprintf("%s with the request body not recorded (fields not counted)", plural(n, "pair")))
		}
		if n := op.Responses.Unrecorded; n > 0 {
			notes = append(notes, fmt.Sprintf("%s with the response body not recorded", plural(n, "pair")))
		}
		if len(notes) > 0 {
			line("note", strings.Join(notes, "; "))
		}
		line("covered", fmt.Sprintf("fields %s, query %s, enum values %s, custom forms %s, responses %s",
			share(len(op.Fields.Sent), len(op.Fields.Sent)+len(op.Fields.Never), op.Fields.Percent),
			share(len(op.Query.Sent), len(op.Query.Sent)+len(op.Query.Never), op.Query.Percent),
			share(op.Enums.Sent, op.Enums.Total, op.Enums.Percent),
			share(len(op.Custom.Sent), len(op.Custom.Sent)+len(op.Custom.Never), op.Custom.Percent),
			share(len(op.Responses.Seen), len(op.Responses.Seen)+len(op.Responses.Never), op.Responses.Percent)))
	}
	fmt.Fprintf(&b, "operations: %s exercised", share(len(r.Exercised.Seen), len(r.Exercised.Seen)+len(r.Exercised.Never), r.Exercised.Percent))
	if len(r.Exercised.Never) > 0 {
		fmt.Fprintf(&b, " (never: %s)", strings.Join(r.Exercised.Never, ", "))
	}
	fmt.Fprintf(&b, "; %s: %d matched an operation, %d matched none, %d unreadable, %d with a body not recorded",
		plural(r.Entries, "entry"), r.Pairs, r.Unmatched, r.Unreadable, r.Unrecorded)
	if r.Preflights > 0 {
		fmt.Fprintf(&b, ", %s", plural(r.Preflights, "CORS preflight"))
	}
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func share(n, total int, pct float64) string {
	return fmt.Sprintf("%d/%d (%s%%)", n, total, formatPercent(pct))
}

func formatPercent(p float64) string {
	return fmt.Sprintf("%g", p)
}

func quoteEmpty(v string) string {
	if v == "" {
		return `""`
	}
	return v
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	switch {
	case strings.HasSuffix(noun, "y"):
		return fmt.Sprintf("%d %sies", n, noun[:len(noun)-1])
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

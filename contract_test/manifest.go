package contracttest

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/cerb-openapi/cerb-openapi/contract"
)

// The manifest states, for every bundled entry, the verdict the checker must give: which
// operation, which request problems (where + pointer), which response problems. Requests the
// real server accepted but this prescriptive spec rejects (status=9, a bare-timestamp send_at,
// invalid UTF-8, …) are expected to be flagged on the field at fault; every recorded response
// of the two operations is expected to validate.
//
//go:embed testdata/manifest.json
var manifestJSON []byte

// Expectation is the expected verdict on one entry.
type Expectation struct {
	Entry     int    `json:"entry"`
	Case      string `json:"case"`
	Operation string `json:"operation"`
	// Request lists the expected request problems as "where pointer" (pointer may be empty).
	Request []string `json:"request"`
	// Response lists the expected response problems; nil when no operation matched.
	Response []string `json:"response"`
}

// Manifest maps a bundled file name (testdata/x.har) to its entries' expectations.
type Manifest map[string][]Expectation

// LoadManifest returns the embedded manifest.
func LoadManifest() (Manifest, error) {
	var m Manifest
	if err := json.Unmarshal(manifestJSON, &m); err != nil {
		return nil, fmt.Errorf("contract_test/testdata/manifest.json: %w", err)
	}
	return m, nil
}

// Lookup finds the expectation for an entry.
func (m Manifest) Lookup(file string, entry int) (Expectation, bool) {
	for _, e := range m[file] {
		if e.Entry == entry {
			return e, true
		}
	}
	return Expectation{}, false
}

// Observed turns a verdict into the manifest's form.
func Observed(r contract.EntryResult) Expectation {
	name, _, _ := strings.Cut(r.Comment, ":")
	e := Expectation{Entry: r.Entry, Case: name, Operation: r.Operation, Request: keys(r.Request.Problems)}
	if r.Err != nil {
		e.Request = []string{"har " + r.Err.Error()}
	}
	if r.Response != nil {
		e.Response = keys(r.Response.Problems)
	}
	return e
}

func keys(ps []contract.Problem) []string {
	out := []string{}
	for _, p := range ps {
		k := strings.TrimSpace(p.Where + " " + p.Pointer)
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// Diff returns "" when the verdict matches the manifest, or what differs.
func (m Manifest) Diff(r contract.EntryResult) string {
	want, ok := m.Lookup(r.File, r.Entry)
	if !ok {
		return fmt.Sprintf("%s#%d: not in the manifest", r.File, r.Entry)
	}
	got := Observed(r)
	var diffs []string
	if got.Operation != want.Operation {
		diffs = append(diffs, fmt.Sprintf("operation %q, want %q", got.Operation, want.Operation))
	}
	if !slices.Equal(got.Request, want.Request) {
		diffs = append(diffs, fmt.Sprintf("request problems %q, want %q", got.Request, want.Request))
	}
	if (got.Response == nil) != (want.Response == nil) || !slices.Equal(got.Response, want.Response) {
		diffs = append(diffs, fmt.Sprintf("response problems %q, want %q", got.Response, want.Response))
	}
	if len(diffs) == 0 {
		return ""
	}
	return fmt.Sprintf("%s#%d (%s): %s", r.File, r.Entry, want.Case, strings.Join(diffs, "; "))
}

// Count returns the number of entries the manifest covers.
func (m Manifest) Count() int {
	n := 0
	for _, es := range m {
		n += len(es)
	}
	return n
}

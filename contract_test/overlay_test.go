package contracttest_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	cerbopenapi "github.com/cerb-openapi/cerb-openapi"
	"github.com/cerb-openapi/cerb-openapi/contract"
	"github.com/cerb-openapi/cerb-openapi/expect"
	"github.com/cerb-openapi/cerb-openapi/har"
	"github.com/cerb-openapi/cerb-openapi/overlay"
)

// kitOverlay is the overlay `cerbcontract fields` writes for the test kit, whose custom
// fields the recordings were made with.
const kitOverlay = "../customfields/testdata/kit.overlay.yaml"

func overlayChecker(t *testing.T) *contract.Checker {
	t.Helper()
	doc, err := overlay.Load(context.Background(), "openapi.yaml", cerbopenapi.Spec, kitOverlay)
	if err != nil {
		t.Fatal(err)
	}
	c, err := contract.NewChecker(context.Background(), contract.WithDocument(doc))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestKitOverlayVerdicts: with the kit's overlay, each recorded custom-field value Cerb
// did not store as sent is flagged on its own field, with what Cerb did; every other
// verdict of every recording (producers' included) is the manifest's, so each valid
// custom-field value passes. Without the overlay the verdicts are the manifest's
// (TestManifest).
func TestKitOverlayVerdicts(t *testing.T) {
	// case → the field flagged and the words of its x-cerb-server-accepts.
	flagged := map[string]struct{ pointer, says string }{
		"compose-custom-dropdown-invalid": {"/custom_4", "the field keeps what it had"},
		"compose-custom-date-invalid":     {"/custom_3", "text it cannot read clears the field"},
		"compose-custom-url-invalid":      {"/custom_8", "a link that does not work"},
		"compose-custom-worker-invalid":   {"/custom_9", "even one no worker has"},
		"reply-custom-number-invalid":     {"/custom_2", "a value without one clears the field"},
		"reply-custom-dropdown-invalid":   {"/custom_4", "the field keeps what it had"},
	}
	m, err := expect.Load(manifestPath)
	if err != nil {
		t.Fatal(err)
	}
	c := overlayChecker(t)
	cmp := m.Compare()
	seen, withCustom := map[string]bool{}, 0
	for _, name := range m.Paths() {
		err := c.CheckFile(context.Background(), name, func(r contract.EntryResult) error {
			cse, _, _ := strings.Cut(r.Comment, ":")
			if r.Err == nil && sendsCustomField(r.Pair) {
				withCustom++
			}
			want, isFlagged := flagged[cse]
			if !isFlagged {
				cmp.Add(r) // a difference is reported by Finish
				return nil
			}
			cmp.Seen(r)
			seen[cse] = true
			var onField []contract.Problem
			for _, p := range r.Request.Problems {
				if p.Where == "body" && p.Pointer == want.pointer {
					onField = append(onField, p)
				}
			}
			base := m.Files[m.Key(name)]
			i := slices.IndexFunc(base, func(e expect.Expectation) bool { return e.Entry == r.Entry })
			if i < 0 {
				t.Fatalf("%s#%d not in the manifest", name, r.Entry)
			}
			got := expect.Observed(r).Request
			wantKeys := slices.Clone(base[i].Request)
			wantKeys = append(wantKeys, "body "+want.pointer)
			slices.Sort(wantKeys)
			if len(onField) != 1 || !slices.Equal(got, wantKeys) {
				t.Errorf("%s (%s#%d): request problems %v, want the manifest's plus body %s", cse, name, r.Entry, got, want.pointer)
				return nil
			}
			if !strings.Contains(onField[0].Message, want.says) {
				t.Errorf("%s: %s: %q does not say what Cerb does (%q)", cse, want.pointer, onField[0].Message, want.says)
			}
			if r.Response == nil || !r.Response.OK {
				t.Errorf("%s: the recorded response (with the ticket's custom fields) fails the overlaid spec: %+v", cse, r.Response)
			}
			return nil
		})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	for _, d := range cmp.Finish() {
		t.Errorf("with the overlay: %s", d)
	}
	for cse := range flagged {
		if !seen[cse] {
			t.Errorf("%s: not among the recordings", cse)
		}
	}
	if withCustom < 10 {
		t.Errorf("only %d recorded requests send a custom field; the bundled recordings have more", withCustom)
	}
}

func sendsCustomField(p *contract.Pair) bool {
	if p == nil {
		return false
	}
	for _, f := range formParams(p) {
		if strings.HasPrefix(f.Name, "custom_") {
			return true
		}
	}
	return false
}

func formParams(p *contract.Pair) []har.NameValue {
	if len(p.Request.Params) > 0 {
		return p.Request.Params
	}
	var out []har.NameValue
	for _, part := range strings.Split(string(p.Request.Body), "&") {
		k, v, _ := strings.Cut(part, "=")
		out = append(out, har.NameValue{Name: k, Value: v})
	}
	return out
}

package contract_test

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"testing"

	cerbopenapi "github.com/cerb-openapi/cerb-openapi"
	"github.com/cerb-openapi/cerb-openapi/contract"
	"github.com/cerb-openapi/cerb-openapi/customfields"
	"github.com/cerb-openapi/cerb-openapi/overlay"
)

// TestSuspectValues: values the contract allows but a JavaScript client sends by mistake
// are warnings on their field's pointer, naming the likely cause; the request still
// conforms (OK) and its outcome is "warned".
func TestSuspectValues(t *testing.T) {
	c := newChecker(t)
	for _, tc := range []struct {
		name   string
		body   string
		want   []want // the warnings, exactly
		errors int    // the problems that are not warnings
	}{
		{"undefined subject", "group_id=1&content=c&subject=undefined", []want{{"body", "/subject", `"undefined" is JavaScript's undefined sent as text`}}, 0},
		{"null content", "group_id=1&subject=s&content=null", []want{{"body", "/content", `"null" is a null sent as text`}}, 0},
		{"NaN custom field", minimal + "&custom_2=NaN", []want{{"body", "/custom_2", `"NaN" is a number that was not one`}}, 0},
		{"object as text", minimal + "&to=%5Bobject+Object%5D", []want{{"body", "/to", `"[object Object]" is an object turned into text`}}, 1},
		{"custom list joined with commas", minimal + "&custom_7%5B%5D=billing%2Cbug", []want{{"body", "/custom_7[]/0", `"billing,bug" in one list item: the client joined the list with commas`}}, 0},
		{"second item", minimal + "&custom_7%5B%5D=feature&custom_7%5B%5D=billing%2Cbug", []want{{"body", "/custom_7[]/1", "Send each value as its own custom_7[]=… field"}}, 0},
		{"file ids joined: an error and its cause", minimal + "&file_id%5B%5D=1%2C2", []want{{"body", "/file_id[]/0", "an id list gives its first id only"}}, 1},
		{"words that only contain them", "group_id=1&subject=s&content=undefined+behaviour&custom_1=null+pointer&to=a%40example.com%2C+b%40example.com", nil, 0},
		{"case matters", minimal + "&custom_1=Undefined&custom_5=NULL", nil, 0},
		{"a single value with a comma", minimal + "&custom_1=Smith%2C+John", nil, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := c.Check(context.Background(), form(tc.body), nil)
			var warnings, errs []contract.Problem
			for _, p := range r.Request.Problems {
				if p.Severity == contract.SeverityWarning {
					warnings = append(warnings, p)
				} else {
					errs = append(errs, p)
				}
			}
			if len(errs) != tc.errors {
				t.Errorf("problems %v, want %d that are not warnings", errs, tc.errors)
			}
			if len(warnings) != len(tc.want) {
				t.Fatalf("warnings %v, want %v", warnings, tc.want)
			}
			for i, w := range tc.want {
				if warnings[i].Pointer != w.pointer || !strings.Contains(warnings[i].Message, w.msg) {
					t.Errorf("warning %v, want %s containing %q", warnings[i], w.pointer, w.msg)
				}
			}
			if tc.errors == 0 && len(tc.want) > 0 && (!r.Request.OK || r.Outcome() != contract.OutcomeWarned) {
				t.Errorf("OK %v, outcome %s: want a conforming, warned request", r.Request.OK, r.Outcome())
			}
		})
	}
}

// TestSuspectCommaOption: an option that holds a comma is not a joined list.
func TestSuspectCommaOption(t *testing.T) {
	ov, err := customfields.Overlay(&customfields.Installation{Fields: []customfields.Field{
		{ID: 7, Name: "Teams", Type: customfields.Checkboxes, Options: []string{"Sales, EMEA", "Support"}},
	}, Workers: []customfields.Worker{}})
	if err != nil {
		t.Fatal(err)
	}
	o, err := overlay.Parse("teams", ov)
	if err != nil {
		t.Fatal(err)
	}
	merged, _, err := o.Apply("openapi.yaml", cerbopenapi.Spec)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := cerbopenapi.LoadBytes(context.Background(), "merged", merged)
	if err != nil {
		t.Fatal(err)
	}
	c, err := contract.NewChecker(context.Background(), contract.WithDocument(doc))
	if err != nil {
		t.Fatal(err)
	}
	body := minimal + "&" + url.Values{"custom_7[]": {"Sales, EMEA", "Support,Sales, EMEA"}}.Encode()
	var got []string
	for _, p := range c.Check(context.Background(), form(body), nil).Request.Problems {
		got = append(got, p.Pointer+" "+p.Severity)
	}
	slices.Sort(got)
	if want := []string{"/custom_7[]/1 ", "/custom_7[]/1 warning"}; !slices.Equal(got, want) {
		t.Errorf("problems %q, want %q (the option passes; the joined item is refused and warned)", got, want)
	}
}

package contract_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	cerbopenapi "github.com/cerb-openapi/cerb-openapi"
	"github.com/cerb-openapi/cerb-openapi/contract"
	"github.com/cerb-openapi/cerb-openapi/overlay"
)

// TestMaxBytes: x-cerb-max-bytes (the kit overlay's single-line and URL fields) counts
// bytes where maxLength counts characters, and a value over both is reported once.
func TestMaxBytes(t *testing.T) {
	doc, err := overlay.Load(context.Background(), "openapi.yaml", cerbopenapi.Spec, "../customfields/testdata/kit.overlay.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c, err := contract.NewChecker(context.Background(), contract.WithDocument(doc))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, field, value string
		want               string // "" for no problem
	}{
		{"255 ASCII bytes", "custom_1", strings.Repeat("a", 255), ""},
		{"127 two-byte characters and one byte", "custom_1", strings.Repeat("é", 127) + "a", ""},
		{"128 two-byte characters", "custom_1", strings.Repeat("é", 128), "256 bytes (128 characters) is over 255 bytes — Cerb keeps the first 255 bytes"},
		{"256 ASCII: maxLength, once", "custom_1", strings.Repeat("a", 256), "maximum string length is 255"},
		{"URL with two-byte characters", "custom_8", "https://x.example/" + strings.Repeat("é", 150), "318 bytes (168 characters) is over 255 bytes"},
		{"multi-line has no limit", "custom_5", strings.Repeat("é", 1000), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			form := url.Values{"group_id": {"1"}, "subject": {"s"}, "content": {"c"}, tc.field: {tc.value}}
			req := contract.Request{Method: "POST", URL: "https://cerb.example/rest/tickets/compose.json",
				Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Authorization": {"Bearer x"}}, Body: []byte(form.Encode())}
			var got []contract.Problem
			for _, p := range c.Check(context.Background(), req, nil).Request.Problems {
				if p.Pointer == "/"+tc.field {
					got = append(got, p)
				}
			}
			switch {
			case tc.want == "" && len(got) > 0:
				t.Errorf("problems %v, want none", got)
			case tc.want != "" && (len(got) != 1 || !strings.Contains(got[0].Message, tc.want)):
				t.Errorf("problems %v, want one containing %q", got, tc.want)
			}
		})
	}
}

package contract_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	cerbopenapi "github.com/cerb-openapi/cerb-openapi"
	"github.com/cerb-openapi/cerb-openapi/contract"
)

// legacy is the minimal compose signed with the legacy scheme under the given header names,
// without an Authorization header.
func legacy(headers map[string]string) contract.Request {
	r := form(minimal)
	r.Header.Del("Authorization")
	r.Header.Set("X-Date", "Wed, 08 Feb 2017 19:53:35 GMT")
	for k, v := range headers {
		r.Header.Set(k, v)
	}
	return r
}

// TestLegacyHeaderNames: Cerb 10.4.10 reads Cerb-Auth, else its older name Cerb5-Auth
// (features/cerberusweb.restapi/api/App.php), and ignores both when Authorization is sent.
// The spec declares each name as its own scheme; the checker accepts exactly those.
func TestLegacyHeaderNames(t *testing.T) {
	const sig = "pjlfmn339fgh:0cfe2f3b06552c060c8e77f7a0c875ee"
	tests := []struct {
		name string
		req  contract.Request
		want []want
	}{
		{"Cerb-Auth", legacy(map[string]string{"Cerb-Auth": sig}), nil},
		{"Cerb5-Auth, the older name", legacy(map[string]string{"Cerb5-Auth": sig}), nil},
		{"Cerb5-Auth redacted by a recorder", legacy(map[string]string{"Cerb5-Auth": "REDACTED"}), nil},
		{"Cerb5-Auth without a date", func() contract.Request {
			r := legacy(map[string]string{"Cerb5-Auth": sig})
			r.Header.Del("X-Date")
			return r
		}(), []want{{"security", "", "Cerb5-Auth needs an X-Date or Date header"}}},
		{"Cerb5-Auth malformed", legacy(map[string]string{"Cerb5-Auth": "no-colon"}),
			[]want{{"security", "", "Cerb5-Auth must be <access_key>:<signature>"}}},
		{"Cerb5-Auth is not read when Cerb-Auth is sent", legacy(map[string]string{"Cerb-Auth": "no-colon", "Cerb5-Auth": sig}),
			[]want{{"security", "", "Cerb5-Auth is ignored by Cerb when a Cerb-Auth header is present"}}},
		{"Cerb5-Auth is not read with Authorization", func() contract.Request {
			r := legacy(map[string]string{"Cerb5-Auth": sig})
			r.Header.Set("Authorization", "Basic dTpw")
			return r
		}(), []want{{"security", "", "Cerb5-Auth is ignored by Cerb when an Authorization header is present"}}},
		{"a name Cerb does not read", legacy(map[string]string{"Cerb6-Auth": sig}),
			[]want{{"security", "", "no Cerb5-Auth header"}}},
	}
	c := newChecker(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := c.Check(context.Background(), tt.req, nil)
			if res.Operation != "composeTicket" {
				t.Fatalf("operation = %q, want composeTicket", res.Operation)
			}
			assertProblems(t, res.Request, tt.want)
		})
	}
}

// TestSecuritySchemesAgree: every credential the checker accepts is one the spec declares,
// so other validators of the document (Prism, openapi-backend) accept the same requests.
// Each legacy header alone, with its date, passes; the document offers exactly these
// alternatives, each of one scheme.
func TestSecuritySchemesAgree(t *testing.T) {
	doc, err := cerbopenapi.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var headers []string
	for name, ref := range doc.Components.SecuritySchemes {
		s := ref.Value
		switch {
		case s.Type == "apiKey" && s.In == "header":
			headers = append(headers, http.CanonicalHeaderKey(s.Name))
		case s.Type == "http" && s.Scheme == "bearer":
		default:
			t.Errorf("scheme %s (%s): the checker does not know it", name, s.Type)
		}
	}
	slices.Sort(headers)
	if want := []string{"Cerb-Auth", "Cerb5-Auth"}; !slices.Equal(headers, want) {
		t.Errorf("apiKey header schemes = %v, want %v (the names Cerb 10.4.10 reads)", headers, want)
	}
	for _, req := range doc.Security {
		if len(req) != 1 {
			t.Errorf("security requirement %v: want one scheme per alternative", req)
		}
	}
	if len(doc.Security) != len(doc.Components.SecuritySchemes) {
		t.Errorf("%d security alternatives for %d schemes", len(doc.Security), len(doc.Components.SecuritySchemes))
	}
	c := newChecker(t)
	for _, h := range headers {
		res := c.Check(context.Background(), legacy(map[string]string{h: "key:0cfe2f3b06552c060c8e77f7a0c875ee"}), nil)
		if !res.Request.OK {
			t.Errorf("%s alone: %v", h, res.Request.Problems)
		}
	}
}

// TestCredentialWarnings: a legacy header beside Authorization is a warning naming the
// header, never its value; alone it is the legacy scheme and no warning.
func TestCredentialWarnings(t *testing.T) {
	c := newChecker(t)
	req := form(minimal)
	req.Header.Set("Cerb-Auth", "the-bearer-token-again")
	req.Header.Set("Cerb5-Auth", "the-bearer-token-again")
	r := c.Check(context.Background(), req, nil)
	var got []string
	for _, p := range r.Request.Problems {
		if strings.Contains(p.Message, "the-bearer-token-again") {
			t.Errorf("a credential reached the message: %s", p)
		}
		got = append(got, p.Where+" "+p.Pointer+" "+p.Severity)
	}
	if want := []string{"header /Cerb-Auth warning", "header /Cerb5-Auth warning"}; strings.Join(got, ",") != strings.Join(want, ",") || !r.Request.OK {
		t.Errorf("problems %q (OK %v), want %q and a conforming request", got, r.Request.OK, want)
	}
	legacy := form(minimal)
	legacy.Header.Del("Authorization")
	legacy.Header.Set("Cerb-Auth", "key:sig")
	legacy.Header.Set("Date", "Wed, 08 Feb 2017 19:53:35 GMT")
	for _, p := range c.Check(context.Background(), legacy, nil).Request.Problems {
		if p.Severity == contract.SeverityWarning {
			t.Errorf("legacy credentials alone: warning %s", p)
		}
	}
}

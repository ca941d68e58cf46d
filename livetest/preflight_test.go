//go:build live

package livetest

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/cerb-openapi/cerb-openapi/contract"
	"github.com/cerb-openapi/cerb-openapi/har"
)

// TestLiveCORSPreflight: what the README and the checker say of a browser's preflight. Cerb
// answers OPTIONS with 501 and no Access-Control-* header, so a browser never sends a
// cross-origin call; the checker reports the preflight as such, naming the call it asks
// about, and does not fail it.
func TestLiveCORSPreflight(t *testing.T) {
	base, _, _, _ := env(t)
	req, err := http.NewRequest(http.MethodOptions, base+"/tickets/compose.json", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Origin", "http://elsewhere.example")
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", "authorization,content-type")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotImplemented {
		t.Errorf("preflight answered %d, want 501 (%q)", resp.StatusCode, body)
	}
	for name := range resp.Header {
		if strings.HasPrefix(http.CanonicalHeaderKey(name), "Access-Control-") {
			t.Errorf("preflight answer has %s: %q", name, resp.Header.Get(name))
		}
	}

	c, err := contract.NewChecker(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var hdrs []har.NameValue
	for name, vs := range req.Header {
		for _, v := range vs {
			hdrs = append(hdrs, har.NameValue{Name: name, Value: v})
		}
	}
	var rh []har.NameValue
	for name, vs := range resp.Header {
		for _, v := range vs {
			rh = append(rh, har.NameValue{Name: name, Value: v})
		}
	}
	e := har.Entry{Request: &har.Request{Method: req.Method, URL: req.URL.String(), Headers: hdrs},
		Response: &har.Response{Status: resp.StatusCode, Headers: rh, Content: har.Content{Size: int64(len(body)), Text: string(body)}}}
	r := c.CheckEntry(context.Background(), "live", 0, e)
	if r.Outcome() != contract.OutcomePreflight || r.Preflight == nil || r.Preflight.Operation != "composeTicket" {
		t.Errorf("checker: outcome %s, preflight %+v; want a preflight for composeTicket", r.Outcome(), r.Preflight)
	}
}

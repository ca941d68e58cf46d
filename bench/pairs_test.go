package bench

import (
	"bytes"
	"context"
	"strings"
	"testing"

	cerbopenapi "github.com/cerb-openapi/cerb-openapi"
	"github.com/cerb-openapi/cerb-openapi/contract"
)

// TestPairs: every benchmarked pair decodes, routes in both kin setups and the checker
// routes it to compose or reply.
func TestPairs(t *testing.T) {
	ctx := context.Background()
	pairs, err := LoadPairs()
	if err != nil {
		t.Fatal(err)
	}
	if len(pairs) < 50 {
		t.Fatalf("only %d pairs", len(pairs))
	}
	c, err := contract.NewChecker(ctx)
	if err != nil {
		t.Fatal(err)
	}
	k, err := NewKin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := range pairs {
		p := &pairs[i]
		if err := DecodeOnly(p.Raw); err != nil {
			t.Errorf("%s: decode: %v", p.Name, err)
		}
		if r := c.Check(ctx, p.Req, p.Resp); r.Operation == "" {
			t.Errorf("%s: checker did not route: %v", p.Name, r.Request.Problems)
		}
		if err := k.Validate(ctx, p); err != nil && strings.HasPrefix(err.Error(), "route:") {
			t.Errorf("%s: kin: %v", p.Name, err)
		}
	}
}

func TestSpecWithRestServer(t *testing.T) {
	s := SpecWithRestServer()
	if !bytes.Contains(s, []byte("servers:\n  - url: /rest\npaths:")) && !bytes.Contains(s, []byte("servers:\n  - url: /rest\n")) {
		t.Fatal("servers not rewritten")
	}
	if bytes.Contains(s, []byte("{host}")) {
		t.Fatal("old servers left")
	}
	if _, err := cerbopenapi.LoadBytes(context.Background(), "rewritten", s); err != nil {
		t.Fatal(err)
	}
}

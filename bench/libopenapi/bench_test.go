package libopenapi

import (
	"context"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"

	"github.com/cerb-openapi/cerb-openapi/bench"
	"github.com/cerb-openapi/cerb-openapi/contract"
)

func newValidator(tb testing.TB) validator.Validator {
	doc, err := libopenapi.NewDocument(bench.SpecWithRestServer())
	if err != nil {
		tb.Fatal(err)
	}
	v, errs := validator.NewValidator(doc,
		config.WithStandardBodyDecoders(),
		config.WithAuthenticationFunc(func(context.Context, *config.AuthenticationInput) error { return nil }),
	)
	if len(errs) > 0 {
		tb.Fatal(errs)
	}
	return v
}

// BenchmarkPair is bench.BenchmarkPair plus libopenapi-validator, all four side by side.
// One op is one pair, taken round-robin over the bundled compose/reply pairs.
func BenchmarkPair(b *testing.B) {
	ctx := context.Background()
	pairs, err := bench.LoadPairs()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("decode", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if err := bench.DecodeOnly(pairs[i%len(pairs)].Raw); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("checker", func(b *testing.B) {
		c, err := contract.NewChecker(ctx)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			p := &pairs[i%len(pairs)]
			if r := c.Check(ctx, p.Req, p.Resp); r.Operation == "" {
				b.Fatalf("%s: not routed", p.Name)
			}
		}
	})
	b.Run("kin", func(b *testing.B) {
		k, err := bench.NewKin(ctx)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			_ = k.Validate(ctx, &pairs[i%len(pairs)])
		}
	})
	b.Run("libopenapi", func(b *testing.B) {
		v := newValidator(b)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			p := &pairs[i%len(pairs)]
			req := p.HTTPRequest()
			_, _ = v.ValidateHttpRequestResponse(req, p.HTTPResponse(req))
		}
	})
}

// TestRoutes: libopenapi-validator finds the operation for every pair (its verdicts differ
// from kin's; see RESULTS.md).
func TestRoutes(t *testing.T) {
	pairs, err := bench.LoadPairs()
	if err != nil {
		t.Fatal(err)
	}
	v := newValidator(t)
	verdicts := map[bool]int{}
	for i := range pairs {
		p := &pairs[i]
		req := p.HTTPRequest()
		ok, errs := v.ValidateHttpRequestResponse(req, p.HTTPResponse(req))
		verdicts[ok]++
		for _, e := range errs {
			if e.ValidationType == "path" {
				t.Errorf("%s: %s", p.Name, e.Message)
			}
		}
	}
	t.Logf("libopenapi-validator: %d pairs valid, %d invalid", verdicts[true], verdicts[false])
}

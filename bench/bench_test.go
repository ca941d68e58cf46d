package bench

import (
	"context"
	"testing"

	"github.com/cerb-openapi/cerb-openapi/contract"
)

// BenchmarkPair: one op is one pair; the pairs are taken round-robin, so ns/op, B/op and
// allocs/op are per-pair means over the bundled compose/reply pairs (for b.N ≫ len(pairs)).
func BenchmarkPair(b *testing.B) {
	ctx := context.Background()
	pairs, err := LoadPairs()
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%d pairs", len(pairs))

	b.Run("decode", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if err := DecodeOnly(pairs[i%len(pairs)].Raw); err != nil {
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
				b.Fatalf("%s: not routed: %v", p.Name, r.Request.Problems)
			}
		}
	})
	b.Run("kin", func(b *testing.B) {
		k, err := NewKin(ctx)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			p := &pairs[i%len(pairs)]
			_ = k.Validate(ctx, p) // the verdict is not the point, routing is checked by TestPairs
		}
	})
}

package bench

import (
	"context"
	"fmt"
	"testing"

	"github.com/cerb-openapi/cerb-openapi/contract"
)

// Peer is one way of processing a pair, benchmarked side by side with the others.
type Peer struct {
	Name string
	// Run processes one pair; an error means the benchmark is not measuring what it should
	// (a verdict differing from another peer's is not an error).
	Run func(ctx context.Context, p *Pair) error
}

// Peers returns the baseline, the project's checker and raw kin-openapi.
func Peers(ctx context.Context) ([]Peer, error) {
	c, err := contract.NewChecker(ctx)
	if err != nil {
		return nil, err
	}
	k, err := NewKin(ctx)
	if err != nil {
		return nil, err
	}
	return []Peer{
		{"decode", func(_ context.Context, p *Pair) error { return DecodeOnly(p.Raw) }},
		{"checker", func(ctx context.Context, p *Pair) error {
			if r := c.Check(ctx, p.Req, p.Resp); r.Operation == "" {
				return fmt.Errorf("%s: not routed: %v", p.Name, r.Request.Problems)
			}
			return nil
		}},
		{"kin", func(ctx context.Context, p *Pair) error {
			_ = k.Validate(ctx, p) // the verdict is not the point; routing is checked by TestPairs
			return nil
		}},
	}, nil
}

// RunPairs benchmarks each peer as a sub-benchmark. One op is one pair, taken round-robin,
// so ns/op, B/op and allocs/op are per-pair means over the pairs (for b.N ≫ len(pairs)).
func RunPairs(b *testing.B, pairs []Pair, peers []Peer) {
	ctx := context.Background()
	for _, peer := range peers {
		b.Run(peer.Name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if err := peer.Run(ctx, &pairs[i%len(pairs)]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

package bench

import (
	"context"
	"testing"
)

// BenchmarkPair compares the baseline, the checker and raw kin-openapi per pair.
func BenchmarkPair(b *testing.B) {
	pairs, err := LoadPairs()
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%d pairs", len(pairs))
	peers, err := Peers(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	RunPairs(b, pairs, peers)
}

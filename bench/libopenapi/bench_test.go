package libopenapi

import (
	"context"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"

	"github.com/cerb-openapi/cerb-openapi/bench"
	"github.com/cerb-openapi/cerb-openapi/har"
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
	pairs, err := bench.LoadPairs()
	if err != nil {
		b.Fatal(err)
	}
	peers, err := bench.Peers(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	v := newValidator(b)
	peers = append(peers, bench.Peer{Name: "libopenapi", Run: func(_ context.Context, p *bench.Pair) error {
		req := p.HTTPRequest()
		_, _ = v.ValidateHttpRequestResponse(req, p.HTTPResponse(req))
		return nil
	}})
	bench.RunPairs(b, pairs, peers)
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

// BenchmarkCLI is bench.BenchmarkCLI plus libopenapi-validator (one goroutine: decode,
// ValidateHttpRequestResponse per entry, validator built in each op like the others' setup),
// all peers on the same generated corpus in one run; one op is the whole file.
//
//	go test -run '^$' -bench CLI -benchtime 1x -count 1 -cpu 1,2 .
func BenchmarkCLI(b *testing.B) {
	path, size := bench.CorpusFile(b)
	peers := bench.FilePeers()
	lib := bench.FilePeer{Name: "libopenapi", Run: func(_ context.Context, path string) (int, error) {
		v := newValidator(b)
		return bench.EachEntry(path, func(e *har.Entry) error {
			if p, ok := bench.PairOf(e); ok {
				req := p.HTTPRequest()
				_, _ = v.ValidateHttpRequestResponse(req, p.HTTPResponse(req))
			}
			return nil
		})
	}}
	// parse, kin, libopenapi, cli
	peers = append(peers[:2], append([]bench.FilePeer{lib}, peers[2:]...)...)
	bench.RunFile(b, path, size, peers)
}

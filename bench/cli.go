package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/cerb-openapi/cerb-openapi/contract"
	"github.com/cerb-openapi/cerb-openapi/har"
	"github.com/cerb-openapi/cerb-openapi/internal/gcpolicy"
	"github.com/cerb-openapi/cerb-openapi/report"
)

// CheckCLI is what `cerbcontract check --format json FILE` does with a file, minus flag
// parsing: the CLI's GC policy, a checker on the embedded document, CheckFile with
// GOMAXPROCS workers, the JSON report to w. It returns the number of entries.
func CheckCLI(ctx context.Context, path string, w io.Writer) (int, error) {
	defer gcpolicy.Apply()()
	c, err := contract.NewChecker(ctx)
	if err != nil {
		return 0, err
	}
	rep, err := report.New("json", w)
	if err != nil {
		return 0, err
	}
	n := 0
	err = c.CheckFile(ctx, path, func(r contract.EntryResult) error {
		n++
		return rep.Entry(r)
	})
	if err != nil {
		return n, err
	}
	return n, rep.Close()
}

// EachEntry decodes the HAR file's entries with a plain encoding/json stream decoder into
// har.Entry, one at a time, and calls fn with each.
func EachEntry(path string, fn func(*har.Entry) error) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	dec := json.NewDecoder(f)
	// Walk to the entries array: { "log" { … "entries" [
	for {
		tok, err := dec.Token()
		if err != nil {
			return 0, err
		}
		if tok == "entries" {
			if _, err := dec.Token(); err != nil {
				return 0, err
			}
			break
		}
	}
	n := 0
	for dec.More() {
		var e har.Entry
		if err := dec.Decode(&e); err != nil {
			return n, err
		}
		if err := fn(&e); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// PairOf makes a Pair of a decoded entry for the per-pair validators (Kin, libopenapi).
func PairOf(e *har.Entry) (Pair, bool) {
	req, resp, err := contract.FromHAR(*e)
	if err != nil || resp == nil {
		return Pair{}, false
	}
	return Pair{Entry: *e, Req: req, Resp: resp}, true
}

// FilePeer is one way of processing a whole HAR file, benchmarked side by side.
type FilePeer struct {
	Name string
	// Run processes the file and returns how many entries it went through.
	Run func(ctx context.Context, path string) (int, error)
}

// FilePeers returns the whole-file peers of this module: the plain encoding/json parse, raw
// kin-openapi (one goroutine: decode, route, ValidateRequest, ValidateResponse per entry)
// and the CLI path. Each includes its setup (loading the document), as a user's run would.
func FilePeers() []FilePeer {
	return []FilePeer{
		{"parse", func(_ context.Context, path string) (int, error) {
			return EachEntry(path, func(*har.Entry) error { return nil })
		}},
		{"kin", func(ctx context.Context, path string) (int, error) {
			k, err := NewKin(ctx)
			if err != nil {
				return 0, err
			}
			return EachEntry(path, func(e *har.Entry) error {
				if p, ok := PairOf(e); ok {
					_ = k.Validate(ctx, &p) // the verdict is not the point
				}
				return nil
			})
		}},
		{"cli", func(ctx context.Context, path string) (int, error) {
			return CheckCLI(ctx, path, io.Discard)
		}},
	}
}

// CorpusFile returns a generated corpus (WriteCorpus) of $CERB_BENCH_PAIRS entries (default
// 10,000), or $CERB_BENCH_CORPUS when set. Generated files are kept in the temporary
// directory and reused.
func CorpusFile(tb testing.TB) (string, int64) {
	tb.Helper()
	path := os.Getenv("CERB_BENCH_CORPUS")
	if path == "" {
		n := 10000
		if s := os.Getenv("CERB_BENCH_PAIRS"); s != "" {
			var err error
			if n, err = strconv.Atoi(s); err != nil {
				tb.Fatalf("CERB_BENCH_PAIRS: %v", err)
			}
		}
		path = filepath.Join(os.TempDir(), fmt.Sprintf("cerbcontract-bench-corpus-v2-%d.har", n))
		if _, err := os.Stat(path); err != nil {
			tmp := path + fmt.Sprintf(".%d.tmp", os.Getpid())
			f, err := os.Create(tmp)
			if err != nil {
				tb.Fatal(err)
			}
			if _, err := WriteCorpus(f, n); err != nil {
				f.Close()
				os.Remove(tmp)
				tb.Fatal(err)
			}
			if err := f.Close(); err != nil {
				tb.Fatal(err)
			}
			if err := os.Rename(tmp, path); err != nil {
				tb.Fatal(err)
			}
		}
	}
	st, err := os.Stat(path)
	if err != nil {
		tb.Fatal(err)
	}
	return path, st.Size()
}

// RunFile benchmarks each peer as a sub-benchmark on the file; one op is the whole file.
func RunFile(b *testing.B, path string, size int64, peers []FilePeer) {
	ctx := context.Background()
	want := -1
	for _, peer := range peers {
		b.Run(peer.Name, func(b *testing.B) {
			b.SetBytes(size)
			for b.Loop() {
				n, err := peer.Run(ctx, path)
				if err != nil {
					b.Fatalf("%s: %v", peer.Name, err)
				}
				if want < 0 {
					want = n
				} else if n != want {
					b.Fatalf("%s went through %d entries, another peer %d", peer.Name, n, want)
				}
			}
		})
	}
}

package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"testing"

	"github.com/cerb-openapi/cerb-openapi/contract"
)

// corpusPairs is the size of the in-memory corpus; one op checks the whole corpus.
const corpusPairs = 2000

// corpus builds a HAR file of n entries by repeating the bundled compose/reply pairs.
func corpus(b *testing.B, n int) []byte {
	b.Helper()
	pairs, err := LoadPairs()
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	buf.WriteString(`{"log":{"version":"1.2","creator":{"name":"bench","version":"1"},"entries":[`)
	for i := range n {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(pairs[i%len(pairs)].Raw)
	}
	buf.WriteString(`]}}`)
	return buf.Bytes()
}

// BenchmarkCorpus compares, per whole corpus, merely decoding it with encoding/json (entries
// streamed, JSON bodies decoded) with checking it (CheckHAR, GOMAXPROCS workers). The target
// of issue 4: checking with all cores (-cpu 2 here) takes no longer than decoding on one
// (-cpu 1). Run: go test -run '^$' -bench Corpus -cpu 1,2 ./bench/
func BenchmarkCorpus(b *testing.B) {
	data := corpus(b, corpusPairs)
	b.Run("decode", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			dec := json.NewDecoder(bytes.NewReader(data))
			// Walk to the entries array: { "log" { "version" … "entries" [
			for {
				tok, err := dec.Token()
				if err != nil {
					b.Fatal(err)
				}
				if tok == "entries" {
					if _, err := dec.Token(); err != nil {
						b.Fatal(err)
					}
					break
				}
			}
			n := 0
			for dec.More() {
				var raw json.RawMessage
				if err := dec.Decode(&raw); err != nil {
					b.Fatal(err)
				}
				if err := DecodeOnly(raw); err != nil {
					b.Fatal(err)
				}
				n++
			}
			if n != corpusPairs {
				b.Fatalf("decoded %d entries", n)
			}
		}
	})
	b.Run("check", func(b *testing.B) {
		c, err := contract.NewChecker(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			n := 0
			err := c.CheckHAR(context.Background(), "corpus.har", io.Reader(bytes.NewReader(data)), func(r contract.EntryResult) error {
				n++
				return r.Err
			})
			if err != nil || n != corpusPairs {
				b.Fatalf("checked %d entries: %v", n, err)
			}
		}
	})
}

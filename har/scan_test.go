package har

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// rawSequence reads every entry with NextRaw and returns what came out, errors included.
func rawSequence(data []byte, fast bool, chunk int) []string {
	var src io.Reader = bytes.NewReader(data)
	if chunk > 0 {
		src = &chunkReader{data: data, n: chunk}
	}
	r := NewReader(src, "f.har")
	r.noFast = !fast
	var out []string
	for i := 0; i < len(data)+2; i++ {
		re, err := r.NextRaw()
		if err != nil {
			out = append(out, fmt.Sprintf("error %T %v", err, err))
			if err == io.EOF {
				break
			}
			continue
		}
		out = append(out, fmt.Sprintf("%s %d %d %q", re.File, re.Index, re.Offset, re.Data))
	}
	return out
}

// chunkReader returns at most n bytes per Read, to cut entries at buffer ends.
type chunkReader struct {
	data []byte
	n    int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(c.data) == 0 {
		return 0, io.EOF
	}
	k := min(c.n, len(p), len(c.data))
	copy(p, c.data[:k])
	c.data = c.data[k:]
	return k, nil
}

func checkSameRaw(t *testing.T, data []byte) {
	t.Helper()
	want := rawSequence(data, false, 0)
	for _, chunk := range []int{0, 1, 7, 4096} {
		if got := rawSequence(data, true, chunk); !reflect.DeepEqual(got, want) {
			t.Fatalf("input %q (chunks of %d):\nfast scanner: %q\njson.Decoder: %q", truncateForLog(data), chunk, got, want)
		}
	}
}

func truncateForLog(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

var scanCases = []string{
	`{"log":{"entries":[]}}`,
	`{"log":{"entries":[ ]}}`,
	`{"log":{"entries":[{}]}}`,
	`{"log":{"entries":[{} , {"a":1}]}}`,
	`{"log":{"entries":[{},]}}`,
	`{"log":{"entries":[,{}]}}`,
	`{"log":{"entries":[{} {}]}}`,
	`{"log":{"entries":[{}}`,
	`{"log":{"entries":[{}`,
	`{"log":{"entries":[{},`,
	`{"log":{"entries":[{"a":`,
	`{"log":{"entries":[1, {}]}}`,
	`{"log":{"entries":[{}, 1, {}]}}`,
	`{"log":{"entries":[{}, "x"]}}`,
	`{"log":{"entries":[{}, null]}}`,
	`{"log":{"entries":[{}, [1]]}}`,
	`{"log":{"entries":[{"a":[1,2,{"b":null}],"c":true,"d":false,"e":-0.5e+3,"f":"x\"\\\/\b\f\n\r\t\u00e9"}]}}`,
	`{"log":{"entries":[{"a":[1,2}]}}`,
	`{"log":{"entries":[{"a":{"b":1]}]}}`,
	`{"log":{"entries":[{"a":"\x"}]}}`,
	`{"log":{"entries":[{"a":"\u12"}]}}`,
	`{"log":{"entries":[{"a":"\u12g4"}]}}`,
	"{\"log\":{\"entries\":[{\"a\":\"\t\"}]}}",
	`{"log":{"entries":[{"a":01}]}}`,
	`{"log":{"entries":[{"a":1.}]}}`,
	`{"log":{"entries":[{"a":1.e5}]}}`,
	`{"log":{"entries":[{"a":-}]}}`,
	`{"log":{"entries":[{"a":1e}]}}`,
	`{"log":{"entries":[{"a":1e+}]}}`,
	`{"log":{"entries":[{"a":tru}]}}`,
	`{"log":{"entries":[{"a":truex}]}}`,
	`{"log":{"entries":[{"a":nul}]}}`,
	`{"log":{"entries":[{"a" 1}]}}`,
	`{"log":{"entries":[{a:1}]}}`,
	`{"log":{"entries":[{"a":1,}]}}`,
	`{"log":{"entries":[{"a":1 "b":2}]}}`,
	`{"log":{"entries":[{"a":[1 2]}]}}`,
	`{"log":{"entries":[{}]}, "x": [}`,
	`{"log":{"entries":[{}}]}}`,
	"\xef\xbb\xbf{\"log\":{\"entries\":[{}, {\"b\":\"\xff\"}]}}",
	`{"log":{"entries":[{"a":"` + strings.Repeat("x", 70000) + `"}, {"b":[` + strings.Repeat("[", 300) + strings.Repeat("]", 300) + `]}]}}`,
	`{"log":{"entries":[{"a":` + strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + `}]}}`,
	`{"log":{"entries":[{"a":` + strings.Repeat("[", 9500) + strings.Repeat("]", 9500) + `}, {}]}}`,
	`{"log":{"version":"1.2","creator":{"name":"x"},"entries":[` + "\r\n\t" + `{"request":{"method":"POST"}}` + "\n,\n" + `{"x":1}` + "\n]\n}}",
}

// TestFastScanMatchesDecoder: the fast scanner delivers exactly what json.Decoder delivered
// (entries, offsets, errors and their offsets), on hand-made cases and on random mutations
// of them and of a bundled recording, whatever the read sizes.
func TestFastScanMatchesDecoder(t *testing.T) {
	inputs := [][]byte{}
	for _, c := range scanCases {
		inputs = append(inputs, []byte(c))
	}
	for _, s := range harSeeds(t) {
		inputs = append(inputs, s)
	}
	for _, in := range inputs {
		checkSameRaw(t, in)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	const alphabet = "{}[],:\"\\ \n\t-0123456789.eE+truefalsnul\x00\x1f\xff"
	n := 1000
	if testing.Short() {
		n = 300
	}
	for range n {
		in := bytes.Clone(inputs[rng.IntN(len(inputs))])
		if len(in) > 4096 {
			in = in[:4096+rng.IntN(len(in)-4096)]
		}
		checkSameRaw(t, mutate(rng, in, alphabet, 4, true))
	}
}

// mutate makes 1 to maxEdits random edits to in with bytes of alphabet: replace, delete,
// insert and, with cut, truncate.
func mutate(rng *rand.Rand, in []byte, alphabet string, maxEdits int, cut bool) []byte {
	ops := 3
	if cut {
		ops = 4
	}
	for range 1 + rng.IntN(maxEdits) {
		if len(in) == 0 {
			break
		}
		i := rng.IntN(len(in))
		switch rng.IntN(ops) {
		case 0:
			in[i] = alphabet[rng.IntN(len(alphabet))]
		case 1:
			in = append(in[:i], in[i+1:]...)
		case 2:
			in = append(in[:i], append([]byte{alphabet[rng.IntN(len(alphabet))]}, in[i:]...)...)
		case 3:
			in = in[:i]
		}
	}
	return in
}

// FuzzFastScan: the fast scanner and json.Decoder agree on arbitrary input.
func FuzzFastScan(f *testing.F) {
	for _, c := range scanCases {
		f.Add([]byte(c))
	}
	for _, s := range harSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkSameRaw(t, data) })
}

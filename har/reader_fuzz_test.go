package har

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// harSeeds returns the seed corpus of the HAR fuzz targets: from each bundled recording, a
// HAR of its first entries with bodies cut to 512 bytes. Whole recordings (up to 4 MB) make
// the fuzzer mutate megabytes per execution and stall it.
func harSeeds(tb testing.TB) [][]byte {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join("..", "contract_test", "testdata", "*.har"))
	if err != nil || len(paths) == 0 {
		tb.Fatalf("no bundled recordings in ../contract_test/testdata (%v)", err)
	}
	var out [][]byte
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		l, err := ReadAll(bytes.NewReader(b), p)
		if err != nil {
			tb.Fatal(err)
		}
		if len(l.Entries) > 2 {
			l.Entries = l.Entries[:2]
		}
		for i := range l.Entries {
			e := &l.Entries[i]
			if pd := e.Request.PostData; pd != nil && len(pd.Text) > 512 {
				pd.Text = pd.Text[:512]
			}
			if len(e.Response.Content.Text) > 512 {
				e.Response.Content.Text = e.Response.Content.Text[:512]
			}
		}
		seed, err := json.MarshalIndent(map[string]Log{"log": l}, "", " ")
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, seed)
	}
	return out
}

const fuzzName = "fuzz/input.har"

// FuzzHARReader feeds arbitrary bytes to the streaming reader: it must not panic, must end
// (io.EOF or a *SyntaxError, after at most one step per input byte), and every error must
// name the file.
func FuzzHARReader(f *testing.F) {
	for _, b := range harSeeds(f) {
		f.Add(b)
		// A recording cut in the middle of an entry.
		f.Add(b[:len(b)/2])
	}
	for _, s := range []string{
		``,
		`   `,
		"\xef\xbb\xbf{\"log\":{\"entries\":[]}}",
		`null`,
		`[]`,
		`{}`,
		`{"log":null}`,
		`{"log":[]}`,
		`{"log":{}}`,
		`{"log":{"entries":null}}`,
		`{"log":{"entries":{}}}`,
		`{"log":{"version":"1.0","entries":[]}}`,
		`{"log":{"version":7,"entries":[]}}`,
		`{"log":{"entries":[null,1,"x",[],{}]}}`,
		`{"log":{"entries":[{"request":{"method":5}},{"request":{},"response":{}}]}}`,
		`{"log":{"entries":[{"request":{"postData":{"text":"!!","encoding":"base64"}},"response":{"content":{"text":"e30=","encoding":"BASE64"}}}]}}`,
		`{"log":{"entries":[{"request":{},"response":{"status":"200"}}]}}`,
		`{"log":{"entries":[{"request":{},"response":{}}`,
		`{"x":[[[[[[[[[[]]]]]]]]]],"log":{"entries":[{"request":{},"response":{}}]}}`,
		`{"log":{"entries":[{"request":{},"response":{}}]}} trailing garbage`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(bytes.NewReader(data), fuzzName)
		for steps := 0; ; steps++ {
			// Each call consumes at least one byte, or ends the stream.
			if steps > len(data)+2 {
				t.Fatalf("reader does not end: %d calls to Next on %d bytes", steps, len(data))
			}
			e, i, err := r.Next()
			if err == io.EOF {
				// Stays ended.
				if _, _, err := r.Next(); err != io.EOF {
					t.Fatalf("Next after io.EOF = %v, want io.EOF", err)
				}
				return
			}
			var se *SyntaxError
			var ee *EntryError
			switch {
			case errors.As(err, &se):
				if se.File != fuzzName || !strings.HasPrefix(err.Error(), fuzzName+": ") {
					t.Fatalf("syntax error does not name the file: %q", err)
				}
				if se.Offset < 0 || se.Offset > int64(len(data)) {
					t.Fatalf("syntax error offset %d outside the %d-byte input: %v", se.Offset, len(data), err)
				}
				if _, _, err := r.Next(); err != io.EOF {
					t.Fatalf("Next after a syntax error = %v, want io.EOF", err)
				}
				return
			case errors.As(err, &ee):
				if ee.File != fuzzName || !strings.HasPrefix(err.Error(), fuzzName+": entry ") || ee.Entry != i {
					t.Fatalf("entry error does not name the file and entry %d: %q", i, err)
				}
				continue
			case err != nil:
				t.Fatalf("Next returned %T %v, want io.EOF, *SyntaxError or *EntryError", err, err)
			}
			if e.Request == nil || e.Response == nil {
				t.Fatalf("entry %d delivered without a request or response", i)
			}
			// The bodies decode or fail with an error, never a panic.
			_, _ = e.Request.Body()
			_, _ = e.Response.Body()
			_ = Header(e.Request.Headers)
		}
	})
}

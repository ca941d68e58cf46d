package har

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func testEntry(i int, body []byte) Entry {
	text, enc := EncodeBody(body)
	return Entry{
		StartedDateTime: "2026-11-29T20:00:00Z",
		Request:         &Request{Method: "POST", URL: "https://cerb.example/rest/tickets/compose.json", HTTPVersion: "HTTP/1.1", Cookies: []Cookie{}, Headers: []NameValue{{Name: "Content-Type", Value: "application/x-www-form-urlencoded"}}, QueryString: []NameValue{}, PostData: &PostData{MimeType: "application/x-www-form-urlencoded", Text: "subject=" + strings.Repeat("x", i)}},
		Response:        &Response{Status: 200, StatusText: "OK", HTTPVersion: "HTTP/1.1", Cookies: []Cookie{}, Headers: []NameValue{}, Content: Content{Size: int64(len(body)), MimeType: "application/json", Text: text, Encoding: enc}},
		Comment:         "case-" + strings.Repeat("x", i),
	}
}

func newFileWriter(t *testing.T) (*Writer, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "out.har")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	w, err := NewWriter(f, path, Creator{Name: "test", Version: "1"}, "")
	if err != nil {
		t.Fatal(err)
	}
	return w, path
}

func TestWriterValidAfterEveryEntry(t *testing.T) {
	w, path := newFileWriter(t)
	bodies := [][]byte{[]byte(`{"a":1}`), {0xff, 0xfe, 'x'}, []byte("<p>&amp; ünïcode</p>"), nil}
	for n := 0; n <= len(bodies); n++ {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		l, err := ReadAll(bytes.NewReader(data), path)
		if err != nil {
			t.Fatalf("after %d entries: %v", n, err)
		}
		if len(l.Entries) != n || l.Version != "1.2" || l.Creator.Name != "test" {
			t.Fatalf("after %d entries: read %d entries, version %q", n, len(l.Entries), l.Version)
		}
		for i, e := range l.Entries {
			got, err := e.Response.Body()
			if err != nil || !bytes.Equal(got, bodies[i]) {
				t.Errorf("entry %d body = %q, %v; want %q", i, got, err, bodies[i])
			}
		}
		if n == len(bodies) {
			break
		}
		if i, err := w.Append(testEntry(n, bodies[n])); err != nil || i != n {
			t.Fatalf("Append %d = %d, %v", n, i, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Append(testEntry(0, nil)); !errors.Is(err, ErrClosed) {
		t.Errorf("Append after Close: %v, want ErrClosed", err)
	}
}

func TestWriterConcurrent(t *testing.T) {
	w, path := newFileWriter(t)
	var wg sync.WaitGroup
	for i := range 100 {
		wg.Go(func() {
			if _, err := w.Append(testEntry(i%7, []byte(`{}`))); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	data, _ := os.ReadFile(path)
	l, err := ReadAll(bytes.NewReader(data), path)
	if err != nil || len(l.Entries) != 100 || w.Len() != 100 {
		t.Fatalf("read %d entries (Len %d): %v", len(l.Entries), w.Len(), err)
	}
}

// TestReaderTruncated cuts a written file at every byte inside its entries: the reader must
// deliver the entries that are complete before the cut and then say the file is truncated.
func TestReaderTruncated(t *testing.T) {
	w, path := newFileWriter(t)
	var ends []int64 // file offset after each entry's JSON
	for i := range 3 {
		if _, err := w.Append(testEntry(i, []byte(`{"n":1}`))); err != nil {
			t.Fatal(err)
		}
		ends = append(ends, w.off)
	}
	data, _ := os.ReadFile(path)
	for cut := int64(0); cut < int64(len(data))-int64(len(trailer))+1; cut++ {
		complete := 0
		for _, e := range ends {
			if e <= cut {
				complete++
			}
		}
		r := NewReader(bytes.NewReader(data[:cut]), "cut.har")
		got := 0
		var err error
		for {
			_, _, err = r.Next()
			if err != nil {
				break
			}
			got++
		}
		if err == io.EOF {
			t.Fatalf("cut at %d: no error, want truncated", cut)
		}
		if cut > 0 && !errors.Is(err, ErrTruncated) {
			t.Fatalf("cut at %d: %v, want ErrTruncated", cut, err)
		}
		if cut > ends[0]-10 && got != complete {
			t.Fatalf("cut at %d: %d entries delivered, want %d", cut, got, complete)
		}
	}
}

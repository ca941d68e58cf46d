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

// diskFull is a file on a disk with room up to limit bytes (negative: no limit): a write
// that would go past it writes what fits and fails, as a full disk does. broken fails every
// write, as a device gone read-only does.
type diskFull struct {
	f      *os.File
	limit  int64
	broken bool
}

func (w *diskFull) WriteAt(p []byte, off int64) (int, error) {
	if w.broken {
		return 0, errors.New("input/output error")
	}
	if w.limit < 0 || off+int64(len(p)) <= w.limit {
		return w.f.WriteAt(p, off)
	}
	n, err := w.f.WriteAt(p[:max(0, w.limit-off)], off)
	if err == nil {
		err = errors.New("no space left on device")
	}
	return n, err
}

func (w *diskFull) Sync() error { return w.f.Sync() }

// truncatable can also be truncated, as *os.File can.
type truncatable struct{ *diskFull }

func (w truncatable) Truncate(size int64) error { return w.f.Truncate(size) }

// A write that fails part-way leaves the file readable with the entries before it, and the
// next entry is written once the disk has room again; with or without Truncate.
func TestWriterFailedAppendKeepsFileValid(t *testing.T) {
	for _, trunc := range []bool{true, false} {
		for _, room := range []int64{0, 1, 3, 5, 6, 40, 300} {
			path := filepath.Join(t.TempDir(), "out.har")
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			disk := &diskFull{f: f, limit: -1}
			var target WriterAtSyncer = disk
			if trunc {
				target = truncatable{disk}
			}
			w, err := NewWriter(target, path, Creator{Name: "test", Version: "1"}, "")
			if err != nil {
				t.Fatal(err)
			}
			read := func(want int) {
				t.Helper()
				data, _ := os.ReadFile(path)
				l, err := ReadAll(bytes.NewReader(data), path)
				if err != nil || len(l.Entries) != want {
					t.Fatalf("truncate=%v room=%d: read %d entries, %v; want %d\n%s", trunc, room, len(l.Entries), err, want, data)
				}
			}
			for i := range 2 {
				if _, err := w.Append(testEntry(i, []byte(`{"n":1}`))); err != nil {
					t.Fatal(err)
				}
			}
			st, _ := f.Stat()
			disk.limit = st.Size() + room
			if _, err := w.Append(testEntry(50, []byte(`{"n":2}`))); err == nil || !strings.Contains(err.Error(), "no space left") {
				t.Fatalf("room %d: Append = %v, want the write error", room, err)
			}
			read(2)
			disk.limit = -1
			if i, err := w.Append(testEntry(3, []byte(`{"n":3}`))); err != nil || i != 2 {
				t.Fatalf("Append after the failure = %d, %v", i, err)
			}
			read(3)
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			f.Close()
		}
	}
}

// When the file cannot be put back either, the writer stops: later entries are refused.
func TestWriterUnrecoverableFailureIsSticky(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.har")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	disk := &diskFull{f: f, limit: -1}
	w, err := NewWriter(disk, path, Creator{Name: "test", Version: "1"}, "")
	if err != nil {
		t.Fatal(err)
	}
	disk.broken = true
	_, err1 := w.Append(testEntry(1, nil))
	disk.broken = false
	_, err2 := w.Append(testEntry(2, nil))
	if err1 == nil || err2 == nil || !strings.Contains(err2.Error(), "no more entries") {
		t.Fatalf("errors %v / %v, want the second Append refused", err1, err2)
	}
}

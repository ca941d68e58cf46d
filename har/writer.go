package har

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"unicode/utf8"
)

// The writer keeps the file closed after every entry: it writes the entry followed by this
// trailer, and the next entry starts where the trailer did. A crash therefore leaves a valid
// HAR file, or at worst one cut inside the entry being written, which Reader reports as
// ErrTruncated after delivering the entries before it.
const trailer = "\n]}}\n"

// WriterAtSyncer is what a Writer writes to; *os.File is one.
type WriterAtSyncer interface {
	io.WriterAt
	Sync() error
}

// Writer appends entries to a HAR 1.2 file. It is safe for concurrent use: each entry is
// appended whole, under a lock, in the order Append is called.
type Writer struct {
	name string

	mu     sync.Mutex
	f      WriterAtSyncer
	off    int64 // where the next entry (or its separating comma) goes: the trailer's offset
	n      int
	err    error // sticky: after a failed write that could not be undone the file's tail is unknown
	closed bool
}

// NewWriter writes the HAR prefix and an empty, closed entries array to f at offset 0; name
// is used in error messages. f should be empty (a truncated new file).
func NewWriter(f WriterAtSyncer, name string, creator Creator, comment string) (*Writer, error) {
	head := struct {
		Version string  `json:"version"`
		Creator Creator `json:"creator"`
		Comment string  `json:"comment,omitempty"`
	}{"1.2", creator, comment}
	meta, err := json.Marshal(head)
	if err != nil {
		return nil, fmt.Errorf("%s: HAR header: %w", name, err)
	}
	// {"log":{"version":…,"creator":…,"entries":[
	prefix := append([]byte(`{"log":`), meta[:len(meta)-1]...)
	prefix = append(prefix, `,"entries":[`...)
	w := &Writer{name: name, f: f, off: int64(len(prefix))}
	if _, err := f.WriteAt(append(prefix, trailer...), 0); err != nil {
		return nil, fmt.Errorf("%s: write HAR header: %w", name, err)
	}
	return w, nil
}

// ErrClosed is returned by Append after Close.
var ErrClosed = errors.New("HAR writer is closed")

// Append writes e and returns its index in the file. The entry is on disk (written, not
// necessarily fsynced) when Append returns, and the file is a complete HAR file again. When
// the write fails, the file is put back to the entries before e and the error returned;
// later entries are still tried, unless putting the file back failed too.
func (w *Writer) Append(e Entry) (int, error) {
	data, err := json.Marshal(e)
	if err != nil {
		return 0, fmt.Errorf("%s: encode entry: %w", w.name, err)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return 0, fmt.Errorf("%s: %w", w.name, ErrClosed)
	}
	if w.err != nil {
		return 0, w.err
	}
	var buf bytes.Buffer
	buf.Grow(len(data) + len(trailer) + 2)
	if w.n > 0 {
		buf.WriteByte(',')
	}
	buf.WriteByte('\n')
	buf.Write(data)
	body := buf.Len()
	buf.WriteString(trailer)
	// One write puts the entry over the old trailer and a new trailer after it.
	if n, err := w.f.WriteAt(buf.Bytes(), w.off); err != nil {
		err = fmt.Errorf("%s: append entry %d at byte %d: %w", w.name, w.n, w.off, err)
		// The write may have stopped part-way (disk full), cutting the file inside this
		// entry: ReadAll would then refuse the whole file. Put the trailer back over it so
		// the file is again the valid HAR of the entries before; only when that fails too
		// is the tail unknown, and then every later Append fails.
		if rerr := w.restore(n); rerr != nil {
			w.err = fmt.Errorf("%w; restoring the end of the file failed too, no more entries are written: %v", err, rerr)
			return 0, w.err
		}
		return 0, err
	}
	w.off += int64(body)
	i := w.n
	w.n++
	return i, nil
}

// restore writes the trailer back at w.off after a write that put n bytes there, blanking
// the rest of those bytes (JSON allows trailing whitespace), and cuts the file after the
// trailer when f can be truncated (*os.File can).
func (w *Writer) restore(n int) error {
	end := []byte(trailer)
	if n > len(end) {
		end = append(end, bytes.Repeat([]byte{' '}, n-len(end))...)
	}
	if _, err := w.f.WriteAt(end, w.off); err != nil {
		return err
	}
	if t, ok := w.f.(interface{ Truncate(int64) error }); ok {
		return t.Truncate(w.off + int64(len(trailer)))
	}
	return nil
}

// Len returns the number of entries written.
func (w *Writer) Len() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.n
}

// Close syncs the file to stable storage. It does not close the underlying file.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return nil
	}
	w.closed = true
	if err := w.f.Sync(); err != nil {
		return fmt.Errorf("%s: sync: %w", w.name, err)
	}
	return w.err
}

// EncodeBody returns body as HAR text: the bytes themselves when they are valid UTF-8, else
// base64 with encoding "base64", so that any body survives JSON exactly.
func EncodeBody(body []byte) (text, encoding string) {
	if utf8.Valid(body) {
		return string(body), ""
	}
	return base64.StdEncoding.EncodeToString(body), "base64"
}

package har

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/cerb-openapi/cerb-openapi/internal/utf8check"
)

// SyntaxError is a HAR file that cannot be read. Entry is the index of the entry being read
// (-1 outside the entries array) and Offset the byte offset where reading stopped.
type SyntaxError struct {
	File   string
	Entry  int
	Offset int64
	Err    error
}

func (e *SyntaxError) Error() string {
	where := e.File
	if e.Entry >= 0 {
		where += fmt.Sprintf(": entry %d", e.Entry)
	}
	return fmt.Sprintf("%s: byte %d: %v", where, e.Offset, e.Err)
}

func (e *SyntaxError) Unwrap() error { return e.Err }

// ErrTruncated reports a file that ends before its JSON is complete, such as a recording
// cut short by a crash. Entries before the cut were delivered.
var ErrTruncated = errors.New("file ends early (truncated HAR)")

// Reader streams the entries of one HAR file.
type Reader struct {
	name  string
	br    *bufio.Reader
	dec   *json.Decoder
	log   Log
	index int
	state int   // 0 before entries, 1 in entries, 2 done
	bom   int64 // bytes of a skipped byte order mark, for offsets
	// base is added to dec.InputOffset() for file offsets: bom, or, once the decoder has
	// been restarted after the fast scanner (slowFrom), where the new decoder starts.
	base int64
	// fast: the entries are being delimited by scan rather than by dec (see NextRaw).
	fast *fastScan
	// noFast keeps the fast scanner off (tests compare the two).
	noFast bool
}

// NewReader returns a reader over r; name is used in error messages.
func NewReader(r io.Reader, name string) *Reader {
	br := bufio.NewReaderSize(r, 64<<10)
	var bom int64
	// A UTF-8 byte order mark, which some Windows tools write, is skipped (RFC 8259 §8.1).
	if b, _ := br.Peek(3); string(b) == "\xef\xbb\xbf" {
		br.Discard(3)
		bom = 3
	}
	return &Reader{name: name, br: br, dec: json.NewDecoder(br), bom: bom, base: bom}
}

// Log returns the log's metadata read so far (version, creator, comment).
func (r *Reader) Log() Log { return r.log }

func (r *Reader) fail(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		err = ErrTruncated
	}
	var se *json.SyntaxError
	if errors.As(err, &se) && strings.HasSuffix(se.Error(), "exceeded max depth") {
		err = fmt.Errorf("JSON nested more than 10000 levels deep, the limit of Go's encoding/json (%w)", err)
	}
	idx := -1
	if r.state == 1 {
		idx = r.index
	}
	r.state = 2
	return &SyntaxError{File: r.name, Entry: idx, Offset: r.base + r.dec.InputOffset(), Err: err}
}

func (r *Reader) expectDelim(want json.Delim, what string) error {
	tok, err := r.dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("expected %s, found %v", what, describe(tok))
	}
	return nil
}

func describe(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		return string(t)
	case string:
		return fmt.Sprintf("string %q", t)
	case nil:
		return "null"
	default:
		return fmt.Sprintf("%v", t)
	}
}

// open walks to the first entry: {"log": {..., "entries": [
func (r *Reader) open() error {
	if err := r.expectDelim('{', "a JSON object (a HAR file starts with {\"log\": …})"); err != nil {
		if errors.Is(err, io.EOF) {
			return errors.New("empty file: not a HAR file")
		}
		return err
	}
	for {
		tok, err := r.dec.Token()
		if err != nil {
			return err
		}
		if d, ok := tok.(json.Delim); ok && d == '}' {
			return errors.New(`no "log" object: not a HAR file`)
		}
		if key, _ := tok.(string); key == "log" {
			break
		}
		var skip json.RawMessage
		if err := r.dec.Decode(&skip); err != nil {
			return err
		}
	}
	if err := r.expectDelim('{', `"log" to be an object`); err != nil {
		return err
	}
	for {
		tok, err := r.dec.Token()
		if err != nil {
			return err
		}
		if d, ok := tok.(json.Delim); ok && d == '}' {
			return errors.New(`"log" has no "entries" array`)
		}
		key, _ := tok.(string)
		switch key {
		case "entries":
			if r.log.Version != "" && r.log.Version != "1.2" && r.log.Version != "1.1" {
				return fmt.Errorf("unsupported HAR version %q (want 1.2)", r.log.Version)
			}
			tok, err := r.dec.Token()
			if err != nil {
				return err
			}
			if d, ok := tok.(json.Delim); !ok || d != '[' {
				return fmt.Errorf(`"entries" must be an array, found %s`, describe(tok))
			}
			return nil
		case "version":
			if err := r.dec.Decode(&r.log.Version); err != nil {
				return fmt.Errorf(`"log.version": %w`, err)
			}
		case "creator":
			if err := r.dec.Decode(&r.log.Creator); err != nil {
				return fmt.Errorf(`"log.creator": %w`, err)
			}
		case "comment":
			if err := r.dec.Decode(&r.log.Comment); err != nil {
				return fmt.Errorf(`"log.comment": %w`, err)
			}
		default:
			var skip json.RawMessage
			if err := r.dec.Decode(&skip); err != nil {
				return err
			}
		}
	}
}

// Next returns the next entry and its index, or io.EOF after the last one. Broken JSON ends
// the stream with a *SyntaxError naming the file, the entry and the byte offset; an entry
// that is valid JSON but not a usable pair (a wrong type, no request or response) gives an
// *EntryError, and the next call goes on with the following entry.
func (r *Reader) Next() (Entry, int, error) {
	re, err := r.NextRaw()
	if err != nil {
		return Entry{}, 0, err
	}
	e, err := re.Decode()
	return e, re.Index, err
}

// NextRaw returns the next entry undecoded, or io.EOF after the last one; broken JSON ends
// the stream with a *SyntaxError.
func (r *Reader) NextRaw() (RawEntry, error) {
	switch r.state {
	case 2:
		return RawEntry{}, io.EOF
	case 0:
		if err := r.open(); err != nil {
			return RawEntry{}, r.fail(err)
		}
		r.state = 1
		// From here on the entries are delimited by the fast scanner, which reads what the
		// decoder has buffered and then the file.
		if !r.noFast {
			r.fast = &fastScan{src: io.MultiReader(r.dec.Buffered(), r.br), off: r.base + r.dec.InputOffset()}
		}
	}
	if r.fast != nil {
		re, err := r.nextFast()
		if err != errSlow {
			return re, err
		}
	}
	if !r.dec.More() {
		// Closing ']' of entries; the rest of the log is not needed.
		if _, err := r.dec.Token(); err != nil {
			return RawEntry{}, r.fail(err)
		}
		r.state = 2
		return RawEntry{}, io.EOF
	}
	// The entry is read raw first: the decoder silently replaces bytes that are not UTF-8
	// with U+FFFD, so a body recorded as raw Latin-1 or binary would be checked as a body
	// that was never sent.
	var raw json.RawMessage
	if err := r.dec.Decode(&raw); err != nil {
		return RawEntry{}, r.fail(err)
	}
	re := RawEntry{File: r.name, Index: r.index, Data: raw, Offset: r.base + r.dec.InputOffset() - int64(len(raw))}
	r.index++
	return re, nil
}

// RawEntry is one entry's JSON, not yet decoded: NextRaw is cheap, so a caller can decode
// entries in parallel while one goroutine reads the file.
type RawEntry struct {
	File   string
	Index  int
	Data   json.RawMessage
	Offset int64 // byte offset of the entry in the file
}

// Decode decodes the entry. An entry that is not UTF-8, of the wrong shape or without a
// request or response gives an *EntryError.
func (re RawEntry) Decode() (Entry, error) {
	fail := func(err error) (Entry, error) {
		return Entry{}, &EntryError{File: re.File, Entry: re.Index, Err: err}
	}
	if !utf8.Valid(re.Data) {
		at := re.Offset + int64(utf8check.FirstInvalid(re.Data))
		return fail(fmt.Errorf("byte %d: text that is not UTF-8 (a JSON file must be UTF-8; record binary or non-UTF-8 bodies in base64 with \"encoding\": \"base64\")", at))
	}
	// The usual entry is decoded by fastDecode; anything unusual by encoding/json.
	e, ok := fastDecode(re.Data)
	if !ok {
		e = Entry{}
		err := json.Unmarshal(re.Data, &e)
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			// The entry is valid JSON of the wrong shape: report it and let the caller go on.
			if typeErr.Field == "" {
				return fail(fmt.Errorf("entry is a %s, not an object", typeErr.Value))
			}
			return fail(fmt.Errorf("field %q: %s value where %s expected", typeErr.Field, typeErr.Value, typeErr.Type))
		}
		if err != nil {
			return fail(err)
		}
	}
	if e.Request == nil || e.Response == nil {
		missing := "request"
		if e.Request != nil {
			missing = "response"
		}
		return fail(fmt.Errorf("entry has no %q object", missing))
	}
	return e, nil
}

// EntryError is one unreadable entry; the stream goes on after it.
type EntryError struct {
	File  string
	Entry int
	Err   error
}

func (e *EntryError) Error() string {
	return fmt.Sprintf("%s: entry %d: %v", e.File, e.Entry, e.Err)
}

func (e *EntryError) Unwrap() error { return e.Err }

// ReadAll reads every entry of a HAR file; use Reader for large files.
func ReadAll(rd io.Reader, name string) (Log, error) {
	r := NewReader(rd, name)
	var entries []Entry
	for {
		e, _, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return Log{}, err
		}
		entries = append(entries, e)
	}
	l := r.Log()
	l.Entries = entries
	return l, nil
}

package har

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
)

// The entries of a HAR file are delimited by a small validating scanner rather than by
// json.Decoder, which reads every byte twice (once to find the end of the value, once more
// to check it while copying it into a json.RawMessage) on the one goroutine that feeds the
// checker's workers. The scanner accepts only what encoding/json accepts, and only the
// usual shape ({…} entries separated by commas, then ]); on anything else — a syntax error,
// the end of the file inside an entry, a read error, nesting deeper than json allows, a
// value that is not an object — it hands the rest of the stream, from the end of the last
// entry it delivered, to a json.Decoder in the state the old reader had there, so errors,
// their offsets and what is delivered before them are exactly those of json.Decoder.

// errSlow: the fast scanner gave up; r.dec continues.
var errSlow = errors.New("har: continue with json.Decoder")

// fastScan is the state of the fast scanner.
type fastScan struct {
	src      io.Reader
	buf      []byte
	pos, end int   // buf[pos:end] is not delivered yet; pos is just after the last entry
	off      int64 // file offset of buf[0]
	n        int   // entries delivered
	eof      bool
	err      error // read error other than io.EOF
}

const fastBufSize = 256 << 10

// fill makes room (dropping buf[:pos]), growing the buffer when it is full, and reads until
// it is full again or the input ends: the scan of an unfinished entry starts over after each
// fill, so filling it whole keeps the work linear whatever the sizes of the reads. It
// returns false when nothing more could be read.
func (f *fastScan) fill() bool {
	if f.eof || f.err != nil {
		return false
	}
	if f.pos > 0 {
		n := copy(f.buf, f.buf[f.pos:f.end])
		f.off += int64(f.pos)
		f.pos, f.end = 0, n
	}
	if f.end == len(f.buf) {
		size := 2 * len(f.buf)
		if size < fastBufSize {
			size = fastBufSize
		}
		nb := make([]byte, size)
		copy(nb, f.buf[:f.end])
		f.buf = nb
	}
	read := 0
	for f.end < len(f.buf) && !f.eof && f.err == nil {
		n, err := f.src.Read(f.buf[f.end:])
		f.end += n
		read += n
		if err == io.EOF {
			f.eof = true
		} else if err != nil {
			f.err = err
		}
	}
	return read > 0
}

// nextFast delimits the next entry, or returns io.EOF after the closing ']', or errSlow
// after handing over to r.dec.
func (r *Reader) nextFast() (RawEntry, error) {
	f := r.fast
	for {
		b := f.buf[f.pos:f.end]
		i := skipSpace(b, 0)
		if i < len(b) && b[i] == ']' {
			// The rest of the log is not needed.
			r.state, r.fast = 2, nil
			return RawEntry{}, io.EOF
		}
		if f.n > 0 && i < len(b) {
			if b[i] != ',' {
				return RawEntry{}, r.slowFrom()
			}
			i = skipSpace(b, i+1)
		}
		if i < len(b) {
			if b[i] != '{' {
				return RawEntry{}, r.slowFrom()
			}
			end, st := validValue(b, i)
			if st == scanOK {
				data := make([]byte, end-i)
				copy(data, b[i:end])
				re := RawEntry{File: r.name, Index: r.index, Data: data, Offset: f.off + int64(f.pos+i)}
				f.pos += end
				f.n++
				r.index++
				return re, nil
			}
			if st == scanBad {
				return RawEntry{}, r.slowFrom()
			}
		}
		if !f.fill() {
			return RawEntry{}, r.slowFrom()
		}
	}
}

// slowFrom hands the stream from f.pos on to a new json.Decoder, set in the state the
// reader's decoder had there: inside the entries array, before the first element or after
// one. The fake start ("[" or "[{}") is taken off the offsets through r.base.
func (r *Reader) slowFrom() error {
	f := r.fast
	r.fast = nil
	prefix := "["
	if f.n > 0 {
		prefix = "[{}"
	}
	head := append([]byte(prefix), f.buf[f.pos:f.end]...)
	var tail io.Reader = f.src
	switch {
	case f.err != nil:
		tail = errReader{f.err}
	case f.eof:
		tail = bytes.NewReader(nil)
	}
	r.dec = json.NewDecoder(io.MultiReader(bytes.NewReader(head), tail))
	r.base = f.off + int64(f.pos) - int64(len(prefix))
	for range len(prefix) {
		if _, err := r.dec.Token(); err != nil {
			return r.fail(err) // cannot happen: the prefix is valid
		}
	}
	return errSlow
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

func skipSpace(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

const (
	scanOK = iota
	scanMore
	scanBad
)

// maxDepth is below encoding/json's nesting limit (10000): deeper values go the slow way.
const maxDepth = 9000

// strPlain marks the bytes that can be skipped inside a string.
var strPlain = func() (t [256]bool) {
	for c := 0x20; c < 256; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return
}()

// validValue checks the JSON value starting at b[i] as encoding/json's scanner does and
// returns where it ends: scanOK, scanMore if b ends inside it, scanBad if it is not JSON.
// Bytes that are not UTF-8 are accepted, as encoding/json accepts them.
func validValue(b []byte, i int) (int, int) {
	var stackArr [64]byte
	stack := stackArr[:0]
	n := len(b)
value:
	i = skipSpace(b, i)
	if i >= n {
		return i, scanMore
	}
	switch c := b[i]; {
	case c == '{':
		if len(stack) >= maxDepth {
			return i, scanBad
		}
		stack = append(stack, '{')
		i = skipSpace(b, i+1)
		if i >= n {
			return i, scanMore
		}
		if b[i] == '}' {
			i++
			stack = stack[:len(stack)-1]
			goto after
		}
		goto key
	case c == '[':
		if len(stack) >= maxDepth {
			return i, scanBad
		}
		stack = append(stack, '[')
		i = skipSpace(b, i+1)
		if i >= n {
			return i, scanMore
		}
		if b[i] == ']' {
			i++
			stack = stack[:len(stack)-1]
			goto after
		}
		goto value
	case c == '"':
		var st int
		if i, st = scanString(b, i); st != scanOK {
			return i, st
		}
		goto after
	case c == 't':
		if st := literal(b, i, "true"); st != scanOK {
			return i, st
		}
		i += 4
		goto after
	case c == 'f':
		if st := literal(b, i, "false"); st != scanOK {
			return i, st
		}
		i += 5
		goto after
	case c == 'n':
		if st := literal(b, i, "null"); st != scanOK {
			return i, st
		}
		i += 4
		goto after
	case c == '-' || c >= '0' && c <= '9':
		var st int
		if i, st = scanNumber(b, i); st != scanOK {
			return i, st
		}
		goto after
	default:
		return i, scanBad
	}
key:
	i = skipSpace(b, i)
	if i >= n {
		return i, scanMore
	}
	if b[i] != '"' {
		return i, scanBad
	}
	{
		var st int
		if i, st = scanString(b, i); st != scanOK {
			return i, st
		}
	}
	i = skipSpace(b, i)
	if i >= n {
		return i, scanMore
	}
	if b[i] != ':' {
		return i, scanBad
	}
	i++
	goto value
after:
	if len(stack) == 0 {
		return i, scanOK
	}
	i = skipSpace(b, i)
	if i >= n {
		return i, scanMore
	}
	switch b[i] {
	case ',':
		i++
		if stack[len(stack)-1] == '{' {
			goto key
		}
		goto value
	case '}':
		if stack[len(stack)-1] != '{' {
			return i, scanBad
		}
	case ']':
		if stack[len(stack)-1] != '[' {
			return i, scanBad
		}
	default:
		return i, scanBad
	}
	i++
	stack = stack[:len(stack)-1]
	goto after
}

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// scanString checks the string starting at the quote b[i] and returns the index after it.
func scanString(b []byte, i int) (int, int) {
	n := len(b)
	i++
	for {
		// Eight bytes at a time while none is a quote, a backslash or a control character
		// (the usual bit tricks for "has a byte equal to / less than").
		for i+8 <= n {
			w := binary.LittleEndian.Uint64(b[i:])
			q, bs := w^(lsb*'"'), w^(lsb*'\\')
			if ((q-lsb)&^q|(bs-lsb)&^bs|(w-lsb*0x20)&^w)&msb != 0 {
				break
			}
			i += 8
		}
		for i < n && strPlain[b[i]] {
			i++
		}
		if i >= n {
			return i, scanMore
		}
		switch b[i] {
		case '"':
			return i + 1, scanOK
		case '\\':
			if i+1 >= n {
				return i, scanMore
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				for k := i + 2; k < i+6; k++ {
					if k >= n {
						return i, scanMore
					}
					if !isHex(b[k]) {
						return i, scanBad
					}
				}
				i += 6
			default:
				return i, scanBad
			}
		default: // a control character
			return i, scanBad
		}
	}
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func literal(b []byte, i int, lit string) int {
	rest := b[i:]
	if len(rest) < len(lit) {
		if string(rest) == lit[:len(rest)] {
			return scanMore
		}
		return scanBad
	}
	if string(rest[:len(lit)]) != lit {
		return scanBad
	}
	return scanOK
}

// scanNumber checks -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? and returns the index
// after it; a number cut by the end of b is scanMore (the value is never a bare number).
func scanNumber(b []byte, i int) (int, int) {
	n := len(b)
	digits := func() (bool, bool) { // some, more
		s := i
		for i < n && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		return i > s, i >= n
	}
	if b[i] == '-' {
		i++
	}
	if i >= n {
		return i, scanMore
	}
	if b[i] == '0' {
		i++
	} else if some, more := digits(); more {
		return i, scanMore
	} else if !some {
		return i, scanBad
	}
	if i >= n {
		return i, scanMore
	}
	if b[i] == '.' {
		i++
		if some, more := digits(); more {
			return i, scanMore
		} else if !some {
			return i, scanBad
		}
	}
	if b[i] == 'e' || b[i] == 'E' {
		i++
		if i >= n {
			return i, scanMore
		}
		if b[i] == '+' || b[i] == '-' {
			i++
		}
		if some, more := digits(); more {
			return i, scanMore
		} else if !some {
			return i, scanBad
		}
	}
	return i, scanOK
}

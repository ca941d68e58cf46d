// Package jsonstr unquotes JSON strings exactly as encoding/json does, without reflection.
package jsonstr

import (
	"bytes"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// Unquote is encoding/json's unquote on the inside of a JSON string (without its quotes)
// that is valid UTF-8: escapes decoded, an unpaired surrogate becomes U+FFFD. It reports
// false for an escape JSON does not have (the caller then asks encoding/json).
func Unquote(s []byte) (string, bool) {
	esc := bytes.IndexByte(s, '\\')
	if esc < 0 {
		return string(s), true
	}
	b := make([]byte, esc, len(s))
	copy(b, s[:esc])
	for r := esc; r < len(s); {
		c := s[r]
		if c != '\\' {
			// Copy up to the next escape in one go.
			n := len(s)
			if k := bytes.IndexByte(s[r:], '\\'); k >= 0 {
				n = r + k
			}
			b = append(b, s[r:n]...)
			r = n
			continue
		}
		r++
		if r >= len(s) {
			return "", false
		}
		switch s[r] {
		case '"', '\\', '/':
			b = append(b, s[r])
			r++
		case 'b':
			b = append(b, '\b')
			r++
		case 'f':
			b = append(b, '\f')
			r++
		case 'n':
			b = append(b, '\n')
			r++
		case 'r':
			b = append(b, '\r')
			r++
		case 't':
			b = append(b, '\t')
			r++
		case 'u':
			rr := getu4(s[r-1:])
			if rr < 0 {
				return "", false
			}
			r += 5
			if utf16.IsSurrogate(rr) {
				rr1 := getu4(s[r:])
				if dec := utf16.DecodeRune(rr, rr1); dec != unicode.ReplacementChar {
					r += 6
					b = utf8.AppendRune(b, dec)
					break
				}
				rr = unicode.ReplacementChar
			}
			b = utf8.AppendRune(b, rr)
		default:
			return "", false
		}
	}
	return string(b), true
}

// getu4 decodes \uXXXX from the beginning of s, or returns -1.
func getu4(s []byte) rune {
	if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
		return -1
	}
	var r rune
	for _, c := range s[2:6] {
		switch {
		case '0' <= c && c <= '9':
			c = c - '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}

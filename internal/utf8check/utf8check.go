// Package utf8check locates invalid UTF-8, for error messages that name the byte.
package utf8check

import "unicode/utf8"

// FirstInvalid returns the offset of the first byte of b that is not part of valid UTF-8,
// or len(b) when b is valid.
func FirstInvalid(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(b)
}

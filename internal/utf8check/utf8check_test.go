package utf8check

import "testing"

func TestFirstInvalid(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
	}{
		{"", 0},
		{"abc", 3},
		{"Ünï ✓ 🎉", len("Ünï ✓ 🎉")},
		{"ab\xffc", 2},
		{"\xc3\x28", 0},     // a lead byte without its continuation
		{"ok\xe2\x9c", 2},   // cut in the middle of a rune
		{"\xef\xbf\xbd", 3}, // U+FFFD itself is valid
	} {
		if got := FirstInvalid([]byte(tc.in)); got != tc.want {
			t.Errorf("FirstInvalid(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

package standin

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
)

// The PHP semantics Cerb's request handling rests on, as far as the stand-in needs them.

var phpNumeric = regexp.MustCompile(`^[ \t\n\r\v\f]*[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?[ \t\n\r\v\f]*$`)
var phpLeadingNumber = regexp.MustCompile(`^[ \t\n\r\v\f]*[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?`)

// isNumeric is PHP 8's is_numeric for a string.
func isNumeric(s string) bool { return phpNumeric.MatchString(s) }

// intval is PHP 8's intval of a string: its leading number (a float truncated), or 0.
func intval(s string) int64 {
	m := phpLeadingNumber.FindString(s)
	if m == "" {
		return 0
	}
	m = strings.TrimLeft(m, " \t\n\r\v\f")
	if n, err := strconv.ParseInt(m, 10, 64); err == nil {
		return n
	}
	f, err := strconv.ParseFloat(m, 64)
	if err != nil || math.IsNaN(f) || f >= math.MaxInt64 || f <= math.MinInt64 {
		return 0
	}
	return int64(f)
}

// empty is PHP's empty() of a request string.
func empty(s string) bool { return s == "" || s == "0" }

// arrayKey reports whether s is a key PHP's isset($records[$s]) finds for integer id n:
// only the canonical decimal form is converted to an integer key.
func arrayKey(s string) (int64, bool) {
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && strconv.FormatInt(n, 10) == s
}

var relativeTime = regexp.MustCompile(`^([+-]?) *([0-9]+) *(sec|secs|second|seconds|min|mins|minute|minutes|hour|hours|day|days|week|weeks|fortnight|fortnights|month|months|year|years)$`)
var dateOnly = regexp.MustCompile(`^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[ T]([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?)?$`)

// strtotime is the part of PHP's strtotime that requests use: "@<unix>", "now",
// "today", "tomorrow", "yesterday", "[+-]N unit", "YYYY-MM-DD[ HH:MM[:SS]]" (UTC, the
// kit's timezone) and RFC 1123/2822 dates. Bare digits are not a timestamp for PHP
// (false), nor is anything else it cannot read.
func strtotime(s string, now time.Time) (int64, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC1123, time.RFC1123Z, "Mon, 2 Jan 2006 15:04:05 -0700", "Mon, 2 Jan 2006 15:04:05 MST"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Unix(), true
		}
	}
	s = strings.ToLower(s)
	if rest, ok := strings.CutPrefix(s, "@"); ok {
		n, err := strconv.ParseInt(rest, 10, 64)
		return n, err == nil
	}
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	switch s {
	case "now":
		return now.Unix(), true
	case "today", "midnight":
		return day.Unix(), true
	case "tomorrow":
		return day.AddDate(0, 0, 1).Unix(), true
	case "yesterday":
		return day.AddDate(0, 0, -1).Unix(), true
	}
	if m := relativeTime.FindStringSubmatch(s); m != nil {
		n, _ := strconv.Atoi(m[2])
		if m[1] == "-" {
			n = -n
		}
		t := now
		switch unit := strings.TrimSuffix(m[3], "s"); unit {
		case "sec", "second":
			t = t.Add(time.Duration(n) * time.Second)
		case "min", "minute":
			t = t.Add(time.Duration(n) * time.Minute)
		case "hour":
			t = t.Add(time.Duration(n) * time.Hour)
		case "day":
			t = t.AddDate(0, 0, n)
		case "week":
			t = t.AddDate(0, 0, 7*n)
		case "fortnight":
			t = t.AddDate(0, 0, 14*n)
		case "month":
			t = t.AddDate(0, n, 0)
		case "year":
			t = t.AddDate(n, 0, 0)
		}
		return t.Unix(), true
	}
	if m := dateOnly.FindStringSubmatch(s); m != nil {
		var p [6]int
		for i := range p {
			p[i], _ = strconv.Atoi(m[i+1])
		}
		t := time.Date(p[0], time.Month(p[1]), p[2], p[3], p[4], p[5], 0, time.UTC)
		if t.Month() != time.Month(p[1]) {
			return 0, false
		}
		return t.Unix(), true
	}
	return 0, false
}

// phpJSON encodes v as PHP's json_encode with JSON_UNESCAPED_SLASHES does: map keys
// sorted (Cerb ksorts its records), slashes and <>& as they are, every non-ASCII
// character as \uXXXX (surrogate pairs above the BMP).
func phpJSON(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(fmt.Sprintf("standin: encoding a record: %v", err)) // only our own maps and scalars
	}
	b := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	var out bytes.Buffer
	for _, r := range string(b) {
		switch {
		case r < 0x80:
			out.WriteByte(byte(r))
		case r > 0xFFFF:
			a, c := utf16.EncodeRune(r)
			fmt.Fprintf(&out, `\u%04x\u%04x`, a, c)
		default:
			fmt.Fprintf(&out, `\u%04x`, r)
		}
	}
	return out.Bytes()
}

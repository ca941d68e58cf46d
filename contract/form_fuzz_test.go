package contract

import (
	"net/url"
	"strings"
	"testing"
)

// formItems splits fuzz bytes into strings, each prefixed by its length (one byte), so that
// keys and values can hold any byte, separators included.
func formItems(data []byte) []string {
	var out []string
	for len(data) > 0 {
		n := int(data[0])
		data = data[1:]
		if n > len(data) {
			n = len(data)
		}
		out = append(out, string(data[:n]))
		data = data[n:]
	}
	return out
}

func formBytes(items ...string) []byte {
	var b []byte
	for _, s := range items {
		b = append(b, byte(len(s)))
		b = append(b, s...)
	}
	return b
}

// FuzzFormParse: a body written by url.Values.Encode parses back to exactly its fields, in
// order (empty keys and values, non-ASCII and invalid UTF-8, PHP's [] keys included); and
// parseURLEncoded on the same bytes taken as a raw body does not panic and reports each
// problem with a place and a message.
func FuzzFormParse(f *testing.F) {
	for _, e := range bundledEntries(f) {
		if e.Request.PostData == nil || !strings.HasPrefix(e.Request.PostData.MimeType, formURLEncoded) {
			continue
		}
		var items []string
		for _, p := range e.Request.PostData.Params {
			items = append(items, p.Name, p.Value)
		}
		if b := formBytes(items...); len(b) <= maxSeedBody {
			f.Add(b)
		}
	}
	for _, items := range [][]string{
		{},
		{"", ""},
		{"a", ""},
		{"", "v"},
		{"file_id[]", "1", "file_id[]", "2", "file_id[]", ""},
		{"custom_5[]", "x", "custom_5[]", "y"},
		{"subject", "héllo wörld ✓", "to", "a@b.c, d@e.f"},
		{"subject", "\xff\xfe", "\xc3", "\x00"},
		{"a&b=c", "d=e&f", "%zz", "+ +", ";", "#?"},
		{"k", "v", "k", "w", "k", ""},
	} {
		f.Add(formBytes(items...))
	}
	f.Add([]byte("raw=%zz&&=&x"))
	f.Fuzz(func(t *testing.T, data []byte) {
		items := formItems(data)
		values := url.Values{}
		for i := 0; i+1 < len(items); i += 2 {
			values.Add(items[i], items[i+1])
		}
		body := values.Encode()
		fields, problems := parseURLEncoded([]byte(body))
		if len(problems) != 0 {
			t.Fatalf("body %q from url.Values.Encode has problems: %v", body, problems)
		}
		// Encode writes keys sorted and each key's values in order.
		var want []formField
		for _, k := range sortedKeys(values) {
			for _, v := range values[k] {
				want = append(want, formField{k, v})
			}
		}
		if len(fields) != len(want) {
			t.Fatalf("body %q: %d fields back, want %d: %q", body, len(fields), len(want), fields)
		}
		for i := range want {
			if fields[i] != want[i] {
				t.Fatalf("body %q: field %d is %q=%q, want %q=%q", body, i, fields[i].key, fields[i].value, want[i].key, want[i].value)
			}
		}
		// The same bytes as a raw body.
		_, problems = parseURLEncoded(data)
		for _, p := range problems {
			if p.Where == "" || p.Message == "" || p.Pointer == "" {
				t.Fatalf("raw body %q: problem without a place or message: %+v", data, p)
			}
		}
	})
}

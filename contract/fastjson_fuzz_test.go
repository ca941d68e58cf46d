package contract

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/cerb-openapi/cerb-openapi/har"
)

// FuzzFastJSON: whenever the fast path accepts a body, it yields exactly what json.Decoder
// with UseNumber yields (the value openapi3filter would have validated); when it declines,
// the decoder is used, so declining is always safe.
func FuzzFastJSON(f *testing.F) {
	for _, s := range []string{`{}`, `[]`, `null`, `0`, `-1.5e3`, `"a\u00e9\ud83c\udf89"`, `{"a":[1,true,false,null,"x"]}`,
		`{"a":1}x`, `{"a":1} `, `1 2`, `{"a":01}`, `"\x01"`, `{"a":1,"a":2}`, `[1,]`, "\"\xff\""} {
		f.Add([]byte(s))
	}
	paths, _ := filepath.Glob("../contract_test/testdata/reply-*.har")
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		l, err := har.ReadAll(bytes.NewReader(data), p)
		if err != nil {
			f.Fatal(err)
		}
		for i, e := range l.Entries {
			if i < 3 {
				f.Add([]byte(e.Response.Content.Text))
			}
		}
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		got, ok := fastJSON(body)
		if !ok {
			return
		}
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		var want any
		if err := dec.Decode(&want); err != nil {
			t.Fatalf("fast path accepted %q, json.Decoder: %v", body, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("fast path %#v, json.Decoder %#v for %q", got, want, body)
		}
	})
}

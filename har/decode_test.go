package har

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// checkSameEntry: whenever fastDecode accepts an entry, encoding/json decodes it without
// error to the same Entry.
func checkSameEntry(t *testing.T, data []byte) bool {
	t.Helper()
	if !utf8.Valid(data) {
		return false
	}
	got, ok := fastDecode(data)
	if !ok {
		return false
	}
	var want Entry
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatalf("fastDecode accepted what encoding/json rejects (%v): %q", err, truncateForLog(data))
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("fastDecode and encoding/json differ on %q:\nfast: %+v\njson: %+v", truncateForLog(data), got, want)
	}
	return true
}

// bundledEntryJSON returns the raw entries of the bundled recordings.
func bundledEntryJSON(tb testing.TB) [][]byte {
	tb.Helper()
	paths, _ := filepath.Glob(filepath.Join("..", "contract_test", "testdata", "*.har"))
	var out [][]byte
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		var doc struct {
			Log struct {
				Entries []json.RawMessage `json:"entries"`
			} `json:"log"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			tb.Fatal(err)
		}
		for _, e := range doc.Log.Entries {
			if len(e) < 64<<10 {
				out = append(out, e)
			}
		}
	}
	if len(out) < 50 {
		tb.Fatalf("only %d bundled entries", len(out))
	}
	return out
}

var entryEdits = []struct{ from, to string }{
	{`"request"`, `"Request"`},
	{`"mimeType"`, `"MIMETYPE"`},
	{`"status": 200`, `"status": 200, "status": 404`},
	{`"status": 200`, `"status": 200.0`},
	{`"status": 200`, `"status": 2e2`},
	{`"status": 200`, `"status": "200"`},
	{`"status": 200`, `"status": null`},
	{`"status": 200`, `"status": 9223372036854775808`},
	{`"status": 200`, `"status": -0`},
	{`"time": `, `"time": 1e400, "x": `},
	{`"time": `, `"time": -1.5e-3, "y": `},
	{`"cookies": []`, `"cookies": null`},
	{`"cookies": []`, `"cookies": {}`},
	{`"cookies": []`, `"cookies": [{"name":"a","value":"b","httpOnly":true,"secure":false,"extra":[1,{"z":null}]}]`},
	{`"cookies": []`, `"cookies": [{"httpOnly":1}]`},
	{`"cache": {}`, `"cache": "x"`},
	{`"cache": {}`, `"cache": {"a":{"b":[1,"x"]}}`},
	{`"cache": {}`, `"cache": null`},
	{`"name": "Host"`, `"name": "H\u00e9\ud83c\udf89\ud800x\udc00\/\"\\\b\f\n\r\t\u0000"`},
	{`"name": "Host"`, `"n\u0061me": "Host"`},
	{`"name": "Host"`, `"nämé": "Host"`},
	{`"name": "Host"`, `"Name": "Host"`},
	{`"method": "POST"`, `"method": true`},
	{`"request": {`, `"request": null, "r2": {`},
	{`"response": {`, `"pages": [1], "response": {`},
	{`{`, `{"zz":[[[{"a":[1,2,{"b":null}]}]]],`},
	{`"headersSize": -1`, `"headersSize": 1.5`},
	{`"bodySize": `, `"bodySize": 1e3, "q": `},
	{`"postData": {`, `"postData": {"params": [], `},
	{`"postData": {`, `"postData": {"params": [{"name":"a","value":"b","comment":"c"},{"name":"x"}], `},
	{`"text": "`, `"text": "\u00e9\\u00e9\"`},
	{`"timings": {`, `"timings": {"blocked": -1, "dns": 0.25, "ssl": 1e2, "foo": "bar", `},
	{`"comment": "`, `"comment": "x", "Comment": "`},
}

// TestFastDecodeMatchesJSON runs fastDecode and encoding/json on every bundled entry, on
// edits of them (case-folded and repeated keys, nulls, numbers that do not fit, escapes,
// unknown fields) and on random mutations: whatever fastDecode accepts, encoding/json
// decodes identically. The bundled entries themselves must all take the fast path.
func TestFastDecodeMatchesJSON(t *testing.T) {
	entries := bundledEntryJSON(t)
	for _, e := range entries {
		if !checkSameEntry(t, e) {
			t.Errorf("fastDecode refused a bundled entry: %q", truncateForLog(e))
		}
	}
	var variants [][]byte
	for _, ed := range entryEdits {
		for _, e := range entries[:20] {
			// Entries are indented with one space after colons in some files, none in others.
			s := string(e)
			for _, from := range []string{ed.from, strings.ReplaceAll(ed.from, ": ", ":")} {
				if strings.Contains(s, from) {
					v := []byte(strings.Replace(s, from, ed.to, 1))
					checkSameEntry(t, v)
					variants = append(variants, v)
				}
			}
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	const alphabet = "{}[],:\"\\ -0123456789.eE+truefalsnul\\u00e9ABC"
	n := 3000
	if testing.Short() {
		n = 300
	}
	all := append(entries, variants...)
	for range n {
		checkSameEntry(t, mutate(rng, bytes.Clone(all[rng.IntN(len(all))]), alphabet, 3, false))
	}
}

// FuzzFastDecode: whatever fastDecode accepts, encoding/json decodes identically.
func FuzzFastDecode(f *testing.F) {
	for _, e := range bundledEntryJSON(f)[:30] {
		f.Add([]byte(e))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkSameEntry(t, data) })
}

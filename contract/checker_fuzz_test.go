package contract

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/cerb-openapi/cerb-openapi/har"
)

var (
	fuzzCheckerOnce sync.Once
	fuzzChecker     *Checker
	fuzzCheckerErr  error
)

func checkerForFuzz(tb testing.TB) *Checker {
	tb.Helper()
	fuzzCheckerOnce.Do(func() { fuzzChecker, fuzzCheckerErr = NewChecker(context.Background()) })
	if fuzzCheckerErr != nil {
		tb.Fatal(fuzzCheckerErr)
	}
	return fuzzChecker
}

// bundledEntries reads the entries of the bundled recordings.
func bundledEntries(tb testing.TB) []har.Entry {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join("..", "contract_test", "testdata", "*.har"))
	if err != nil || len(paths) == 0 {
		tb.Fatalf("no bundled recordings in ../contract_test/testdata (%v)", err)
	}
	var out []har.Entry
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		l, err := har.ReadAll(bytes.NewReader(b), p)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, l.Entries...)
	}
	return out
}

// The fuzzer passes headers as "Name: value" lines.
func encodeHeader(h http.Header) string {
	var b strings.Builder
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range h[k] {
			b.WriteString(k + ": " + v + "\n")
		}
	}
	return b.String()
}

func decodeHeader(s string) http.Header {
	h := http.Header{}
	for _, line := range strings.Split(s, "\n") {
		if line == "" {
			continue
		}
		name, value, _ := strings.Cut(line, ":")
		h.Add(name, strings.TrimPrefix(value, " "))
	}
	return h
}

// maxSeedBody keeps seeds small enough to mutate: the oversized recordings carry bodies of
// megabytes, which would make each execution mutate and check megabytes.
const maxSeedBody = 4 << 10

func cut(b []byte) []byte {
	if len(b) > maxSeedBody {
		return b[:maxSeedBody]
	}
	return b
}

// FuzzCheck checks arbitrary pairs: Check must not panic, every problem must say where it
// is and what is wrong, and the same pair must give the same result.
func FuzzCheck(f *testing.F) {
	c := checkerForFuzz(f)
	for _, e := range bundledEntries(f) {
		req, resp, err := FromHAR(e)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(req.Method, req.URL, encodeHeader(req.Header), cut(req.Body), true, resp.Status, encodeHeader(resp.Header), cut(resp.Body))
	}
	const compose = "http://cerb.example/rest/tickets/compose.json"
	const reply = "https://cerb.example/index.php/rest/tickets/reply.json"
	const auth = "Authorization: Bearer x\n"
	const form = "Content-Type: application/x-www-form-urlencoded\n"
	const jsonCT = "Content-Type: application/json\n"
	for _, s := range []struct {
		method, url, header string
		body                string
		hasResp             bool
		status              int
		respHeader          string
		respBody            string
	}{
		{"", "", "", "", false, 0, "", ""},
		{"POST", "%zz", "", "", false, 0, "", ""},
		{"POST", "http://[::1", "", "", false, 0, "", ""},
		{"post", "/rest/tickets/compose.json", auth + form, "group_id=1&subject=s&content=c", true, 200, jsonCT, "{}"},
		{"POST", compose, auth + form, "group_id=1&group_id=2&subject=%ff&content=%zz&custom_1[]=a&file_id[0]=1", true, 0, "", ""},
		{"POST", compose + "/", "Cerb-Auth: a:b\nDate: nope\n" + form, "", true, 500, "Content-Type: text/html\n", "<html>"},
		{"POST", compose + "?expand=a&expand=b&show_meta=x", auth + "Content-Type: multipart/form-data\n", "x", true, 200, jsonCT, "[[[[[[[[[[[[[[[[[[[["},
		{"POST", compose, auth + "Content-Type: multipart/form-data; boundary=b\n", "--b\r\nContent-Disposition: form-data; name=\"subject\"\r\n\r\nhi\r\n--b--\r\n", true, 200, jsonCT, `{"__status":"error"}`},
		{"POST", reply, auth + "Content-Type: APPLICATION/X-WWW-FORM-URLENCODED; charset=UTF-8; foo=\"bar\"\n", "message_id=1&content=%C3%A9", true, 200, jsonCT, `{"__status":"success"}`},
		{"POST", reply, auth + "Content-Type: ;;;\n", "message_id=x", true, 401, jsonCT, "null"},
		{"GET", reply, "", "", true, -1, "", ""},
		{"POST", "http://h/rest/", "", "", true, 999, "", ""},
	} {
		f.Add(s.method, s.url, s.header, []byte(s.body), s.hasResp, s.status, s.respHeader, []byte(s.respBody))
	}
	f.Fuzz(func(t *testing.T, method, rawURL, header string, body []byte, hasResp bool, status int, respHeader string, respBody []byte) {
		req := Request{Method: method, URL: rawURL, Header: decodeHeader(header), Body: body}
		var resp *Response
		if hasResp {
			resp = &Response{Status: status, Header: decodeHeader(respHeader), Body: respBody}
		}
		ctx := context.Background()
		first := c.Check(ctx, req, resp)
		checkProblems(t, "request", first.Request.Problems)
		if first.Response != nil {
			checkProblems(t, "response", first.Response.Problems)
		}
		if first.Operation == "" && first.Response != nil {
			t.Errorf("no operation, yet a response verdict: %+v", first)
		}
		if first.Request.OK != (len(first.Request.Problems) == 0) {
			t.Errorf("request OK=%v with %d problems", first.Request.OK, len(first.Request.Problems))
		}
		second := c.Check(ctx, req, resp)
		if !reflect.DeepEqual(first, second) {
			a, _ := json.MarshalIndent(first, "", " ")
			b, _ := json.MarshalIndent(second, "", " ")
			t.Fatalf("same pair, different results:\n%s\n%s", a, b)
		}
	})
}

func checkProblems(t *testing.T, side string, ps []Problem) {
	t.Helper()
	for _, p := range ps {
		if strings.TrimSpace(p.Where) == "" || strings.TrimSpace(p.Message) == "" {
			t.Errorf("%s problem without a place or a message: %+v", side, p)
		}
	}
}

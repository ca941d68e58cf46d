package contract

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"reflect"
	"slices"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
)

// responseCase is one recorded exchange, routed, whose response can be re-checked with
// other bodies and Content-Types.
type responseCase struct {
	name string
	in   *openapi3filter.RequestValidationInput
	resp Response
}

func routedResponses(t *testing.T, c *Checker) []responseCase {
	t.Helper()
	var out []responseCase
	for i, e := range bundledEntries(t) {
		req, resp, err := FromHAR(e)
		if err != nil || resp == nil || resp.Status < 100 || resp.Status > 599 {
			continue
		}
		route, params, hreq, _ := c.route(req)
		if route == nil {
			continue
		}
		if len(resp.Body) > 64<<10 {
			resp.Body = resp.Body[:64<<10] // cut (and so broken), to keep the test quick
		}
		in := &openapi3filter.RequestValidationInput{Request: hreq, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: authenticate, MultiError: true, ExcludeRequestBody: true}}
		out = append(out, responseCase{name: fmt.Sprintf("#%d %s", i, e.Comment), in: in, resp: *resp})
	}
	return out
}

// bodyVariants returns the body and versions of it: cut, with trailing bytes, not UTF-8,
// escaped, other JSON values, with keys of other types or missing, and random mutations.
func bodyVariants(body []byte, rng *rand.Rand, random int) map[string][]byte {
	v := map[string][]byte{
		"original":        body,
		"empty":           {},
		"[]":              []byte(`[]`),
		"null":            []byte(`null`),
		"{}":              []byte(`{}`),
		"string":          []byte(`"x"`),
		"number":          []byte(`12`),
		"number-garbage":  []byte(`12x`),
		"true":            []byte(`true`),
		"trailing-space":  append(bytes.Clone(body), '\n'),
		"trailing-object": append(bytes.Clone(body), []byte(` {}`)...),
		"trailing-x":      append(bytes.Clone(body), 'x'),
	}
	if n := len(body); n > 2 {
		v["cut-half"] = body[:n/2]
		v["cut-last"] = body[:n-1]
		bad := bytes.Clone(body)
		bad[n/2] = 0xff
		v["not-utf8"] = bad
		v["escaped"] = bytes.ReplaceAll(body, []byte(`"_`), []byte(`"\u005f`))
		v["unicode"] = bytes.ReplaceAll(body, []byte(`":"`), []byte(`":"\u00e9\ud83c\udf89\ud800 é`))
	}
	var obj map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if dec.Decode(&obj) == nil && len(obj) > 0 {
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		others := []any{"x", json.Number("7"), nil, []any{}, map[string]any{}, true, json.Number("1.5")}
		for n := range 6 {
			k := keys[rng.IntN(len(keys))]
			m := map[string]any{}
			for kk, vv := range obj {
				m[kk] = vv
			}
			if n == 0 {
				delete(m, k)
			} else {
				m[k] = others[rng.IntN(len(others))]
			}
			b, _ := json.Marshal(m)
			v[fmt.Sprintf("key-%d-%s", n, k)] = b
		}
		// A repeated key: the later value counts.
		if end := bytes.LastIndexByte(body, '}'); end > 0 {
			k, _ := json.Marshal(keys[rng.IntN(len(keys))])
			for n, val := range []string{`[]`, `"x"`, `null`} {
				dup := append(bytes.Clone(body[:end]), ',')
				dup = append(append(append(dup, k...), ':'), val...)
				v[fmt.Sprintf("duplicate-key-%d", n)] = append(dup, body[end:]...)
			}
		}
		m := map[string]any{"undeclared_key": 1}
		for kk, vv := range obj {
			m[kk] = vv
		}
		b, _ := json.Marshal(m)
		v["extra-key"] = b
	}
	const alphabet = "{}[],:\"\\ 0123456789.-enul\xff\xc3"
	for n := range random {
		b := bytes.Clone(body)
		for range 1 + rng.IntN(3) {
			if len(b) == 0 {
				break
			}
			i := rng.IntN(len(b))
			switch rng.IntN(3) {
			case 0:
				b[i] = alphabet[rng.IntN(len(alphabet))]
			case 1:
				b = append(b[:i], b[i+1:]...)
			case 2:
				b = append(b[:i], append([]byte{alphabet[rng.IntN(len(alphabet))]}, b[i:]...)...)
			}
		}
		v[fmt.Sprintf("random-%d", n)] = b
	}
	return v
}

// TestResponseFastPathMatchesValidateResponse: checkResponse takes JSON bodies past
// openapi3filter.ValidateResponse (its own JSON parser, VisitJSON without VisitAsResponse),
// copying how kin-openapi decodes and reports them. On every bundled response, and on cut,
// padded, non-UTF-8, escaped, retyped and randomly mutated versions of it, under several
// Content-Types, its problems must be exactly those of the plain ValidateResponse path, so
// that a kin-openapi upgrade that changes what the copied code should do fails here rather
// than changing verdicts silently.
func TestResponseFastPathMatchesValidateResponse(t *testing.T) {
	ctx := context.Background()
	c := checkerForFuzz(t)
	cases := routedResponses(t, c)
	if len(cases) < 50 {
		t.Fatalf("only %d routed responses", len(cases))
	}
	random := 10
	if testing.Short() {
		random = 2
	}
	contentTypes := []string{"", "application/json", "Application/JSON; charset=UTF-8", "application/problem+json", "text/html; charset=utf-8", "text/plain"}
	rng := rand.New(rand.NewPCG(5, 6))
	compared, fast := 0, 0
	for _, rc := range cases {
		variants := bodyVariants(rc.resp.Body, rng, random)
		names := make([]string, 0, len(variants))
		for k := range variants {
			names = append(names, k)
		}
		slices.Sort(names)
		for _, name := range names {
			cts := []string{"recorded"}
			if name == "original" || name == "not-utf8" || name == "[]" || name == "cut-half" || name == "extra-key" {
				cts = append(cts, contentTypes...)
			}
			for _, ct := range cts {
				header := rc.resp.Header.Clone()
				if header == nil {
					header = http.Header{}
				}
				if ct != "recorded" {
					header.Set("Content-Type", ct)
					if ct == "" {
						header.Del("Content-Type")
					}
				}
				resp := &Response{Status: rc.resp.Status, Header: header, Body: variants[name]}
				if _, ok := c.jsonBodySchema(rc.in, resp.Status, header); ok {
					fast++
				}
				got := c.checkResponseBody(ctx, rc.in, resp, true)
				want := c.checkResponseBody(ctx, rc.in, resp, false)
				compared++
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s, body %s, Content-Type %q: fast path %q, ValidateResponse %q", rc.name, name, ct, got, want)
				}
			}
		}
	}
	t.Logf("%d responses compared, %d through the fast path", compared, fast)
	if fast < compared/3 {
		t.Errorf("only %d of %d responses took the fast path: the test no longer tests it", fast, compared)
	}
}

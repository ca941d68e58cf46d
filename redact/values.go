package redact

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"unicode/utf16"

	"github.com/cerb-openapi/cerb-openapi/har"
)

// MinSecretLen is the length, in bytes, below which a secret value is not searched for
// across the pair. Such a value is still redacted in its own field, header or cookie, but
// replacing it everywhere would wipe ordinary text: a password "a" would take every "a" of
// the body, a cookie "1" every digit 1. Tokens, signatures and session ids are far longer;
// what this gives up is a short password that the server echoes back.
const MinSecretLen = 8

// secrets are the credential values found in one pair, as they appeared (percent-encoded,
// JSON-escaped) and decoded.
type secrets map[string]bool

func (s secrets) add(v string) {
	if len(v) >= MinSecretLen && !strings.HasPrefix(v, Mark) {
		s[v] = true
	}
}

// collect finds the secrets of a pair before anything is redacted: credentials in the places
// Entry redacts by name (Authorization, secret headers, cookies, secret query, form,
// multipart and JSON fields, Location) and JWT- or Defuse-shaped strings, in the request and
// in the response.
func collect(e *har.Entry) (secrets, error) {
	s := secrets{}
	if r := e.Request; r != nil {
		s.url(r.URL)
		s.params(r.QueryString)
		s.headers(r.Headers)
		s.cookies(r.Cookies)
		if r.PostData != nil {
			s.params(r.PostData.Params)
			body, err := r.Body()
			if err != nil {
				return nil, fmt.Errorf("redact request: %w", err)
			}
			s.body(body)
		}
	}
	if r := e.Response; r != nil {
		s.headers(r.Headers)
		s.cookies(r.Cookies)
		s.url(r.RedirectURL)
		body, err := r.Body()
		if err != nil {
			return nil, fmt.Errorf("redact response: %w", err)
		}
		s.body(body)
	}
	return s, nil
}

func (s secrets) headers(hs []har.NameValue) {
	for _, h := range hs {
		v := h.Value
		s.shaped(v)
		switch name := strings.ToLower(h.Name); {
		case secretHeaders[name]:
			s.add(v)
			if _, sig, ok := strings.Cut(v, ":"); ok { // Cerb-Auth is access key:signature
				s.add(sig)
			}
		case name == "authorization" || name == "proxy-authorization":
			scheme, cred, ok := strings.Cut(v, " ")
			if !ok {
				s.add(v)
				continue
			}
			cred = strings.TrimSpace(cred)
			s.add(cred)
			if strings.EqualFold(scheme, "basic") {
				if dec, err := base64.StdEncoding.DecodeString(cred); err == nil {
					s.add(string(dec)) // user:password
					if _, pass, ok := strings.Cut(string(dec), ":"); ok {
						s.add(pass)
					}
				}
			}
		case name == "cookie":
			for _, part := range strings.Split(v, ";") {
				if _, cv, ok := strings.Cut(part, "="); ok {
					s.add(strings.Trim(strings.TrimSpace(cv), `"`))
				}
			}
		case name == "set-cookie":
			first, _, _ := strings.Cut(v, ";")
			if _, cv, ok := strings.Cut(first, "="); ok {
				s.add(strings.Trim(strings.TrimSpace(cv), `"`))
			}
		case name == "location" || name == "content-location" || name == "referer" || name == "refresh":
			s.url(v)
		}
	}
}

func (s secrets) cookies(cs []har.Cookie) {
	for _, c := range cs {
		s.add(c.Value)
	}
}

func (s secrets) params(ps []har.NameValue) {
	for _, p := range ps {
		if SecretField(p.Name) {
			s.add(p.Value)
		}
	}
}

func (s secrets) url(u string) {
	s.shaped(u)
	base, frag, _ := strings.Cut(u, "#")
	_, query, _ := strings.Cut(base, "?")
	s.form(query)
	s.form(frag)
}

// form adds the secret fields of a url-encoded text, as sent and decoded.
func (s secrets) form(text string) {
	for part := range strings.SplitSeq(text, "&") {
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			continue
		}
		if name, err := url.QueryUnescape(k); err == nil {
			k = name
		}
		if SecretField(k) {
			s.add(v)
			if dec, err := url.QueryUnescape(v); err == nil {
				s.add(dec)
			}
		}
	}
}

// body adds secrets found by every matcher, whatever the Content-Type: the type is often
// wrong, and a secret found in a body that is not of that kind only adds to what is
// replaced.
func (s secrets) body(b []byte) {
	if len(b) == 0 {
		return
	}
	text := string(b)
	s.shaped(text)
	if !hasFieldName(b) { // nothing more to find, and the matchers below are slow on megabytes
		return
	}
	s.form(text)
	for _, m := range jsonRE.FindAllStringSubmatch(text, -1) {
		s.add(m[2])
		var dec string
		if json.Unmarshal([]byte(`"`+m[2]+`"`), &dec) == nil {
			s.add(dec)
		}
	}
	for _, m := range multipartRE.FindAllStringSubmatch(text, -1) {
		s.add(m[2])
	}
}

// hasFieldName reports whether a secret field name occurs in b, in any case.
func hasFieldName(b []byte) bool {
	lower := make([]byte, len(b))
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		lower[i] = c
	}
	for _, n := range secretFieldNames {
		if bytes.Contains(lower, []byte(n)) {
			return true
		}
	}
	return false
}

// shaped adds JWT- and Defuse-shaped strings.
func (s secrets) shaped(text string) {
	if !strings.Contains(text, "eyJ") && !strings.Contains(text, "def50200") {
		return
	}
	for _, re := range []*regexp.Regexp{jwtRE, defuseRE} {
		for _, m := range re.FindAllString(text, -1) {
			s.add(m)
		}
	}
}

// replacer replaces every secret, in each form it may take when echoed, with Mark; nil if
// there is nothing to replace.
func (s secrets) replacer() *strings.Replacer {
	forms := map[string]bool{}
	for v := range s {
		for _, f := range encodings(v) {
			forms[f] = true
		}
	}
	if len(forms) == 0 {
		return nil
	}
	list := make([]string, 0, len(forms))
	for f := range forms {
		list = append(list, f)
	}
	// Longest first: a Replacer tries its patterns in order at each position, and a secret
	// that is a prefix of another must not leave the other's tail behind.
	sort.Slice(list, func(i, j int) bool {
		if len(list[i]) != len(list[j]) {
			return len(list[i]) > len(list[j])
		}
		return list[i] < list[j]
	})
	pairs := make([]string, 0, 2*len(list))
	for _, f := range list {
		pairs = append(pairs, f, Mark)
	}
	return strings.NewReplacer(pairs...)
}

// encodings are the forms in which a server may write v back: as it is, URL-encoded as a
// query (+ or %20 for a space) or a path segment, with upper- or lower-case hex, JSON-escaped
// as Go, PHP (\/ and \uXXXX) or JavaScript write it, and HTML-escaped.
func encodings(v string) []string {
	qe := url.QueryEscape(v)
	out := []string{v, qe, strings.ReplaceAll(qe, "+", "%20"), url.PathEscape(v)}
	for _, e := range out[1:4] {
		out = append(out, lowerHex(e))
	}
	for _, html := range []bool{false, true} {
		for _, slash := range []bool{false, true} {
			for _, ascii := range []bool{false, true} {
				out = append(out, jsonEscape(v, html, slash, ascii))
			}
		}
	}
	htmlEsc := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;")  // Go's html.EscapeString
	phpEsc := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#039;") // PHP's htmlspecialchars
	return append(out, htmlEsc.Replace(v), phpEsc.Replace(v))
}

var pctRE = regexp.MustCompile(`%[0-9A-F]{2}`)

func lowerHex(s string) string { return pctRE.ReplaceAllStringFunc(s, strings.ToLower) }

// jsonEscape is the inside of a JSON string holding s, escaping <>& as Go does (html), / as
// PHP does (slash), and every non-ASCII character as \uXXXX as PHP and Python do (ascii).
func jsonEscape(s string, html, slash, ascii bool) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20, html && (r == '<' || r == '>' || r == '&'), r == 0x2028, r == 0x2029:
			fmt.Fprintf(&b, `\u%04x`, r)
		case slash && r == '/':
			b.WriteString(`\/`)
		case ascii && r > 0x7f:
			for _, u := range utf16.Encode([]rune{r}) {
				fmt.Fprintf(&b, `\u%04x`, u)
			}
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

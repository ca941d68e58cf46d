package redact

import (
	"bytes"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/cerb-openapi/cerb-openapi/har"
)

// Mark replaces every secret.
const Mark = "REDACTED"

// secretFieldNames are the parameter, form, multipart and JSON key names whose values are
// credentials, matched without regard to case. It is the one list: SecretField, jsonRE and
// multipartRE are all built from it.
var secretFieldNames = []string{"client_secret", "access_token", "refresh_token", "id_token", "password"}

// secretHeaderNames are headers whose whole value is a credential.
var secretHeaderNames = []string{"cerb-auth", "cerb5-auth", "x-api-key", "x-auth-token"}

var (
	secretFields  = set(secretFieldNames)
	secretHeaders = set(secretHeaderNames)
)

func set(names []string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[strings.ToLower(n)] = true
	}
	return m
}

// SecretField reports whether a query, form or JSON field of this name holds a credential.
func SecretField(name string) bool { return secretFields[strings.ToLower(name)] }

// fieldAlternation is `(?i:name1|name2|…)` for the regexps.
func fieldAlternation() string {
	quoted := make([]string, len(secretFieldNames))
	for i, n := range secretFieldNames {
		quoted[i] = regexp.QuoteMeta(n)
	}
	return `(?i:` + strings.Join(quoted, "|") + `)`
}

var (
	// A JWT is three base64url parts; the signature may be empty (alg "none"). A JWE has
	// five, and the match must not stop after three: further dot-separated parts are taken
	// too, or the ciphertext and tag of a JWE (or the signature of a JWT glued to a dotted
	// "eyJ…" word before it) would be kept.
	jwtRE = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*`)
	// Defuse ciphertexts (OAuth refresh tokens and authorization codes of league/oauth2-server).
	defuseRE = regexp.MustCompile(`def50200[0-9a-fA-F]{16,}`)
	// A JSON string member with a secret name: the name and colon, then the string's inside.
	// Keys with escapes are not recognised.
	jsonRE = regexp.MustCompile(`("` + fieldAlternation() + `"\s*:\s*)"((?:[^"\\]|\\.)*)"`)
	// A multipart part with a secret name: its headers, the blank line, then the value.
	multipartRE = regexp.MustCompile(`(?s)(name="` + fieldAlternation() + `"[^\r\n]*\r\n(?:[^\r\n]+\r\n)*\r\n)(.*?)(\r\n--)`)
)

// Text replaces JWT-shaped and Defuse-shaped strings.
func Text(b []byte) []byte {
	b = jwtRE.ReplaceAllLiteral(b, []byte(Mark))
	return defuseRE.ReplaceAllLiteral(b, []byte(Mark))
}

// String is Text on a string.
func String(s string) string {
	if !strings.Contains(s, "eyJ") && !strings.Contains(s, "def50200") {
		return s
	}
	return string(Text([]byte(s)))
}

// Form redacts the secret fields of a url-encoded form or raw query string, keeping every
// other byte as it was (encoding, order, repeated names).
func Form(s string) string {
	if s == "" {
		return s
	}
	parts := strings.Split(s, "&")
	for i, p := range parts {
		k, v, ok := strings.Cut(p, "=")
		if !ok || v == "" {
			continue
		}
		name, err := url.QueryUnescape(k)
		if err != nil {
			name = k
		}
		if SecretField(name) {
			parts[i] = k + "=" + Mark
		}
	}
	return String(strings.Join(parts, "&"))
}

// URL redacts the query and fragment of a URL (OAuth's implicit flow puts tokens in the
// fragment) without re-encoding anything else.
func URL(u string) string {
	base, frag, hasFrag := strings.Cut(u, "#")
	path, query, hasQuery := strings.Cut(base, "?")
	out := String(path)
	if hasQuery {
		out += "?" + Form(query)
	}
	if hasFrag {
		out += "#" + Form(frag)
	}
	return out
}

// JSON redacts secret members of a JSON text, and JWT-shaped strings.
func JSON(b []byte) []byte {
	b = jsonRE.ReplaceAll(b, []byte(`${1}"`+Mark+`"`))
	return Text(b)
}

// Body redacts a request or response body of the given Content-Type.
func Body(contentType string, b []byte) []byte {
	if len(b) == 0 {
		return b
	}
	ct := strings.ToLower(contentType)
	switch {
	case strings.Contains(ct, "x-www-form-urlencoded"):
		b = []byte(Form(string(b)))
		if looksJSON(b) { // JSON sent as a form: its secrets are JSON members
			b = JSON(b)
		}
		return b
	case strings.Contains(ct, "multipart/"):
		b = multipartRE.ReplaceAll(b, []byte("${1}"+Mark+"${3}"))
		return Text(b)
	}
	// Bodies sent with the wrong type still get their JSON secrets removed.
	if looksJSON(b) || strings.Contains(ct, "json") {
		return JSON(b)
	}
	return Text(b)
}

// looksJSON reports whether b starts like a JSON object or array, whatever its type says.
func looksJSON(b []byte) bool {
	t := bytes.TrimLeft(b, " \t\r\n")
	return len(t) > 0 && (t[0] == '{' || t[0] == '[')
}

// Header redacts one header value.
func Header(name, value string) string {
	lname := strings.ToLower(name)
	if secretHeaders[lname] {
		if value == "" || strings.HasPrefix(value, Mark) {
			return value
		}
		return Mark
	}
	switch lname {
	case "authorization", "proxy-authorization":
		scheme, cred, ok := strings.Cut(value, " ")
		switch {
		case !ok:
			if value == "" {
				return value
			}
			return Mark
		case strings.TrimSpace(cred) == "" || strings.HasPrefix(cred, Mark):
			return value
		}
		return scheme + " " + Mark
	case "cookie":
		parts := strings.Split(value, ";")
		for i, p := range parts {
			if k, _, ok := strings.Cut(p, "="); ok {
				parts[i] = k + "=" + Mark
			}
		}
		return strings.Join(parts, ";")
	case "set-cookie":
		first, attrs, hasAttrs := strings.Cut(value, ";")
		if k, _, ok := strings.Cut(first, "="); ok {
			first = k + "=" + Mark
		}
		if hasAttrs {
			return first + ";" + String(attrs)
		}
		return first
	case "location", "content-location", "referer", "refresh":
		return URL(value)
	}
	return String(value)
}

// Headers redacts a header list in place.
func Headers(hs []har.NameValue) {
	for i := range hs {
		hs[i].Value = Header(hs[i].Name, hs[i].Value)
	}
}

// Params redacts query or form parameters in place.
func Params(ps []har.NameValue) {
	for i := range ps {
		if SecretField(ps[i].Name) && ps[i].Value != "" {
			ps[i].Value = Mark
		} else {
			ps[i].Value = String(ps[i].Value)
		}
	}
}

// Cookies redacts cookie values in place.
func Cookies(cs []har.Cookie) {
	for i := range cs {
		if cs[i].Value != "" {
			cs[i].Value = Mark
		}
	}
}

// Entry redacts a HAR entry in place, in two passes. By place: URL, query, headers, cookies
// and both bodies (decoded from base64 and encoded back when needed). Then by value: every
// secret found in those places, in the request or the response, of at least MinSecretLen
// bytes, is replaced wherever else it appears in the pair (an upstream that echoes what it
// received puts the client's credentials in its answer), as it is, URL-encoded, JSON-escaped
// or HTML-escaped. Content.Size follows the redacted body.
func Entry(e *har.Entry) error {
	found, err := collect(e)
	if err != nil {
		return err
	}
	val := func(s string) string { return s }
	if rp := found.replacer(); rp != nil {
		val = rp.Replace
	}
	body := func(ct string, b []byte) []byte { return []byte(val(string(Body(ct, b)))) }
	if r := e.Request; r != nil {
		r.URL = val(URL(r.URL))
		Params(r.QueryString)
		values(r.QueryString, val)
		Headers(r.Headers)
		values(r.Headers, val)
		Cookies(r.Cookies)
		if p := r.PostData; p != nil {
			b, err := r.Body()
			if err != nil {
				return fmt.Errorf("redact request: %w", err)
			}
			if p.Text != "" {
				red := body(p.MimeType, b)
				p.Text, p.Encoding = har.EncodeBody(red)
				if looksJSON(red) {
					// Form params parsed from a JSON text are no params, and carry the JSON,
					// secrets included, in their names.
					p.Params = nil
				}
			}
			Params(p.Params)
			values(p.Params, val)
		}
	}
	if r := e.Response; r != nil {
		r.StatusText = val(r.StatusText)
		Headers(r.Headers)
		values(r.Headers, val)
		Cookies(r.Cookies)
		r.RedirectURL = val(URL(r.RedirectURL))
		if r.Content.Text != "" {
			b, err := r.Body()
			if err != nil {
				return fmt.Errorf("redact response: %w", err)
			}
			red := body(r.Content.MimeType, b)
			r.Content.Text, r.Content.Encoding = har.EncodeBody(red)
			r.Content.Size = int64(len(red))
		}
	}
	return nil
}

// values applies val to the names and values of a list.
func values(nvs []har.NameValue, val func(string) string) {
	for i := range nvs {
		nvs[i].Name, nvs[i].Value = val(nvs[i].Name), val(nvs[i].Value)
	}
}

package redact

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/cerb-openapi/cerb-openapi/har"
)

// The planted secrets: distinctive, so that finding one in the output means it leaked.
const (
	fzBearer       = "tokBearer7Qm2Zx9Lp4Vb6"
	fzCerbSig      = "cerbSig9f8e7d6c5b4a3928171605f4e3d2c1b0"
	fzCookie       = "sessCk3Vn8Rw1Yt6Hj0Aq"
	fzClientSecret = "cliSec4Gh7Kk2Nn5Pp8Uu"
	fzAccessToken  = "accTok8Ss1Dd4Ff7Gg0Ii"
	fzRefreshToken = "refTok2Ww5Ee8Rr1Tt4Oo"
	fzIDToken      = "idTok6Mm9Bb2Cc5Xx8Zz"
	fzPassword     = "pwHunter2Jk7Lo0Yh3"
	fzJWT          = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJmdXp6LTQyIn0.c2lnRnV6ejEyMzQ1Njc4OWFi"
	fzJWTSig       = "c2lnRnV6ejEyMzQ1Njc4OWFi"
	fzJWE          = "eyJhbGciOiJSU0EtT0FFUCJ9.ZW5jS2V5Rnp6MTIz.aXZGenoxMjM0.Y2lwaGVyVGV4dEZ6ejk4NzY1.dGFnRnp6NDU2Nzg5"
)

var fzSecrets = []string{fzBearer, fzCerbSig, fzCookie, fzClientSecret, fzAccessToken, fzRefreshToken,
	fzIDToken, fzPassword, fzJWT, fzJWTSig, "Y2lwaGVyVGV4dEZ6ejk4NzY1", "dGFnRnp6NDU2Nzg5"}

// clean removes every planted secret from fuzzed bytes (repeatedly: removing one can join
// the halves of another), so that a secret in the output can only be a planted one.
func clean(s string) string {
	for {
		t := s
		for _, sec := range fzSecrets {
			t = strings.ReplaceAll(t, sec, "")
		}
		if t == s {
			return s
		}
		s = t
	}
}

// token keeps the bytes of s that may appear in an HTTP token (a scheme, a cookie name).
func token(s, def string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c > ' ' && c < 0x7f && !strings.ContainsRune(`()<>@,;:\"/[]?={}`, rune(c)) {
			b.WriteByte(c)
		}
	}
	if b.Len() == 0 {
		return def
	}
	return b.String()
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func body(b []byte) (text, enc string) { return har.EncodeBody(b) }

// FuzzRedact plants known credentials in the places the redactor knows (Authorization,
// Cerb-Auth, cookies, OAuth fields in query, form and JSON, JWT-shaped strings anywhere),
// surrounded by fuzzed bytes in everything that is not the credential itself, and asserts
// that after Entry no planted secret is left anywhere in the entry's JSON encoding or in its
// decoded bodies. The credential slots follow each format: Authorization is
// "<scheme> <credential>", Cerb-Auth is "<access key>:<signature>", a cookie is name=value.
func FuzzRedact(f *testing.F) {
	f.Add("", "", "", "", uint8(0))
	f.Add("Bearer", "expand=custom_&show_meta=1", "subject=Hi&content=Hello", `{"a":1}`, uint8(1))
	f.Add("Token", "a=%zz&b", "group_id=1&subject=\xff\xfe&content=x", "\u00e9\u2028", uint8(2))
	f.Add("x", "#", "&&==&", `"password":"\`, uint8(3))
	f.Add("Bearer", "?access_token=", "client_secret", "access_token", uint8(4))
	f.Add("REDACTED", "REDACTED", "REDACTED", "REDACTED", uint8(5))
	f.Add("eyJab.", "eyJhbGciOiJub25lIn0.eyJ", "eyJ.", "def50200", uint8(6))
	f.Add("k;Devblocks", "x=1#y=2&refresh_token", "a=1;b=2", "\\u0022", uint8(7))
	f.Fuzz(func(t *testing.T, pre, query, form, text string, which uint8) {
		pre, query, form, text = clean(pre), clean(query), clean(form), clean(text)
		// A raw # ends a query: in "?a#access_token=x" the fragment's field is "a#access_token"
		// by URL rules, not access_token, so the query slots carry no raw #.
		query = strings.ReplaceAll(query, "#", "%23")
		scheme := token(pre, "Bearer")
		key := strings.ReplaceAll(pre, ":", "")
		if strings.HasPrefix(key, Mark) || key == "" {
			key = "k" + key // an access key that starts with the mark reads as already redacted
		}
		credential := fzBearer
		if which&1 == 1 {
			credential = fzJWT
		}

		var reqJSON, respJSON string
		switch which >> 1 & 3 {
		case 0:
			reqJSON = `{"grant_type":"refresh_token","client_id":` + jsonString(text) + `,"client_secret":"` + fzClientSecret + `","refresh_token":"` + fzRefreshToken + `"}`
		case 1:
			reqJSON = `[{` + jsonString(text) + `:` + jsonString(pre) + `, "Client_Secret" : "` + fzClientSecret + `"},{"x":{"refresh_token":"` + fzRefreshToken + `"}}]`
		case 2:
			reqJSON = "\n{ \"password\":\t\"" + fzPassword + `", "note":` + jsonString(text+fzJWT+query) + `, "refresh_token":"` + fzRefreshToken + `", "client_secret":"` + fzClientSecret + `"}`
		case 3:
			reqJSON = `{"a":[` + jsonString(text) + `,` + jsonString(form) + `],"client_secret":"` + fzClientSecret + `","refresh_token":"` + fzRefreshToken + `","b":` + jsonString(pre) + `}`
		}
		respJSON = `{"token_type":` + jsonString(text) + `,"access_token":"` + fzAccessToken + `","refresh_token":"` + fzRefreshToken + `","id_token":"` + fzJWT + `","expires_in":3600,"x":` + jsonString(pre) + `}`

		reqFormBody := form + "&client_secret=" + fzClientSecret + "&refresh_token=" + fzRefreshToken + "&" + text + "&password=" + fzPassword
		reqCT := "application/x-www-form-urlencoded"
		reqBody := reqFormBody
		params := []har.NameValue{{Name: "x", Value: form}, {Name: "client_secret", Value: fzClientSecret}, {Name: "refresh_token", Value: fzRefreshToken}, {Name: "password", Value: fzPassword}}
		switch which >> 3 & 3 {
		case 1:
			reqCT, reqBody, params = "application/json", reqJSON, nil
		case 2:
			reqCT, reqBody, params = "text/plain", reqJSON, nil // the wrong type: JSON found by its first byte
		case 3:
			reqCT, reqBody, params = "application/vnd.api+json; charset="+token(pre, "utf-8"), reqJSON, nil
		}
		respCT := "application/json; charset=utf-8"
		respBody := respJSON
		if which>>5&1 == 1 {
			respCT, respBody = "text/html", "<p>"+text+fzJWT+pre+"</p>"+fzJWE+"."+form
		}
		reqText, reqEnc := body([]byte(reqBody))
		respText, respEnc := body([]byte(respBody))

		u := "https://cerb.example/rest/tickets/compose.json?" + query + "&access_token=" + fzAccessToken + "&" + form + "&refresh_token=" + fzRefreshToken
		if which>>6&1 == 1 {
			u = "https://cerb.example/oauth/" + fzJWT + "/cb?" + query + "#access_token=" + fzAccessToken + "&id_token=" + fzJWT + "&" + text
		}
		e := har.Entry{
			Request: &har.Request{
				Method: "POST",
				URL:    u,
				Headers: []har.NameValue{
					{Name: "Authorization", Value: scheme + " " + credential},
					{Name: "Cerb-Auth", Value: key + ":" + fzCerbSig},
					{Name: "Cookie", Value: pre + "; Devblocks=" + fzCookie + "; " + token(text, "theme") + "=" + fzCookie + ";" + text},
					{Name: "X-Debug", Value: pre + fzJWT + text},
					{Name: "X-Other", Value: text},
					{Name: "Content-Type", Value: reqCT},
				},
				QueryString: []har.NameValue{{Name: "x", Value: query}, {Name: "access_token", Value: fzAccessToken}, {Name: "Refresh_Token", Value: fzRefreshToken}, {Name: "y", Value: pre + fzJWT + text}},
				Cookies:     []har.Cookie{{Name: "Devblocks", Value: fzCookie}, {Name: token(text, "theme"), Value: fzCookie}},
				PostData:    &har.PostData{MimeType: reqCT, Text: reqText, Encoding: reqEnc, Params: params},
			},
			Response: &har.Response{
				Status: 200,
				Headers: []har.NameValue{
					{Name: "Set-Cookie", Value: token(pre, "Devblocks") + "=" + fzCookie + "; path=/; " + text},
					{Name: "Location", Value: "https://app.example/cb?" + query + "#access_token=" + fzAccessToken + "&" + text + "&refresh_token=" + fzRefreshToken},
					{Name: "X-Token", Value: text + fzJWE + pre},
					{Name: "Content-Type", Value: respCT},
				},
				Cookies:     []har.Cookie{{Name: token(pre, "Devblocks"), Value: fzCookie, Path: text}},
				Content:     har.Content{MimeType: respCT, Text: respText, Encoding: respEnc, Size: int64(len(respBody))},
				RedirectURL: "https://app.example/cb?" + text + "&access_token=" + fzAccessToken,
			},
		}
		if err := Entry(&e); err != nil {
			t.Fatalf("Entry: %v", err)
		}
		enc, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		reqB, err := e.Request.Body()
		if err != nil {
			t.Fatal(err)
		}
		respB, err := e.Response.Body()
		if err != nil {
			t.Fatal(err)
		}
		for _, sec := range fzSecrets {
			for where, b := range map[string][]byte{"entry JSON": enc, "request body": reqB, "response body": respB} {
				if i := bytes.Index(b, []byte(sec)); i >= 0 {
					lo, hi := max(0, i-80), min(len(b), i+len(sec)+40)
					t.Errorf("secret %q survived in the %s: …%s…", sec, where, b[lo:hi])
				}
			}
		}
		if e.Response.Content.Size != int64(len(respB)) {
			t.Errorf("content size %d, body %d bytes", e.Response.Content.Size, len(respB))
		}
	})
}

package redact

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"github.com/cerb-openapi/cerb-openapi/har"
)

const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl-_x"

func TestHeader(t *testing.T) {
	tests := []struct{ name, value, want string }{
		{"Authorization", "Bearer " + jwt, "Bearer REDACTED"},
		{"authorization", "Bearer opaque-token", "Bearer REDACTED"},
		{"Authorization", "Basic dXNlcjpwYXNz", "Basic REDACTED"},
		{"Authorization", "Bearer ", "Bearer "}, // the checker must still see an empty token
		{"Authorization", "Bearer REDACTED-JANE-TOKEN", "Bearer REDACTED-JANE-TOKEN"},
		{"Authorization", "sometoken", "REDACTED"},
		{"Proxy-Authorization", "Basic Zm9vOmJhcg==", "Basic REDACTED"},
		{"Cerb-Auth", "key123:0123456789abcdef", "REDACTED"},
		{"Cerb5-Auth", "key123:0123456789abcdef", "REDACTED"},
		{"Cookie", "Devblocks=abc123; theme=dark", "Devblocks=REDACTED; theme=REDACTED"},
		{"Set-Cookie", "Devblocks=abc123; path=/; HttpOnly; SameSite=Lax", "Devblocks=REDACTED; path=/; HttpOnly; SameSite=Lax"},
		{"Set-Cookie", "Devblocks=abc123", "Devblocks=REDACTED"},
		{"Location", "https://app.example/cb?code=1&access_token=tok#refresh_token=r&x=1", "https://app.example/cb?code=1&access_token=REDACTED#refresh_token=REDACTED&x=1"},
		{"X-Debug", "token " + jwt + " end", "token REDACTED end"},
		{"X-Debug", "jwe eyJhbGciOiJSU0EtT0FFUCJ9.a2V5.aXY.Y2lwaGVy.dGFn. end", "jwe REDACTED. end"}, // all five parts
		{"X-Debug", "eyJab." + jwt, "REDACTED"},                                                      // not only the first three parts
		{"Content-Type", "application/json; charset=utf-8", "application/json; charset=utf-8"},
		{"Date", "Wed, 08 Feb 2017 19:53:35 GMT", "Wed, 08 Feb 2017 19:53:35 GMT"},
	}
	for _, tt := range tests {
		if got := Header(tt.name, tt.value); got != tt.want {
			t.Errorf("Header(%q, %q) = %q, want %q", tt.name, tt.value, got, tt.want)
		}
	}
}

func TestBody(t *testing.T) {
	tests := []struct{ name, ct, body, want string }{
		{"form", "application/x-www-form-urlencoded", "grant_type=refresh_token&client_id=app&client_secret=s3cr%2Bt&refresh_token=def50200aabbccddeeff00112233",
			"grant_type=refresh_token&client_id=app&client_secret=REDACTED&refresh_token=REDACTED"},
		{"form keeps other bytes", "application/x-www-form-urlencoded; charset=UTF-8", "subject=a%20b+c&content=x&&status=1&client_secret=", "subject=a%20b+c&content=x&&status=1&client_secret="},
		{"form encoded name", "application/x-www-form-urlencoded", "client%5Fsecret=x", "client%5Fsecret=REDACTED"},
		{"json", "application/json", `{"token_type":"Bearer","expires_in":3600,"access_token": "abc\"def","refresh_token":"r1", "Password":"p"}`,
			`{"token_type":"Bearer","expires_in":3600,"access_token": "REDACTED","refresh_token":"REDACTED", "Password":"REDACTED"}`},
		{"json without type", "text/plain", `{"client_secret":"x"}`, `{"client_secret":"REDACTED"}`},
		{"json sent as a form", "application/x-www-form-urlencoded", "\n {\"username\":\"jane\",\"password\":\"pw=1&x\"}", "\n {\"username\":\"jane\",\"password\":\"REDACTED\"}"},
		{"json array sent as a form", "application/x-www-form-urlencoded; charset=UTF-8", `[{"refresh_token":"r"}]`, `[{"refresh_token":"REDACTED"}]`},
		{"jwt in html", "text/html", "<p>" + jwt + "</p>", "<p>REDACTED</p>"},
		{"multipart", "multipart/form-data; boundary=XX", "--XX\r\nContent-Disposition: form-data; name=\"client_secret\"\r\n\r\nhunter2\r\n--XX\r\nContent-Disposition: form-data; name=\"content\"\r\n\r\nhello\r\n--XX--\r\n",
			"--XX\r\nContent-Disposition: form-data; name=\"client_secret\"\r\n\r\nREDACTED\r\n--XX\r\nContent-Disposition: form-data; name=\"content\"\r\n\r\nhello\r\n--XX--\r\n"},
		{"compose form untouched", "application/x-www-form-urlencoded", "group_id=1&subject=Hi&content=eyJ+is+not+a+jwt", "group_id=1&subject=Hi&content=eyJ+is+not+a+jwt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(Body(tt.ct, []byte(tt.body))); got != tt.want {
				t.Errorf("Body =\n %q\nwant\n %q", got, tt.want)
			}
		})
	}
}

func TestURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://cerb.example/rest/tickets/compose.json?expand=custom_&access_token=abc", "https://cerb.example/rest/tickets/compose.json?expand=custom_&access_token=REDACTED"},
		{"https://cerb.example/rest/x.json", "https://cerb.example/rest/x.json"},
		{"/oauth/cb/" + jwt + "?a=%zz", "/oauth/cb/REDACTED?a=%zz"},
	}
	for _, tt := range tests {
		if got := URL(tt.in); got != tt.want {
			t.Errorf("URL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestEntry(t *testing.T) {
	bin := append([]byte{0xff, 0xfe}, []byte(`"access_token":"`+jwt+`"`)...)
	e := har.Entry{
		Request: &har.Request{
			URL:         "https://cerb.example/oauth/access_token?refresh_token=qq",
			Headers:     []har.NameValue{{Name: "Authorization", Value: "Bearer secret1"}, {Name: "Cookie", Value: "Devblocks=sess1"}},
			Cookies:     []har.Cookie{{Name: "Devblocks", Value: "sess1"}},
			QueryString: []har.NameValue{{Name: "refresh_token", Value: "qq"}},
			PostData: &har.PostData{MimeType: "application/x-www-form-urlencoded", Text: "client_secret=secret2&x=1",
				Params: []har.NameValue{{Name: "client_secret", Value: "secret2"}, {Name: "x", Value: "1"}}},
		},
		Response: &har.Response{
			Headers: []har.NameValue{{Name: "Set-Cookie", Value: "Devblocks=sess2; path=/"}},
			Cookies: []har.Cookie{{Name: "Devblocks", Value: "sess2", Path: "/"}},
			Content: har.Content{MimeType: "application/octet-stream", Text: base64.StdEncoding.EncodeToString(bin), Encoding: "base64", Size: int64(len(bin))},
		},
	}
	if err := Entry(&e); err != nil {
		t.Fatal(err)
	}
	body, _ := e.Response.Body()
	all := e.Request.URL + e.Request.PostData.Text + string(body)
	for _, h := range append(e.Request.Headers, append(e.Request.QueryString, append(e.Request.PostData.Params, e.Response.Headers...)...)...) {
		all += h.Value
	}
	for _, c := range append(e.Request.Cookies, e.Response.Cookies...) {
		all += c.Value
	}
	for _, secret := range []string{"secret1", "secret2", "sess1", "sess2", "qq", jwt[:20]} {
		if strings.Contains(all, secret) {
			t.Errorf("%q survived redaction", secret)
		}
	}
	if e.Response.Content.Encoding != "base64" || e.Response.Content.Size != int64(len(body)) || e.Response.Cookies[0].Path != "/" {
		t.Errorf("response content = %+v", e.Response.Content)
	}
}

// TestEverySecretField: every name on the list is redacted in every place a field can be,
// whatever its case, so a name added to the list cannot be missed by one of the matchers.
func TestEverySecretField(t *testing.T) {
	if len(secretFieldNames) == 0 || len(secretHeaderNames) == 0 {
		t.Fatal("no secret names")
	}
	for _, name := range secretHeaderNames {
		for _, n := range []string{name, strings.ToUpper(name), http.CanonicalHeaderKey(name)} {
			if got := Header(n, "key:planted-header-value"); got != Mark {
				t.Errorf("header %s: %q, want %s", n, got, Mark)
			}
		}
	}
	for _, name := range secretFieldNames {
		for _, n := range []string{name, strings.ToUpper(name), strings.ToUpper(name[:1]) + name[1:]} {
			secret := "planted-" + n + "-value"
			places := []struct{ where, got string }{
				{"query", URL("https://cerb.example/rest/x.json?a=1&" + n + "=" + secret + "&b=2")},
				{"fragment", URL("https://app.example/cb#" + n + "=" + secret)},
				{"form", string(Body("application/x-www-form-urlencoded", []byte("a=1&"+n+"="+secret)))},
				{"json", string(Body("application/json", []byte(`{"a":1,"`+n+`" : "`+secret+`"}`)))},
				{"multipart", string(Body("multipart/form-data; boundary=XX", []byte("--XX\r\nContent-Disposition: form-data; name=\""+n+"\"\r\n\r\n"+secret+"\r\n--XX--\r\n")))},
			}
			ps := []har.NameValue{{Name: n, Value: secret}}
			Params(ps)
			places = append(places, struct{ where, got string }{"params", ps[0].Value})
			for _, p := range places {
				if strings.Contains(p.got, secret) || !strings.Contains(p.got, Mark) {
					t.Errorf("%s %q not redacted: %q", p.where, n, p.got)
				}
			}
		}
	}
}

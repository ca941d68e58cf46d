package redact

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
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

// echoEntry is a pair whose request carries the credential in the given place and whose
// response echoes the given text in a header, the Location, a cookie attribute and the body.
func echoEntry(reqHeader har.NameValue, query, reqCT, reqBody, echo string) har.Entry {
	return har.Entry{
		Request: &har.Request{
			Method:      "POST",
			URL:         "https://cerb.example/rest/x.json?" + query,
			Headers:     []har.NameValue{reqHeader, {Name: "Content-Type", Value: reqCT}},
			QueryString: []har.NameValue{},
			PostData:    &har.PostData{MimeType: reqCT, Text: reqBody},
		},
		Response: &har.Response{
			Status:      400,
			Headers:     []har.NameValue{{Name: "X-Echo", Value: echo}, {Name: "Set-Cookie", Value: "seen=1; Comment=" + echo}, {Name: "Location", Value: "https://app.example/e?x=" + echo}},
			Content:     har.Content{MimeType: "text/html", Text: "<p>you sent " + echo + "</p>"},
			RedirectURL: "https://app.example/e?x=" + echo,
		},
	}
}

// TestEntryByValue: a secret sent in any credential place is replaced in the rest of the
// pair in the form the server wrote it back in.
func TestEntryByValue(t *testing.T) {
	const tok = "tok+Value/9w=="
	const pw = `pw "Value"/é<&>`
	none := har.NameValue{Name: "X-None", Value: "-"}
	tests := []struct {
		name          string
		header        har.NameValue
		query, ct, in string
		echo          string // the echoed form of the secret
		secret        string // what must be gone
	}{
		{"bearer raw", har.NameValue{Name: "Authorization", Value: "Bearer " + tok}, "", "text/plain", "", tok, tok},
		{"bearer query-escaped", har.NameValue{Name: "Authorization", Value: "Bearer " + tok}, "", "text/plain", "", "tok%2BValue%2F9w%3D%3D", "Value"},
		{"bearer lower-case hex", har.NameValue{Name: "Authorization", Value: "Bearer " + tok}, "", "text/plain", "", "tok%2bValue%2f9w%3d%3d", "Value"},
		{"basic password", har.NameValue{Name: "Authorization", Value: "Basic " + base64.StdEncoding.EncodeToString([]byte("jane:"+pw))}, "", "text/plain", "", pw, "Value"},
		{"basic user:password", har.NameValue{Name: "Authorization", Value: "Basic " + base64.StdEncoding.EncodeToString([]byte("jane:"+pw))}, "", "text/plain", "", "jane:" + pw, "Value"},
		{"cerb-auth signature", har.NameValue{Name: "Cerb-Auth", Value: "key:0123456789abcdefValue"}, "", "text/plain", "", "0123456789abcdefValue", "Value"},
		{"cookie", har.NameValue{Name: "Cookie", Value: "theme=dark; Devblocks=sessValue123"}, "", "text/plain", "", "sessValue123", "Value"},
		{"query secret, path-escaped", none, "client_secret=" + url.QueryEscape(pw), "text/plain", "", url.PathEscape(pw), "Value"},
		{"query secret, as sent and escaped again", none, "client_secret=" + url.QueryEscape(pw), "text/plain", "", url.QueryEscape(url.QueryEscape(pw)), "Value"},
		{"form secret, %20 for space", none, "", "application/x-www-form-urlencoded", "a=1&refresh_token=" + url.QueryEscape(pw), strings.ReplaceAll(url.QueryEscape(pw), "+", "%20"), "Value"},
		{"json secret, PHP-escaped", none, "", "application/json", `{"access_token":"pw \"Value\"/\u00e9<&>"}`, `pw \"Value\"\/\u00e9<&>`, "Value"},
		{"json secret, Go-escaped", none, "", "application/json", `{"access_token":"pw \"Value\"/é<&>"}`, `pw \"Value\"/é\u003c\u0026\u003e`, "Value"},
		{"json secret, HTML-escaped", none, "", "application/json", `{"access_token":"pw \"Value\"/é<&>"}`, `pw &#34;Value&#34;/é&lt;&amp;&gt;`, "Value"},
		{"json secret as a form, PHP htmlspecialchars", none, "", "application/x-www-form-urlencoded", `{"password":"pw \"Value\"/é<&>"}`, `pw &quot;Value&quot;/é&lt;&amp;&gt;`, "Value"},
		{"multipart secret", none, "", "multipart/form-data; boundary=B", "--B\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\n" + pw + "\r\n--B--\r\n", pw, "Value"},
		{"x-api-key, JSON-escaped", har.NameValue{Name: "X-Api-Key", Value: "key/Value/42"}, "", "text/plain", "", `key\/Value\/42`, "Value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := echoEntry(tt.header, tt.query, tt.ct, tt.in, tt.echo)
			if err := Entry(&e); err != nil {
				t.Fatal(err)
			}
			enc, _ := json.Marshal(e)
			if strings.Contains(string(enc), tt.secret) {
				t.Errorf("%q survived: %s", tt.secret, enc)
			}
			if body, _ := e.Response.Body(); string(body) != "<p>you sent "+Mark+"</p>" || e.Response.Content.Size != int64(len(body)) {
				t.Errorf("response body %q (size %d)", body, e.Response.Content.Size)
			}
		})
	}
}

// TestEntryByValueMinLength: a secret shorter than MinSecretLen is redacted in its field but
// not searched for elsewhere, so that a short password does not wipe the body's text.
func TestEntryByValueMinLength(t *testing.T) {
	tests := []struct {
		password string
		replaced bool
	}{
		{"a", false},
		{"abcdefg", false}, // MinSecretLen-1
		{"abcdefgh", true}, // MinSecretLen
	}
	for _, tt := range tests {
		e := echoEntry(har.NameValue{Name: "X-None"}, "", "application/x-www-form-urlencoded", "user=jane&password="+tt.password, "a banana abcdefgh")
		if err := Entry(&e); err != nil {
			t.Fatal(err)
		}
		body, _ := e.Response.Body()
		want := "<p>you sent a banana abcdefgh</p>"
		if tt.replaced {
			want = "<p>you sent a banana " + Mark + "</p>"
		}
		if string(body) != want {
			t.Errorf("password %q: response body %q, want %q", tt.password, body, want)
		}
		if e.Request.PostData.Text != "user=jane&password="+Mark {
			t.Errorf("password %q: request body %q", tt.password, e.Request.PostData.Text)
		}
	}
}

// TestEntryJSONAsFormParams: params a HAR writer parsed out of a JSON body sent as a form
// hold the JSON in their names, and are dropped.
func TestEntryJSONAsFormParams(t *testing.T) {
	body := `{"user":"jane","password":"pw"}`
	e := har.Entry{Request: &har.Request{URL: "https://cerb.example/login", PostData: &har.PostData{
		MimeType: "application/x-www-form-urlencoded", Text: body, Params: []har.NameValue{{Name: body}}}}}
	if err := Entry(&e); err != nil {
		t.Fatal(err)
	}
	if p := e.Request.PostData; p.Text != `{"user":"jane","password":"REDACTED"}` || len(p.Params) != 0 {
		t.Errorf("post data %+v", p)
	}
}

package record

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"unicode/utf16"
)

// Planted secrets for the echo test. Each starts with a unique alphanumeric core, which
// reads the same in every encoding the upstream echoes it in; the rest has bytes that each
// encoding writes differently (space, /, +, &, <, ", é). A core left in the recording means
// an encoded form of the secret was missed.
var echoSecrets = []struct{ core, value string }{
	{"EchoBearerK7x2", "EchoBearerK7x2+Q/9w=="},                    // Authorization: Bearer
	{"EchoCerbSig0f1e2d3c4b5a6978", "EchoCerbSig0f1e2d3c4b5a6978"}, // Cerb-Auth signature
	{"EchoCookieM4p8", "EchoCookieM4p8/Zz+1"},                      // Cookie
	{"EchoClientSecJ3", "EchoClientSecJ3 é/+&x"},                   // client_secret in a form
	{"EchoQuerySecH6", "EchoQuerySecH6 /+x"},                       // client_secret in the query
	{"EchoRefreshR5", "EchoRefreshR5~./x"},                         // refresh_token in a form
	{"EchoAccessJ8", `EchoAccessJ8 "q"/é<>&`},                      // access_token in a JSON body
	{"EchoPasswordP2", "EchoPasswordP2 <é>&/"},                     // password in JSON sent as a form
	{"EchoBasicB9", "EchoBasicB9 /+é"},                             // the password of Basic auth
	{"EchoMultiM1", "EchoMultiM1 /+x"},                             // password in a multipart form
}

func echoSecret(core string) string {
	for _, s := range echoSecrets {
		if s.core == core {
			return s.value
		}
	}
	panic(core)
}

// The Basic credential is base64 of "user:password": its core is the credential itself.
var echoBasic = base64.StdEncoding.EncodeToString([]byte("app:" + echoSecret("EchoBasicB9")))

// echoFormats are the ways the echoing upstream writes what it received.
var echoFormats = []struct {
	name, ct string
	encode   func(items []string) []byte
}{
	{"raw", "text/plain", func(items []string) []byte { return []byte(strings.Join(items, "\n")) }},
	{"go-json", "application/json", func(items []string) []byte { b, _ := json.Marshal(map[string]any{"seen": items}); return b }},
	{"php-json", "application/json; charset=utf-8", func(items []string) []byte {
		quoted := make([]string, len(items))
		for i, it := range items {
			quoted[i] = phpJSON(it)
		}
		return []byte(`{"seen":[` + strings.Join(quoted, ",") + `]}`)
	}},
	{"html", "text/html", func(items []string) []byte {
		var b bytes.Buffer
		for _, it := range items {
			b.WriteString("<pre>" + html.EscapeString(it) + "</pre>\n")
		}
		return b.Bytes()
	}},
	{"query-escape", "application/x-www-form-urlencoded", func(items []string) []byte { return []byte(url.Values{"seen": items}.Encode()) }},
	{"path-escape", "text/plain", func(items []string) []byte {
		parts := make([]string, len(items))
		for i, it := range items {
			parts[i] = url.PathEscape(it)
		}
		return []byte(strings.Join(parts, "/"))
	}},
	{"js-escape", "text/plain", func(items []string) []byte { // %20 for space, lower-case hex
		parts := make([]string, len(items))
		for i, it := range items {
			parts[i] = lowerHex(strings.ReplaceAll(url.QueryEscape(it), "+", "%20"))
		}
		return []byte(strings.Join(parts, "&"))
	}},
}

// phpJSON quotes s as PHP's json_encode does by default: "/" as "\/", non-ASCII as \uXXXX.
func phpJSON(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	var out strings.Builder
	for _, r := range strings.TrimSuffix(b.String(), "\n") {
		switch {
		case r == '/':
			out.WriteString(`\/`)
		case r > 0x7f:
			for _, u := range utf16.Encode([]rune{r}) {
				fmt.Fprintf(&out, `\u%04x`, u)
			}
		default:
			out.WriteRune(r)
		}
	}
	return out.String()
}

var upperHexRE = regexp.MustCompile(`%[0-9A-F]{2}`)

func lowerHex(s string) string { return upperHexRE.ReplaceAllStringFunc(s, strings.ToLower) }

// echoUpstream answers every request with what it received (headers, query, cookies, Basic
// credentials, decoded form, JSON and multipart values, the raw body) in the format the
// request names, and echoes headers and the query into response headers too, as debug pages
// and OAuth error pages do. No item is under a secret field name, so only redaction by
// value can catch them.
func echoUpstream(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	items := []string{r.RequestURI, r.URL.RawQuery, string(body)}
	names := make([]string, 0, len(r.Header))
	for k := range r.Header {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		items = append(items, k+": "+strings.Join(r.Header[k], ", "))
	}
	for _, vs := range r.URL.Query() {
		items = append(items, vs...)
	}
	for _, c := range r.Cookies() {
		items = append(items, c.Value)
	}
	if user, pass, ok := r.BasicAuth(); ok {
		items = append(items, user+":"+pass, pass)
	}
	if _, sig, ok := strings.Cut(r.Header.Get("Cerb-Auth"), ":"); ok {
		items = append(items, sig)
	}
	if t := bytes.TrimSpace(body); len(t) > 0 && t[0] == '{' {
		var m map[string]any
		json.Unmarshal(t, &m)
		for _, v := range m {
			items = append(items, fmt.Sprint(v))
		}
	}
	mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "application/x-www-form-urlencoded":
		form, _ := url.ParseQuery(string(body))
		for _, vs := range form {
			items = append(items, vs...)
		}
	case "multipart/form-data":
		mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
		for p, err := mr.NextPart(); err == nil; p, err = mr.NextPart() {
			v, _ := io.ReadAll(p)
			items = append(items, string(v))
		}
	}

	format := echoFormats[0]
	for _, f := range echoFormats {
		if f.name == r.Header.Get("X-Echo-Format") {
			format = f
		}
	}
	h := w.Header()
	h.Set("Content-Type", format.ct)
	h.Set("X-Echo-Authorization", r.Header.Get("Authorization"))
	h.Set("X-Echo-Cerb-Auth", r.Header.Get("Cerb-Auth"))
	h.Set("X-Echo-Cookie", r.Header.Get("Cookie"))
	h.Set("X-Echo-Query", r.URL.RawQuery)
	h.Set("Set-Cookie", "seen=1; Path=/; Comment="+url.QueryEscape(r.Header.Get("Cookie")))
	h.Set("Location", "https://app.example/debug?q="+url.QueryEscape(r.URL.RawQuery)+"&b="+url.QueryEscape(string(body))+"#"+url.PathEscape(string(body)))
	w.WriteHeader(http.StatusBadRequest)
	w.Write(format.encode(items))
}

// echoRequests plant the secrets where clients send credentials.
func echoRequests(t *testing.T, base, format string) []*http.Request {
	t.Helper()
	var reqs []*http.Request
	add := func(method, path, ct, body string, hdr map[string]string) {
		req, err := http.NewRequest(method, base+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", ct)
		req.Header.Set("X-Echo-Format", format)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		reqs = append(reqs, req)
	}
	q := url.QueryEscape
	add("POST", "/oauth/access_token?client_secret="+q(echoSecret("EchoQuerySecH6")), "application/x-www-form-urlencoded",
		"grant_type=refresh_token&client_id=app&client_secret="+q(echoSecret("EchoClientSecJ3"))+"&refresh_token="+q(echoSecret("EchoRefreshR5")),
		map[string]string{"Authorization": "Basic " + echoBasic, "Cookie": "Devblocks=" + echoSecret("EchoCookieM4p8") + "; theme=dark"})
	add("POST", "/rest/tickets/compose.json?expand=custom_", "application/x-www-form-urlencoded", "group_id=1&subject=Hi&content=hello",
		map[string]string{"Authorization": "Bearer " + echoSecret("EchoBearerK7x2")})
	access, _ := json.Marshal(echoSecret("EchoAccessJ8"))
	add("POST", "/rest/tickets/reply.json", "application/json", `{"message_id":56,"content":"x","access_token":`+string(access)+`}`,
		map[string]string{"Cerb-Auth": "key123:" + echoSecret("EchoCerbSig0f1e2d3c4b5a6978")})
	pw, _ := json.Marshal(echoSecret("EchoPasswordP2"))
	add("POST", "/oauth/login", "application/x-www-form-urlencoded", `  {"username":"jane","password":`+string(pw)+`}`, nil)
	add("POST", "/oauth/login", "multipart/form-data; boundary=XyZ",
		"--XyZ\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\njane\r\n--XyZ\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\n"+echoSecret("EchoMultiM1")+"\r\n--XyZ--\r\n", nil)
	return reqs
}

// TestRecordEchoingUpstream: an upstream that echoes the request into its response (in
// headers, Set-Cookie, Location and the body, raw and in six encodings) must not get any
// planted secret into the HAR file, whose other content stays readable.
func TestRecordEchoingUpstream(t *testing.T) {
	proxy, w, rec, path, logs, _ := newProxy(t, http.HandlerFunc(echoUpstream), false)
	client := proxy.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	echoed := 0
	for _, f := range echoFormats {
		for _, req := range echoRequests(t, proxy.URL, f.name) {
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			// The client gets the echo as sent: the proxy itself changes nothing.
			for _, s := range echoSecrets {
				if bytes.Contains(got, []byte(s.core)) {
					echoed++
					break
				}
			}
		}
	}
	proxy.Close()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if rec.Failed() != 0 {
		t.Fatalf("%d not recorded:\n%s", rec.Failed(), logs)
	}
	if want := len(echoFormats) * 5; echoed != want {
		t.Fatalf("%d of %d responses carried a secret to the client, want all: the upstream does not echo", echoed, want)
	}

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	l := readHAR(t, path)
	all := string(data)
	for _, e := range l.Entries { // base64 bodies, decoded
		b, _ := e.Request.Body()
		all += "\n" + string(b)
		b, _ = e.Response.Body()
		all += "\n" + string(b)
	}
	leaked := 0
	for _, s := range append(echoSecrets, struct{ core, value string }{echoBasic, echoBasic}) {
		if n := strings.Count(all, s.core); n > 0 {
			leaked++
			i := strings.Index(all, s.core)
			t.Errorf("%s is in the recording %d times: …%s…", s.core, n, all[max(0, i-60):min(len(all), i+len(s.core)+30)])
		}
	}
	t.Logf("%d of %d planted secrets in the HAR file", leaked, len(echoSecrets)+1)
	// Redaction keeps what is not secret.
	for _, want := range []string{"Bearer REDACTED", "group_id=1", "message_id", "X-Echo-Format: php-json", `\/oauth\/login`, "jane"} {
		if !strings.Contains(all, want) {
			t.Errorf("the recording lost %q", want)
		}
	}
}

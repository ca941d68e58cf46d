package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cerb-openapi/cerb-openapi/cerb"
	"github.com/cerb-openapi/cerb-openapi/har"
)

// Planted secrets: distinctive strings that must not leave the process they were planted in
// except to the upstream that they are meant for.
const (
	sBearer       = "plantBearer8Hq3Wz5Rt"
	sCerbSig      = "plantCerbSig0a1b2c3d4e5f60718293a4b5c6d"
	sCookieReq    = "plantCookieReq4Kd9Lm"
	sCookieReq2   = "plantCookieTheme7Vx"
	sCookieResp   = "plantCookieResp2Bn6Pj"
	sSecretQuery  = "plantClientSecretQ3Ye"
	sAccessQuery  = "plantAccessQ5Tg8Uh"
	sSecretForm   = "plantClientSecretF1Cv"
	sRefreshForm  = "plantRefreshF6Nm2Zs"
	sAccessJSON   = "plantAccessJ9Wq4Er"
	sSecretJSON   = "plantClientSecretJ7Ok"
	sRefreshJSON  = "plantRefreshJ2Ly5Ai"
	sAccessResp   = "plantAccessR8Xu1Ob"
	sRefreshResp  = "plantRefreshR3Fp6Dg"
	sAccessFrag   = "plantAccessFrag0Hj4"
	sClientToken  = "plantApiClientTok1Mn7"
	sLegacySecret = "plantLegacySecret5Qw"
	sPasswordJSON = "plantPasswordJF3Sx" // in a JSON body sent with a form Content-Type
	// JWT-shaped strings: in a header, a form value, a JSON body and an HTML page.
	sJWTHeader = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJoZWFkZXIifQ.c2lnSGVhZGVyUGxhbnQx"
	sJWTForm   = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJmb3JtIn0.c2lnRm9ybVBsYW50Mg"
	sJWTResp   = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXNwIn0.c2lnUmVzcFBsYW50Mw"
	sJWTPage   = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwYWdlIn0.c2lnUGFnZVBsYW50NA"
)

var planted = []string{sBearer, sCerbSig, sCookieReq, sCookieReq2, sCookieResp, sSecretQuery, sAccessQuery,
	sSecretForm, sRefreshForm, sAccessJSON, sSecretJSON, sRefreshJSON, sAccessResp, sRefreshResp, sAccessFrag,
	sClientToken, sLegacySecret, sPasswordJSON, sJWTHeader, sJWTForm, sJWTResp, sJWTPage,
	"c2lnSGVhZGVyUGxhbnQx", "c2lnRm9ybVBsYW50Mg", "c2lnUmVzcFBsYW50Mw", "c2lnUGFnZVBsYW50NA"}

// TestSecretsEndToEnd plants tokens, Cerb-Auth values, cookies and OAuth secrets in the
// headers, query strings, form bodies and JSON bodies of requests and responses, sends them
// through `cerbcontract record --check` to a fake Cerb, then runs `check` on the recording
// in every format, and requires that no planted secret is in the HAR file, in any report, on
// stderr, or in any error. The cerb client's credentials never show up in its errors either;
// its errors do carry the start of a non-Cerb response body by design (that is how a proxy's
// error page is diagnosed), so a secret the server itself echoes into such a page can be in
// the client's error, though never in the recording.
func TestSecretsEndToEnd(t *testing.T) {
	var mu sync.Mutex
	var upstreamSaw []string // what reached the fake Cerb: proof the secrets were really sent
	var legacySig string
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		upstreamSaw = append(upstreamSaw, r.URL.RawQuery, string(body), r.Header.Get("Authorization"), r.Header.Get("Cerb-Auth"), r.Header.Get("Cookie"))
		if v := r.Header.Get("Cerb-Auth"); strings.HasPrefix(v, "legacykey:") {
			legacySig = strings.TrimPrefix(v, "legacykey:")
		}
		mu.Unlock()
		w.Header().Set("Set-Cookie", "Devblocks="+sCookieResp+"; path=/; HttpOnly")
		w.Header().Set("X-Debug-Token", sJWTResp)
		switch {
		case r.URL.Path == "/oauth/access_token":
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"token_type":"Bearer","expires_in":3600,"access_token":"%s","refresh_token":"%s","id_token":"%s"}`, sAccessResp, sRefreshResp, sJWTResp)
		case r.URL.Path == "/oauth/authorize":
			w.Header().Set("Location", "https://app.example/cb#access_token="+sAccessFrag+"&token_type=Bearer")
			w.WriteHeader(http.StatusFound)
		case r.Header.Get("X-Echo-Request") != "":
			// A debug page that prints the request it got: headers in its own headers,
			// everything in the body, escaped for HTML and URL-encoded.
			w.Header().Set("X-Echo-Authorization", r.Header.Get("Authorization"))
			w.Header().Set("X-Echo-Cookie", r.Header.Get("Cookie"))
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, "<pre>%s\n%s\n%s\n%s</pre><a href=\"/retry?%s\">retry</a>",
				html.EscapeString(r.RequestURI), html.EscapeString(fmt.Sprint(r.Header)), html.EscapeString(string(body)),
				html.EscapeString(r.URL.Query().Get("client_secret")), url.QueryEscape(string(body)))
		case r.Header.Get("X-Echo-Page") != "":
			// A proxy error page that echoes a JWT (not the caller's credentials).
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			fmt.Fprintf(w, "<html><body>upstream said: %s</body></html>", sJWTPage)
		default:
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			fmt.Fprintf(w, `{"__status":"error","__version":"10.4.10","__build":2024031401,"__error":"ERROR","message":"The 'subject' parameter is required","access_token":"%s","refresh_token":"%s"}`, sAccessResp, sRefreshResp)
		}
	}))
	defer up.Close()

	out := filepath.Join(t.TempDir(), "secrets.har")
	rec := startRecord(t, up.URL, out)
	recStdout, recStderr := &rec.stdout, &rec.stderr
	ctx := context.Background()
	proxy := "http://" + rec.addr

	send := func(method, path, ct, body string, header map[string]string) {
		t.Helper()
		var resp *http.Response
		var err error
		for range 200 { // until the proxy listens
			req, _ := http.NewRequest(method, proxy+path, strings.NewReader(body))
			if ct != "" {
				req.Header.Set("Content-Type", ct)
			}
			for k, v := range header {
				req.Header.Set(k, v)
			}
			client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			if resp, err = client.Do(req); err == nil {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", method, path, err, recStderr.String())
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}

	// Requests: bearer token, cookies, secrets in the query, in a form and in a JSON body.
	send("POST", "/rest/tickets/compose.json?expand=custom_&client_secret="+sSecretQuery+"&access_token="+sAccessQuery,
		"application/x-www-form-urlencoded",
		"group_id=1&content="+sJWTForm+"&client_secret="+sSecretForm+"&refresh_token="+sRefreshForm,
		map[string]string{"Authorization": "Bearer " + sBearer, "Cookie": "Devblocks=" + sCookieReq + "; theme=" + sCookieReq2, "X-Debug": "trace " + sJWTHeader})
	send("POST", "/rest/tickets/reply.json", "application/json",
		`{"message_id":1,"content":"x","access_token":"`+sAccessJSON+`","client_secret":"`+sSecretJSON+`","refresh_token":"`+sRefreshJSON+`"}`,
		map[string]string{"Cerb-Auth": "key123:" + sCerbSig, "X-Date": "Wed, 08 Feb 2017 19:53:35 GMT"})
	// The OAuth token endpoint: secrets in the form and in the JSON answer.
	send("POST", "/oauth/access_token", "application/x-www-form-urlencoded",
		"grant_type=refresh_token&client_id=app&client_secret="+sSecretForm+"&refresh_token="+sRefreshForm, nil)
	// A server that echoes the request back: every credential comes back in the answer.
	send("POST", "/rest/tickets/compose.json?client_secret="+sSecretQuery, "application/x-www-form-urlencoded",
		"group_id=1&client_secret="+sSecretForm+"&refresh_token="+sRefreshForm,
		map[string]string{"Authorization": "Bearer " + sBearer, "Cookie": "Devblocks=" + sCookieReq, "X-Echo-Request": "1"})
	send("POST", "/oauth/login", "application/x-www-form-urlencoded", `{"username":"jane","password":"`+sPasswordJSON+`"}`,
		map[string]string{"X-Echo-Request": "1"})
	// The authorize redirect: a token in the Location fragment.
	send("GET", "/oauth/authorize?response_type=token&client_id=app", "", "", map[string]string{"Cookie": "Devblocks=" + sCookieReq})

	// The cerb client through the recorder, with a bearer token and with a legacy key.
	var clientErrs []error
	for _, auth := range []cerb.Auth{cerb.Bearer(sClientToken), cerb.Legacy("legacykey", sLegacySecret)} {
		for _, echo := range []bool{false, true} {
			cfg := cerb.Config{BaseURL: proxy + "/rest", Auth: auth}
			if echo {
				cfg.RequestEditors = []func(context.Context, *http.Request) error{func(_ context.Context, r *http.Request) error { r.Header.Set("X-Echo-Page", "1"); return nil }}
			}
			c, err := cerb.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Compose(ctx, cerb.ComposeRequest{GroupID: 1, Subject: "s", Content: "c", To: "customer@example.com"})
			var apiErr *cerb.APIError
			var unexpected *cerb.UnexpectedResponseError
			switch {
			case !echo && !errors.As(err, &apiErr):
				t.Errorf("compose: %v (%T), want the Cerb error", err, err)
			case echo && !errors.As(err, &unexpected):
				t.Errorf("compose: %v (%T), want the error page", err, err)
			case echo:
				// By design the error shows the start of the page, secrets the server put
				// there included; the HAR has it redacted (checked below).
				t.Logf("by design, the error carries the page: %v", err)
			}
			clientErrs = append(clientErrs, err)
			_, err = c.Reply(ctx, cerb.ReplyRequest{MessageID: 1, Content: "x"})
			clientErrs = append(clientErrs, err)
		}
	}

	code := rec.stop(t)
	if code != exitMismatch || !strings.Contains(recStderr.String(), "14 pairs recorded") {
		t.Errorf("record: exit %d\n%s", code, recStderr.String())
	}
	mu.Lock()
	saw := strings.Join(upstreamSaw, "\n")
	if legacySig == "" {
		t.Error("the legacy Cerb-Auth header did not reach the upstream")
	}
	planted := append(planted, legacySig)
	mu.Unlock()
	for _, s := range []string{sBearer, sCerbSig, sCookieReq, sSecretQuery, sAccessQuery, sSecretForm, sRefreshForm, sAccessJSON, sSecretJSON, sRefreshJSON, sJWTForm, sClientToken} {
		if !strings.Contains(saw, s) {
			t.Errorf("%q never reached the upstream: the proxy must forward requests unchanged", s)
		}
	}

	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	l, err := har.ReadAll(bytes.NewReader(data), out)
	if err != nil || len(l.Entries) != 14 {
		t.Fatalf("recording: %d entries, %v", len(l.Entries), err)
	}
	places := map[string]string{"the HAR file": string(data), "record's stderr": recStderr.String(), "record's stdout": recStdout.String()}
	for _, e := range l.Entries { // bodies stored as base64 are checked decoded
		if b, err := e.Request.Body(); err == nil {
			places["the HAR file"] += "\n" + string(b)
		}
		if b, err := e.Response.Body(); err == nil {
			places["the HAR file"] += "\n" + string(b)
		}
	}
	for _, format := range []string{"text", "json", "junit", "github"} {
		var so, se bytes.Buffer
		code := run(context.Background(), []string{"check", "--format", format, out}, &so, &se)
		if code != exitMismatch || so.Len() == 0 {
			t.Errorf("check --format %s: exit %d\n%s%s", format, code, so.String(), se.String())
		}
		places["check --format "+format+" stdout"] = so.String()
		places["check --format "+format+" stderr"] = se.String()
	}
	for i, err := range clientErrs {
		if err == nil {
			t.Errorf("client call %d: no error", i)
			continue
		}
		places[fmt.Sprintf("client error %d", i)] = err.Error() + fmt.Sprintf(" %+v %#v", err, err)
	}
	clientCreds := []string{sClientToken, sLegacySecret, legacySig}
	for where, text := range places {
		for _, s := range planted {
			if s == "" || !strings.Contains(text, s) {
				continue
			}
			if strings.HasPrefix(where, "client error") && (s == sJWTPage || s == "c2lnUGFnZVBsYW50NA") {
				continue // the page's own content, shown by design (see above)
			}
			i := strings.Index(text, s)
			t.Errorf("%q is in %s: …%s…", s, where, text[max(0, i-80):min(len(text), i+len(s)+20)])
		}
	}
	for i, err := range clientErrs {
		for _, s := range clientCreds {
			if err != nil && s != "" && strings.Contains(fmt.Sprintf("%v %+v %#v", err, err, err), s) {
				t.Errorf("client error %d holds the client's own credential %q: %v", i, s, err)
			}
		}
	}
	if !strings.Contains(places["the HAR file"], "REDACTED") {
		t.Error("nothing was redacted")
	}
}

package record

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cerb-openapi/cerb-openapi/contract"
	"github.com/cerb-openapi/cerb-openapi/har"
	"github.com/cerb-openapi/cerb-openapi/redact"
)

// seen is what the fake Cerb received and sent for one request.
type seen struct {
	method, uri, host string
	reqHeader         http.Header
	reqBody           []byte
	status            int
	respHeader        http.Header // as set by the handler
	respBody          []byte
}

type upstream struct {
	mu   sync.Mutex
	byID map[string]*seen
}

func jwtFor(i int) string {
	return fmt.Sprintf("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyJHtpfSJ9%d.c2lnbmF0dXJl%d", i, i)
}

func (u *upstream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	id := r.Header.Get("X-Req-Id")
	i, _ := strconv.Atoi(id)
	s := &seen{method: r.Method, uri: r.RequestURI, host: r.Host, reqHeader: r.Header.Clone(), reqBody: body, status: 200}
	w.Header().Set("Set-Cookie", "Devblocks=sess-secret-"+id+"; path=/; HttpOnly")
	switch i % 5 {
	case 0:
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		s.respBody = []byte(`{"__status":"success","id":` + id + `,"subject":"é <b>&</b>"}`)
	case 1: // OAuth token endpoint
		w.Header().Set("Content-Type", "application/json")
		s.respBody = []byte(`{"token_type":"Bearer","expires_in":3600,"access_token":"` + jwtFor(i) + `","refresh_token":"def50200` + strings.Repeat("ab", 20) + id + `"}`)
	case 2:
		w.Header().Set("Content-Type", "application/json")
		s.status = 401
		s.respBody = []byte(`{"__status":"error","message":"Unauthorized request"}`)
	case 3:
		w.Header().Set("Content-Type", "text/html")
		s.respBody = []byte("<html>" + jwtFor(i+1000) + "</html>")
	case 4:
		w.Header().Set("Content-Type", "application/octet-stream")
		s.respBody = []byte{0xff, 0x00, 0xfe, byte(i), '\n', 0xc3}
	}
	s.respHeader = w.Header().Clone()
	u.mu.Lock()
	u.byID[id] = s
	u.mu.Unlock()
	w.WriteHeader(s.status)
	if i%2 == 0 { // chunked, as Cerb answers
		w.(http.Flusher).Flush()
	}
	w.Write(s.respBody)
}

// sent is one client request and the secrets planted in it.
type sent struct {
	req     *http.Request
	secrets []string
}

func makeRequest(t *testing.T, base string, i int) sent {
	id := strconv.Itoa(i)
	var (
		method, path, ct string
		body             []byte
		secrets          []string
		hdr              = http.Header{}
	)
	switch i % 5 {
	case 0:
		method, path, ct = "POST", "/rest/tickets/compose.json", "application/x-www-form-urlencoded"
		body = []byte("group_id=1&subject=Hello+%C3%A9&content=body+" + id + "&to=a%40b.example")
		hdr.Set("Authorization", "Bearer "+jwtFor(i))
		secrets = append(secrets, jwtFor(i))
	case 1:
		method, path, ct = "POST", "/oauth/access_token", "application/x-www-form-urlencoded"
		body = []byte("grant_type=refresh_token&client_id=app&client_secret=cs-secret-" + id + "&refresh_token=rt-secret-" + id)
		secrets = append(secrets, "cs-secret-"+id, "rt-secret-"+id, jwtFor(i), "def50200"+strings.Repeat("ab", 20)+id)
	case 2:
		method, path, ct = "POST", "/rest/tickets/reply.json?expand=custom_&access_token=qs-secret-"+id, "application/x-www-form-urlencoded"
		body = append([]byte("message_id=56&content="), 0xe9, 0xff, '1')
		hdr.Set("Cerb-Auth", "key-"+id+":sig-secret-"+id)
		hdr.Set("Date", "Wed, 08 Feb 2017 19:53:35 GMT")
		hdr.Set("Cookie", "Devblocks=cookie-secret-"+id+"; theme=dark")
		secrets = append(secrets, "sig-secret-"+id, "qs-secret-"+id, "cookie-secret-"+id)
	case 3:
		method, path, ct = "POST", "/rest/tickets/compose.json", "application/json"
		body = []byte(`{"subject":"x","client_secret":"json-secret-` + id + `","note":"` + jwtFor(i+2000) + `"}`)
		hdr.Set("Cerb5-Auth", "key:legacy-secret-"+id)
		hdr.Set("X-Date", "Wed, 08 Feb 2017 19:53:35 GMT")
		secrets = append(secrets, "json-secret-"+id, jwtFor(i+2000), "legacy-secret-"+id, jwtFor(i+1000))
	case 4:
		method, path = "GET", "/rest/tickets/56.json?expand=a%2Cb"
	}
	secrets = append(secrets, "sess-secret-"+id)
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, base+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header = hdr
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	req.Header.Set("X-Req-Id", id)
	req.Header.Set("User-Agent", "record-test/1")
	return sent{req: req, secrets: secrets}
}

// handled is told after each ServeHTTP returns, i.e. once the pair is appended (or failed).
type handledProxy struct {
	rec     *Recorder
	handled chan struct{}
}

func (h handledProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		select {
		case h.handled <- struct{}{}:
		default: // nobody counts (concurrent phases)
		}
	}()
	h.rec.ServeHTTP(w, r)
}

func newProxy(t *testing.T, up http.Handler, check bool, opts ...func(*Config)) (proxy *httptest.Server, w *har.Writer, rec *Recorder, path string, logs *syncBuffer, handled <-chan struct{}) {
	t.Helper()
	upSrv := httptest.NewServer(up)
	t.Cleanup(upSrv.Close)
	path = filepath.Join(t.TempDir(), "rec.har")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	w, err = har.NewWriter(f, path, har.Creator{Name: "test", Version: "1"}, "")
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(upSrv.URL)
	logs = &syncBuffer{}
	cfg := Config{Upstream: u, Writer: w, Log: logs, File: path}
	if check {
		if cfg.Checker, err = contract.NewChecker(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	for _, o := range opts {
		o(&cfg)
	}
	rec, err = New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{}, 1)
	proxy = httptest.NewServer(handledProxy{rec: rec, handled: done})
	t.Cleanup(proxy.Close)
	return proxy, w, rec, path, logs, done
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func readHAR(t *testing.T, path string) har.Log {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	l, err := har.ReadAll(bytes.NewReader(data), path)
	if err != nil {
		t.Fatalf("file is not valid HAR: %v", err)
	}
	return l
}

func do(t *testing.T, client *http.Client, s sent, up *upstream) {
	resp, err := client.Do(s.req)
	if err != nil {
		t.Error(err)
		return
	}
	got, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Error(err)
		return
	}
	up.mu.Lock()
	want := up.byID[s.req.Header.Get("X-Req-Id")]
	up.mu.Unlock()
	// The proxy is transparent: the client gets the upstream's exact bytes, secrets included.
	if want == nil || resp.StatusCode != want.status || !bytes.Equal(got, want.respBody) || resp.Header.Get("Set-Cookie") != want.respHeader.Get("Set-Cookie") {
		t.Errorf("request %s: client got %d %q", s.req.Header.Get("X-Req-Id"), resp.StatusCode, got)
	}
}

func TestRecordEndToEnd(t *testing.T) {
	up := &upstream{byID: map[string]*seen{}}
	proxy, w, rec, path, logs, handled := newProxy(t, up, false)
	client := proxy.Client()
	const sequential, total, parallel = 10, 210, 20

	var all []sent
	// Phase 1: one at a time, the file must be valid HAR with every pair so far.
	for i := range sequential {
		s := makeRequest(t, proxy.URL, i)
		all = append(all, s)
		do(t, client, s, up)
		<-handled // the pair is appended after the client has its response
		if l := readHAR(t, path); len(l.Entries) != i+1 {
			t.Fatalf("after pair %d: %d entries in the file", i, len(l.Entries))
		}
	}
	// Phase 2: 200 requests, 20 at a time.
	jobs := make(chan sent)
	var wg sync.WaitGroup
	for range parallel {
		wg.Go(func() {
			for s := range jobs {
				do(t, client, s, up)
			}
		})
	}
	for i := sequential; i < total; i++ {
		s := makeRequest(t, proxy.URL, i)
		all = append(all, s)
		jobs <- s
	}
	close(jobs)
	wg.Wait()
	proxy.Close() // waits for the handlers, so every pair is appended
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if rec.Failed() != 0 {
		t.Fatalf("%d requests not recorded; log:\n%s", rec.Failed(), logs)
	}

	data, _ := os.ReadFile(path)
	l := readHAR(t, path)
	if len(l.Entries) != total {
		t.Fatalf("%d entries recorded, want %d", len(l.Entries), total)
	}
	ids := map[string]bool{}
	for n, e := range l.Entries {
		id := har.Header(e.Request.Headers).Get("X-Req-Id")
		if ids[id] {
			t.Fatalf("entry %d: request %s recorded twice", n, id)
		}
		ids[id] = true
		compareEntry(t, n, e, up.byID[id])
	}

	// No planted secret in the file, nor in any body (base64 hides them from a byte search).
	var bodies bytes.Buffer
	for _, e := range l.Entries {
		b, _ := e.Request.Body()
		bodies.Write(b)
		b, _ = e.Response.Body()
		bodies.Write(b)
	}
	for _, s := range all {
		for _, secret := range s.secrets {
			if bytes.Contains(data, []byte(secret)) || bytes.Contains(bodies.Bytes(), []byte(secret)) {
				t.Errorf("secret %q is in the recording", secret)
			}
		}
	}
	for _, marker := range []string{"Bearer REDACTED", `"Cerb-Auth","value":"REDACTED"`, "Devblocks=REDACTED; path=/; HttpOnly", "client_secret=REDACTED", `"access_token":"REDACTED"`} {
		if !bytes.Contains(data, []byte(marker)) && !bytes.Contains(bodies.Bytes(), []byte(marker)) {
			t.Errorf("no %s in the recording", marker)
		}
	}
}

// compareEntry checks that an entry holds exactly what the upstream received and sent, but
// for the redactions.
func compareEntry(t *testing.T, n int, e har.Entry, s *seen) {
	t.Helper()
	if s == nil {
		t.Fatalf("entry %d: upstream never saw it", n)
	}
	u, err := url.Parse(e.Request.URL)
	if err != nil || e.Request.Method != s.method || u.RequestURI() != redact.URL(s.uri) {
		t.Errorf("entry %d: %s %s, upstream saw %s %s", n, e.Request.Method, e.Request.URL, s.method, s.uri)
	}
	hh := har.Header(e.Request.Headers)
	if hh.Get("Host") != s.host {
		t.Errorf("entry %d: Host %q, upstream saw %q", n, hh.Get("Host"), s.host)
	}
	for k, vs := range s.reqHeader {
		for j, v := range vs {
			if got := hh.Values(k); j >= len(got) || got[j] != redact.Header(k, v) {
				t.Errorf("entry %d: request header %s = %q, upstream saw %q", n, k, got, vs)
			}
		}
	}
	body, err := e.Request.Body()
	if err != nil {
		t.Fatalf("entry %d: %v", n, err)
	}
	ct := s.reqHeader.Get("Content-Type")
	if want := redact.Body(ct, s.reqBody); !bytes.Equal(body, want) {
		t.Errorf("entry %d: request body %q, upstream saw %q", n, body, s.reqBody)
	}
	if e.Response.Status != s.status {
		t.Errorf("entry %d: status %d, upstream sent %d", n, e.Response.Status, s.status)
	}
	rh := har.Header(e.Response.Headers)
	for k, vs := range s.respHeader {
		if got := rh.Values(k); len(got) != len(vs) || got[0] != redact.Header(k, vs[0]) {
			t.Errorf("entry %d: response header %s = %q, upstream sent %q", n, k, got, vs)
		}
	}
	rbody, err := e.Response.Body()
	if err != nil {
		t.Fatalf("entry %d: %v", n, err)
	}
	if want := redact.Body(s.respHeader.Get("Content-Type"), s.respBody); !bytes.Equal(rbody, want) {
		t.Errorf("entry %d: response body %q, upstream sent %q", n, rbody, s.respBody)
	}
	// Pairs without secrets in a body are stored byte for byte.
	if i, _ := strconv.Atoi(s.reqHeader.Get("X-Req-Id")); i%5 == 0 || i%5 == 4 {
		if !bytes.Equal(body, s.reqBody) || !bytes.Equal(rbody, s.respBody) {
			t.Errorf("entry %d: bodies changed", n)
		}
		if i%5 == 4 && e.Response.Content.Encoding != "base64" {
			t.Errorf("entry %d: binary body stored with encoding %q", n, e.Response.Content.Encoding)
		}
	}
}

// TestRecordCheck: with a checker, flagged pairs are logged without their secrets.
func TestRecordCheck(t *testing.T) {
	up := &upstream{byID: map[string]*seen{}}
	proxy, w, rec, path, logs, _ := newProxy(t, up, true)
	for i := range 5 {
		do(t, proxy.Client(), makeRequest(t, proxy.URL, i), up)
	}
	proxy.Close()
	w.Close()
	if n := len(readHAR(t, path).Entries); n != 5 {
		t.Fatalf("%d entries", n)
	}
	out := logs.String()
	t.Log(out)
	if rec.Flagged() == 0 || !strings.Contains(out, "entry ") || !strings.Contains(out, "replyToTicket") {
		t.Errorf("flagged %d; log:\n%s", rec.Flagged(), out)
	}
	for _, secret := range []string{"secret", "eyJ"} {
		if strings.Contains(out, secret) {
			t.Errorf("log holds %q:\n%s", secret, out)
		}
	}
}

func TestRecordUpstreamDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	f, _ := os.Create(filepath.Join(t.TempDir(), "x.har"))
	defer f.Close()
	w, _ := har.NewWriter(f, "x.har", har.Creator{Name: "t"}, "")
	logs := &syncBuffer{}
	rec, err := New(Config{Upstream: &url.URL{Scheme: "http", Host: addr}, Writer: w, Log: logs})
	if err != nil {
		t.Fatal(err)
	}
	rr := httptest.NewRecorder()
	rec.ServeHTTP(rr, httptest.NewRequest("POST", "/oauth/cb/"+jwtFor(1)+"/x", strings.NewReader("a=1")))
	if rr.Code != http.StatusBadGateway || w.Len() != 0 || rec.Failed() != 1 || !strings.Contains(logs.String(), "upstream") {
		t.Errorf("code %d, %d entries, log %q", rr.Code, w.Len(), logs)
	}
	if strings.Contains(logs.String(), "c2lnbmF0dXJl") { // the token in the path
		t.Errorf("log holds the token: %q", logs)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	f, _ := os.Create(filepath.Join(t.TempDir(), "x.har"))
	defer f.Close()
	w, _ := har.NewWriter(f, "x.har", har.Creator{Name: "t"}, "")
	for _, tt := range []struct {
		name string
		cfg  Config
	}{
		{"no upstream", Config{Writer: w}},
		{"relative upstream", Config{Upstream: &url.URL{Path: "/rest"}, Writer: w}},
		{"ftp upstream", Config{Upstream: &url.URL{Scheme: "ftp", Host: "x"}, Writer: w}},
		{"no writer", Config{Upstream: &url.URL{Scheme: "http", Host: "x"}}},
	} {
		if _, err := New(tt.cfg); err == nil {
			t.Errorf("%s: no error", tt.name)
		}
	}
}

// TestServeStops: cancelling the context stops the server after the request in flight is
// recorded.
func TestServeStops(t *testing.T) {
	release, entered := make(chan struct{}), make(chan struct{})
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		<-release
		w.Write([]byte(`{}`))
	})
	upSrv := httptest.NewServer(slow)
	defer upSrv.Close()
	path := filepath.Join(t.TempDir(), "x.har")
	f, _ := os.Create(path)
	defer f.Close()
	w, _ := har.NewWriter(f, path, har.Creator{Name: "t"}, "")
	u, _ := url.Parse(upSrv.URL)
	rec, err := New(Config{Upstream: u, Writer: w})
	if err != nil {
		t.Fatal(err)
	}
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := &closeSignal{Listener: inner, closed: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- Serve(ctx, ln, rec, time.Minute) }()
	got := make(chan error, 1)
	go func() {
		resp, err := http.Post("http://"+ln.Addr().String()+"/rest/x.json", "text/plain", strings.NewReader("hi"))
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || string(body) != "{}" {
				err = fmt.Errorf("client got %d %q, want the upstream's 200 {}", resp.StatusCode, body)
			}
		}
		got <- err
	}()
	<-entered
	cancel()
	// Shutdown closes the listener first: from then on the server is stopping, and the
	// request is still in flight because the upstream has not answered yet.
	<-ln.closed
	close(release)
	if err := <-served; err != nil {
		t.Fatal(err)
	}
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	if w.Len() != 1 {
		t.Fatalf("%d entries after stop, want 1", w.Len())
	}
}

// closeSignal is a listener that says when it has been closed.
type closeSignal struct {
	net.Listener
	once   sync.Once
	closed chan struct{}
}

func (l *closeSignal) Close() error {
	err := l.Listener.Close()
	l.once.Do(func() { close(l.closed) })
	return err
}

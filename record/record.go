package record

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/cerb-openapi/cerb-openapi/contract"
	"github.com/cerb-openapi/cerb-openapi/har"
	"github.com/cerb-openapi/cerb-openapi/redact"
)

// Config configures a Recorder.
type Config struct {
	// Upstream is the Cerb base URL, e.g. https://cerb.example (a path prefix is kept:
	// https://host/cerb forwards /rest/x.json to /cerb/rest/x.json).
	Upstream *url.URL
	// Writer receives the pairs.
	Writer *har.Writer
	// Transport sends requests upstream. The default is http.DefaultTransport's settings
	// with compression off, so that no Accept-Encoding is added and bodies pass untouched.
	Transport http.RoundTripper
	// Checker, if set, checks every recorded pair; problems go to Log.
	Checker *contract.Checker
	// Log receives upstream errors and contract problems; nil discards them.
	Log io.Writer
	// MaxBodyBytes is the most of one request or response body the recorder keeps in memory
	// to record (default DefaultMaxBodyBytes). A larger body is still forwarded whole,
	// streamed; the pair is recorded without that body's text, with its real size and a
	// comment saying why, and the omission is logged.
	MaxBodyBytes int64
	// File names the HAR file in check results (default "recording").
	File string
	// UpstreamTimeout bounds one upstream exchange, from sending the request to the end of
	// the response body (default DefaultUpstreamTimeout). Past it the client gets 504 when
	// no response had started, else a broken response; the pair is not recorded.
	UpstreamTimeout time.Duration
}

// DefaultUpstreamTimeout is Config.UpstreamTimeout's default: longer than api.DefaultTimeout
// (30 s), so that a client's own timeout fires first, and long enough for a compose that
// mails synchronously.
const DefaultUpstreamTimeout = 2 * time.Minute

// DefaultMaxBodyBytes is Config.MaxBodyBytes's default. Cerb's REST answers are JSON of
// at most a few MiB; 16 MiB records them all while bounding what each request in flight
// holds (twice the limit at most, request and response, plus the HAR encoding of a kept body).
const DefaultMaxBodyBytes = 16 << 20

// Recorder is the proxy: an http.Handler.
type Recorder struct {
	cfg     Config
	base    string // upstream scheme://host/prefix without a trailing slash
	log     *log.Logger
	flagged atomic.Int64
	failed  atomic.Int64
	omitted atomic.Int64
}

// New returns a recorder.
func New(cfg Config) (*Recorder, error) {
	if cfg.Upstream == nil || cfg.Upstream.Host == "" || (cfg.Upstream.Scheme != "http" && cfg.Upstream.Scheme != "https") {
		return nil, errors.New("record: upstream must be an absolute http or https URL")
	}
	if cfg.Writer == nil {
		return nil, errors.New("record: no HAR writer")
	}
	if cfg.Transport == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.DisableCompression = true
		t.MaxIdleConnsPerHost = 32
		cfg.Transport = t
	}
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.File == "" {
		cfg.File = "recording"
	}
	if cfg.UpstreamTimeout <= 0 {
		cfg.UpstreamTimeout = DefaultUpstreamTimeout
	}
	base := cfg.Upstream.Scheme + "://" + cfg.Upstream.Host + strings.TrimSuffix(cfg.Upstream.EscapedPath(), "/")
	return &Recorder{cfg: cfg, base: base, log: log.New(cfg.Log, "record: ", 0)}, nil
}

// Flagged returns the number of recorded pairs the checker flagged.
func (rec *Recorder) Flagged() int { return int(rec.flagged.Load()) }

// Failed returns the number of requests that could not be recorded (upstream errors, client
// errors, write errors).
func (rec *Recorder) Failed() int { return int(rec.failed.Load()) }

// Omitted returns the number of bodies, request or response, that were forwarded but not
// recorded because they were over Config.MaxBodyBytes.
func (rec *Recorder) Omitted() int { return int(rec.omitted.Load()) }

// hopHeaders are meaningful for one connection only; RFC 9110 §7.6.1 says a proxy drops them.
var hopHeaders = []string{"Connection", "Proxy-Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade"}

func dropHopHeaders(h http.Header) {
	for _, f := range h.Values("Connection") {
		for _, name := range strings.Split(f, ",") {
			if name = strings.TrimSpace(name); name != "" {
				h.Del(name)
			}
		}
	}
	for _, name := range hopHeaders {
		h.Del(name)
	}
}

func (rec *Recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	start := time.Now()
	limit := rec.cfg.MaxBodyBytes
	path := redact.String(req.URL.Path) // for the log: a path can carry a token
	// A request body that fits the limit is read first and forwarded with its length, as it
	// came; a larger one is streamed on, the part read first, and recorded without its text.
	var body []byte
	if req.ContentLength <= limit {
		var err error
		if body, err = io.ReadAll(io.LimitReader(req.Body, limit+1)); err != nil {
			rec.failed.Add(1)
			rec.log.Printf("%s %s: read request body: %v", req.Method, path, err)
			http.Error(w, "cannot read request body", http.StatusBadRequest)
			return
		}
	}
	var streamed *countingReader
	if req.ContentLength > limit || int64(len(body)) > limit {
		streamed = &countingReader{r: io.MultiReader(bytes.NewReader(body), req.Body)}
		body = nil
	}

	// The raw request target keeps the client's exact path and query encoding.
	target := req.RequestURI
	if !strings.HasPrefix(target, "/") {
		target = req.URL.RequestURI()
	}
	ctx, cancel := context.WithTimeout(req.Context(), rec.cfg.UpstreamTimeout)
	defer cancel()
	var outBody io.Reader = bytes.NewReader(body)
	if streamed != nil {
		outBody = streamed
	}
	out, err := http.NewRequestWithContext(ctx, req.Method, rec.base+target, outBody)
	if err != nil {
		rec.failed.Add(1)
		rec.log.Printf("%s %s: bad request target: %v", req.Method, path, err)
		http.Error(w, "bad request target", http.StatusBadRequest)
		return
	}
	out.Header = req.Header.Clone()
	dropHopHeaders(out.Header)
	if _, ok := out.Header["User-Agent"]; !ok {
		out.Header["User-Agent"] = []string{""} // stop Go adding its own
	}
	switch {
	case streamed != nil:
		out.ContentLength = req.ContentLength // -1, chunked, if the client sent no length
	case len(body) == 0:
		out.Body = http.NoBody
	default:
		out.ContentLength = int64(len(body))
	}
	out.Host = rec.cfg.Upstream.Host

	resp, err := rec.cfg.Transport.RoundTrip(out)
	if err != nil {
		rec.failed.Add(1)
		switch {
		case streamed != nil && streamed.readErr() != nil:
			rec.log.Printf("%s %s: read request body: %v (pair not recorded)", req.Method, path, streamed.readErr())
			http.Error(w, "cannot read request body", http.StatusBadRequest)
		case req.Context().Err() != nil: // nobody to answer
			rec.log.Printf("%s %s: the client went away before the upstream answered (pair not recorded)", req.Method, path)
		case ctx.Err() != nil:
			rec.log.Printf("%s %s: upstream: no response within %v (pair not recorded)", req.Method, path, rec.cfg.UpstreamTimeout)
			http.Error(w, fmt.Sprintf("upstream did not answer within %v", rec.cfg.UpstreamTimeout), http.StatusGatewayTimeout)
		default:
			rec.log.Printf("%s %s: upstream: %v (pair not recorded)", req.Method, path, err)
			http.Error(w, "upstream request failed", http.StatusBadGateway)
		}
		return
	}
	defer resp.Body.Close()
	waited := time.Now()

	h := w.Header()
	for k, vs := range resp.Header {
		h[k] = append([]string(nil), vs...)
	}
	dropHopHeaders(h)
	w.WriteHeader(resp.StatusCode)
	got := &capped{limit: limit}
	if resp.ContentLength > limit {
		got.over = true
	} else if resp.ContentLength > 0 {
		got.buf = make([]byte, 0, resp.ContentLength)
	}
	cw := &clientWriter{w: w}
	if _, err := io.Copy(io.MultiWriter(got, cw), resp.Body); err != nil {
		// The upstream broke off: there is no complete pair to record, and the client must
		// see a broken response rather than a short one that looks whole.
		rec.failed.Add(1)
		switch {
		case req.Context().Err() != nil:
			rec.log.Printf("%s %s: the client went away during the response: %v (pair not recorded)", req.Method, path, err)
		case ctx.Err() != nil:
			rec.log.Printf("%s %s: upstream body not complete within %v (pair not recorded)", req.Method, path, rec.cfg.UpstreamTimeout)
		default:
			rec.log.Printf("%s %s: upstream body: %v (pair not recorded)", req.Method, path, err)
		}
		panic(http.ErrAbortHandler)
	}
	done := time.Now()

	reqBody := recBody{data: body, size: int64(len(body))}
	if streamed != nil {
		// The upstream may have answered before reading it all: the declared length is the size.
		reqBody = recBody{size: max(streamed.n.Load(), req.ContentLength), omitted: true}
	}
	respBody := recBody{data: got.buf, size: got.n, omitted: got.over}
	for _, b := range []struct {
		what string
		recBody
	}{{"request", reqBody}, {"response", respBody}} {
		if b.omitted {
			rec.omitted.Add(1)
			rec.log.Printf("%s %s: %s body of %d bytes is over the %d-byte recording limit: forwarded whole, recorded without its text", req.Method, path, b.what, b.size, limit)
		}
	}
	e := rec.entry(out, reqBody, resp, respBody, start, waited, done)
	if err := redact.Entry(&e); err != nil {
		rec.failed.Add(1)
		rec.log.Printf("%s %s: %v (pair not recorded)", req.Method, path, err)
		return
	}
	i, err := rec.cfg.Writer.Append(e)
	if err != nil {
		rec.failed.Add(1)
		rec.log.Printf("%s %s: %v (pair not recorded)", req.Method, path, err)
		return
	}
	if rec.cfg.Checker != nil {
		rec.check(req.Context(), i, e)
	}
}

// countingReader counts what is read through it and keeps the first error other than EOF.
// The transport reads it in its own goroutine, which may outlive RoundTrip.
type countingReader struct {
	r   io.Reader
	n   atomic.Int64
	err atomic.Pointer[error]
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	if err != nil && err != io.EOF {
		c.err.CompareAndSwap(nil, &err)
	}
	return n, err
}

func (c *countingReader) readErr() error {
	if p := c.err.Load(); p != nil {
		return *p
	}
	return nil
}

// capped keeps what is written to it up to limit bytes; past that it drops what it kept and
// only counts, so that a body of any size costs at most limit bytes of memory.
type capped struct {
	limit int64
	buf   []byte
	n     int64
	over  bool
}

func (c *capped) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	if !c.over {
		if c.n > c.limit {
			c.over, c.buf = true, nil
		} else {
			c.buf = append(c.buf, p...)
		}
	}
	return len(p), nil
}

// recBody is a request or response body as recorded: its bytes, or only its size when it
// was over the limit.
type recBody struct {
	data    []byte
	size    int64
	omitted bool
}

func (b recBody) note(what string, limit int64) string {
	return fmt.Sprintf("%s body not recorded: %d bytes, over the recording limit of %d bytes (record --max-body)", what, b.size, limit)
}

// clientWriter forwards to the client until a write fails, then drops the rest: a client
// that goes away must not stop the pair from being read to the end and recorded.
type clientWriter struct {
	w   io.Writer
	err error
}

func (c *clientWriter) Write(p []byte) (int, error) {
	if c.err == nil {
		_, c.err = c.w.Write(p)
	}
	return len(p), nil
}

func (rec *Recorder) check(ctx context.Context, i int, e har.Entry) {
	// The client may have gone; the verdict is still wanted.
	r := rec.cfg.Checker.CheckEntry(context.WithoutCancel(ctx), rec.cfg.File, i, e)
	switch r.Outcome() {
	case contract.OutcomeOK, contract.OutcomePreflight:
		return
	case contract.OutcomeWarned:
		var lines []string
		for _, p := range r.Request.Problems {
			lines = append(lines, p.String())
		}
		rec.log.Printf("entry %d %s %s: %s", i, e.Request.Method, e.Request.URL, strings.Join(lines, "; "))
		return
	case contract.OutcomeUnrecorded:
		// A body over --max-body is not a contract problem: the rest of the pair was checked.
		var notes []string
		if r.Request.Unrecorded != "" {
			notes = append(notes, r.Request.Unrecorded)
		}
		if r.Response != nil && r.Response.Unrecorded != "" {
			notes = append(notes, r.Response.Unrecorded)
		}
		rec.log.Printf("entry %d %s %s: checked without its body: %s", i, e.Request.Method, e.Request.URL, strings.Join(notes, "; "))
		return
	}
	rec.flagged.Add(1)
	path := e.Request.URL
	if u, err := url.Parse(path); err == nil {
		path = u.Path
	}
	var lines []string
	if r.Err != nil {
		lines = append(lines, "har: "+r.Err.Error())
	}
	for _, p := range r.Request.Problems {
		lines = append(lines, "request "+p.String())
	}
	status := ""
	if r.Response != nil {
		status = fmt.Sprintf(" → %d", r.Response.Status)
		for _, p := range r.Response.Problems {
			lines = append(lines, "response "+p.String())
		}
	}
	op := r.Operation
	if op == "" {
		op = "-"
	}
	rec.log.Printf("entry %d %s %s %s%s:\n    %s", i, op, e.Request.Method, path, status, strings.Join(lines, "\n    "))
}

func (rec *Recorder) entry(out *http.Request, body recBody, resp *http.Response, rbody recBody, start, waited, done time.Time) har.Entry {
	reqHeaders := []har.NameValue{{Name: "Host", Value: out.Host}}
	sent := out.Header.Clone()
	if _, ok := sent["User-Agent"]; ok && sent.Get("User-Agent") == "" {
		delete(sent, "User-Agent") // not sent
	}
	if out.ContentLength > 0 || sent.Get("Content-Length") != "" && out.ContentLength == 0 {
		sent.Set("Content-Length", fmt.Sprint(out.ContentLength))
	} else {
		sent.Del("Content-Length") // streamed, chunked
	}
	reqHeaders = append(reqHeaders, headerList(sent)...)
	var notes []string

	hreq := &har.Request{
		Method:      out.Method,
		URL:         out.URL.String(),
		HTTPVersion: resp.Proto,
		Cookies:     cookieList(out.Cookies()),
		Headers:     reqHeaders,
		QueryString: paramList(out.URL.RawQuery),
		HeadersSize: -1,
		BodySize:    body.size,
	}
	if ct := out.Header.Get("Content-Type"); body.size > 0 || ct != "" {
		p := &har.PostData{MimeType: ct}
		if body.omitted {
			p.Comment = body.note("request", rec.cfg.MaxBodyBytes)
			notes = append(notes, p.Comment)
		} else {
			p.Text, p.Encoding = har.EncodeBody(body.data)
		}
		// A JSON body sent as a form has no params: they would hold the JSON in their names.
		if strings.Contains(strings.ToLower(ct), "x-www-form-urlencoded") && p.Text != "" && p.Encoding == "" && !looksJSON(body.data) {
			p.Params = paramList(p.Text)
		}
		hreq.PostData = p
	}
	_, statusText, _ := strings.Cut(resp.Status, " ")
	content := har.Content{Size: rbody.size, MimeType: resp.Header.Get("Content-Type")}
	if rbody.omitted {
		content.Comment = rbody.note("response", rec.cfg.MaxBodyBytes)
		notes = append(notes, content.Comment)
	} else {
		content.Text, content.Encoding = har.EncodeBody(rbody.data)
	}
	hresp := &har.Response{
		Status:      resp.StatusCode,
		StatusText:  statusText,
		HTTPVersion: resp.Proto,
		Cookies:     cookieList(resp.Cookies()),
		Headers:     headerList(resp.Header),
		Content:     content,
		RedirectURL: resp.Header.Get("Location"),
		HeadersSize: -1,
		BodySize:    rbody.size,
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	return har.Entry{
		Comment:         strings.Join(notes, "; "),
		StartedDateTime: start.UTC().Format(time.RFC3339Nano),
		Time:            ms(done.Sub(start)),
		Request:         hreq,
		Response:        hresp,
		Timings:         har.Timings{Blocked: -1, DNS: -1, Connect: -1, SSL: -1, Send: 0, Wait: ms(waited.Sub(start)), Receive: ms(done.Sub(waited))},
	}
}

func looksJSON(b []byte) bool {
	t := bytes.TrimLeft(b, " \t\r\n")
	return len(t) > 0 && (t[0] == '{' || t[0] == '[')
}

// headerList lists headers by name (Go does not keep the wire order), values in order.
func headerList(h http.Header) []har.NameValue {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	out := []har.NameValue{}
	for _, k := range names {
		for _, v := range h[k] {
			out = append(out, har.NameValue{Name: k, Value: v})
		}
	}
	return out
}

// paramList decodes a query or form in order, keeping repeated names. Undecodable parts are
// kept raw; non-UTF-8 values are left out (the exact bytes are in the text).
func paramList(raw string) []har.NameValue {
	out := []har.NameValue{}
	if raw == "" {
		return out
	}
	for _, part := range strings.Split(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		if dk, err := url.QueryUnescape(k); err == nil {
			k = dk
		}
		if dv, err := url.QueryUnescape(v); err == nil {
			v = dv
		}
		if utf8.ValidString(k) && utf8.ValidString(v) {
			out = append(out, har.NameValue{Name: k, Value: v})
		}
	}
	return out
}

func cookieList(cs []*http.Cookie) []har.Cookie {
	out := []har.Cookie{}
	for _, c := range cs {
		hc := har.Cookie{Name: c.Name, Value: c.Value, Path: c.Path, Domain: c.Domain, HTTPOnly: c.HttpOnly, Secure: c.Secure}
		if !c.Expires.IsZero() {
			hc.Expires = c.Expires.UTC().Format(time.RFC3339)
		}
		out = append(out, hc)
	}
	return out
}

// Serve runs the proxy on ln until ctx is done, then stops accepting, waits up to grace for
// the requests in flight to finish and be recorded, and returns.
func Serve(ctx context.Context, ln net.Listener, h http.Handler, grace time.Duration) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 30 * time.Second, ErrorLog: log.New(io.Discard, "", 0)}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("record: serve %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), grace)
	defer cancel()
	err := srv.Shutdown(sctx)
	<-errc
	if err != nil {
		return fmt.Errorf("record: stop: requests still in flight after %v: %w", grace, err)
	}
	return nil
}

package record

import (
	"crypto/sha256"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/cerb-openapi/cerb-openapi/har"
)

// randStream reads n pseudo-random bytes made on the fly, so that a 40 MiB body is never
// held whole by the test.
type randStream struct {
	r    *rand.Rand
	left int64
}

func newRandStream(seed uint64, n int64) *randStream {
	return &randStream{r: rand.New(rand.NewPCG(seed, 7)), left: n}
}

func (s *randStream) Read(p []byte) (int, error) {
	if s.left == 0 {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), s.left)]
	for i := range p {
		p[i] = byte(s.r.Uint32())
	}
	s.left -= int64(len(p))
	return len(p), nil
}

func streamSum(seed uint64, n int64) []byte {
	h := sha256.New()
	io.Copy(h, newRandStream(seed, n))
	return h.Sum(nil)
}

// TestRecordBodyLimit: a body over MaxBodyBytes passes through whole, streamed, and the pair
// is recorded with its size and a note instead of its text, and logged; bodies up to the
// limit are recorded. For the 40 MiB bodies, the bytes allocated while the pair passes stay
// far below the body's size: the recorder does not hold it.
func TestRecordBodyLimit(t *testing.T) {
	const big = 40 << 20
	tests := []struct {
		name              string
		limit             int64
		reqSize, respSize int64
		reqLength         bool // the request declares its Content-Length (else it is chunked)
		reqKept, respKept bool
		memory            bool // measure allocations
	}{
		{name: "40 MiB response over a 1 MiB limit", limit: 1 << 20, reqSize: 10, reqLength: true, respSize: big, reqKept: true, memory: true},
		{name: "40 MiB chunked request over a 1 MiB limit", limit: 1 << 20, reqSize: big, respSize: 10, respKept: true, memory: true},
		{name: "40 MiB request with Content-Length over a 1 MiB limit", limit: 1 << 20, reqSize: big, reqLength: true, respSize: 10, respKept: true, memory: true},
		{name: "bodies at the limit", limit: 64 << 10, reqSize: 64 << 10, respSize: 64 << 10, reqKept: true, respKept: true},
		{name: "bodies one byte over the limit", limit: 64 << 10, reqSize: 64<<10 + 1, reqLength: true, respSize: 64<<10 + 1},
		{name: "chunked request one byte over the limit", limit: 64 << 10, reqSize: 64<<10 + 1, respSize: 1, respKept: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			var upGot []byte // sha256 of the request body the upstream received
			var upLen int64
			up := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				h := sha256.New()
				n, err := io.Copy(h, r.Body)
				mu.Lock()
				upGot, upLen = h.Sum(nil), n
				mu.Unlock()
				if err != nil {
					t.Errorf("upstream read: %v", err)
				}
				w.Header().Set("Content-Type", "application/octet-stream")
				io.Copy(w, newRandStream(2, tt.respSize)) // no length: chunked, as Cerb answers
			})
			proxy, w, rec, path, logs, _ := newProxy(t, up, false, func(c *Config) { c.MaxBodyBytes = tt.limit })
			req, err := http.NewRequest("POST", proxy.URL+"/rest/tickets/compose.json", newRandStream(1, tt.reqSize))
			if err != nil {
				t.Fatal(err)
			}
			req.ContentLength = -1
			if tt.reqLength {
				req.ContentLength = tt.reqSize
			}
			req.Header.Set("Content-Type", "application/octet-stream")

			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			resp, err := proxy.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			h := sha256.New()
			n, err := io.Copy(h, resp.Body)
			resp.Body.Close()
			proxy.Close() // waits for the handler: the pair is appended
			runtime.ReadMemStats(&after)
			if err != nil || n != tt.respSize || string(h.Sum(nil)) != string(streamSum(2, tt.respSize)) {
				t.Fatalf("client got %d of %d bytes (%v), or other bytes than sent", n, tt.respSize, err)
			}
			mu.Lock()
			if upLen != tt.reqSize || string(upGot) != string(streamSum(1, tt.reqSize)) {
				t.Errorf("upstream got %d of %d request bytes, or other bytes than sent", upLen, tt.reqSize)
			}
			mu.Unlock()
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if rec.Failed() != 0 {
				t.Fatalf("%d failed; log:\n%s", rec.Failed(), logs)
			}

			l := readHAR(t, path)
			if len(l.Entries) != 1 {
				t.Fatalf("%d entries", len(l.Entries))
			}
			e := l.Entries[0]
			omitted := 0
			limitNote := fmt.Sprintf("over the recording limit of %d bytes", tt.limit)
			check := func(what string, kept bool, size, bodySize int64, text, comment string, body func() ([]byte, error), sum []byte) {
				t.Helper()
				want := tt.reqSize
				if what == "response" {
					want = tt.respSize
				}
				if size != want || bodySize != want {
					t.Errorf("%s size %d, bodySize %d, want %d", what, size, bodySize, want)
				}
				if kept {
					b, err := body()
					if got := sha256.Sum256(b); err != nil || string(got[:]) != string(sum) || comment != "" {
						t.Errorf("%s body: %d bytes (%v), comment %q; want the %d bytes sent", what, len(b), err, comment, want)
					}
					return
				}
				omitted++
				note := fmt.Sprintf("%s body not recorded: %d bytes, %s", what, want, limitNote)
				if text != "" || !strings.Contains(comment, note) || !strings.Contains(e.Comment, note) {
					t.Errorf("%s: text of %d bytes, comment %q, entry comment %q; want no text and %q", what, len(text), comment, e.Comment, note)
				}
				logLine := fmt.Sprintf("%s body of %d bytes is over the %d-byte recording limit", what, want, tt.limit)
				if !strings.Contains(logs.String(), logLine) {
					t.Errorf("log lacks %q:\n%s", logLine, logs)
				}
			}
			var reqText, reqComment string
			if p := e.Request.PostData; p != nil {
				reqText, reqComment = p.Text, p.Comment
			}
			check("request", tt.reqKept, e.Request.BodySize, e.Request.BodySize, reqText, reqComment, e.Request.Body, streamSum(1, tt.reqSize))
			c := e.Response.Content
			check("response", tt.respKept, c.Size, e.Response.BodySize, c.Text, c.Comment, e.Response.Body, streamSum(2, tt.respSize))
			if rec.Omitted() != omitted {
				t.Errorf("Omitted() = %d, want %d", rec.Omitted(), omitted)
			}
			if cl := har.Header(e.Request.Headers).Get("Content-Length"); tt.reqLength && cl != strconv.FormatInt(tt.reqSize, 10) || !tt.reqLength && tt.reqSize > tt.limit && cl != "" {
				t.Errorf("recorded Content-Length %q for a request of %d bytes sent with length %v", cl, tt.reqSize, tt.reqLength)
			}

			if tt.memory {
				// TotalAlloc only grows, whatever the GC does: it bounds the peak from above.
				alloc := after.TotalAlloc - before.TotalAlloc
				t.Logf("allocated %.1f MiB while %d MiB passed through (limit %d MiB)", float64(alloc)/(1<<20), int64(big)>>20, tt.limit>>20)
				if alloc > big/4 {
					t.Errorf("allocated %d bytes while a %d-byte body passed: the recorder holds the body", alloc, big)
				}
			}
		})
	}
}

// TestRecordCheckOmittedBody: with a checker, a pair whose body was not recorded is checked
// without it (the missing body is not a contract problem), and the log says which body.
func TestRecordCheckOmittedBody(t *testing.T) {
	tests := []struct {
		name, reqBody, respBody, log string
	}{
		{"response over the limit", "group_id=1&subject=Hi&content=hello&to=a%40b.example", `{"__status":"success","id":1,"x":"` + strings.Repeat("x", 2000) + `"}`,
			"checked without its body: response body not recorded: 20"},
		{"request over the limit", "group_id=1&subject=Hi&content=" + strings.Repeat("x", 2000), `{"__status":"error","__version":"10.4.10","__build":2024030901,"__error":"ERROR","message":"The 'to' parameter is required"}`,
			"checked without its body: request body not recorded: 2030 bytes, over the recording limit of 1000 bytes (record --max-body)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			up := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				io.Copy(io.Discard, r.Body)
				w.Header().Set("Content-Type", "application/json; charset=utf-8")
				io.WriteString(w, tt.respBody)
			})
			proxy, w, rec, _, logs, _ := newProxy(t, up, true, func(c *Config) { c.MaxBodyBytes = 1000 })
			req, _ := http.NewRequest("POST", proxy.URL+"/rest/tickets/compose.json", strings.NewReader(tt.reqBody))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Authorization", "Bearer "+jwtFor(1))
			resp, err := proxy.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			proxy.Close()
			w.Close()
			if out := logs.String(); !strings.Contains(out, tt.log) || !strings.Contains(out, "over the recording limit of 1000 bytes (record --max-body)") || rec.Flagged() != 0 || rec.Omitted() != 1 {
				t.Errorf("flagged %d, omitted %d; log:\n%s", rec.Flagged(), rec.Omitted(), out)
			}
		})
	}
}

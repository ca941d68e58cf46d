package record

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cerb-openapi/cerb-openapi/har"
)

// faultDisk is the HAR file on a disk that can fill up (room: bytes past the current end
// that still fit; negative: no limit) or fail every write (broken, as a device gone
// read-only does). It has Truncate, as *os.File does.
type faultDisk struct {
	f      *os.File
	limit  atomic.Int64 // absolute file size limit, -1 none
	broken atomic.Bool
}

func (d *faultDisk) WriteAt(p []byte, off int64) (int, error) {
	if d.broken.Load() {
		return 0, errors.New("read-only file system")
	}
	limit := d.limit.Load()
	if limit < 0 || off+int64(len(p)) <= limit {
		return d.f.WriteAt(p, off)
	}
	n, err := d.f.WriteAt(p[:max(0, limit-off)], off)
	if err == nil {
		err = errors.New("no space left on device")
	}
	return n, err
}

func (d *faultDisk) Sync() error               { return d.f.Sync() }
func (d *faultDisk) Truncate(size int64) error { return d.f.Truncate(size) }

// bigBody is the 10 MB streamed response: random bytes, so that it is stored as base64.
var bigBody = func() []byte {
	b := make([]byte, 10<<20)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}()

// clientGot is what the client saw of one exchange.
type clientGot struct {
	status  int
	body    []byte
	err     error // from the request or from reading the body
	nothing bool  // the client had gone
}

func (g clientGot) String() string {
	switch {
	case g.nothing:
		return "nothing (it had closed the connection)"
	case g.status == 0:
		return "no response: " + g.err.Error()
	case g.err != nil:
		return fmt.Sprintf("HTTP %d, then the body breaks off after %d bytes (%v)", g.status, len(g.body), g.err)
	}
	return fmt.Sprintf("HTTP %d, %d-byte body %q", g.status, len(g.body), trunc(string(g.body), 60))
}

func trunc(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

func post(client *http.Client, proxyURL, subject string, fault bool) clientGot {
	req, _ := http.NewRequest("POST", proxyURL+"/rest/tickets/compose.json", strings.NewReader("group_id=1&subject="+subject+"&content=x"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer fault-test-token")
	if fault {
		req.Header.Set("X-Fault", "1")
	}
	resp, err := client.Do(req)
	if err != nil {
		return clientGot{err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return clientGot{status: resp.StatusCode, body: body, err: err}
}

// TestRecorderFaults injects one fault per case between two good requests. For each: the
// client gets a clear answer (or a visibly broken one), the fault is logged, the next good
// request is proxied (and recorded, unless the output device is gone for good), and the HAR
// file on disk stays readable by har.ReadAll with every pair completed before the fault.
func TestRecorderFaults(t *testing.T) {
	// Only the cases that test the upstream timeout get a short one; the others get as long
	// as a loaded machine may need to stream 10 MiB across two hops.
	const shortTimeout, longTimeout = 300 * time.Millisecond, 2 * time.Minute
	firstMiB := make(chan struct{}) // the client has read the first MiB of the big response
	tests := []struct {
		name string
		// upstream answers the fault request (X-Fault: 1); good requests get a JSON success.
		upstream func(t *testing.T, w http.ResponseWriter, r *http.Request)
		refused  bool                                                            // no upstream listens during the fault
		fault    func(t *testing.T, client *http.Client, proxy string) clientGot // default: post with X-Fault
		disk     func(d *faultDisk)                                              // before the fault
		mend     func(d *faultDisk)                                              // after the fault
		client   func(t *testing.T, g clientGot)
		log      string        // a regexp matching a line of the recorder's log
		recorded bool          // the fault's pair is in the file
		after    bool          // the good request after the fault is recorded (default true)
		timeout  time.Duration // the recorder's UpstreamTimeout; default longTimeout
	}{
		{
			name:    "upstream refuses connections",
			refused: true,
			client: func(t *testing.T, g clientGot) {
				if g.status != http.StatusBadGateway || !strings.Contains(string(g.body), "upstream request failed") {
					t.Errorf("client got %v, want 502", g)
				}
			},
			log:   `upstream: .*\(pair not recorded\)$`, // dial: connection refused, or EOF on a pooled connection
			after: true,
		},
		{
			name: "upstream resets mid-body (Content-Length)",
			upstream: func(t *testing.T, w http.ResponseWriter, r *http.Request) {
				conn, buf, err := http.NewResponseController(w).Hijack()
				if err != nil {
					t.Error(err)
					return
				}
				buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"__status\":\"succ")
				buf.Flush()
				conn.(*net.TCPConn).SetLinger(0) // RST
				conn.Close()
			},
			client: func(t *testing.T, g clientGot) {
				if g.err == nil || len(g.body) >= 1000 {
					t.Errorf("client got %v, want a broken response", g)
				}
			},
			log:   `upstream body: .*(connection reset by peer|unexpected EOF) \(pair not recorded\)$`,
			after: true,
		},
		{
			name: "upstream resets mid-body (chunked)",
			upstream: func(t *testing.T, w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Write([]byte(`{"__status":"success","partial":"`))
				http.NewResponseController(w).Flush()
				panic(http.ErrAbortHandler) // the server drops the connection mid-stream
			},
			client: func(t *testing.T, g clientGot) {
				if g.err == nil {
					t.Errorf("client got %v, want a broken response", g)
				}
			},
			log:   `upstream body: unexpected EOF \(pair not recorded\)$`,
			after: true,
		},
		{
			name:    "upstream slower than the upstream timeout (no response)",
			timeout: shortTimeout,
			upstream: func(t *testing.T, w http.ResponseWriter, r *http.Request) {
				select {
				case <-r.Context().Done():
				case <-time.After(10 * time.Second):
				}
			},
			client: func(t *testing.T, g clientGot) {
				if g.status != http.StatusGatewayTimeout || !strings.Contains(string(g.body), "did not answer within 300ms") {
					t.Errorf("client got %v, want 504", g)
				}
			},
			log:   `upstream: no response within 300ms \(pair not recorded\)$`,
			after: true,
		},
		{
			name:    "upstream slower than the upstream timeout (body stalls)",
			timeout: shortTimeout,
			upstream: func(t *testing.T, w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Write([]byte(`{"__status":`))
				http.NewResponseController(w).Flush()
				select {
				case <-r.Context().Done():
				case <-time.After(10 * time.Second):
				}
			},
			client: func(t *testing.T, g clientGot) {
				if g.err == nil {
					t.Errorf("client got %v, want a broken response", g)
				}
			},
			log:   `upstream body not complete within 300ms \(pair not recorded\)$`,
			after: true,
		},
		{
			name: "client disconnects mid-request",
			fault: func(t *testing.T, _ *http.Client, proxy string) clientGot {
				u, _ := url.Parse(proxy)
				conn, err := net.Dial("tcp", u.Host)
				if err != nil {
					t.Fatal(err)
				}
				fmt.Fprintf(conn, "POST /rest/tickets/compose.json HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\ngroup_id=1&subject=part", u.Host)
				time.Sleep(20 * time.Millisecond)
				conn.Close()
				return clientGot{nothing: true}
			},
			log:   `read request body: unexpected EOF$`,
			after: true,
		},
		{
			name: "10 MB chunked response streamed",
			upstream: func(t *testing.T, w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/octet-stream")
				rc := http.NewResponseController(w)
				for off := 0; off < len(bigBody); off += 1 << 20 {
					w.Write(bigBody[off : off+1<<20])
					rc.Flush()    // chunked, one flush per MiB
					if off == 0 { // streamed, not buffered: the client has the first MiB already
						select {
						case <-firstMiB:
						case <-time.After(time.Minute): // only a proxy that buffers waits this long
							t.Error("the client did not get the first MiB before the upstream sent the rest: the proxy buffers")
						}
					}
				}
			},
			fault: func(t *testing.T, client *http.Client, proxy string) clientGot {
				req, _ := http.NewRequest("POST", proxy+"/rest/tickets/compose.json", strings.NewReader("group_id=1&subject=big&content=x"))
				req.Header.Set("X-Fault", "1")
				resp, err := client.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				g := clientGot{status: resp.StatusCode, body: make([]byte, 1<<20)}
				if _, g.err = io.ReadFull(resp.Body, g.body); g.err == nil {
					close(firstMiB)
					var rest []byte
					rest, g.err = io.ReadAll(resp.Body)
					g.body = append(g.body, rest...)
				}
				if resp.TransferEncoding == nil || resp.TransferEncoding[0] != "chunked" {
					t.Errorf("Transfer-Encoding %v, want chunked", resp.TransferEncoding)
				}
				if !bytes.Equal(g.body, bigBody) {
					t.Errorf("client got %d bytes (sha256 %x), want the 10 MiB sent", len(g.body), sha256.Sum256(g.body))
				}
				return g
			},
			client: func(t *testing.T, g clientGot) {
				if g.status != 200 || g.err != nil {
					t.Errorf("client got %v", g)
				}
			},
			recorded: true,
			after:    true,
		},
		{
			name: "output disk full, then room again",
			disk: func(d *faultDisk) {
				st, _ := d.f.Stat()
				d.limit.Store(st.Size() + 100) // the entry does not fit
			},
			mend: func(d *faultDisk) { d.limit.Store(-1) },
			client: func(t *testing.T, g clientGot) {
				if g.status != 200 || g.err != nil {
					t.Errorf("client got %v, want the upstream's answer", g)
				}
			},
			log:   `faults\.har: append entry 1 at byte \d+: no space left on device \(pair not recorded\)$`,
			after: true,
		},
		{
			name: "output device fails for good",
			disk: func(d *faultDisk) { d.broken.Store(true) },
			client: func(t *testing.T, g clientGot) {
				if g.status != 200 || g.err != nil {
					t.Errorf("client got %v, want the upstream's answer", g)
				}
			},
			log:   `read-only file system; restoring the end of the file failed too, no more entries are written: .*\(pair not recorded\)$`,
			after: false,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var hits atomic.Int64
			handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				body, _ := io.ReadAll(r.Body)
				if r.Header.Get("X-Fault") != "" && tt.upstream != nil {
					tt.upstream(t, w, r)
					return
				}
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprintf(w, `{"__status":"success","echo":%q}`, body)
			})
			up := httptest.NewServer(handler)
			defer up.Close()
			upURL, _ := url.Parse(up.URL)

			path := filepath.Join(t.TempDir(), "faults.har")
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			disk := &faultDisk{f: f}
			disk.limit.Store(-1)
			w, err := har.NewWriter(disk, path, har.Creator{Name: "faults_test", Version: "1"}, "")
			if err != nil {
				t.Fatal(err)
			}
			logs := &syncBuffer{}
			timeout := tt.timeout
			if timeout == 0 {
				timeout = longTimeout
			}
			rec, err := New(Config{Upstream: upURL, Writer: w, Log: logs, UpstreamTimeout: timeout})
			if err != nil {
				t.Fatal(err)
			}
			proxy := httptest.NewServer(rec)
			defer proxy.Close()
			client := proxy.Client()
			client.Timeout = 3 * time.Minute // past longTimeout: the recorder answers first

			if g := post(client, proxy.URL, "before", false); g.status != 200 || g.err != nil {
				t.Fatalf("good request before the fault: %v", g)
			}

			if tt.refused {
				up.Close() // nothing listens at the upstream's address now
			}
			if tt.disk != nil {
				tt.disk(disk)
			}
			var g clientGot
			if tt.fault != nil {
				g = tt.fault(t, client, proxy.URL)
			} else {
				g = post(client, proxy.URL, "fault", true)
			}
			if tt.client != nil {
				tt.client(t, g)
			}
			failed := 1
			if tt.recorded {
				failed = 0
			}
			// The handler may still be finishing (a client that went away is not waited for).
			// The deadline only bounds a failing run; a passing one stops polling at once.
			deadline := time.Now().Add(time.Minute)
			logRE := regexp.MustCompile(`(?m)` + tt.log)
			if tt.log == "" {
				logRE = regexp.MustCompile(`^`)
			}
			for (rec.Failed() < failed || !logRE.MatchString(logs.String())) && time.Now().Before(deadline) {
				time.Sleep(5 * time.Millisecond)
			}
			if rec.Failed() != failed {
				t.Errorf("Failed() = %d, want %d", rec.Failed(), failed)
			}
			if !logRE.MatchString(logs.String()) {
				t.Errorf("log lacks a line matching %s:\n%s", tt.log, logs)
			}
			faultEntries := 1
			if tt.recorded {
				faultEntries = 2
			}
			l := readHAR(t, path) // fails the test unless har.ReadAll reads the whole file
			if len(l.Entries) != faultEntries {
				t.Fatalf("after the fault the file holds %d entries, want %d", len(l.Entries), faultEntries)
			}
			if !strings.Contains(l.Entries[0].Request.PostData.Text, "subject=before") {
				t.Errorf("entry 0 is %q, want the request before the fault", l.Entries[0].Request.PostData.Text)
			}
			if tt.recorded {
				if got, err := l.Entries[1].Response.Body(); err != nil || !bytes.Equal(got, bigBody) || l.Entries[1].Response.Content.Size != int64(len(bigBody)) {
					t.Errorf("recorded body: %d bytes, %v; want the %d bytes sent", len(got), err, len(bigBody))
				}
			}
			held := fmt.Sprintf("%d entries", len(l.Entries))

			// The proxy keeps serving.
			if tt.refused {
				ln, err := net.Listen("tcp", upURL.Host)
				if err != nil {
					t.Skipf("cannot listen on %s again: %v", upURL.Host, err)
				}
				up2 := httptest.NewUnstartedServer(handler)
				up2.Listener.Close()
				up2.Listener = ln
				up2.Start()
				defer up2.Close()
			}
			if tt.mend != nil {
				tt.mend(disk)
			}
			hitsBefore := hits.Load()
			if g := post(client, proxy.URL, "after", false); g.status != 200 || g.err != nil || !strings.Contains(string(g.body), "subject=after") {
				t.Fatalf("good request after the fault: %v", g)
			}
			if hits.Load() != hitsBefore+1 {
				t.Errorf("upstream saw %d requests for the good one after the fault, want 1", hits.Load()-hitsBefore)
			}
			l = readHAR(t, path)
			want := faultEntries
			if tt.after {
				want++
			}
			if len(l.Entries) != want {
				t.Fatalf("after the good request the file holds %d entries, want %d\nlog:\n%s", len(l.Entries), want, logs)
			}
			if tt.after && !strings.Contains(l.Entries[want-1].Request.PostData.Text, "subject=after") {
				t.Errorf("last entry is %q, want the request after the fault", l.Entries[want-1].Request.PostData.Text)
			}
			if !tt.after && !strings.Contains(logs.String(), "POST /rest/tickets/compose.json") {
				t.Errorf("log:\n%s", logs)
			}
			// The fault table of the report.
			logLine := "-"
			if tt.log != "" {
				sc := bufio.NewScanner(strings.NewReader(logs.String()))
				for sc.Scan() {
					if logRE.MatchString(sc.Text()) {
						logLine = sc.Text()
					}
				}
			}
			t.Logf("FAULT %s | client: %v | log: %s | file after the fault: %s, readable; good request after: recorded=%v", tt.name, g, logLine, held, tt.after)
			if err := w.Close(); err != nil && tt.after {
				t.Errorf("Close: %v", err)
			}
		})
	}
}

// The upstream timeout has a default, and the configured one is used.
func TestUpstreamTimeoutDefault(t *testing.T) {
	f, _ := os.Create(filepath.Join(t.TempDir(), "x.har"))
	defer f.Close()
	w, _ := har.NewWriter(f, "x.har", har.Creator{Name: "t"}, "")
	rec, err := New(Config{Upstream: &url.URL{Scheme: "http", Host: "x"}, Writer: w})
	if err != nil {
		t.Fatal(err)
	}
	if rec.cfg.UpstreamTimeout != DefaultUpstreamTimeout {
		t.Errorf("UpstreamTimeout = %v, want %v", rec.cfg.UpstreamTimeout, DefaultUpstreamTimeout)
	}
}

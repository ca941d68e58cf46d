package cerb_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/cerb-openapi/cerb-openapi/contract"
)

// basePath is a non-empty install prefix, so that the client's URL joining is tested too.
const basePath = "/helpdesk/rest"

// exchange is one request the client sent and the answer the fake server gave.
type exchange struct {
	Method     string
	URL        string
	Header     http.Header
	Body       []byte
	Status     int
	RespHeader http.Header
	RespBody   []byte
	recorded   bool // the answer is a recording, so the response is checked too
}

// answer is what the fake server sends back.
type answer struct {
	Status   int
	Header   http.Header
	Body     []byte
	Recorded bool
}

// fakeCerb is an httptest server under basePath that records every exchange and, when the
// test ends, runs each one through the contract checker: requests always, responses when
// they are recordings of the real server.
type fakeCerb struct {
	srv *httptest.Server
	mu  sync.Mutex
	got []*exchange
}

func newFakeCerb(t *testing.T, respond func(*exchange) answer) *fakeCerb {
	t.Helper()
	f := &fakeCerb{}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		u := *r.URL
		u.Scheme, u.Host = "http", r.Host
		ex := &exchange{Method: r.Method, URL: u.String(), Header: r.Header.Clone(), Body: body}
		if !strings.HasPrefix(r.URL.Path, basePath+"/") {
			t.Errorf("request outside the install prefix: %s", r.URL.Path)
		}
		a := respond(ex)
		for k, vs := range a.Header {
			for _, v := range vs {
				w.Header().Add(k, v)
			}
		}
		w.WriteHeader(a.Status)
		_, _ = w.Write(a.Body)
		ex.Status, ex.RespHeader, ex.RespBody, ex.recorded = a.Status, a.Header, a.Body, a.Recorded
		f.mu.Lock()
		f.got = append(f.got, ex)
		f.mu.Unlock()
	}))
	t.Cleanup(func() {
		f.srv.Close()
		for _, ex := range f.exchanges() {
			checkContract(t, ex)
		}
	})
	return f
}

func (f *fakeCerb) baseURL() string { return f.srv.URL + basePath }

func (f *fakeCerb) exchanges() []*exchange {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*exchange(nil), f.got...)
}

func (f *fakeCerb) last(t *testing.T) *exchange {
	t.Helper()
	got := f.exchanges()
	if len(got) == 0 {
		t.Fatal("the client sent nothing")
	}
	return got[len(got)-1]
}

var (
	checkerOnce sync.Once
	checker     *contract.Checker
	checkerErr  error
)

func contractChecker(t *testing.T) *contract.Checker {
	t.Helper()
	checkerOnce.Do(func() { checker, checkerErr = contract.NewChecker(context.Background()) })
	if checkerErr != nil {
		t.Fatalf("contract checker: %v", checkerErr)
	}
	return checker
}

// checkContract fails the test unless the exchange conforms to openapi.yaml, strictly:
// every problem counts.
func checkContract(t *testing.T, ex *exchange) {
	t.Helper()
	var resp *contract.Response
	if ex.recorded {
		resp = &contract.Response{Status: ex.Status, Header: ex.RespHeader, Body: ex.RespBody}
	}
	res := contractChecker(t).Check(context.Background(), contract.Request{Method: ex.Method, URL: ex.URL, Header: ex.Header, Body: ex.Body}, resp)
	if res.Operation == "" || !res.Request.OK || len(res.Request.Problems) > 0 {
		t.Errorf("contract: request %s %s\n%s\nproblems: %v", ex.Method, ex.URL, ex.Body, res.Request.Problems)
	}
	if res.Response != nil && (!res.Response.OK || len(res.Response.Problems) > 0) {
		t.Errorf("contract: response %d to %s: %v", ex.Status, ex.URL, res.Response.Problems)
	}
}

// --- recordings -----------------------------------------------------------------------

type harNV struct{ Name, Value string }

type harEntry struct {
	Comment string
	Request struct {
		Method   string
		URL      string
		Headers  []harNV
		PostData *struct{ MimeType, Text string }
	}
	Response struct {
		Status  int
		Headers []harNV
		Content struct{ MimeType, Text string }
	}
}

var harCache sync.Map // file -> []harEntry

// recorded returns the entry of testdata/<file> whose comment starts with "<caseID>:".
func recorded(t *testing.T, file, caseID string) harEntry {
	t.Helper()
	v, ok := harCache.Load(file)
	if !ok {
		b, err := os.ReadFile(filepath.Join("testdata", file))
		if err != nil {
			t.Fatal(err)
		}
		var h struct{ Log struct{ Entries []harEntry } }
		if err := json.NewDecoder(bytes.NewReader(b)).Decode(&h); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		v, _ = harCache.LoadOrStore(file, h.Log.Entries)
	}
	for _, e := range v.([]harEntry) {
		if strings.HasPrefix(e.Comment, caseID+":") {
			return e
		}
	}
	t.Fatalf("%s: no case %s", file, caseID)
	return harEntry{}
}

// hopByHop are response headers of the recording's connection, not of the message.
var hopByHop = map[string]bool{"Transfer-Encoding": true, "Connection": true, "Content-Length": true}

// replay answers every request with the recorded response, unchanged.
func replay(e harEntry) func(*exchange) answer {
	return func(*exchange) answer {
		h := http.Header{}
		for _, nv := range e.Response.Headers {
			if !hopByHop[http.CanonicalHeaderKey(nv.Name)] {
				h.Add(nv.Name, nv.Value)
			}
		}
		return answer{Status: e.Response.Status, Header: h, Body: []byte(e.Response.Content.Text), Recorded: true}
	}
}

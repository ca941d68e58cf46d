package contract

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/cerb-openapi/cerb-openapi/har"
)

// EntryResult is the verdict on one HAR entry.
type EntryResult struct {
	File    string
	Entry   int
	Comment string
	Method  string
	URL     string
	Result
	// Pair is what was sent and received, as checked; nil when the entry could not be read.
	// It lets a caller look past the verdict (coverage counts the fields sent) without
	// reading the file twice.
	Pair *Pair
	// Err is set when the entry could not be read as a pair; Result is then empty.
	Err error
}

// Pair is one recorded request and its response (nil when none was recorded).
type Pair struct {
	Request  Request
	Response *Response
}

// Outcome classifies the verdict (see Result.Outcome); an unreadable entry is
// OutcomeUnreadable.
func (r EntryResult) Outcome() Outcome {
	if r.Err != nil {
		return OutcomeUnreadable
	}
	return r.Result.Outcome()
}

// FromHAR converts a HAR entry into a request and response. Sidecar bodies must have been
// loaded (har.Entry.LoadFiles). Form params recorded without the body text are passed as
// Request.Params; a body that was sent but not recorded is marked Unrecorded.
func FromHAR(e har.Entry) (Request, *Response, error) {
	if e.Request == nil {
		return Request{}, nil, errors.New(`entry has no "request"`)
	}
	hreq := e.Request
	req := Request{Method: hreq.Method, URL: hreq.URL, Header: har.Header(hreq.Headers)}
	if p := hreq.PostData; p != nil && p.Text == "" && len(p.Params) > 0 {
		req.Params = p.Params
	} else {
		body, err := hreq.Body()
		if err != nil {
			return Request{}, nil, fmt.Errorf("request %w", err)
		}
		req.Body = body
		if len(body) == 0 {
			req.Unrecorded = requestUnrecorded(hreq, req.Header)
		}
	}
	if e.Response == nil {
		return req, nil, nil
	}
	rbody, err := e.Response.Body()
	if err != nil {
		return req, nil, fmt.Errorf("response %w", err)
	}
	resp := &Response{Status: e.Response.Status, Header: har.Header(e.Response.Headers), Body: rbody}
	if len(rbody) == 0 {
		resp.Unrecorded = responseUnrecorded(hreq.Method, e.Response, resp.Header)
	}
	return req, resp, nil
}

// requestUnrecorded tells a body that was sent but not recorded (Playwright's content
// "omit", Chrome leaving out a large postData, record --max-body) from an empty one: the
// HAR's bodySize or the Content-Length header says bytes were sent. -1, "unknown" in HAR,
// says nothing.
func requestUnrecorded(r *har.Request, h http.Header) string {
	if r.PostData != nil && strings.Contains(r.PostData.Comment, "not recorded") {
		return r.PostData.Comment
	}
	return sizeEvidence("request", r.BodySize, -1, h)
}

// responseUnrecorded is requestUnrecorded for responses. Responses that have no body by
// definition (to HEAD, 1xx, 204, 304) and recordings of no response (status 0 or -1) are
// never unrecorded.
func responseUnrecorded(method string, r *har.Response, h http.Header) string {
	if strings.EqualFold(method, http.MethodHead) || r.Status < 200 || r.Status == http.StatusNoContent || r.Status == http.StatusNotModified {
		return ""
	}
	if strings.Contains(r.Content.Comment, "not recorded") {
		return r.Content.Comment
	}
	return sizeEvidence("response", r.BodySize, r.Content.Size, h)
}

func sizeEvidence(side string, bodySize, contentSize int64, h http.Header) string {
	switch {
	case contentSize > 0:
		return fmt.Sprintf("%s body not recorded: the HAR has no text for it, but content.size says %d bytes", side, contentSize)
	case bodySize > 0:
		return fmt.Sprintf("%s body not recorded: the HAR has no text for it, but bodySize says %d bytes", side, bodySize)
	}
	if n, err := strconv.ParseInt(h.Get("Content-Length"), 10, 64); err == nil && n > 0 {
		return fmt.Sprintf("%s body not recorded: the HAR has no text for it, but Content-Length says %d bytes", side, n)
	}
	return ""
}

// CheckEntry checks one HAR entry.
func (c *Checker) CheckEntry(ctx context.Context, file string, index int, e har.Entry) EntryResult {
	er := EntryResult{File: file, Entry: index, Comment: e.Comment}
	if e.Request != nil {
		er.Method, er.URL = e.Request.Method, e.Request.URL
	}
	req, resp, err := FromHAR(e)
	if err != nil {
		er.Err = fmt.Errorf("%s: entry %d: %w", file, index, err)
		return er
	}
	er.Result = c.Check(ctx, req, resp)
	er.Pair = &Pair{Request: req, Response: resp}
	return er
}

// CheckHAR streams the entries of r and calls fn with each verdict, in file order. Entries
// are read by one goroutine and checked by the checker's workers (WithWorkers), handed over
// in small batches, with at most a few batches per worker in memory, so a file of any size
// is checked in bounded memory. An entry that cannot be read is passed to fn with Err set
// and the check goes on; a file that cannot be read any further ends it, after the verdicts
// on the entries before, with an error naming the file and place. An error from fn stops the
// check and is returned.
//
// Sidecar bodies (Playwright's content "attach") cannot be found from a stream: an entry
// with one is reported unreadable. CheckFile finds them.
func (c *Checker) CheckHAR(ctx context.Context, name string, r io.Reader, fn func(EntryResult) error) error {
	return c.checkStream(ctx, name, r, nil, fn)
}

// checkStream is CheckHAR with the folder sidecar bodies are read from (nil: none).
func (c *Checker) checkStream(ctx context.Context, name string, r io.Reader, sidecars fs.FS, fn func(EntryResult) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	// Each job (a batch of consecutive entries) is queued in file order on `order` and handed
	// to a worker on `work`; the emitter takes jobs from `order` and waits for each one's
	// verdicts, so verdicts come out in file order while the workers run ahead. order's
	// capacity bounds what is in flight. Batches save the goroutine hand-offs per entry, which
	// cost a worker about as much as a small entry's check.
	type job struct {
		raws []har.RawEntry
		done chan []EntryResult
	}
	work := make(chan *job)
	order := make(chan *job, 4*c.workers)
	var wg sync.WaitGroup
	for range c.workers {
		wg.Go(func() {
			for j := range work {
				res := make([]EntryResult, len(j.raws))
				for i, raw := range j.raws {
					e, err := raw.Decode()
					if err == nil {
						if err = e.LoadFiles(sidecars); err != nil {
							err = &har.EntryError{File: name, Entry: raw.Index, Err: err}
						}
					}
					if err != nil {
						res[i] = EntryResult{File: name, Entry: raw.Index, Comment: e.Comment, Err: err}
						continue
					}
					res[i] = c.CheckEntry(ctx, name, raw.Index, e)
				}
				j.done <- res
			}
		})
	}
	emitted := make(chan error, 1)
	go func() {
		var err error
		for j := range order {
			for _, res := range <-j.done {
				if err == nil {
					if err = fn(res); err != nil {
						cancel()
					}
				}
			}
		}
		emitted <- err
	}()

	readErr := func() error {
		hr := har.NewReader(r, name)
		var batch []har.RawEntry
		size := 0
		send := func() error {
			if len(batch) == 0 {
				return nil
			}
			j := &job{raws: batch, done: make(chan []EntryResult, 1)}
			batch, size = nil, 0
			select {
			case order <- j:
			case <-ctx.Done():
				return ctx.Err()
			}
			select {
			case work <- j:
			case <-ctx.Done():
				j.done <- []EntryResult{{File: name, Entry: j.raws[0].Index, Err: ctx.Err()}}
				return ctx.Err()
			}
			return nil
		}
		for {
			if err := ctx.Err(); err != nil {
				return err
			}
			// Only the raw JSON is read here; workers decode and check.
			raw, err := hr.NextRaw()
			if err == io.EOF {
				return send()
			}
			if err != nil {
				if serr := send(); serr != nil {
					return serr
				}
				return err
			}
			batch = append(batch, raw)
			size += len(raw.Data)
			if len(batch) >= batchEntries || size >= batchBytes {
				if err := send(); err != nil {
					return err
				}
			}
		}
	}()
	close(work)
	wg.Wait()
	close(order)
	if err := <-emitted; err != nil {
		return err
	}
	return readErr
}

// A batch is handed to a worker when it holds batchEntries entries or batchBytes of JSON.
const (
	batchEntries = 4
	batchBytes   = 64 << 10
)

// CheckFile is CheckHAR on a file, in any container har.Open reads (plain, gzip, zlib, zip),
// with its sidecar bodies read from its folder (or from the zip).
func (c *Checker) CheckFile(ctx context.Context, path string, fn func(EntryResult) error) error {
	f, err := har.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return c.checkStream(ctx, path, f, f.Sidecars, fn)
}

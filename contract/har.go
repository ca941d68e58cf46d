package contract

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
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

// FromHAR converts a HAR entry into a request and response.
func FromHAR(e har.Entry) (Request, *Response, error) {
	if e.Request == nil {
		return Request{}, nil, errors.New(`entry has no "request"`)
	}
	body, err := e.Request.Body()
	if err != nil {
		return Request{}, nil, fmt.Errorf("request %w", err)
	}
	req := Request{Method: e.Request.Method, URL: e.Request.URL, Header: har.Header(e.Request.Headers), Body: body}
	if e.Response == nil {
		return req, nil, nil
	}
	rbody, err := e.Response.Body()
	if err != nil {
		return req, nil, fmt.Errorf("response %w", err)
	}
	return req, &Response{Status: e.Response.Status, Header: har.Header(e.Response.Headers), Body: rbody}, nil
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
func (c *Checker) CheckHAR(ctx context.Context, name string, r io.Reader, fn func(EntryResult) error) error {
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
					if err != nil {
						res[i] = EntryResult{File: name, Entry: raw.Index, Err: err}
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

// CheckFile is CheckHAR on a file.
func (c *Checker) CheckFile(ctx context.Context, path string, fn func(EntryResult) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return fmt.Errorf("%s: is a directory, not a HAR file", path)
	}
	return c.CheckHAR(ctx, path, f, fn)
}

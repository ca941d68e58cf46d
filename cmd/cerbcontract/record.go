package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/cerb-openapi/cerb-openapi/contract"
	"github.com/cerb-openapi/cerb-openapi/har"
	"github.com/cerb-openapi/cerb-openapi/record"
)

const recordUsage = `usage: cerbcontract record --upstream URL --out FILE.har [--listen ADDR] [--check] [--force] [--upstream-timeout D] [--max-body SIZE]

Runs a reverse proxy on ADDR (default 127.0.0.1:8089) that forwards every request to
the Cerb at URL unchanged and appends each request/response pair, with credentials
redacted, to FILE.har. The file is valid HAR after every pair. Stop with Ctrl-C or
SIGTERM: requests in flight are finished and recorded first.
--check checks each pair against the OpenAPI document and logs problems to stderr.
--upstream-timeout (default 2m) bounds each upstream exchange; past it the client gets
504 Gateway Timeout and the pair is not recorded.
--max-body (default 16MiB; a byte count, or with KiB, MiB or GiB) is the most of one
request or response body held in memory and recorded. A larger body is still passed
through whole, streamed; its pair is recorded with the body's size and a comment in place
of its text, and a line on stderr says so.
Exit status: 0 stopped cleanly, 1 --check flagged a pair or a request could not be
recorded, 2 bad usage or the proxy could not start.
`

// recordCmd runs the recording proxy until ctx is done or SIGTERM arrives.
func recordCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("record", flag.ContinueOnError)
	fset.SetOutput(stderr)
	fset.Usage = func() { fmt.Fprint(stderr, recordUsage) }
	upstream := fset.String("upstream", "", "Cerb base URL, e.g. https://cerb.example")
	listen := fset.String("listen", "127.0.0.1:8089", "address the proxy listens on")
	out := fset.String("out", "", "HAR file to write")
	check := fset.Bool("check", false, "check each pair against the OpenAPI document as it passes")
	force := fset.Bool("force", false, "overwrite FILE.har if it exists")
	grace := fset.Duration("grace", 30*time.Second, "on stop, how long to wait for requests in flight")
	upTimeout := fset.Duration("upstream-timeout", record.DefaultUpstreamTimeout, "how long one upstream exchange may take, response body included")
	maxBody := byteSize(record.DefaultMaxBodyBytes)
	fset.Var(&maxBody, "max-body", "most of one request or response body held in memory and recorded (bytes, or with KiB, MiB, GiB); larger bodies pass through but are recorded without their text")
	if err := fset.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fset.NArg() > 0 || *upstream == "" || *out == "" || *upTimeout <= 0 {
		fmt.Fprint(stderr, recordUsage)
		return exitUsage
	}
	u, err := url.Parse(*upstream)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		fmt.Fprintf(stderr, "cerbcontract record: --upstream %q: want an http:// or https:// URL\n", *upstream)
		return exitUsage
	}
	var checker *contract.Checker
	if *check {
		if checker, err = contract.NewChecker(ctx); err != nil {
			fmt.Fprintf(stderr, "cerbcontract record: %v\n", err)
			return exitUsage
		}
	}

	mode := os.O_RDWR | os.O_CREATE | os.O_EXCL
	if *force {
		mode = os.O_RDWR | os.O_CREATE | os.O_TRUNC
	}
	f, err := os.OpenFile(*out, mode, 0o644)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			err = fmt.Errorf("%s exists (use --force to overwrite)", *out)
		}
		fmt.Fprintf(stderr, "cerbcontract record: %v\n", err)
		return exitUsage
	}
	defer f.Close()
	w, err := har.NewWriter(f, *out, har.Creator{Name: "cerbcontract record", Version: "1"}, "recorded through cerbcontract record from "+u.Scheme+"://"+u.Host+"; credentials redacted")
	if err != nil {
		fmt.Fprintf(stderr, "cerbcontract record: %v\n", err)
		return exitUsage
	}
	rec, err := record.New(record.Config{Upstream: u, Writer: w, Checker: checker, Log: stderr, File: *out, UpstreamTimeout: *upTimeout, MaxBodyBytes: int64(maxBody)})
	if err != nil {
		fmt.Fprintf(stderr, "cerbcontract record: %v\n", err)
		return exitUsage
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintf(stderr, "cerbcontract record: %v\n", err)
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Fprintf(stderr, "cerbcontract record: proxying http://%s → %s, recording to %s (Ctrl-C to stop)\n", ln.Addr(), u.Scheme+"://"+u.Host+u.Path, *out)

	code := exitOK
	if err := record.Serve(ctx, ln, rec, *grace); err != nil {
		fmt.Fprintf(stderr, "cerbcontract record: %v\n", err)
		code = exitMismatch
	}
	if err := w.Close(); err != nil {
		fmt.Fprintf(stderr, "cerbcontract record: %v\n", err)
		code = exitMismatch
	}
	if err := f.Close(); err != nil {
		fmt.Fprintf(stderr, "cerbcontract record: close %s: %v\n", *out, err)
		code = exitMismatch
	}
	summary := fmt.Sprintf("%d pairs recorded to %s", w.Len(), *out)
	if n := rec.Omitted(); n > 0 {
		summary += fmt.Sprintf(", %d bodies over --max-body %v recorded without their text", n, maxBody)
	}
	if rec.Failed() > 0 {
		summary += fmt.Sprintf(", %d requests not recorded", rec.Failed())
		code = exitMismatch
	}
	if *check {
		summary += fmt.Sprintf(", %d flagged by the contract check", rec.Flagged())
		if rec.Flagged() > 0 {
			code = exitMismatch
		}
	}
	fmt.Fprintf(stderr, "cerbcontract record: %s\n", summary)
	return code
}

// byteSize is a flag holding a positive byte count: a number, or one with a binary unit
// (KiB, MiB, GiB; K, M, G, KB, MB and GB are read as the same, case aside).
type byteSize int64

var sizeUnits = map[string]int64{"": 1, "b": 1, "k": 1 << 10, "kb": 1 << 10, "kib": 1 << 10,
	"m": 1 << 20, "mb": 1 << 20, "mib": 1 << 20, "g": 1 << 30, "gb": 1 << 30, "gib": 1 << 30}

func (b *byteSize) Set(s string) error {
	t := strings.TrimSpace(s)
	i := len(t) - len(strings.TrimLeft(t, "0123456789"))
	unit, ok := sizeUnits[strings.ToLower(strings.TrimSpace(t[i:]))]
	n, err := strconv.ParseInt(t[:i], 10, 64)
	switch {
	case i == 0 || !ok:
		return fmt.Errorf("%q is not a size: want a number of bytes, or one with KiB, MiB or GiB", s)
	case err != nil || n > math.MaxInt64/unit:
		return fmt.Errorf("%q is too large", s)
	case n == 0:
		return fmt.Errorf("%q: the size must be above 0", s)
	}
	*b = byteSize(n * unit)
	return nil
}

func (b byteSize) String() string {
	for _, u := range []struct {
		name string
		n    int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if int64(b) >= u.n && int64(b)%u.n == 0 {
			return fmt.Sprintf("%d%s", int64(b)/u.n, u.name)
		}
	}
	return strconv.FormatInt(int64(b), 10)
}

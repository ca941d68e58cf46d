// Command cerbcontract checks recorded Cerb API traffic (HAR 1.2 files) against the
// project's OpenAPI document.
//
//	cerbcontract check [--spec FILE] [--format text|json|junit|github] [--fail-on request|response|any]
//	                   [--operation ID] [--skip-unknown] [FILE.har…]
//	cerbcontract record --upstream URL --out FILE.har [--listen ADDR] [--check] [--force]
//
// With no files it checks the recordings bundled with the project and compares each verdict
// with the expected one in contract_test/testdata/manifest.json (the recordings include
// deliberate violations). Exit status: 0 when every pair conforms (bundled: when every verdict
// is the expected one), 1 when any does not, 2 on bad usage or unreadable input.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"slices"
	"strings"

	cerbopenapi "github.com/cerb-openapi/cerb-openapi"
	"github.com/cerb-openapi/cerb-openapi/contract"
	contracttest "github.com/cerb-openapi/cerb-openapi/contract_test"
	"github.com/cerb-openapi/cerb-openapi/har"
	"github.com/cerb-openapi/cerb-openapi/report"
)

// Exit codes.
const (
	exitOK       = 0
	exitMismatch = 1
	exitUsage    = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const usage = `usage: cerbcontract check [--spec FILE] [--format %s]
                          [--fail-on request|response|any] [--operation ID] [--skip-unknown]
                          [FILE.har…]
       cerbcontract record --upstream URL --out FILE.har [--listen ADDR] [--check] [--force]

check: checks every request/response pair of the HAR files against the OpenAPI
document (the embedded openapi.yaml unless --spec is given). With no files, checks
the recordings bundled with the project against the expected verdicts of
contract_test/testdata/manifest.json (they include deliberate violations).
--fail-on says which side's problems fail the check (default any); --operation
keeps only the pairs of one operationId, --skip-unknown drops pairs that match no
operation. Exit status: 0 all pairs conform (bundled: all verdicts as expected),
1 some do not, 2 bad usage or unreadable input (a truncated file included).

record: a recording reverse proxy to Cerb; see cerbcontract record --help.
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintf(stderr, usage, strings.Join(report.Formats, "|"))
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	switch args[0] {
	case "check":
		return check(ctx, args[1:], stdout, stderr)
	case "record":
		return recordCmd(ctx, args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "cerbcontract: unknown command %q\n", args[0])
	fmt.Fprintf(stderr, usage, strings.Join(report.Formats, "|"))
	return exitUsage
}

// parseInterleaved lets flags follow file names, as people type them.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var files []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return files, nil
		}
		files = append(files, args[0])
		args = args[1:]
	}
}

func check(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("check", flag.ContinueOnError)
	fset.SetOutput(stderr)
	specPath := fset.String("spec", "", "OpenAPI document to check against (default: the embedded openapi.yaml)")
	format := fset.String("format", "text", "output format: "+strings.Join(report.Formats, ", "))
	failOn := fset.String("fail-on", "any", "which problems make the exit status 1: request, response or any")
	operation := fset.String("operation", "", "check only the pairs of this operationId")
	skipUnknown := fset.Bool("skip-unknown", false, "leave out pairs that match no operation of the spec")
	files, err := parseInterleaved(fset, args)
	if err != nil {
		return exitUsage
	}
	switch *failOn {
	case "request", "response", "any":
	default:
		fmt.Fprintf(stderr, "cerbcontract: --fail-on %q: want request, response or any\n", *failOn)
		return exitUsage
	}
	rep, err := report.New(*format, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "cerbcontract: %v\n", err)
		return exitUsage
	}
	var opts []contract.Option
	if *specPath != "" {
		data, err := os.ReadFile(*specPath)
		if err != nil {
			fmt.Fprintf(stderr, "cerbcontract: spec: %v\n", err)
			return exitUsage
		}
		doc, err := cerbopenapi.LoadBytes(ctx, *specPath, data)
		if err != nil {
			fmt.Fprintf(stderr, "cerbcontract: %v\n", err)
			return exitUsage
		}
		opts = append(opts, contract.WithDocument(doc))
	}
	checker, err := contract.NewChecker(ctx, opts...)
	if err != nil {
		fmt.Fprintf(stderr, "cerbcontract: %v\n", err)
		return exitUsage
	}
	if *operation != "" {
		if ops := operationIDs(checker); !slices.Contains(ops, *operation) {
			fmt.Fprintf(stderr, "cerbcontract: --operation %q: no such operationId in the spec (it has %s)\n", *operation, strings.Join(ops, ", "))
			return exitUsage
		}
	}
	// skip leaves out the pairs the filters exclude; unreadable entries are always reported.
	skip := func(r contract.EntryResult) bool {
		if r.Err != nil {
			return false
		}
		return (*operation != "" && r.Operation != *operation) || (*skipUnknown && r.Operation == "")
	}

	type source struct {
		name string
		open func() (io.ReadCloser, error)
	}
	var sources []source
	// The bundled recordings hold deliberate violations (status=9, missing fields, wrong
	// methods…): for them the verdict to meet is the manifest's, not "everything conforms".
	var manifest contracttest.Manifest
	var manifestDiffs []string
	if len(files) == 0 && *specPath == "" {
		if manifest, err = contracttest.LoadManifest(); err != nil {
			fmt.Fprintf(stderr, "cerbcontract: %v\n", err)
			return exitUsage
		}
	}
	if len(files) == 0 {
		bundled := contracttest.Recordings()
		names, _ := fs.Glob(bundled, "testdata/*.har")
		for _, n := range names {
			sources = append(sources, source{n, func() (io.ReadCloser, error) { return bundled.Open(n) }})
		}
	}
	for _, f := range files {
		sources = append(sources, source{f, func() (io.ReadCloser, error) { return openHAR(f) }})
	}

	mismatch, unreadable := false, false
	compared := 0
	for _, src := range sources {
		rc, err := src.open()
		read := 0
		if err == nil {
			err = checker.CheckHAR(ctx, src.name, rc, func(r contract.EntryResult) error {
				read++
				if skip(r) {
					return nil
				}
				compared++
				if manifest != nil {
					if d := manifest.Diff(r); d != "" {
						manifestDiffs = append(manifestDiffs, d)
					}
				}
				if r.Err != nil {
					unreadable = true
					fmt.Fprintf(stderr, "cerbcontract: %v\n", r.Err)
				} else if fails(r, *failOn) {
					mismatch = true
				}
				return rep.Entry(r)
			})
			rc.Close()
		}
		if err != nil {
			if errors.Is(err, context.Canceled) {
				fmt.Fprintln(stderr, "cerbcontract: interrupted")
				return exitUsage
			}
			unreadable = true
			fmt.Fprintf(stderr, "cerbcontract: %v\n", err)
			if errors.Is(err, har.ErrTruncated) {
				fmt.Fprintf(stderr, "cerbcontract: %s is truncated (a recording cut short?): the %d entries before the cut were checked\n", src.name, read)
			}
			if ferr := rep.Fatal(src.name, err); ferr != nil {
				fmt.Fprintf(stderr, "cerbcontract: write: %v\n", ferr)
				return exitUsage
			}
		}
	}
	if err := rep.Close(); err != nil {
		fmt.Fprintf(stderr, "cerbcontract: write: %v\n", err)
		return exitUsage
	}
	if manifest != nil {
		for _, d := range manifestDiffs {
			fmt.Fprintf(stderr, "cerbcontract: verdict differs from the manifest: %s\n", d)
		}
		if len(manifestDiffs) > 0 {
			return exitMismatch
		}
		fmt.Fprintf(stderr, "cerbcontract: bundled recordings: every verdict matches contract_test/testdata/manifest.json (%d entries)\n", compared)
		return exitOK
	}
	switch {
	case unreadable:
		return exitUsage
	case mismatch:
		return exitMismatch
	}
	return exitOK
}

// fails reports whether a verdict's problems on the given side (request, response or any)
// fail the check. A pair that matches no operation fails on the request side.
func fails(r contract.EntryResult, side string) bool {
	reqBad := r.Operation == "" || !r.Request.OK
	respBad := r.Response != nil && !r.Response.OK
	switch side {
	case "request":
		return reqBad
	case "response":
		return respBad
	}
	return reqBad || respBad
}

// operationIDs lists the spec's operationIds, sorted.
func operationIDs(c *contract.Checker) []string {
	var ids []string
	if doc := c.Document(); doc != nil && doc.Paths != nil {
		for _, item := range doc.Paths.Map() {
			for _, op := range item.Operations() {
				if op.OperationID != "" {
					ids = append(ids, op.OperationID)
				}
			}
		}
	}
	slices.Sort(ids)
	return ids
}

func openHAR(path string) (io.ReadCloser, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if st.IsDir() {
		f.Close()
		return nil, fmt.Errorf("%s: is a directory, not a HAR file", path)
	}
	return f, nil
}

// Command cerbcontract checks recorded Cerb API traffic (HAR 1.2 files) against the
// project's OpenAPI document, and around it records, measures, verifies and stands in.
//
//	cerbcontract check [--spec FILE] [--overlay FILE] [--format text|json|junit|github] [--fail-on request,response,unrecorded,warning|any]
//	                   [--operation ID] [--skip-unknown] [--allow-empty] [--expect MANIFEST [--update-expect]] [FILE.har…]
//	cerbcontract record --upstream URL --out FILE.har [--listen ADDR] [--check] [--force]
//	cerbcontract coverage | verify | serve | fields …   (see cerbcontract help)
//
// --overlay applies an OpenAPI Overlay to the spec first, such as the one cerbcontract
// fields writes for an installation's custom fields.
//
// With --expect, each verdict is compared with the expected one in a manifest (recordings
// kept on purpose hold violations), and with no files the manifest's files are checked:
// make check runs it on the bundled recordings and contract_test/testdata/manifest.json.
// Exit status: 0 when every pair conforms (with --expect: when every verdict is the expected
// one and every expected entry was checked), 1 when any does not, 2 on bad usage or
// unreadable input.
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

	"github.com/cerb-openapi/cerb-openapi/contract"
	"github.com/cerb-openapi/cerb-openapi/expect"
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
	tuneGC()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const usage = `usage: cerbcontract check [--spec FILE] [--overlay FILE] [--format %s]
                          [--fail-on request,response,unrecorded,warning|any] [--operation ID] [--skip-unknown]
                          [--allow-empty] [--expect MANIFEST [--update-expect]] [FILE.har…]
       cerbcontract record --upstream URL --out FILE.har [--listen ADDR] [--check] [--force]
       cerbcontract coverage [--spec FILE] [--overlay FILE] [--format text|json] [--min METRIC=PERCENT] FILE.har…
       cerbcontract verify --base-url URL --group-id N [--spec FILE] [--overlay FILE] [--seed N] [--count N] [--format text|json|junit]
       cerbcontract serve [--listen ADDR] [--fixtures FILE] [--overlay FILE]
       cerbcontract fields --base-url URL|--from OVERLAY [--out FILE] [--format overlay|go] [--package NAME] [--apply]

check: checks every request/response pair of the HAR files against the OpenAPI
document (the embedded openapi.yaml unless --spec is given, with each --overlay applied). A HAR may be plain,
gzip'd, zlib'd (mitmproxy .zhar) or a zip (Playwright); sidecar bodies are read
from its folder. --fail-on lists what fails the check: request or response
problems, unrecorded (a body that was sent but not recorded), warning (a value
the contract allows but a client most likely sent by mistake: "undefined", "null",
"NaN" or "[object Object]" as text, a list item joined with commas), or any (all
four, the default); --operation keeps only the pairs of one operationId, --skip-unknown
drops pairs that match no operation. A file with no entries, or nothing left to
check, is an error unless --allow-empty. CORS preflights are reported, never
checked. --expect
compares each verdict with a manifest of expected verdicts (for recordings that
hold violations on purpose) and, with no files, checks the files it lists;
--update-expect writes the verdicts seen into it instead. Exit status: 0 all pairs
conform (--expect: all verdicts as expected, none missing), 1 some do not, 2 bad
usage or unreadable input (a truncated or missing file included).

coverage: what the HAR files exercised of the spec, and what they never did: per
operation the pairs, the form fields, enum values and custom-field forms never
sent, the response variants never seen. --min fields=80 (metrics operations,
fields, query, enums, custom, responses; repeatable) exits 1 below a threshold.

record: a recording reverse proxy to Cerb; see cerbcontract record --help.

verify: sends requests generated from the spec to a live Cerb (token from CERB_TOKEN,
or CERB_ACCESS_KEY/CERB_SECRET) and reports drift; see cerbcontract verify --help.

serve: a stand-in for Cerb 10.4.10's compose and reply, with state, for tests without
a Cerb; see cerbcontract serve --help.

fields: an installation's ticket custom fields as an OpenAPI Overlay that types each
custom_<id> (or as typed Go helpers); every command above takes it with --overlay FILE.
See cerbcontract fields --help.
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
	case "coverage":
		return coverageCmd(ctx, args[1:], stdout, stderr)
	case "verify":
		return verifyCmd(ctx, args[1:], stdout, stderr)
	case "serve":
		return serveCmd(ctx, args[1:], stdout, stderr)
	case "fields":
		return fieldsCmd(ctx, args[1:], stdout, stderr)
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
	sf := addSpecFlags(fset, "check against")
	format := fset.String("format", "text", "output format: "+strings.Join(report.Formats, ", "))
	failOn := fset.String("fail-on", "any", "what makes the exit status 1, comma-separated: request, response, unrecorded (a body sent but not recorded), warning (a value most likely sent by mistake, such as \"undefined\"), or any (all four)")
	allowEmpty := fset.Bool("allow-empty", false, "accept a HAR file with no entries, and a check in which no entry was left to check")
	operation := fset.String("operation", "", "check only the pairs of this operationId")
	skipUnknown := fset.Bool("skip-unknown", false, "leave out pairs that match no operation of the spec")
	expectPath := fset.String("expect", "", "compare every verdict with this manifest of expected verdicts (JSON); with no files, check the files it lists")
	updateExpect := fset.Bool("update-expect", false, "with --expect: write the verdicts seen into the manifest instead of comparing")
	files, err := parseInterleaved(fset, args)
	if err != nil {
		return exitUsage
	}
	failSet, err := parseFailOn(*failOn)
	if err != nil {
		fmt.Fprintf(stderr, "cerbcontract: %v\n", err)
		return exitUsage
	}
	if *updateExpect && *expectPath == "" {
		fmt.Fprintln(stderr, "cerbcontract: --update-expect needs --expect FILE")
		return exitUsage
	}
	rep, err := report.New(*format, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "cerbcontract: %v\n", err)
		return exitUsage
	}
	checker, err := newChecker(ctx, sf)
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

	// With a manifest the verdict to meet is the manifest's, not "everything conforms":
	// recordings kept on purpose hold violations (status=9, missing fields, wrong methods…).
	var manifest *expect.Manifest
	var cmp *expect.Comparison
	if *expectPath != "" {
		if manifest, err = expect.Load(*expectPath); err != nil {
			if *updateExpect && errors.Is(err, fs.ErrNotExist) {
				manifest = &expect.Manifest{Path: *expectPath}
			} else {
				fmt.Fprintf(stderr, "cerbcontract: %v\n", err)
				return exitUsage
			}
		}
		if len(files) == 0 {
			files = manifest.Paths()
		}
		cmp = manifest.CompareFiles(files)
	}
	if len(files) == 0 {
		fmt.Fprintln(stderr, "cerbcontract: check: no HAR files given (the bundled recordings: cerbcontract check --expect contract_test/testdata/manifest.json, or make check)")
		return exitUsage
	}

	mismatch, unreadable := false, false
	checked := 0
	var seen []contract.EntryResult // for --update-expect
	for _, name := range files {
		read := 0
		err := checkFile(ctx, checker, name, func(r contract.EntryResult) error {
			read++
			if *updateExpect {
				seen = append(seen, r)
			}
			if skip(r) {
				if cmp != nil {
					cmp.Seen(r)
				}
				return nil
			}
			checked++
			expected := false
			if cmp != nil {
				_, differs := cmp.Add(r)
				expected = !differs
			}
			if r.Err != nil {
				// An unreadable entry is exit 2, unless the manifest expects exactly it.
				if !expected || *updateExpect {
					unreadable = true
				}
				fmt.Fprintf(stderr, "cerbcontract: %v\n", r.Err)
			} else if fails(r, failSet) {
				mismatch = true
			}
			return rep.Entry(r)
		})
		if err == nil && read == 0 && !*allowEmpty && !listedEmpty(manifest, name) {
			// A silent green: Playwright's recordHar, for one, records nothing of the calls
			// made through APIRequestContext.
			err = fmt.Errorf("%s: no entries: nothing was recorded, so nothing was checked (Playwright's recordHar does not record APIRequestContext calls; --allow-empty accepts an empty file)", name)
		}
		if err != nil {
			if errors.Is(err, context.Canceled) {
				fmt.Fprintln(stderr, "cerbcontract: interrupted")
				return exitUsage
			}
			unreadable = true
			fmt.Fprintf(stderr, "cerbcontract: %v\n", err)
			if errors.Is(err, har.ErrTruncated) {
				fmt.Fprintf(stderr, "cerbcontract: %s is truncated (a recording cut short?): the %d entries before the cut were checked\n", name, read)
			}
			if ferr := rep.Fatal(name, err); ferr != nil {
				fmt.Fprintf(stderr, "cerbcontract: write: %v\n", ferr)
				return exitUsage
			}
		}
	}
	if checked == 0 && !unreadable && !*allowEmpty && !*updateExpect && cmp == nil {
		msg := "no entry was checked"
		if *operation != "" || *skipUnknown {
			msg += " (every entry was left out by --operation or --skip-unknown)"
		}
		fmt.Fprintf(stderr, "cerbcontract: %s; --allow-empty accepts that\n", msg)
		unreadable = true
		if ferr := rep.Fatal(strings.Join(files, ", "), errors.New(msg)); ferr != nil {
			fmt.Fprintf(stderr, "cerbcontract: write: %v\n", ferr)
			return exitUsage
		}
	}
	if err := rep.Close(); err != nil {
		fmt.Fprintf(stderr, "cerbcontract: write: %v\n", err)
		return exitUsage
	}
	switch {
	case *updateExpect:
		if unreadable {
			fmt.Fprintf(stderr, "cerbcontract: %s not written: some input could not be read\n", *expectPath)
			return exitUsage
		}
		if err := expect.Write(*expectPath, seen, files...); err != nil {
			fmt.Fprintf(stderr, "cerbcontract: %v\n", err)
			return exitUsage
		}
		fmt.Fprintf(stderr, "cerbcontract: wrote the verdicts on %d entries to %s: review the diff before committing it\n", len(seen), *expectPath)
		return exitOK
	case cmp != nil:
		diffs := cmp.Finish()
		for _, d := range diffs {
			fmt.Fprintf(stderr, "cerbcontract: verdict differs from the manifest: %s\n", d)
		}
		switch {
		case unreadable:
			return exitUsage
		case len(diffs) > 0:
			fmt.Fprintf(stderr, "cerbcontract: %d of the verdicts differ from %s\n", len(diffs), *expectPath)
			return exitMismatch
		}
		fmt.Fprintf(stderr, "cerbcontract: every verdict matches %s (%d entries)\n", *expectPath, cmp.Compared())
		return exitOK
	case unreadable:
		return exitUsage
	case mismatch:
		return exitMismatch
	}
	return exitOK
}

// listedEmpty reports whether the manifest expects the file to hold no entries.
func listedEmpty(m *expect.Manifest, file string) bool {
	if m == nil {
		return false
	}
	es, ok := m.Listed(file)
	return ok && len(es) == 0
}

// checkFile checks one HAR file, in whatever container (see har.Open), with its sidecar
// bodies; an error opening it names the file.
func checkFile(ctx context.Context, c *contract.Checker, name string, fn func(contract.EntryResult) error) error {
	return c.CheckFile(ctx, name, fn)
}

// failOn is what --fail-on lets fail the check.
type failOn struct{ request, response, unrecorded, warning bool }

func parseFailOn(s string) (failOn, error) {
	var f failOn
	for _, part := range strings.Split(s, ",") {
		switch strings.TrimSpace(part) {
		case "request":
			f.request = true
		case "response":
			f.response = true
		case "unrecorded":
			f.unrecorded = true
		case "warning":
			f.warning = true
		case "any":
			f = failOn{true, true, true, true}
		default:
			return failOn{}, fmt.Errorf("--fail-on %q: want a comma-separated list of request, response, unrecorded, warning, or any", s)
		}
	}
	return f, nil
}

// fails reports whether a verdict fails the check. A pair that matches no operation fails
// on the request side; a CORS preflight never fails.
func fails(r contract.EntryResult, f failOn) bool {
	if r.Preflight != nil {
		return false
	}
	reqBad := r.Operation == "" || !r.Request.OK
	respBad := r.Response != nil && !r.Response.OK
	unrecorded := r.Request.Unrecorded != "" || r.Response != nil && r.Response.Unrecorded != ""
	return f.request && reqBad || f.response && respBad || f.unrecorded && unrecorded || f.warning && r.Request.Warned()
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

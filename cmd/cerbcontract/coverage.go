package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/cerb-openapi/cerb-openapi/contract"
	"github.com/cerb-openapi/cerb-openapi/coverage"
)

// coverageCmd reports what the traffic exercised of the spec and what it never did.
// Exit status: 0, 1 when a --min threshold is not met, 2 on bad usage or unreadable input
// (an unreadable entry, a file that cannot be read, a file with no entries).
func coverageCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("coverage", flag.ContinueOnError)
	fset.SetOutput(stderr)
	sf := addSpecFlags(fset, "measure against")
	format := fset.String("format", "text", "output format: text or json")
	var mins []coverage.Min
	fset.Func("min", "fail (exit 1) below METRIC=PERCENT, repeatable or comma-separated; metrics: "+strings.Join(coverage.Metrics, ", "), func(s string) error {
		m, err := coverage.ParseMin(s)
		mins = append(mins, m...)
		return err
	})
	files, err := parseInterleaved(fset, args)
	if err != nil {
		return exitUsage
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "cerbcontract: coverage: unknown format %q (want text or json)\n", *format)
		return exitUsage
	}
	if len(files) == 0 {
		fmt.Fprintln(stderr, "cerbcontract: coverage: no HAR files given (the bundled recordings: cerbcontract coverage contract_test/testdata/*.har)")
		return exitUsage
	}
	checker, err := newChecker(ctx, sf)
	if err != nil {
		fmt.Fprintf(stderr, "cerbcontract: %v\n", err)
		return exitUsage
	}
	cov, err := coverage.New(checker.Document())
	if err != nil {
		fmt.Fprintf(stderr, "cerbcontract: %v\n", err)
		return exitUsage
	}

	unreadable := false
	for _, name := range files {
		read := 0
		err := checkFile(ctx, checker, name, func(r contract.EntryResult) error {
			read++
			cov.Add(r)
			if r.Err != nil {
				unreadable = true
				fmt.Fprintf(stderr, "cerbcontract: %v\n", r.Err)
			}
			return nil
		})
		switch {
		case errors.Is(err, context.Canceled):
			fmt.Fprintln(stderr, "cerbcontract: interrupted")
			return exitUsage
		case err != nil:
			unreadable = true
			fmt.Fprintf(stderr, "cerbcontract: %v\n", err)
		case read == 0:
			// An empty recording measures nothing; counting it silently would hide a
			// recorder that wrote nothing.
			unreadable = true
			fmt.Fprintf(stderr, "cerbcontract: %s: no entries: nothing to measure\n", name)
		}
	}

	rep := cov.Report()
	below := rep.Check(mins)
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(rep)
	} else {
		err = rep.WriteText(stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "cerbcontract: write: %v\n", err)
		return exitUsage
	}
	switch {
	case unreadable:
		fmt.Fprintln(stderr, "cerbcontract: coverage: some input could not be read: the report covers only what could")
		return exitUsage
	case len(below) > 0:
		for _, s := range below {
			fmt.Fprintf(stderr, "cerbcontract: coverage below --min: %s\n", s.Message)
		}
		return exitMismatch
	}
	return exitOK
}

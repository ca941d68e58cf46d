package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/cerb-openapi/cerb-openapi/cerb"
	"github.com/cerb-openapi/cerb-openapi/verify"
)

const verifyUsage = `usage: cerbcontract verify --base-url URL --group-id N [--spec FILE] [--overlay FILE] [--seed N] [--count N]
                           [--format text|json|junit] [--case NAME] [--cleanup] [--max-requests N]

Sends requests generated from the spec to a live Cerb and reports where server and spec
disagree (drift): a response that breaks the spec, a request the spec allows that the
server refuses, a request the spec refuses that the server accepts without an
x-cerb-server-accepts mark. Credentials come from the environment only: CERB_TOKEN (an
OAuth2 bearer token), or CERB_ACCESS_KEY and CERB_SECRET (Cerb-Auth).

It creates tickets in --group-id (every request has dont_send=1, every recipient is at
example.com, every subject starts with a marker) and lists them at the end; --cleanup
closes them. Exit status: 0 no drift, 1 drift, 2 bad usage or a server that cannot be
used.

`

// verifyCmd runs cerbcontract verify.
func verifyCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("verify", flag.ContinueOnError)
	fset.SetOutput(stderr)
	fset.Usage = func() {
		fmt.Fprint(stderr, verifyUsage)
		fset.PrintDefaults()
	}
	baseURL := fset.String("base-url", "", "the REST root of the Cerb to verify, e.g. https://cerb.example/rest")
	sf := addSpecFlags(fset, "verify against")
	group := fset.Int64("group-id", 0, "the group every ticket is created in (required: use a test group)")
	seed := fset.Int64("seed", 0, "seed of the random combinations (default: from the clock; the report names it)")
	count := fset.Int("count", verify.DefaultCount, fmt.Sprintf("random combinations to send (at most %d)", verify.MaxCount))
	format := fset.String("format", "text", "report format: "+strings.Join(verify.Formats, ", "))
	var cases []string
	fset.Func("case", "send only this case (repeatable or comma-separated), as a drift report names it, with the same --seed", func(s string) error {
		for _, c := range strings.Split(s, ",") {
			if c = strings.TrimSpace(c); c != "" {
				cases = append(cases, c)
			}
		}
		return nil
	})
	cleanup := fset.Bool("cleanup", false, "close every ticket created, with a reply (status=2, dont_send=1)")
	maxRequests := fset.Int("max-requests", verify.HardCap, fmt.Sprintf("refuse a run that needs more requests than this (at most %d)", verify.HardCap))
	if err := fset.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "cerbcontract: verify: "+format+"\n", a...)
		return exitUsage
	}
	switch {
	case fset.NArg() > 0:
		// Not echoed: it may be a credential pasted by mistake.
		return usageErr("%d unexpected argument(s), not shown (credentials are read from CERB_TOKEN or CERB_ACCESS_KEY/CERB_SECRET, never from the command line)", fset.NArg())
	case *baseURL == "":
		return usageErr("--base-url is required")
	case *group <= 0:
		return usageErr("--group-id N is required: verify creates tickets, so it must be told in which group (use a test group)")
	case !slices.Contains(verify.Formats, *format):
		return usageErr("unknown format %q (want %s)", *format, strings.Join(verify.Formats, ", "))
	case *maxRequests <= 0 || *maxRequests > verify.HardCap:
		return usageErr("--max-requests %d: want 1 to %d", *maxRequests, verify.HardCap)
	}
	auth, secrets, err := credentials()
	if err != nil {
		return usageErr("%v", err)
	}
	if !isSet(fset, "seed") {
		*seed = time.Now().UnixNano() % 1_000_000
	}
	cfg := verify.Config{BaseURL: *baseURL, Auth: auth, Secrets: secrets, GroupID: *group, Seed: *seed,
		Count: *count, Cases: cases, Cleanup: *cleanup, MaxRequests: *maxRequests}
	if sf.custom() {
		doc, err := sf.load(ctx)
		if err != nil {
			return usageErr("%v", err)
		}
		cfg.Doc, cfg.SpecPath = doc, sf.name()
	}
	rep, err := verify.Run(ctx, cfg)
	if rep != nil {
		// Also after an error: the tickets created until then are listed.
		if werr := rep.Write(stdout, *format); werr != nil {
			fmt.Fprintf(stderr, "cerbcontract: write: %v\n", werr)
			return exitUsage
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "cerbcontract: %v\n", err)
		return exitUsage
	}
	if rep.HasDrift() {
		fmt.Fprintf(stderr, "cerbcontract: verify: %d drift between %s and the spec (replay a case with --seed %d --case NAME)\n", len(rep.Drifts), *baseURL, rep.Seed)
		return exitMismatch
	}
	return exitOK
}

// credentials reads the token, or the legacy key and secret, from the environment.
func credentials() (cerb.Auth, []string, error) {
	if tok := os.Getenv("CERB_TOKEN"); tok != "" {
		return cerb.Bearer(tok), []string{tok}, nil
	}
	key, secret := os.Getenv("CERB_ACCESS_KEY"), os.Getenv("CERB_SECRET")
	if key != "" && secret != "" {
		return cerb.Legacy(key, secret), []string{secret}, nil
	}
	return nil, nil, errors.New("no credentials: set CERB_TOKEN (an OAuth2 access token), or CERB_ACCESS_KEY and CERB_SECRET (Cerb-Auth)")
}

func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

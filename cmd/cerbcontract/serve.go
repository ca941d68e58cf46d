package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/cerb-openapi/cerb-openapi/customfields"
	"github.com/cerb-openapi/cerb-openapi/internal/standin"
)

const serveUsage = `usage: cerbcontract serve [--listen ADDR] [--fixtures FILE] [--overlay FILE]

Answers as Cerb 10.4.10 does on POST /rest/tickets/compose.json and reply.json, with
state (tickets, messages, drafts, custom field values), for tests that must not need a
Cerb: point your client at http://ADDR/rest. GET /rest/tickets/<id>.json and GET
/rest/messages/<id>.json (with expand) read the effects back; they are not part of the
spec. The records are the test kit's (workers 1-2, groups 1-5, buckets 1-7, orgs 1-3,
HTML templates 1-2, attachments 1-2, ticket custom fields 1-10) unless --fixtures names
a YAML or JSON file; with no tokens in it, any non-empty bearer token acts as worker 1.
--overlay (an overlay cerbcontract fields wrote) replaces the ticket custom fields with
that installation's, so the stand-in stores, clears and drops their values as it does.
It prints "listening on http://ADDR/rest" once it accepts connections, and runs until
interrupted. Exit status: 0 after an interrupt, 2 on bad usage or an address in use.

`

// overlayFields are the custom fields the overlays declare, as the stand-in keeps them.
// Fields of a type the stand-in does not store (link, list, file...) are left out, and
// named on stderr.
func overlayFields(ctx context.Context, sf *specFlags, stderr io.Writer) ([]standin.CustomField, error) {
	doc, err := sf.load(ctx)
	if err != nil {
		return nil, err
	}
	fields, err := customfields.FromDocument(doc)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", sf.name(), err)
	}
	if len(fields) == 0 {
		return nil, fmt.Errorf("%s: declares no custom fields (%s): not an overlay written by cerbcontract fields", sf.name(), customfields.ExtField)
	}
	var out []standin.CustomField
	for _, f := range fields {
		if !f.Typed() {
			fmt.Fprintf(stderr, "cerbcontract: serve: custom field %d %q (%s) is left out: the stand-in does not store that type\n", f.ID, f.Name, f.TypeName())
			continue
		}
		out = append(out, standin.CustomField{ID: f.ID, Name: f.Name, Type: f.Type, Options: f.Options, DecimalAt: f.DecimalAt})
	}
	return out, nil
}

// serveCmd runs cerbcontract serve.
func serveCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("serve", flag.ContinueOnError)
	fset.SetOutput(stderr)
	fset.Usage = func() {
		fmt.Fprint(stderr, serveUsage)
		fset.PrintDefaults()
	}
	listen := fset.String("listen", "127.0.0.1:8089", "address to listen on (port 0: any free port, printed)")
	fixtures := fset.String("fixtures", "", "YAML or JSON file with the records to start with (default: the test kit's)")
	sf := &specFlags{}
	fset.Func("overlay", "an overlay written by cerbcontract fields: serve that installation's ticket custom fields", func(s string) error {
		sf.overlays = append(sf.overlays, s)
		return nil
	})
	if err := fset.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fset.NArg() > 0 {
		fmt.Fprintf(stderr, "cerbcontract: serve: %d unexpected argument(s)\n", fset.NArg())
		return exitUsage
	}
	fx := standin.Default()
	if *fixtures != "" {
		var err error
		if fx, err = standin.LoadFixtures(*fixtures); err != nil {
			fmt.Fprintf(stderr, "cerbcontract: serve: %v\n", err)
			return exitUsage
		}
	}
	if len(sf.overlays) > 0 {
		fields, err := overlayFields(ctx, sf, stderr)
		if err != nil {
			fmt.Fprintf(stderr, "cerbcontract: serve: %v\n", err)
			return exitUsage
		}
		fx.CustomFields = fields
		if err := fx.Validate(); err != nil {
			fmt.Fprintf(stderr, "cerbcontract: serve: %v\n", err)
			return exitUsage
		}
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintf(stderr, "cerbcontract: serve: %v\n", err)
		return exitUsage
	}
	srv := &http.Server{Handler: standin.New(fx), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stdout, "listening on http://%s/rest\n", ln.Addr())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		fmt.Fprintf(stderr, "cerbcontract: serve: %v\n", err)
		return exitUsage
	case <-ctx.Done():
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shut)
		return exitOK
	}
}

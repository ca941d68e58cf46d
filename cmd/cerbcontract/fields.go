package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"go/token"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	cerbopenapi "github.com/cerb-openapi/cerb-openapi"
	"github.com/cerb-openapi/cerb-openapi/customfields"
	"github.com/cerb-openapi/cerb-openapi/overlay"
)

const fieldsUsage = `usage: cerbcontract fields --base-url URL [--out FILE] [--format overlay|go] [--package NAME] [--apply [--spec FILE]]
       cerbcontract fields --from OVERLAY [--out FILE] [--format overlay|go] [--package NAME] [--apply [--spec FILE]]

Reads the ticket custom fields of a Cerb installation (GET /rest/customfields/tickets.json,
its workers, a decimal field's places: a read-only token is enough) and writes an OpenAPI
Overlay 1.0 document that types each custom_<id> of compose and reply, and of the ticket
returned, for that installation. Apply it with check, coverage, verify or serve --overlay.

--format go writes typed Go helpers for the cerb client instead (package --package);
--apply writes the spec with the overlay applied, the input of other languages'
generators. --from reads the fields from an overlay written before, without a server.
Credentials come from the environment only: CERB_TOKEN, or CERB_ACCESS_KEY and CERB_SECRET.
Exit status: 0 written, 2 bad usage, a server that cannot be read, or a file not written.

`

func fieldsCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("fields", flag.ContinueOnError)
	fset.SetOutput(stderr)
	fset.Usage = func() {
		fmt.Fprint(stderr, fieldsUsage)
		fset.PrintDefaults()
	}
	baseURL := fset.String("base-url", "", "the REST root of the Cerb to read, e.g. https://cerb.example/rest")
	from := fset.String("from", "", "read the fields from this overlay (written by cerbcontract fields) instead of a server")
	out := fset.String("out", "", "write to this file (default: standard output)")
	format := fset.String("format", "overlay", "what to write: overlay (OpenAPI Overlay 1.0, YAML) or go (typed helpers)")
	pkg := fset.String("package", "", "with --format go: the Go package name (required)")
	apply := fset.Bool("apply", false, "write the spec with the overlay applied instead of the overlay")
	spec := fset.String("spec", "", "with --apply: the OpenAPI document to apply it to (default: the embedded openapi.yaml)")
	timeout := fset.Duration("timeout", 30*time.Second, "give up reading the server after this long")
	if err := fset.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "cerbcontract: fields: "+format+"\n", a...)
		return exitUsage
	}
	switch {
	case fset.NArg() > 0:
		return fail("%d unexpected argument(s), not shown (credentials are read from the environment, never from the command line)", fset.NArg())
	case (*baseURL == "") == (*from == ""):
		return fail("say where the fields come from: --base-url URL or --from OVERLAY (one of them)")
	case *format != "overlay" && *format != "go":
		return fail("unknown format %q (want overlay or go)", *format)
	case *format == "go" && !token.IsIdentifier(*pkg):
		return fail("--format go needs --package NAME, a Go identifier (got %q)", *pkg)
	case *format == "go" && *apply:
		return fail("--apply writes an OpenAPI document: it does not go with --format go")
	case *spec != "" && !*apply:
		return fail("--spec is the document --apply applies the overlay to: add --apply")
	}

	var inst *customfields.Installation
	if *from != "" {
		data, err := os.ReadFile(*from)
		if err != nil {
			return fail("%v", err)
		}
		if inst, err = customfields.FromOverlay(*from, data); err != nil {
			return fail("%v", err)
		}
	} else {
		auth, _, err := credentials()
		if err != nil {
			return fail("%v", err)
		}
		fctx, cancel := context.WithTimeout(ctx, *timeout)
		defer cancel()
		if inst, err = customfields.Fetch(fctx, &http.Client{}, *baseURL, auth); err != nil {
			return fail("%v", err)
		}
		if inst.Workers == nil {
			fmt.Fprintln(stderr, "cerbcontract: fields: the workers could not be listed with this token: worker fields take any id")
		}
	}

	var result []byte
	var err error
	switch {
	case *format == "go":
		result, err = customfields.GoHelpers(inst, *pkg)
	default:
		result, err = customfields.Overlay(inst)
		if err == nil && *apply {
			result, err = applied(ctx, *spec, result)
		}
	}
	if err != nil {
		return fail("%v", err)
	}
	if *out == "" {
		if _, err := stdout.Write(result); err != nil {
			return fail("write: %v", err)
		}
		return exitOK
	}
	if err := writeFileAtomic(*out, result); err != nil {
		return fail("%v", err)
	}
	fmt.Fprintf(stderr, "cerbcontract: fields: %d custom fields written to %s\n", len(inst.Fields), *out)
	return exitOK
}

// applied is the spec at specPath (the embedded one when empty) with the overlay applied,
// checked to load as a valid OpenAPI document.
func applied(ctx context.Context, specPath string, ovBytes []byte) ([]byte, error) {
	name, data, err := readSpec(specPath)
	if err != nil {
		return nil, err
	}
	ov, err := overlay.Parse("the overlay", ovBytes)
	if err != nil {
		return nil, err
	}
	merged, _, err := ov.Apply(name, data)
	if err != nil {
		return nil, err
	}
	if _, err := cerbopenapi.LoadBytes(ctx, name+" with the overlay", merged); err != nil {
		return nil, err
	}
	return merged, nil
}

// writeFileAtomic writes through a temporary file in the same folder, so that a failed
// write leaves the previous file as it was.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".cerbcontract-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

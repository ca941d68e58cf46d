package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/getkin/kin-openapi/openapi3"

	cerbopenapi "github.com/cerb-openapi/cerb-openapi"
	"github.com/cerb-openapi/cerb-openapi/contract"
	"github.com/cerb-openapi/cerb-openapi/overlay"
)

// specFlags are --spec and --overlay, which check, coverage, verify and serve share: the
// document every command reads is the spec with the overlays applied in order.
type specFlags struct {
	spec     string
	overlays []string
}

func addSpecFlags(fset *flag.FlagSet, what string) *specFlags {
	sf := &specFlags{}
	fset.StringVar(&sf.spec, "spec", "", "OpenAPI document to "+what+" (default: the embedded openapi.yaml)")
	fset.Func("overlay", "OpenAPI Overlay to apply to the spec first, such as the custom fields `cerbcontract fields` writes (repeatable, applied in order)", func(s string) error {
		sf.overlays = append(sf.overlays, s)
		return nil
	})
	return sf
}

// name is how reports name the document: the spec's file, plus each overlay's.
func (sf *specFlags) name() string {
	n := sf.spec
	if n == "" {
		n = "openapi.yaml"
	}
	for _, o := range sf.overlays {
		n += "+" + o
	}
	return n
}

// custom reports whether the document is not the embedded one as it is.
func (sf *specFlags) custom() bool { return sf.spec != "" || len(sf.overlays) > 0 }

// readSpec reads the OpenAPI document at path, or returns the embedded openapi.yaml when
// path is empty, with the name errors give it.
func readSpec(path string) (name string, data []byte, err error) {
	if path == "" {
		return "openapi.yaml", cerbopenapi.Spec, nil
	}
	data, err = os.ReadFile(path)
	if err != nil {
		return "", nil, fmt.Errorf("spec: %w", err)
	}
	return path, data, nil
}

// bytes reads the spec and applies the overlays; every error names the file.
func (sf *specFlags) bytes() ([]byte, error) {
	name, data, err := readSpec(sf.spec)
	if err != nil {
		return nil, err
	}
	merged, _, err := overlay.ApplyFiles(name, data, sf.overlays...)
	return merged, err
}

// load returns the document, loaded and validated; nil (the embedded document) when
// neither flag is set.
func (sf *specFlags) load(ctx context.Context) (*openapi3.T, error) {
	if !sf.custom() {
		return nil, nil
	}
	data, err := sf.bytes()
	if err != nil {
		return nil, err
	}
	return cerbopenapi.LoadBytes(ctx, sf.name(), data)
}

// newChecker builds the checker for the flags' document.
func newChecker(ctx context.Context, sf *specFlags) (*contract.Checker, error) {
	doc, err := sf.load(ctx)
	if err != nil {
		return nil, err
	}
	var opts []contract.Option
	if doc != nil {
		opts = append(opts, contract.WithDocument(doc))
	}
	return contract.NewChecker(ctx, opts...)
}

// Package cerbopenapi holds the OpenAPI document of Cerb's ticket compose and reply
// operations. The bytes are embedded once here so that the generated client, the contract
// checker, the CLI and users all load exactly the same document.
package cerbopenapi

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"
)

// Spec is openapi.yaml, byte for byte.
//
//go:embed openapi.yaml
var Spec []byte

// Load parses and validates the embedded document (examples included).
func Load(ctx context.Context) (*openapi3.T, error) {
	return LoadBytes(ctx, "openapi.yaml", Spec)
}

// LoadBytes parses and validates an OpenAPI document; name is used in error messages.
// External references are refused: a contract must be self-contained.
func LoadBytes(ctx context.Context, name string, data []byte) (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	loader.Context = ctx
	loader.IsExternalRefsAllowed = false
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("%s: load: %w", name, err)
	}
	if err := doc.Validate(ctx, openapi3.EnableExamplesValidation()); err != nil {
		return nil, fmt.Errorf("%s: invalid OpenAPI document: %w", name, err)
	}
	return doc, nil
}

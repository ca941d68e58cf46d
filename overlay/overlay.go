// Package overlay applies OpenAPI Overlay documents (1.0.0, and 1.1.0's copy action) to
// an OpenAPI document, with speakeasy-api's implementation: the one oapi-codegen uses for
// its own overlay option, so the project's generator and its checker read an overlay the
// same way.
//
// Apply is strict: an action whose target selects nothing is an error, because an
// overlay written for another version of the spec would otherwise change nothing and say
// nothing.
package overlay

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	speakeasy "github.com/speakeasy-api/openapi/overlay"
	"gopkg.in/yaml.v3"

	cerbopenapi "github.com/cerb-openapi/cerb-openapi"
)

// ErrInvalid is wrapped by every error about the overlay document itself (as opposed to
// the OpenAPI document it is applied to).
var ErrInvalid = errors.New("invalid overlay")

// Overlay is a parsed, validated Overlay document.
type Overlay struct {
	name string
	o    *speakeasy.Overlay
}

// Parse reads an Overlay document (YAML or JSON) and validates it against the Overlay
// specification's rules: a supported version, info title and version, at least one
// action, each with a target and not both remove and update. name is used in errors.
func Parse(name string, data []byte) (*Overlay, error) {
	var probe yaml.Node
	if err := yaml.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("%s: %w: %v", name, ErrInvalid, err)
	}
	if len(probe.Content) == 0 || probe.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s: %w: not a YAML or JSON mapping", name, ErrInvalid)
	}
	if !hasKey(probe.Content[0], "overlay") {
		hint := ""
		if hasKey(probe.Content[0], "openapi") {
			hint = " (this is an OpenAPI document: pass it as --spec)"
		}
		return nil, fmt.Errorf("%s: %w: no \"overlay\" version key%s", name, ErrInvalid, hint)
	}
	o, err := speakeasy.ParseReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %v", name, ErrInvalid, err)
	}
	if err := o.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w: %s", name, ErrInvalid, strings.ReplaceAll(err.Error(), "\n", "; "))
	}
	return &Overlay{name: name, o: o}, nil
}

// Apply applies the overlay to the OpenAPI document spec (YAML or JSON; specName is used
// in errors) and returns the result as YAML. Warnings are the implementation's notes on
// actions that changed nothing or JSONPath forms it will drop.
func (ov *Overlay) Apply(specName string, spec []byte) (out []byte, warnings []string, err error) {
	var root yaml.Node
	if err := yaml.Unmarshal(spec, &root); err != nil {
		return nil, nil, fmt.Errorf("%s: %v", specName, err)
	}
	if len(root.Content) == 0 {
		return nil, nil, fmt.Errorf("%s: empty document", specName)
	}
	warnings, err = ov.o.ApplyToStrict(&root)
	if err != nil {
		return nil, warnings, fmt.Errorf("%s on %s: %w", ov.name, specName, err)
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&root); err != nil {
		return nil, warnings, fmt.Errorf("%s on %s: encode: %w", ov.name, specName, err)
	}
	if err := enc.Close(); err != nil {
		return nil, warnings, err
	}
	return buf.Bytes(), warnings, nil
}

// ApplyAll applies overlays in order.
func ApplyAll(specName string, spec []byte, overlays ...*Overlay) ([]byte, []string, error) {
	var all []string
	for _, ov := range overlays {
		out, warnings, err := ov.Apply(specName, spec)
		for _, w := range warnings {
			all = append(all, ov.name+": "+w)
		}
		if err != nil {
			return nil, all, err
		}
		spec, specName = out, specName+"+"+ov.name
	}
	return spec, all, nil
}

func hasKey(m *yaml.Node, key string) bool {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return true
		}
	}
	return false
}

// Load applies the overlay files at paths, in order, to the OpenAPI document spec (named
// specName in errors) and loads the result as cerbopenapi.LoadBytes does: parsed and
// validated, examples included. It is what every --overlay flag does.
func Load(ctx context.Context, specName string, spec []byte, paths ...string) (*openapi3.T, error) {
	merged, name, err := ApplyFiles(specName, spec, paths...)
	if err != nil {
		return nil, err
	}
	return cerbopenapi.LoadBytes(ctx, name, merged)
}

// ApplyFiles reads and parses the overlay files at paths and applies them in order; it
// returns the merged document and its name (specName+overlay+…).
func ApplyFiles(specName string, spec []byte, paths ...string) ([]byte, string, error) {
	var ovs []*Overlay
	name := specName
	for _, path := range paths {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, "", fmt.Errorf("overlay: %w", err)
		}
		ov, err := Parse(path, b)
		if err != nil {
			return nil, "", err
		}
		ovs = append(ovs, ov)
		name += "+" + path
	}
	merged, _, err := ApplyAll(specName, spec, ovs...)
	return merged, name, err
}

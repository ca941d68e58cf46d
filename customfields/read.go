package customfields

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v3"
)

// FromOverlay reads the installation back from an overlay Overlay wrote: the fields from
// their x-cerb-custom-field, the workers from the worker fields' lists. Server and
// Version are not kept in the overlay's actions and stay empty.
func FromOverlay(name string, data []byte) (*Installation, error) {
	var doc struct {
		Overlay string `yaml:"overlay"`
		Actions []struct {
			Target string         `yaml:"target"`
			Update map[string]any `yaml:"update"`
		} `yaml:"actions"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if doc.Overlay == "" {
		return nil, fmt.Errorf("%s: not an Overlay document (no \"overlay\" key)", name)
	}
	inst := &Installation{}
	seen := map[int64]bool{}
	for _, a := range doc.Actions {
		for _, v := range a.Update {
			f, workers, ok, err := fieldOf(v)
			if err != nil {
				return nil, fmt.Errorf("%s: action %s: %w", name, a.Target, err)
			}
			if !ok || seen[f.ID] {
				continue
			}
			seen[f.ID] = true
			inst.Fields = append(inst.Fields, f)
			if workers != nil {
				inst.Workers = workers
			}
		}
	}
	if len(inst.Fields) == 0 {
		return nil, fmt.Errorf("%s: no %s in its actions: not an overlay written by cerbcontract fields", name, ExtField)
	}
	inst.Fields = sorted(inst.Fields)
	return inst, validate(inst.Fields)
}

// fieldOf reads x-cerb-custom-field from a schema, and the worker ids of a worker field.
func fieldOf(v any) (Field, []Worker, bool, error) {
	m, _ := v.(map[string]any)
	ext, ok := m[ExtField]
	if !ok {
		return Field{}, nil, false, nil
	}
	b, err := json.Marshal(ext)
	if err != nil {
		return Field{}, nil, false, err
	}
	var f Field
	if err := json.Unmarshal(b, &f); err != nil {
		return Field{}, nil, false, fmt.Errorf("%s: %w", ExtField, err)
	}
	var workers []Worker
	if f.Type == WorkerType {
		if enum, ok := m["enum"].([]any); ok {
			workers = []Worker{}
			for _, e := range enum {
				if s := fmt.Sprint(e); s != "" {
					id, err := strconv.ParseInt(s, 10, 64)
					if err != nil {
						return Field{}, nil, false, fmt.Errorf("worker field %d: id %q", f.ID, s)
					}
					workers = append(workers, Worker{ID: id})
				}
			}
		}
	}
	return f, workers, true, nil
}

// FromDocument reads the custom fields an overlay declared in an OpenAPI document (the
// x-cerb-custom-field of its component schemas); none for the base spec.
func FromDocument(doc *openapi3.T) ([]Field, error) {
	if doc == nil || doc.Components == nil {
		return nil, nil
	}
	var out []Field
	refs := []*openapi3.SchemaRef{}
	for _, ref := range doc.Components.Schemas {
		refs = append(refs, ref)
	}
	if form := doc.Components.Schemas[composeForm]; form != nil && form.Value != nil {
		for _, p := range form.Value.Properties {
			refs = append(refs, p) // the untyped fields are declared here only
		}
	}
	for _, ref := range refs {
		if ref == nil || ref.Value == nil {
			continue
		}
		f, _, ok, err := fieldOf(map[string]any{ExtField: ref.Value.Extensions[ExtField]})
		if err != nil {
			return nil, err
		}
		if ok && ref.Value.Extensions[ExtField] != nil && !slices.ContainsFunc(out, func(x Field) bool { return x.ID == f.ID }) {
			out = append(out, f)
		}
	}
	return sorted(out), validate(out)
}

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
// their x-cerb-custom-field, the server, version and workers from x-cerb-installation
// (without it, as in an overlay of an earlier version, the workers' ids from the worker
// fields' lists). Overlay(FromOverlay(o)) is o.
func FromOverlay(name string, data []byte) (*Installation, error) {
	var doc struct {
		Overlay      string `yaml:"overlay"`
		Installation *struct {
			Server  string    `yaml:"server"`
			Version string    `yaml:"version"`
			Workers *[]Worker `yaml:"workers"`
		} `yaml:"x-cerb-installation"`
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
	if in := doc.Installation; in != nil {
		inst.Server, inst.Version, inst.Workers = in.Server, in.Version, nil
		if in.Workers != nil {
			inst.Workers = append([]Worker{}, *in.Workers...)
		}
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

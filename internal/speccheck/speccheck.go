// Package speccheck measures the documentation quality of an OpenAPI document: every
// operation, parameter, schema and property has a description, every component schema has an
// example, and every example validates against its schema. The test of this package holds
// openapi.yaml to all three; the checks are plain functions so that they can be shown to fail.
package speccheck

import (
	"fmt"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Score counts what was checked; a problem is anything that fell short.
type Score struct {
	Operations, OperationsDescribed int
	Parameters, ParametersDescribed int
	Schemas, SchemasDescribed       int // component schemas and inline sub-schemas
	Properties, PropertiesDescribed int
	Components, ComponentsExampled  int // component schemas with an example
	Examples, ExamplesValid         int // schema, media-type, parameter and header examples
	Problems                        []string
}

func (s Score) String() string {
	return fmt.Sprintf("operations described %d/%d, parameters described %d/%d, schemas described %d/%d, "+
		"properties described %d/%d, component schemas with an example %d/%d, examples valid %d/%d",
		s.OperationsDescribed, s.Operations, s.ParametersDescribed, s.Parameters,
		s.SchemasDescribed, s.Schemas, s.PropertiesDescribed, s.Properties,
		s.ComponentsExampled, s.Components, s.ExamplesValid, s.Examples)
}

type checker struct {
	Score
	seen map[*openapi3.Schema]bool
}

func (c *checker) problem(pointer, format string, args ...any) {
	c.Problems = append(c.Problems, pointer+": "+fmt.Sprintf(format, args...))
}

// Check scores doc. It does not validate the document itself (kin-openapi's Validate does).
func Check(doc *openapi3.T) Score {
	c := &checker{seen: map[*openapi3.Schema]bool{}}
	if doc.Components != nil {
		for _, name := range sortedKeys(doc.Components.Schemas) {
			ref := doc.Components.Schemas[name]
			if ref == nil || ref.Value == nil {
				continue
			}
			pointer := "#/components/schemas/" + name
			c.Components++
			if ref.Value.Example != nil {
				c.ComponentsExampled++
			} else {
				c.problem(pointer, "component schema has no example")
			}
			c.schema(pointer, ref.Value)
		}
		for _, name := range sortedKeys(doc.Components.Parameters) {
			if p := doc.Components.Parameters[name]; p != nil && p.Value != nil {
				c.parameter("#/components/parameters/"+name, p.Value)
			}
		}
		for _, name := range sortedKeys(doc.Components.Headers) {
			if h := doc.Components.Headers[name]; h != nil && h.Value != nil {
				c.examples("#/components/headers/"+name, h.Value.Schema, h.Value.Example, h.Value.Examples)
			}
		}
	}
	if doc.Paths != nil {
		for _, path := range doc.Paths.InMatchingOrder() {
			item := doc.Paths.Value(path)
			for _, method := range sortedKeys(item.Operations()) {
				c.operation("#/paths/"+escape(path)+"/"+strings.ToLower(method), item.Operations()[method])
			}
		}
	}
	sort.Strings(c.Problems)
	return c.Score
}

func (c *checker) operation(pointer string, op *openapi3.Operation) {
	c.Operations++
	if strings.TrimSpace(op.Description) != "" {
		c.OperationsDescribed++
	} else {
		c.problem(pointer, "operation %s has no description", op.OperationID)
	}
	for i, p := range op.Parameters {
		// A $ref'd parameter is counted (and described) once, under #/components/parameters.
		if p.Ref == "" && p.Value != nil {
			c.parameter(fmt.Sprintf("%s/parameters/%d", pointer, i), p.Value)
		}
	}
	if op.RequestBody != nil && op.RequestBody.Value != nil {
		c.content(pointer+"/requestBody", op.RequestBody.Value.Content)
	}
	if op.Responses != nil {
		for _, code := range sortedKeys(op.Responses.Map()) {
			resp := op.Responses.Value(code)
			if resp == nil || resp.Value == nil {
				continue
			}
			rp := pointer + "/responses/" + code
			c.content(rp, resp.Value.Content)
			for _, name := range sortedKeys(resp.Value.Headers) {
				if h := resp.Value.Headers[name]; h.Ref == "" && h.Value != nil {
					c.examples(rp+"/headers/"+name, h.Value.Schema, h.Value.Example, h.Value.Examples)
				}
			}
		}
	}
}

func (c *checker) parameter(pointer string, p *openapi3.Parameter) {
	c.Parameters++
	if strings.TrimSpace(p.Description) != "" {
		c.ParametersDescribed++
	} else {
		c.problem(pointer, "parameter %q has no description", p.Name)
	}
	c.examples(pointer, p.Schema, p.Example, p.Examples)
	if p.Schema != nil && p.Schema.Value != nil && p.Schema.Ref == "" {
		c.subSchemas(pointer+"/schema", p.Schema.Value) // the parameter describes the schema itself
	}
}

func (c *checker) content(pointer string, content openapi3.Content) {
	for _, mt := range sortedKeys(content) {
		m := content[mt]
		mp := pointer + "/content/" + escape(mt)
		c.examples(mp, m.Schema, m.Example, m.Examples)
		if m.Schema != nil && m.Schema.Ref == "" && m.Schema.Value != nil {
			c.schema(mp+"/schema", m.Schema.Value)
		}
	}
}

// schema checks an inline or component schema: its description, its properties' descriptions,
// its example, and then its sub-schemas.
func (c *checker) schema(pointer string, s *openapi3.Schema) {
	if c.seen[s] {
		return
	}
	c.seen[s] = true
	c.Schemas++
	if strings.TrimSpace(s.Description) != "" {
		c.SchemasDescribed++
	} else {
		c.problem(pointer, "schema has no description")
	}
	c.subSchemas(pointer, s)
}

func (c *checker) subSchemas(pointer string, s *openapi3.Schema) {
	if s.Example != nil {
		c.example(pointer+"/example", s, s.Example)
	}
	for _, name := range sortedKeys(s.Properties) {
		prop := s.Properties[name]
		if prop == nil || prop.Value == nil {
			continue
		}
		pp := pointer + "/properties/" + escape(name)
		c.Properties++
		// A bare $ref property takes its description from the target (OpenAPI 3.0 ignores
		// siblings of $ref), so the resolved value is what a reader sees.
		if strings.TrimSpace(prop.Value.Description) != "" {
			c.PropertiesDescribed++
		} else {
			c.problem(pp, "property %q has no description", name)
		}
		if prop.Ref == "" {
			c.seen[prop.Value] = true // counted as a property, not again as a schema
			c.subSchemas(pp, prop.Value)
		}
	}
	inline := func(p string, refs ...*openapi3.SchemaRef) {
		for i, r := range refs {
			if r != nil && r.Ref == "" && r.Value != nil {
				c.schema(fmt.Sprintf("%s/%d", p, i), r.Value)
			}
		}
	}
	inline(pointer+"/allOf", s.AllOf...)
	inline(pointer+"/oneOf", s.OneOf...)
	inline(pointer+"/anyOf", s.AnyOf...)
	if s.Items != nil && s.Items.Ref == "" && s.Items.Value != nil {
		c.schema(pointer+"/items", s.Items.Value)
	}
	if ap := s.AdditionalProperties.Schema; ap != nil && ap.Ref == "" && ap.Value != nil {
		c.schema(pointer+"/additionalProperties", ap.Value)
	}
}

func (c *checker) examples(pointer string, schema *openapi3.SchemaRef, example any, examples openapi3.Examples) {
	if schema == nil || schema.Value == nil {
		return
	}
	if example != nil {
		c.example(pointer+"/example", schema.Value, example)
	}
	for _, name := range sortedKeys(examples) {
		if ex := examples[name]; ex != nil && ex.Value != nil && ex.Value.Value != nil {
			c.example(pointer+"/examples/"+escape(name), schema.Value, ex.Value.Value)
		}
	}
}

func (c *checker) example(pointer string, s *openapi3.Schema, value any) {
	c.Examples++
	if err := s.VisitJSON(value, openapi3.MultiErrors()); err != nil {
		c.problem(pointer, "example does not validate: %v", oneLine(err))
		return
	}
	c.ExamplesValid++
}

func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}

// escape encodes a JSON pointer token (RFC 6901).
func escape(s string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

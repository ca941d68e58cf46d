package customfields

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"

	"go.yaml.in/yaml/v3"

	"github.com/cerb-openapi/cerb-openapi/contract"
)

// The schemas of openapi.yaml the overlay changes. Its actions fail to apply (no node
// matches) against a document without them.
const (
	composeForm = "ComposeTicketForm"
	replyForm   = "ReplyToTicketForm"
	ticket      = "Ticket"
)

// SchemaName is the components/schemas name of the request schema of custom field id.
func SchemaName(id int64) string { return fmt.Sprintf("CustomField%d", id) }

// ReplySchemaName is the schema of one reply value of a multi-value field, which may be
// "-value" as well.
func ReplySchemaName(id int64) string { return fmt.Sprintf("CustomField%dReply", id) }

// Overlay writes the OpenAPI Overlay 1.0 document for inst: for compose and reply, each
// typed custom field as a declared form field (custom_<id>, or custom_<id>[] for
// multiple checkboxes) with the schema of what its type stores, x-cerb-server-accepts
// saying what Cerb does with anything else; and on the ticket, custom_<id> as an expanded
// ticket returns it. Fields of other types are declared with their name only. The same
// installation gives the same bytes.
func Overlay(inst *Installation) ([]byte, error) {
	if err := validate(inst.Fields); err != nil {
		return nil, err
	}
	fields := sorted(inst.Fields)

	components := newMap()
	compose, reply, tick := newMap(), newMap(), newMap()
	for _, f := range fields {
		if !f.Typed() {
			untyped := newMap().set("title", f.Name).
				set("description", fmt.Sprintf("%s: custom field %d (%s), not typed by this overlay: text, or a list for a multi-value type.", f.Name, f.ID, f.TypeName())).
				set("anyOf", []*node{newMap().set("type", "string"), newMap().set("type", "array").set("items", newMap().set("type", "string"))}).
				set(ExtField, fieldExt(f))
			compose.set(f.Key(), untyped)
			reply.set(f.Key(), untyped)
			tick.set(fmt.Sprintf("custom_%d", f.ID), responseSchema(f))
			continue
		}
		ref := "#/components/schemas/" + SchemaName(f.ID)
		components.set(SchemaName(f.ID), withDoc(requestSchema(f, inst.Workers, false), f, inst.Workers))
		replyRef := ref
		if f.Multi() {
			replyRef = "#/components/schemas/" + ReplySchemaName(f.ID)
			components.set(ReplySchemaName(f.ID), withDoc(requestSchema(f, inst.Workers, true), f, inst.Workers))
		}
		compose.set(f.Key(), formSchema(f, ref, false))
		reply.set(f.Key(), formSchema(f, replyRef, true))
		tick.set(fmt.Sprintf("custom_%d", f.ID), responseSchema(f))
		if f.Type == Decimal {
			tick.set(fmt.Sprintf("custom_%d_decimal_at", f.ID), newMap().set("type", "integer").
				set("description", fmt.Sprintf("The places of %s.", f.Name)))
		}
	}

	closed := fmt.Sprintf("custom_<id> for the %d ticket custom fields of this installation; another id is not a field here (Cerb ignores it)", len(fields))
	var actions []*node
	if len(components.n.Content) > 0 {
		actions = append(actions, action("$.components.schemas",
			"The value schemas of the typed custom fields, shared by compose and reply.", components))
	}
	for _, form := range []struct {
		name string
		m    *node
	}{{composeForm, compose}, {replyForm, reply}} {
		if len(form.m.n.Content) > 0 {
			actions = append(actions, action(fmt.Sprintf("$.components.schemas.%s.properties", form.name),
				"The installation's custom fields as declared form fields.", form.m))
		}
		actions = append(actions, action(fmt.Sprintf("$.components.schemas.%s", form.name),
			"Every custom field of the installation is declared.", newMap().set(contract.ExtCustomFieldsClosed, closed)))
	}
	if len(tick.n.Content) > 0 {
		actions = append(actions, action(fmt.Sprintf("$.components.schemas.%s.properties", ticket),
			"custom_<id> as a ticket read with expand=custom_ holds it.", tick))
	}

	sum, err := fingerprint(inst)
	if err != nil {
		return nil, err
	}
	info := newMap().
		set("title", "Ticket custom fields of a Cerb installation").
		set("version", sum).
		set("description", fmt.Sprintf("Written by `cerbcontract fields` from %s (Cerb %s): %d ticket custom fields, %s. Apply it to openapi.yaml (`--overlay`); write it again when a field, an option or a worker changes.",
			orUnknown(inst.Server), orUnknown(inst.Version), len(fields), workersNote(inst.Workers)))
	doc := newMap().set("overlay", "1.0.0").set("info", info).set(ExtInstallation, installationExt(inst)).set("actions", actions)

	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc.n); err != nil {
		return nil, fmt.Errorf("overlay: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("overlay: %w", err)
	}
	return buf.Bytes(), nil
}

// ExtInstallation, at the top of an overlay, keeps what the actions do not say in a form
// a program reads back (FromOverlay): where the fields were read, Cerb's version and the
// workers with their names, so that an overlay written again from it is the same bytes.
const ExtInstallation = "x-cerb-installation"

func installationExt(inst *Installation) *node {
	e := newMap().set("server", inst.Server).set("version", inst.Version)
	if inst.Workers == nil {
		return e.set("workers", &node{&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}})
	}
	var ws []*node
	for _, w := range inst.Workers {
		m := newMap().set("id", w.ID).set("name", w.Name)
		if w.Disabled {
			m.set("disabled", true)
		}
		ws = append(ws, m)
	}
	if ws == nil {
		return e.set("workers", &node{&yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}})
	}
	return e.set("workers", ws)
}

// withDoc adds the title, description and x-cerb-custom-field of a value schema.
func withDoc(s *node, f Field, workers []Worker) *node {
	d := newMap().set("title", f.Name).set("description", describe(f, workers))
	d.n.Content = append(d.n.Content, s.n.Content...)
	return d.set(ExtField, fieldExt(f))
}

func action(target, description string, update *node) *node {
	return newMap().set("target", target).set("description", description).set("update", update)
}

// fingerprint is the overlay's version: it changes when a field, an option or the set of
// worker ids does (what the schemas check), and reads the same from an overlay again.
func fingerprint(inst *Installation) (string, error) {
	fields := sorted(inst.Fields)
	for i := range fields {
		fields[i].Pos = 0 // the order in Cerb's UI: not described
	}
	var ids []int64
	if inst.Workers != nil {
		ids = []int64{}
	}
	for _, w := range inst.Workers {
		ids = append(ids, w.ID)
	}
	b, err := json.Marshal(struct {
		Fields  []Field
		Workers []int64
	}{fields, ids})
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("fields-%x", sha256.Sum256(b))[:19], nil
}

func workersNote(ws []Worker) string {
	if ws == nil {
		return "workers not listed (worker fields take any id)"
	}
	return fmt.Sprintf("%d workers", len(ws))
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

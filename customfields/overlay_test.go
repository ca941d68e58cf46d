package customfields_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	cerbopenapi "github.com/cerb-openapi/cerb-openapi"
	"github.com/cerb-openapi/cerb-openapi/customfields"
	"github.com/cerb-openapi/cerb-openapi/overlay"
)

var update = flag.Bool("update", false, "rewrite testdata/kit.overlay.yaml and internal/kitfields from the recorded kit answers")

// golden compares got with the file, or writes it with -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./customfields -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is stale: run go test ./customfields -update and review the diff", path)
	}
}

const kitOverlay = "testdata/kit.overlay.yaml"

func TestOverlayGolden(t *testing.T) {
	b, err := customfields.Overlay(fetchKit(t))
	if err != nil {
		t.Fatal(err)
	}
	golden(t, kitOverlay, b)
	again, _ := customfields.Overlay(fetchKit(t))
	if !bytes.Equal(b, again) {
		t.Error("two runs on the same installation wrote different bytes")
	}
}

func TestGoHelpersGolden(t *testing.T) {
	data, err := os.ReadFile(kitOverlay)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := customfields.FromOverlay(kitOverlay, data)
	if err != nil {
		t.Fatal(err)
	}
	src, err := customfields.GoHelpers(inst, "kitfields")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "../internal/kitfields/kitfields.go", src)
	// From the server or from the overlay it wrote: the same package.
	direct, err := customfields.GoHelpers(fetchKit(t), "kitfields")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(src, direct) {
		t.Error("helpers from the overlay differ from helpers from the server")
	}
}

// TestOverlayApplies: the kit's overlay is a valid Overlay, applies to openapi.yaml with
// every action matching, and the result is a valid OpenAPI document declaring the fields.
func TestOverlayApplies(t *testing.T) {
	data, err := os.ReadFile(kitOverlay)
	if err != nil {
		t.Fatal(err)
	}
	ov, err := overlay.Parse(kitOverlay, data)
	if err != nil {
		t.Fatal(err)
	}
	merged, warnings, err := ov.Apply("openapi.yaml", cerbopenapi.Spec)
	if err != nil || len(warnings) > 0 {
		t.Fatalf("apply: %v %v", err, warnings)
	}
	doc, err := cerbopenapi.LoadBytes(context.Background(), "merged", merged)
	if err != nil {
		t.Fatal(err)
	}
	compose := doc.Components.Schemas["ComposeTicketForm"].Value
	reply := doc.Components.Schemas["ReplyToTicketForm"].Value
	for _, key := range []string{"custom_1", "custom_4", "custom_7[]", "custom_10"} {
		if compose.Properties[key] == nil || reply.Properties[key] == nil {
			t.Errorf("%s not declared on compose and reply", key)
		}
	}
	if compose.Properties["custom_7"] != nil {
		t.Error("custom_7 declared: a multi-value field is sent as custom_7[] only")
	}
	if got := reply.Properties["custom_7[]"].Value.Items.Value.Enum; len(got) != 6 {
		t.Errorf("reply custom_7[] items enum = %v, want the options and their -option forms", got)
	}
	if doc.Components.Schemas["Ticket"].Value.Properties["custom_10_decimal_at"] == nil {
		t.Error("the ticket's custom_10_decimal_at is not declared")
	}
	fields, err := customfields.FromDocument(doc)
	if err != nil || len(fields) != 10 {
		t.Fatalf("FromDocument: %d fields, %v", len(fields), err)
	}
	inst, err := customfields.FromOverlay(kitOverlay, data)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fields, inst.Fields) {
		t.Errorf("FromDocument = %+v\nFromOverlay = %+v", fields, inst.Fields)
	}
}

// TestOverlayAgainstOtherSpec: an overlay for a spec without the forms fails to apply
// and names the target, rather than changing nothing.
func TestOverlayAgainstOtherSpec(t *testing.T) {
	data, _ := os.ReadFile(kitOverlay)
	ov, err := overlay.Parse(kitOverlay, data)
	if err != nil {
		t.Fatal(err)
	}
	other := []byte("openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths: {}\ncomponents: {schemas: {}}\n")
	_, _, err = ov.Apply("other.yaml", other)
	if err == nil || !strings.Contains(err.Error(), "ComposeTicketForm") || !strings.Contains(err.Error(), "other.yaml") {
		t.Fatalf("err = %v", err)
	}
}

func TestFromOverlayRefuses(t *testing.T) {
	for name, data := range map[string]string{
		"openapi document": "openapi: 3.0.3\n",
		"foreign overlay":  "overlay: 1.0.0\ninfo: {title: t, version: v}\nactions: [{target: $.info, update: {title: x}}]\n",
		"not yaml":         "overlay: [\n",
	} {
		if _, err := customfields.FromOverlay(name, []byte(data)); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: err = %v, want an error naming it", name, err)
		}
	}
}

// TestOverlayRoundTrip: an overlay read back and written again is the same bytes, so
// `fields --from` applies and generates from exactly what was written.
func TestOverlayRoundTrip(t *testing.T) {
	for _, inst := range []*customfields.Installation{fetchKit(t), tricky} {
		b, err := customfields.Overlay(inst)
		if err != nil {
			t.Fatal(err)
		}
		back, err := customfields.FromOverlay("o", b)
		if err != nil {
			t.Fatal(err)
		}
		again, err := customfields.Overlay(back)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b, again) {
			t.Errorf("written again from itself, the overlay differs:\n%s\n---\n%s", b, again)
		}
	}
}

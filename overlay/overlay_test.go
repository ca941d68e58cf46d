package overlay_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	cerbopenapi "github.com/cerb-openapi/cerb-openapi"
	"github.com/cerb-openapi/cerb-openapi/customfields"
	"github.com/cerb-openapi/cerb-openapi/overlay"
)

func TestParseRefuses(t *testing.T) {
	for _, tc := range []struct{ name, data, want string }{
		{"empty", "", "not a YAML or JSON mapping"},
		{"list", "- a\n", "not a YAML or JSON mapping"},
		{"not yaml", "overlay: [\n", "invalid overlay: yaml"},
		{"an OpenAPI document", "openapi: 3.0.3\ninfo: {}\n", `no "overlay" version key (this is an OpenAPI document: pass it as --spec)`},
		{"version", "overlay: 2.0.0\ninfo: {title: t, version: v}\nactions: [{target: $.info, update: {}}]\n", "overlay version must be one of"},
		{"no info", "overlay: 1.0.0\nactions: [{target: $.info, update: {}}]\n", "info version must be defined; overlay info title must be defined"},
		{"no actions", "overlay: 1.0.0\ninfo: {title: t, version: v}\nactions: []\n", "at least one action"},
		{"remove and update", "overlay: 1.0.0\ninfo: {title: t, version: v}\nactions: [{target: $.info, remove: true, update: {x: 1}}]\n", "index 0 should not both set remove and define update"},
		{"no target", "overlay: 1.0.0\ninfo: {title: t, version: v}\nactions: [{update: {x: 1}}]\n", "index 0 target must be defined"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := overlay.Parse("x.overlay.yaml", []byte(tc.data))
			if err == nil || !errors.Is(err, overlay.ErrInvalid) || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "x.overlay.yaml: ") {
				t.Errorf("err = %v, want ErrInvalid naming the file and %q", err, tc.want)
			}
		})
	}
}

func TestApplyStrict(t *testing.T) {
	ov, err := overlay.Parse("o.yaml", []byte(`overlay: 1.0.0
info: {title: t, version: v}
actions:
  - target: $.info
    update: {title: Changed}
  - target: $.components.schemas.NoSuchSchema
    update: {description: x}
`))
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = ov.Apply("openapi.yaml", cerbopenapi.Spec)
	if err == nil || !strings.Contains(err.Error(), `selector "$.components.schemas.NoSuchSchema" did not match any targets`) || !strings.Contains(err.Error(), "o.yaml on openapi.yaml") {
		t.Fatalf("err = %v", err)
	}
}

func TestApplyAllInOrder(t *testing.T) {
	mk := func(title string) *overlay.Overlay {
		ov, err := overlay.Parse(title, []byte("overlay: 1.0.0\ninfo: {title: t, version: v}\nactions: [{target: $.info, update: {title: "+title+"}}]\n"))
		if err != nil {
			t.Fatal(err)
		}
		return ov
	}
	out, _, err := overlay.ApplyAll("openapi.yaml", cerbopenapi.Spec, mk("First"), mk("Second"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "title: Second") || strings.Contains(string(out), "title: First") {
		t.Errorf("the later overlay does not win:\n%.300s", out)
	}
}

// FuzzParseApply: no overlay, however broken, panics the parser, the applier or
// customfields' reader.
func FuzzParseApply(f *testing.F) {
	kit, err := os.ReadFile("../customfields/testdata/kit.overlay.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(kit)
	f.Add([]byte("overlay: 1.0.0\ninfo: {title: t, version: v}\nactions: [{target: '$..description', remove: true}]\n"))
	f.Add([]byte("overlay: 1.1.0\ninfo: {title: t, version: v}\nactions: [{target: '$.components.schemas.Flag', copy: '$.components.schemas.RecordID'}]\n"))
	f.Add([]byte("overlay: 1.0.0\ninfo: {title: t, version: v}\nactions: [{target: '$.paths[*][?(@.operationId)]', update: {x-a: 1}}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = customfields.FromOverlay("fuzz", data)
		ov, err := overlay.Parse("fuzz", data)
		if err != nil {
			return
		}
		_, _, _ = ov.Apply("openapi.yaml", cerbopenapi.Spec)
	})
}

// BenchmarkLoad: what --overlay adds to loading the spec (the kit's overlay: 6 actions).
func BenchmarkLoad(b *testing.B) {
	ctx := context.Background()
	b.Run("spec", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := cerbopenapi.LoadBytes(ctx, "openapi.yaml", cerbopenapi.Spec); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("spec+kit-overlay", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := overlay.Load(ctx, "openapi.yaml", cerbopenapi.Spec, "../customfields/testdata/kit.overlay.yaml"); err != nil {
				b.Fatal(err)
			}
		}
	})
}

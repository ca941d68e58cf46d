package cerbopenapi_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The template override (api/templates/client.tmpl) must stay upstream's client.tmpl with
// exactly one line changed, the form encoder call, and the generated file must really use
// it.
func TestClientTemplateMatchesUpstream(t *testing.T) {
	// go test downloads only what the packages under test import, not the generator: a
	// fresh module cache lacks it, so fetch it (the version go.mod pins) when it is missing.
	out, err := exec.Command("go", "mod", "download", "-json", "github.com/oapi-codegen/oapi-codegen/v2").Output()
	if err != nil {
		t.Fatalf("go mod download oapi-codegen: %v\n%s", err, out)
	}
	var mod struct{ Dir, Error string }
	if err := json.Unmarshal(out, &mod); err != nil || mod.Dir == "" {
		t.Fatalf("go mod download oapi-codegen: no module folder (%v %s)\n%s", err, mod.Error, out)
	}
	upstream, err := os.ReadFile(filepath.Join(mod.Dir, "pkg", "codegen", "templates", "client.tmpl"))
	if err != nil {
		t.Fatal(err)
	}
	ours, err := os.ReadFile(filepath.Join("api", "templates", "client.tmpl"))
	if err != nil {
		t.Fatal(err)
	}
	up, our := strings.Split(string(upstream), "\n"), strings.Split(string(ours), "\n")
	if len(up) != len(our) {
		t.Fatalf("api/templates/client.tmpl has %d lines, upstream %d: re-copy it and change only the MarshalForm line", len(our), len(up))
	}
	const from, to = "bodyStr, err := runtime.MarshalForm(body, nil)", "bodyStr, err := phpform.Encode(body)"
	changed := 0
	for i := range up {
		if up[i] == our[i] {
			continue
		}
		changed++
		if strings.TrimSpace(up[i]) != from || strings.TrimSpace(our[i]) != to || strings.Replace(up[i], from, to, 1) != our[i] {
			t.Errorf("line %d differs from upstream beyond the phpform.Encode change:\nupstream: %s\nours:     %s", i+1, up[i], our[i])
		}
	}
	if changed != 1 {
		t.Errorf("%d lines differ from upstream, want exactly 1 (the phpform.Encode call)", changed)
	}
	gen, err := os.ReadFile(filepath.Join("api", "cerb.gen.go"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(gen), "phpform.Encode(body)"); n < 2 {
		t.Errorf("api/cerb.gen.go calls phpform.Encode(body) %d times, want one per form operation (2): regenerate with go generate ./", n)
	}
	if !strings.Contains(string(gen), `"github.com/cerb-openapi/cerb-openapi/internal/phpform"`) {
		t.Error("api/cerb.gen.go does not import internal/phpform (additional-imports in api/oapi-codegen.yaml)")
	}
	if strings.Contains(string(gen), "runtime.MarshalForm") {
		t.Error("api/cerb.gen.go still calls runtime.MarshalForm")
	}
}

// api/ holds oapi-codegen's output only (and its config and template): the hand-written
// client is package cerb.
func TestAPIFolderIsGeneratedOnly(t *testing.T) {
	entries, err := os.ReadDir("api")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		switch name := e.Name(); {
		case name == "oapi-codegen.yaml" || name == "templates":
		case strings.HasSuffix(name, ".gen.go"):
		default:
			t.Errorf("api/%s: api/ is generated code only; hand-written code goes in cerb/ or internal/", name)
		}
	}
}

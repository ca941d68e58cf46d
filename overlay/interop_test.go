package overlay_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/cerb-openapi/cerb-openapi/overlay"
)

// interopDir holds overlay pairs that a second implementation, openapi-overlays-js, applies
// too (interop/overlays/check.sh): X.overlay.yaml applied to X.base.yaml must give
// X.expected.json, which check.sh --update writes from the JavaScript result. Both sides
// are held to the same file.
const interopDir = "../interop/overlays/testdata"

// filterWarning is what speakeasy says of every Overlay 1.0.0 document with a filter
// expression that does not opt into its RFC 9535 JSONPath: the legacy one, which the
// documents cerbcontract reads use, is the one tested here.
const filterWarning = "overlay has a filter expression but lacks"

func TestInteropPairs(t *testing.T) {
	overlays, err := filepath.Glob(filepath.Join(interopDir, "*.overlay.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(overlays) == 0 {
		t.Fatalf("no *.overlay.yaml in %s", interopDir)
	}
	for _, ovPath := range overlays {
		name := strings.TrimSuffix(filepath.Base(ovPath), ".overlay.yaml")
		t.Run(name, func(t *testing.T) {
			got := applyFile(t, ovPath, filepath.Join(interopDir, name+".base.yaml"))
			want := readJSON(t, filepath.Join(interopDir, name+".expected.json"))
			if diffs := jsonDiff(want, got); len(diffs) > 0 {
				t.Errorf("%s on %s.base.yaml differs from %s.expected.json (written by openapi-overlays-js) in %d place(s), as JSON pointers (expected vs Go):\n  %s",
					filepath.Base(ovPath), name, name, len(diffs), strings.Join(diffs, "\n  "))
			}
		})
	}
}

// TestInteropKit holds the Go result of the kit's overlay, applied as it is to openapi.yaml,
// to openapi-overlays-js's, which check.sh writes to the file named by
// OVERLAY_INTEROP_KIT_JSON (the kit overlay changes with the generator, so no copy is
// checked in). `cerbcontract fields --from kit.overlay.yaml --apply` is compared by
// check.sh directly; this is the overlay package on the same bytes.
func TestInteropKit(t *testing.T) {
	jsFile := os.Getenv("OVERLAY_INTEROP_KIT_JSON")
	if jsFile == "" {
		t.Skip("OVERLAY_INTEROP_KIT_JSON is set by interop/overlays/check.sh, which writes openapi-overlays-js's result")
	}
	got := applyFile(t, "../customfields/testdata/kit.overlay.yaml", "../openapi.yaml")
	want := readJSON(t, jsFile)
	if diffs := jsonDiff(want, got); len(diffs) > 0 {
		t.Errorf("kit.overlay.yaml on openapi.yaml: package overlay and openapi-overlays-js differ in %d place(s), as JSON pointers (openapi-overlays-js vs Go):\n  %s",
			len(diffs), strings.Join(diffs, "\n  "))
	}
}

// applyFile applies the overlay file to the spec file with package overlay and returns
// the result as a plain JSON value. Warnings fail the test, but for filterWarning.
func applyFile(t *testing.T, ovPath, specPath string) any {
	t.Helper()
	ovData, err := os.ReadFile(ovPath)
	if err != nil {
		t.Fatal(err)
	}
	spec, err := os.ReadFile(specPath)
	if err != nil {
		t.Fatal(err)
	}
	ov, err := overlay.Parse(filepath.Base(ovPath), ovData)
	if err != nil {
		t.Fatal(err)
	}
	out, warnings, err := ov.Apply(filepath.Base(specPath), spec)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range warnings {
		if strings.HasPrefix(w, filterWarning) {
			t.Logf("warning (expected): %s", w)
			continue
		}
		t.Errorf("warning: %s", w)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(out, &doc); err != nil {
		t.Fatalf("the result does not parse: %v", err)
	}
	v, err := jsonValue(&doc)
	if err != nil {
		t.Fatalf("the result as JSON: %v", err)
	}
	return v
}

func readJSON(t *testing.T, path string) any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (interop/overlays/check.sh --update writes it)", err)
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return v
}

// jsonValue is the YAML node as a JSON reader sees it: mapping keys are their text (a
// response code 200 is "200"), numbers float64, through a JSON round trip.
func jsonValue(n *yaml.Node) (any, error) {
	v, err := plain(n)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	err = json.Unmarshal(b, &out)
	return out, err
}

func plain(n *yaml.Node) (any, error) {
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) != 1 {
			return nil, fmt.Errorf("line %d: %d documents", n.Line, len(n.Content))
		}
		return plain(n.Content[0])
	case yaml.AliasNode:
		return plain(n.Alias)
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := plain(c)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.MappingNode:
		out := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode || k.Tag == "!!merge" {
				return nil, fmt.Errorf("line %d: a key that is not plain text", k.Line)
			}
			if _, dup := out[k.Value]; dup {
				return nil, fmt.Errorf("line %d: key %q twice", k.Line, k.Value)
			}
			v, err := plain(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			out[k.Value] = v
		}
		return out, nil
	default:
		var v any
		if err := n.Decode(&v); err != nil {
			return nil, fmt.Errorf("line %d: %w", n.Line, err)
		}
		return v, nil
	}
}

// jsonDiff lists where two JSON values differ, as JSON pointers (RFC 6901); object keys
// compare as a set, arrays by position.
func jsonDiff(want, got any) []string {
	var diffs []string
	var walk func(a, b any, ptr string)
	show := func(v any) string {
		b, _ := json.Marshal(v)
		if s := string(b); len(s) <= 120 {
			return s
		}
		return string(b[:117]) + "..."
	}
	at := func(ptr string) string {
		if ptr == "" {
			return "/"
		}
		return ptr
	}
	walk = func(a, b any, ptr string) {
		switch av := a.(type) {
		case map[string]any:
			bv, ok := b.(map[string]any)
			if !ok {
				diffs = append(diffs, fmt.Sprintf("%s: %s, Go %s", at(ptr), show(a), show(b)))
				return
			}
			keys := make([]string, 0, len(av)+len(bv))
			for k := range av {
				keys = append(keys, k)
			}
			for k := range bv {
				if _, ok := av[k]; !ok {
					keys = append(keys, k)
				}
			}
			sort.Strings(keys)
			for _, k := range keys {
				p := ptr + "/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(k)
				x, inA := av[k]
				y, inB := bv[k]
				switch {
				case !inB:
					diffs = append(diffs, fmt.Sprintf("%s: only expected: %s", p, show(x)))
				case !inA:
					diffs = append(diffs, fmt.Sprintf("%s: only in Go: %s", p, show(y)))
				default:
					walk(x, y, p)
				}
			}
		case []any:
			bv, ok := b.([]any)
			if !ok {
				diffs = append(diffs, fmt.Sprintf("%s: %s, Go %s", at(ptr), show(a), show(b)))
				return
			}
			for i := 0; i < len(av) || i < len(bv); i++ {
				p := fmt.Sprintf("%s/%d", ptr, i)
				switch {
				case i >= len(bv):
					diffs = append(diffs, fmt.Sprintf("%s: only expected: %s", p, show(av[i])))
				case i >= len(av):
					diffs = append(diffs, fmt.Sprintf("%s: only in Go: %s", p, show(bv[i])))
				default:
					walk(av[i], bv[i], p)
				}
			}
		default:
			if a != b {
				diffs = append(diffs, fmt.Sprintf("%s: %s, Go %s", at(ptr), show(a), show(b)))
			}
		}
	}
	walk(want, got, "")
	return diffs
}

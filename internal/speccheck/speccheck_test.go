package speccheck

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	cerbopenapi "github.com/cerb-openapi/cerb-openapi"
	"github.com/getkin/kin-openapi/openapi3"
)

// openapi.yaml must be fully described, every component schema must carry an example, and
// every example must validate. The score is logged (go test -v) as a number to watch.
func TestSpecQuality(t *testing.T) {
	doc, err := cerbopenapi.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	score := Check(doc)
	t.Logf("spec quality: %v", score)
	for _, p := range score.Problems {
		t.Errorf("openapi.yaml %s", p)
	}
	// Guard against a walk that silently stops finding things.
	if score.Operations != 2 || score.Components < 20 || score.Properties < 80 || score.Examples < 30 {
		t.Errorf("the walk looks too short: %v", score)
	}
}

// The checks must catch each kind of flaw: testdata/flawed.yaml has one of each.
func TestCheckFindsFlaws(t *testing.T) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile(filepath.Join("testdata", "flawed.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	score := Check(doc)
	want := []string{
		"#/components/parameters/limit: parameter \"limit\" has no description",
		"#/components/schemas/Form/properties/status/example: example does not validate",
		"#/components/schemas/Form/properties/to: property \"to\" has no description",
		"#/components/schemas/Form: component schema has no example",
		"#/components/schemas/Nameless/oneOf/1: schema has no description",
		"#/components/schemas/Nameless: schema has no description",
		"#/paths/~1things/post/requestBody/content/application~1x-www-form-urlencoded/examples/bad: example does not validate",
		"#/paths/~1things/post: operation makeThing has no description",
	}
	got := score.Problems
	for _, w := range want {
		if !slices.ContainsFunc(got, func(g string) bool { return strings.HasPrefix(g, w) }) {
			t.Errorf("missing problem %q", w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d problems, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	t.Logf("flawed.yaml: %v", score)
}

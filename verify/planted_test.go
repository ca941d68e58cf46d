package verify

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/planted-*.yaml from ../openapi.yaml")

// planted are copies of openapi.yaml with one deliberate error each, which verify must
// find against a server that behaves as Cerb 10.4.10 does.
var planted = map[string]func(t *testing.T, spec string) string{
	// Cerb's reference says to is required; the real server does not need it.
	"planted-to-required.yaml": func(t *testing.T, spec string) string {
		return mustReplace(t, spec, "      required: [group_id, subject, content]\n", "      required: [group_id, subject, content, to]\n")
	},
	// The ticket's subject is a string (or null), not an integer.
	"planted-subject-integer.yaml": func(t *testing.T, spec string) string {
		spec = mustReplace(t, spec,
			"        subject:\n          type: string\n          nullable: true\n          description: The subject; `null` when the server could not store it (invalid UTF-8 input).\n          example: Minimal compose\n",
			"        subject:\n          type: integer\n          nullable: true\n          description: The subject; `null` when the server could not store it (invalid UTF-8 input).\n          example: 42\n")
		// The ticket examples must still validate, or the document does not load.
		var out []string
		component := ""
		head := regexp.MustCompile(`^    ([A-Za-z]+):$`)
		for _, line := range strings.Split(spec, "\n") {
			if m := head.FindStringSubmatch(line); m != nil {
				component = m[1]
			}
			if (component == "Ticket" || component == "TicketComposed" || component == "TicketReplied") && strings.HasPrefix(line, "        subject: ") {
				line = "        subject: 42"
			}
			out = append(out, line)
		}
		return strings.Join(out, "\n")
	},
}

func mustReplace(t *testing.T, s, old, new string) string {
	t.Helper()
	if strings.Count(s, old) != 1 {
		t.Fatalf("openapi.yaml changed: %q is not there exactly once; update the planting", old)
	}
	return strings.Replace(s, old, new, 1)
}

// TestPlantedSpecsFresh keeps the planted specs equal to openapi.yaml plus their one
// error, so they follow the spec (go test ./verify -run Planted -update rewrites them).
func TestPlantedSpecsFresh(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "openapi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for name, plant := range planted {
		want := "# PLANTED for cerbcontract verify's tests: openapi.yaml with one deliberate error (see verify/planted_test.go).\n" + plant(t, string(b))
		path := filepath.Join("testdata", name)
		if *update {
			if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil || string(got) != want {
			t.Errorf("%s is stale (or missing: %v): go test ./verify -run PlantedSpecsFresh -update", path, err)
		}
	}
}

package breaking

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	cerbopenapi "github.com/cerb-openapi/cerb-openapi"
)

// info.version must be a semantic version and equal the newest CHANGELOG.md entry, so that a
// release is never cut without its changelog (and the breaking gate can trust both).
func TestSpecVersionMatchesChangelog(t *testing.T) {
	doc, err := cerbopenapi.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	version := doc.Info.Version
	if _, err := Major(version); err != nil {
		t.Fatalf("openapi.yaml info.version: %v", err)
	}
	data, err := os.ReadFile(filepath.Join("..", "..", "CHANGELOG.md"))
	if err != nil {
		t.Fatal(err)
	}
	entries, err := ParseChangelog(data)
	if err != nil {
		t.Fatalf("CHANGELOG.md: %v", err)
	}
	if entries[0].Version != version {
		t.Errorf("openapi.yaml info.version is %s but the newest CHANGELOG.md entry is %s: add `## [%s] - YYYY-MM-DD` (or fix info.version)",
			version, entries[0].Version, version)
	}
	t.Logf("info.version %s = newest CHANGELOG.md entry (%d entries)", version, len(entries))
}

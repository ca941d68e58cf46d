package cerbopenapi_test

import (
	"context"
	"testing"

	cerbopenapi "github.com/cerb-openapi/cerb-openapi"
)

func TestSpecLoadsAndValidates(t *testing.T) {
	doc, err := cerbopenapi.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := doc.OpenAPI; got != "3.0.3" {
		t.Errorf("openapi = %q, want 3.0.3", got)
	}
	for _, id := range []string{"composeTicket", "replyToTicket"} {
		found := false
		for _, p := range doc.Paths.Map() {
			if p.Post != nil && p.Post.OperationID == id {
				found = true
			}
		}
		if !found {
			t.Errorf("operation %s missing", id)
		}
	}
}

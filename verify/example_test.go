package verify_test

import (
	"context"
	"fmt"
	"os"

	cerbopenapi "github.com/cerb-openapi/cerb-openapi"
	"github.com/cerb-openapi/cerb-openapi/cerb"
	"github.com/cerb-openapi/cerb-openapi/internal/fakecerb"
	"github.com/cerb-openapi/cerb-openapi/verify"
)

// Verify the embedded spec against a server (here a stand-in that answers as Cerb
// 10.4.10 does): no drift, and what the server accepts beyond the spec is known.
func Example() {
	srv := fakecerb.New("example-token", fakecerb.Quirks{})
	defer srv.Close()

	rep, err := verify.Run(context.Background(), verify.Config{
		BaseURL: srv.URL + "/rest",
		Auth:    cerb.Bearer("example-token"),
		Secrets: []string{"example-token"},
		GroupID: 1,
		Seed:    42,
		Count:   5,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	c := rep.Counts
	fmt.Printf("%d positive, %d random, %d negative cases; drift: %d\n", c.Positive, c.Random, c.Negative, len(rep.Drifts))
	for _, k := range rep.Known[:2] {
		fmt.Printf("known: %s %s (%s): %s\n", k.Operation, k.Field, k.Keyword, k.Why)
	}
	// Output:
	// 95 positive, 5 random, 82 negative cases; drift: 0
	// known: composeTicket bcc (pattern): An address without `@` is dropped silently; the request succeeds and nobody is mailed.
	// known: composeTicket bucket_id (type): A non-number is read as 0 (none), without an error.
}

// A spec that wrongly requires to: the server accepts a compose without it, and verify
// names the operation, the field and the case to replay.
func Example_drift() {
	srv := fakecerb.New("example-token", fakecerb.Quirks{})
	defer srv.Close()
	spec, _ := os.ReadFile("testdata/planted-to-required.yaml")
	doc, err := cerbopenapi.LoadBytes(context.Background(), "planted-to-required.yaml", spec)
	if err != nil {
		fmt.Println(err)
		return
	}

	rep, err := verify.Run(context.Background(), verify.Config{
		BaseURL: srv.URL + "/rest", Doc: doc, Auth: cerb.Bearer("example-token"), GroupID: 1, Seed: 42, Count: 5,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, d := range rep.Drifts {
		fmt.Printf("%s %s %s (case %s, seed %d)\n", d.Kind, d.Operation, d.Field, d.Case, d.Seed)
		fmt.Println(d.Request.Header["Authorization"])
	}
	// Output:
	// accepted composeTicket to (case composeTicket/negative/to-missing, seed 42)
	// Bearer REDACTED
}

package coverage_test

import (
	"context"
	"fmt"
	"log"

	"github.com/cerb-openapi/cerb-openapi/contract"
	"github.com/cerb-openapi/cerb-openapi/coverage"
)

// One compose with only its required fields leaves most of the contract unexercised.
func Example() {
	ctx := context.Background()
	checker, err := contract.NewChecker(ctx) // the embedded openapi.yaml
	if err != nil {
		log.Fatal(err)
	}
	cov, err := coverage.New(checker.Document())
	if err != nil {
		log.Fatal(err)
	}
	err = checker.CheckFile(ctx, "testdata/minimal-compose.har", func(r contract.EntryResult) error {
		cov.Add(r)
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	rep := cov.Report()
	fmt.Println("operations never exercised:", rep.Exercised.Never)
	compose := rep.Operations[0]
	fmt.Println(compose.Operation, "fields sent:", compose.Fields.Sent)
	fmt.Println(compose.Operation, "fields never sent:", compose.Fields.Never)
	fmt.Println(compose.Operation, "responses seen:", compose.Responses.Seen, "of", len(compose.Responses.Seen)+len(compose.Responses.Never))
	for _, s := range rep.Check([]coverage.Min{{Metric: "operations", Percent: 100}}) {
		fmt.Println("below:", s.Message)
	}
	// Output:
	// operations never exercised: [replyToTicket]
	// composeTicket fields sent: [content group_id subject]
	// composeTicket fields never sent: [bcc bucket_id cc content_format dont_send expand file_id[] html_template_id org_id owner_id reopen_at send_at show_meta status to]
	// composeTicket responses seen: [200 Ticket] of 15
	// below: operations 50% (1 of 2) is below 100% by 50 points: exercise 1 more (never: replyToTicket)
}

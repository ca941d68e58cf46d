package phpform_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/oapi-codegen/runtime"

	"github.com/cerb-openapi/cerb-openapi/api"
	"github.com/cerb-openapi/cerb-openapi/contract"
	"github.com/cerb-openapi/cerb-openapi/internal/phpform"
)

// The stock runtime.MarshalForm output (file_id[][0]) is what the contract checker exists
// to catch; Encode's output passes.
func TestCheckerCatchesStockEncoding(t *testing.T) {
	ids := api.FileIDs{1, 2}
	form := api.ComposeTicketForm{GroupId: 1, Subject: "s", Content: "c", FileId: &ids}
	stock, err := runtime.MarshalForm(form, nil)
	if err != nil {
		t.Fatal(err)
	}
	ours, err := phpform.Encode(form)
	if err != nil {
		t.Fatal(err)
	}
	checker, err := contract.NewChecker(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	check := func(body string) contract.Result {
		return checker.Check(context.Background(), contract.Request{
			Method: "POST", URL: "https://cerb.example/helpdesk/rest/tickets/compose.json",
			Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Authorization": {"Bearer tok"}},
			Body:   []byte(body),
		}, nil)
	}
	res := check(stock.Encode())
	found := false
	for _, p := range res.Request.Problems {
		if p.Where == "body" && p.Pointer == "/file_id[][0]" {
			found = true
		}
	}
	if res.Request.OK || !found {
		t.Errorf("stock encoding %s: problems %v, want one at body /file_id[][0]", stock.Encode(), res.Request.Problems)
	}
	if res := check(ours.Encode()); !res.Request.OK {
		t.Errorf("Encode %s: %v", ours.Encode(), res.Request.Problems)
	}
}

func ExampleEncode() {
	ids := api.FileIDs{1, 2}
	status := api.TicketStatusCodeOpen
	form := api.ComposeTicketForm{GroupId: 1, Subject: "s", Content: "c", FileId: &ids, Status: &status}
	vals, err := phpform.Encode(form)
	if err != nil {
		panic(err)
	}
	fmt.Println(vals.Encode())
	// Output:
	// content=c&file_id%5B%5D=1&file_id%5B%5D=2&group_id=1&status=0&subject=s
}

package kitfields_test

import (
	"context"
	"fmt"
	"net/http/httptest"

	"github.com/cerb-openapi/cerb-openapi/cerb"
	"github.com/cerb-openapi/cerb-openapi/internal/kitfields"
	"github.com/cerb-openapi/cerb-openapi/internal/standin"
)

// Typed custom fields on compose, then a reply that changes the multiple checkboxes by
// delta; the stand-in has the test kit's fields, which this package was written for.
func Example() {
	srv := httptest.NewServer(standin.New(standin.Default()))
	defer srv.Close()
	c, err := cerb.New(cerb.Config{BaseURL: srv.URL + "/rest", Auth: cerb.Bearer("any-token")})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	res, err := c.Compose(ctx, cerb.ComposeRequest{
		GroupID: 1, Subject: "Refund", Content: "Hello.", DontSend: true,
		CustomFields: kitfields.Fields(
			kitfields.Severity(kitfields.SeverityHigh),
			kitfields.Topics(kitfields.TopicsBilling, kitfields.TopicsBug),
			kitfields.VIP(true),
			kitfields.RefundAmount(1999),
		),
		Expand: []string{"custom_"},
	})
	if err != nil {
		panic(err)
	}
	t := res.Ticket
	for _, id := range []int64{kitfields.SeverityID, kitfields.TopicsID, kitfields.VIPID, kitfields.RefundAmountID} {
		v, _ := t.Custom(id)
		fmt.Println(id, v)
	}
	stored, _ := t.Custom(kitfields.TopicsID)
	t, err = c.Reply(ctx, cerb.ReplyRequest{
		MessageID: t.InitialMessageID, Content: "Done.", DontSend: true,
		CustomFields: kitfields.Fields(
			kitfields.TopicsReplace(stored, kitfields.TopicsFeature),
			kitfields.Clear(kitfields.SeverityID),
		),
		Expand: []string{"custom_"},
	})
	if err != nil {
		panic(err)
	}
	topics, _ := t.Custom(kitfields.TopicsID)
	severity, _ := t.Custom(kitfields.SeverityID)
	fmt.Println(topics, len(severity))
	// Output:
	// 4 [High]
	// 7 [billing bug]
	// 6 [1]
	// 10 [1999]
	// [feature] 0
}

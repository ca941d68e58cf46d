// Package api is a Go client for Cerb's ticket compose and reply operations.
//
// cerb.gen.go is generated from openapi.yaml by oapi-codegen (go generate ./ at the
// module root; never edit it). The rest is a thin hand-written layer:
//
//   - EncodeForm (form.go), the form encoder the generated ...WithFormdataBody methods call
//     through a one-line override of oapi-codegen's client.tmpl: PHP arrays as
//     file_id[]=1&file_id[]=2, custom fields as top-level custom_<id> / custom_<id>[],
//     pointers to 0 kept, and an error instead of any silently dropped value.
//   - Client (client.go), a facade with typed requests (ComposeRequest, ReplyRequest,
//     Opt, When, CustomFields), typed results (TicketRecord, DraftRecord) and typed errors
//     (*APIError for "__status":"error" with HTTP 200 or 401, *UnexpectedResponseError for
//     anything that is not a Cerb JSON envelope, *FieldError for input refused before
//     sending).
//   - Auth (auth.go): Bearer, BearerTokenSource and the legacy signed Legacy (Cerb-Auth).
//
// The client never retries: compose and reply are not idempotent, and a retried compose
// creates a second ticket and mails the customer twice.
//
// Usage:
//
//	c, err := api.New(api.Config{BaseURL: "https://cerb.example/rest", Auth: api.Bearer(token)})
//	if err != nil { ... }
//	res, err := c.Compose(ctx, api.ComposeRequest{
//		GroupID: 1, To: "customer@example.com", Subject: "Hello", Content: "Hi there.",
//		CustomFields: api.CustomFields{5: api.Single("High"), 7: api.Multi("billing", "bug")},
//	})
//	var apiErr *api.APIError
//	if errors.As(err, &apiErr) {
//		// Cerb refused: apiErr.Code, apiErr.Message (HTTP 200 or 401)
//	}
//	t, err := c.Reply(ctx, api.ReplyRequest{
//		MessageID: res.Ticket.InitialMessageID, Content: "On it.",
//		Status: api.Status(api.StatusWaiting), // unset would reopen the ticket
//	})
package api

// Package cerb is a Go client for the Cerb helpdesk's ticket API: compose a new ticket
// (POST /rest/tickets/compose.json) and reply to one (POST /rest/tickets/reply.json).
//
//	c, err := cerb.New(cerb.Config{
//		BaseURL: "https://cerb.example/rest",
//		Auth:    cerb.Bearer(token), // or cerb.BearerTokenSource, cerb.Legacy
//	})
//	res, err := c.Compose(ctx, cerb.ComposeRequest{
//		GroupID: 1, To: "customer@example.com", Subject: "Your order", Content: "Hello.",
//		CustomFields: cerb.CustomFields{4: cerb.Single("High"), 7: cerb.Multi("billing", "bug")},
//	})
//	var apiErr *cerb.APIError
//	if errors.As(err, &apiErr) {
//		// Cerb refused: apiErr.Code, apiErr.Message (HTTP 200 or 401)
//	}
//	ticket, err := c.Reply(ctx, cerb.ReplyRequest{
//		MessageID: res.Ticket.InitialMessageID,
//		Content:   "We are on it.",
//		Status:    cerb.StatusWaiting, // unset REOPENS the ticket
//	})
//
// What Cerb does silently, and what the client makes of it:
//
//   - Errors come back with HTTP 200 and "__status":"error". Compose and Reply return them
//     as *APIError (401 too); an answer that is not a Cerb JSON envelope (an HTML page from
//     a proxy, a redirect) as *UnexpectedResponseError.
//   - Input Cerb would accept and mishandle (a bare Unix timestamp in SendAt, invalid UTF-8,
//     an address without @, ...) is refused before anything is sent, with a *FieldError
//     that names the form field; errors.Is(err, ErrInvalidRequest) matches them all.
//   - A reply without Status reopens the ticket.
//   - On a multi-value custom field, a reply adds the values sent to the stored ones: say
//     Add, Remove or Replace (see CustomValue).
//   - Compose with a future SendAt queues the mail: the result is a Draft, not a Ticket.
//   - Compose and reply are not idempotent, so the client never retries: a compose whose
//     answer was lost may have created the ticket and mailed the customer.
//
// The client is built on package api, the code oapi-codegen generates from the same
// OpenAPI document (openapi.yaml at the module root); Client.Generated returns that
// low-level client.
package cerb

package contract_test

import (
	"context"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	cerbopenapi "github.com/cerb-openapi/cerb-openapi"
	"github.com/cerb-openapi/cerb-openapi/contract"
)

// A spec given with --spec may have no servers, or a server URL without a path. Routing then
// starts at the root: the whole path is the operation's path (an empty base used to keep only
// the last path segment, so nothing routed).
func TestRoutingWithoutServerPath(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		servers openapi3.Servers
		url     string
		op      string // "" when no operation must match
	}{
		{"no servers", nil, "https://cerb.example/tickets/compose.json", "composeTicket"},
		{"no servers, reply", nil, "http://127.0.0.1:8080/tickets/reply.json", "replyToTicket"},
		{"server without a path", openapi3.Servers{{URL: "https://cerb.example"}}, "https://cerb.example/tickets/compose.json", "composeTicket"},
		{"server with a bare slash", openapi3.Servers{{URL: "https://cerb.example/"}}, "https://other.example/tickets/reply.json", "replyToTicket"},
		{"relative root server", openapi3.Servers{{URL: "/"}}, "https://cerb.example/tickets/compose.json", "composeTicket"},
		{"no servers, prefix is not ignored", nil, "https://cerb.example/rest/tickets/compose.json", ""},
		{"no servers, other path", nil, "https://cerb.example/tickets/other.json", ""},
		{"root and /rest: /rest wins", openapi3.Servers{{URL: "/"}, {URL: "https://h/rest"}}, "https://cerb.example/helpdesk/rest/tickets/compose.json", "composeTicket"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := cerbopenapi.Load(ctx)
			if err != nil {
				t.Fatal(err)
			}
			doc.Servers = tt.servers
			c, err := contract.NewChecker(ctx, contract.WithDocument(doc))
			if err != nil {
				t.Fatal(err)
			}
			req := form(minimal)
			req.URL = tt.url
			if strings.Contains(tt.url, "reply") {
				req.Body = []byte("message_id=1&content=Hello")
			}
			res := c.Check(ctx, req, nil)
			if res.Operation != tt.op {
				t.Fatalf("operation %q, want %q; problems %+v", res.Operation, tt.op, res.Request.Problems)
			}
			if tt.op != "" && !res.Request.OK {
				t.Errorf("request flagged: %+v", res.Request.Problems)
			}
			if tt.op == "" && (len(res.Request.Problems) == 0 || res.Request.Problems[0].Where != "route") {
				t.Errorf("want a route problem, got %+v", res.Request.Problems)
			}
		})
	}
}

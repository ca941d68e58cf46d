package verify

import (
	"context"
	"slices"
	"testing"

	"github.com/cerb-openapi/cerb-openapi/contract"
)

func testOps(t *testing.T) map[string]*operation {
	t.Helper()
	chk, err := contract.NewChecker(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ops, err := operations(chk.Document())
	if err != nil {
		t.Fatal(err)
	}
	return ops
}

func TestClassify(t *testing.T) {
	ops := testOps(t)
	body := func(ptr, msg string) []contract.Problem {
		return []contract.Problem{{Where: "body", Pointer: ptr, Message: msg}}
	}
	accepted := outcome{accepted: true}
	refused := func(msg string) outcome { return outcome{message: msg} }
	for _, tc := range []struct {
		name      string
		op        string
		c         Case
		req, resp []contract.Problem
		out       outcome
		verdict   string
		kind      string // of the first drift
		field     string // of the first drift, or of the first known exception
	}{
		{name: "allowed and accepted", op: opCompose, c: Case{Kind: Positive}, out: accepted, verdict: VerdictOK},
		{name: "refused and refused", op: opCompose, c: Case{Field: "subject", Violates: "required"},
			req: body("/subject", "required field is missing"), out: refused("The 'subject' parameter is required"), verdict: VerdictOK},
		{name: "response breaks the spec", op: opCompose, c: Case{Kind: Positive}, out: accepted,
			resp: body("/subject", "value must be an integer"), verdict: VerdictDrift, kind: DriftResponse, field: "subject"},
		{name: "a response breaking the spec counts on a refused request too", op: opReply, c: Case{Field: "content", Violates: "required"},
			req: body("/content", "required field is missing"), resp: body("/__build", "value must be an integer"),
			out: refused("The 'content' parameter is required"), verdict: VerdictDrift, kind: DriftResponse, field: "__build"},
		{name: "allowed, refused: the field the message names", op: opCompose, c: Case{Kind: Negative, Field: "to", Violates: "required"},
			out: refused("The 'to' parameter is required"), verdict: VerdictDrift, kind: DriftRefused, field: "to"},
		{name: "allowed, refused without a named field: the case's field", op: opCompose, c: Case{Kind: Positive, Field: "status"},
			out: refused("Something broke."), verdict: VerdictDrift, kind: DriftRefused, field: "status"},
		{name: "refused, accepted, unmarked: drift naming the field", op: opCompose, c: Case{Field: "to", Violates: "required"},
			req: body("/to", "required field is missing"), out: accepted, verdict: VerdictDrift, kind: DriftAccepted, field: "to"},
		{name: "refused, accepted, marked on the shared schema (TicketStatusCode enum)", op: opCompose, c: Case{Field: "status", Violates: "enum"},
			req: body("/status", "value is not one of the allowed values [0,1,2]"), out: accepted, verdict: VerdictKnown, field: "status"},
		{name: "marked for one keyword only: another is drift", op: opCompose, c: Case{Field: "send_at", Violates: "type"},
			req: body("/send_at", "whatever"), out: accepted, verdict: VerdictDrift, kind: DriftAccepted, field: "send_at"},
		{name: "a mark on the address list does not cover its absence", op: opCompose, c: Case{Field: "to", Violates: "required"},
			req: body("/to", "required field is missing"), out: accepted, verdict: VerdictDrift, kind: DriftAccepted, field: "to"},
		{name: "a mark on one property does not cover another sharing its component", op: opCompose, c: Case{Field: "group_id", Violates: "minimum"},
			req: body("/group_id", "number must be at least 1"), out: accepted, verdict: VerdictDrift, kind: DriftAccepted, field: "group_id"},
		{name: "the same keyword on html_template_id is marked", op: opCompose, c: Case{Field: "html_template_id", Violates: "minimum"},
			req: body("/html_template_id", "number must be at least 1"), out: accepted, verdict: VerdictKnown, field: "html_template_id"},
		{name: "array items: file_id[]/0", op: opReply, c: Case{Field: "file_id[]", Violates: "minimum"},
			req: body("/file_id[]/0", "number must be at least 1"), out: accepted, verdict: VerdictKnown, field: "file_id[]"},
		{name: "undeclared field: marked on the body schema", op: opReply, c: Case{Field: "x", Violates: "additionalProperties"},
			req: body("/x", `undeclared form field "x" (neither a property of the body nor custom_<id>)`), out: accepted, verdict: VerdictKnown, field: "x"},
		{name: "query parameter: the Flag component's mark", op: opReply, c: Case{Field: "show_meta", Violates: "enum"},
			req: []contract.Problem{{Where: "query", Pointer: "/show_meta", Message: "value is not one of the allowed values [0,1]"}}, out: accepted, verdict: VerdictKnown, field: "show_meta"},
		{name: "a problem the case did not set out to make is not excused", op: opCompose, c: Case{Field: "status", Violates: "enum"},
			req: append(body("/status", "not allowed"), body("/bucket_id", "something")...), out: accepted, verdict: VerdictDrift, kind: DriftAccepted, field: "bucket_id"},
		{name: "unknown-id probe refused as documented", op: opReply, c: Case{Field: "message_id", Violates: violUnknownID, UnknownID: "message_id"},
			out: refused("The given 'message_id' is invalid"), verdict: VerdictOK},
		{name: "unknown-id probe refused with an undocumented message", op: opReply, c: Case{Field: "message_id", Violates: violUnknownID, UnknownID: "message_id"},
			out: refused("No such message"), verdict: VerdictDrift, kind: DriftRefused, field: "message_id"},
		{name: "an assumed id the server lacks: unverified", op: opCompose, c: Case{Kind: Positive, Field: "html_template_id", UnknownID: "html_template_id"},
			out: refused("The given 'html_template_id' parameter is invalid"), verdict: VerdictUnverified},
		{name: "an assumed id, refused naming another field: drift", op: opCompose, c: Case{Kind: Positive, UnknownID: "html_template_id"},
			out: refused("The given 'bucket_id' parameter is invalid"), verdict: VerdictDrift, kind: DriftRefused, field: "bucket_id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			verdict, drifts, known := classify(ops[tc.op], tc.c, tc.req, tc.resp, tc.out)
			if verdict != tc.verdict {
				t.Fatalf("verdict %s, want %s (drifts %+v, known %+v)", verdict, tc.verdict, drifts, known)
			}
			switch verdict {
			case VerdictDrift:
				i := slices.IndexFunc(drifts, func(d Drift) bool { return d.Kind == tc.kind && d.Field == tc.field })
				if i < 0 {
					t.Errorf("drifts %+v: want %s %s", drifts, tc.kind, tc.field)
				}
				for _, d := range drifts {
					if d.Operation != tc.op || d.Message == "" {
						t.Errorf("drift %+v: want operation %s and a message", d, tc.op)
					}
				}
			case VerdictKnown:
				if len(known) == 0 || known[0].Field != tc.field || known[0].Why == "" {
					t.Errorf("known %+v: want %s with a reason", known, tc.field)
				}
			}
		})
	}
}

func TestDocumentedMessages(t *testing.T) {
	ops := testOps(t)
	for _, tc := range []struct {
		op, msg string
		want    bool
	}{
		{opCompose, "The 'subject' parameter is required", true},
		{opCompose, "Invalid ticket id '58'", true}, // <id> stands for any text
		{opCompose, "The given 'message_id' is invalid", false},
		{opReply, "The given 'message_id' is invalid", true},
		{opReply, "The given 'message_id' is invalid!", false},
	} {
		if got := ops[tc.op].documented(tc.msg); got != tc.want {
			t.Errorf("%s documented(%q) = %v, want %v", tc.op, tc.msg, got, tc.want)
		}
	}
}

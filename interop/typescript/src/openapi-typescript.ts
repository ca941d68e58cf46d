// Type-checks only: uses the types that openapi-typescript generates from ../../openapi.yaml.
// The @ts-expect-error lines are part of the check: if the spec stopped requiring a field or
// stopped constraining an enum, the error would vanish and tsc would fail on the unused
// directive.
import type { components, operations, paths } from "../generated/openapi-typescript/schema";

type Schemas = components["schemas"];

// Custom fields are not declared in openapi.yaml (each installation has its own; the spec
// `cerbcontract fields --apply` writes types them): spread in, under the keys PHP reads, a
// multi-value field as custom_<id>[] (custom_7 without [] would keep only the last value).
const composeCustomFields = { custom_4: "High", "custom_7[]": ["billing", "bug"] };
const replyCustomFields = { custom_4: "Low" };

export const compose: Schemas["ComposeTicketForm"] = {
  group_id: 1,
  subject: "Printer on fire",
  content: "Hello, this is a minimal compose.",
  to: "customer@example.com",
  "file_id[]": [1, 2],
  status: 1,
  reopen_at: "+2 hours",
  content_format: "markdown",
  dont_send: 0,
  ...composeCustomFields,
};

export const reply: Schemas["ReplyToTicketForm"] = {
  message_id: 56,
  content: "A minimal reply.",
  status: 1,
  owner_id: 0,
  is_forward: 1,
  ...replyCustomFields,
};

// @ts-expect-error compose requires subject.
export const composeWithoutSubject: Schemas["ComposeTicketForm"] = { group_id: 1, content: "x" };

// @ts-expect-error reply requires message_id.
export const replyWithoutMessage: Schemas["ReplyToTicketForm"] = { content: "x" };

// @ts-expect-error a misspelled field is not a field of the form.
export const misspelled: Schemas["ComposeTicketForm"] = { group_id: 1, subject: "x", content: "y", subjet: "z" };

// @ts-expect-error status is 0..2.
export const badStatus: Schemas["ReplyToTicketForm"] = { message_id: 1, content: "x", status: 7 };

// @ts-expect-error status 3 (deleted) is not a request value since 2.0.0: Cerb ignores it.
export const deletedStatus: Schemas["ReplyToTicketForm"] = { message_id: 1, content: "x", status: 3 };

// The request body and query of both operations, as paths and operations expose them.
type ComposeBody = NonNullable<paths["/tickets/compose.json"]["post"]["requestBody"]>["content"]["application/x-www-form-urlencoded"];
type ReplyBody = operations["replyToTicket"]["requestBody"]["content"]["application/x-www-form-urlencoded"];
type ReplyQuery = NonNullable<operations["replyToTicket"]["parameters"]["query"]>;
export const composeBody: ComposeBody = compose;
export const replyBody: ReplyBody = reply;
export const replyQuery: ReplyQuery = { expand: "custom_,group_", show_meta: 1 };

type ComposeResult = operations["composeTicket"]["responses"][200]["content"]["application/json"];
type ReplyResult = operations["replyToTicket"]["responses"][200]["content"]["application/json"];

// Narrows the HTTP 200 body the way a client must: __status first, then _context.
export function describeCompose(r: ComposeResult): string {
  if (r.__status === "error") return `error: ${r.message}`;
  if (r._context === "cerberusweb.contexts.mail.draft") return `draft ${r.id} (${r.type})`;
  return `ticket ${r.mask} #${r.id.toFixed(0)}, ${r.status}, elapsed ${r.elapsed_response_first}`;
}

export function describeReply(r: ReplyResult): string {
  if (r.__status === "error") return `error: ${r.message}`;
  const subject: string | null = r.subject;
  return `ticket #${r.id} latest message ${r.latest_message_id}: ${subject ?? "(no subject)"}`;
}

export function describeUnauthorized(
  r: operations["composeTicket"]["responses"][401]["content"]["application/json"],
): string {
  return `${r.__status}: ${r.message}`;
}

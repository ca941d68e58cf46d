// Type-checks only: uses the fetch client that @hey-api/openapi-ts generates from
// ../../openapi.yaml. Nothing is sent (no server): the calls sit in functions never run.
// The expect-error directives fail the check if the spec loses a required field or an enum.
import {
  composeTicket,
  replyToTicket,
  type ComposeTicketForm,
  type ComposeTicketResult,
  type ReplyToTicketForm,
  type ReplyToTicketResult,
} from "../generated/hey-api";
import { createClient } from "../generated/hey-api/client";
import { bearerOnly, heyApiRequest } from "../cerb-form/cerbForm";

// The SDK calls auth once per security scheme: `auth: () => "token"` would also send the
// token as Cerb-Auth and Cerb5-Auth headers. bearerOnly answers the bearer scheme only.
export const client = createClient({ baseUrl: "https://cerb.example/rest", auth: bearerOnly("token") });

// Custom fields are not declared in openapi.yaml (each installation has its own; the spec
// `cerbcontract fields --apply` writes types them): spread in, under the keys PHP reads, a
// multi-value field as custom_<id>[] (`custom_7: [...]` would send custom_7=a&custom_7=b, and
// PHP keeps only the last).
const customFields = { custom_4: "High", "custom_7[]": ["billing", "bug"] };

export const compose: ComposeTicketForm = {
  group_id: 1,
  subject: "Printer on fire",
  content: "Hello, this is a minimal compose.",
  "file_id[]": [1, 2],
  status: 2,
  send_at: "@1795783602",
  ...customFields,
};

export const reply: ReplyToTicketForm = { message_id: 56, content: "A minimal reply.", status: 1 };

// @ts-expect-error compose requires content.
export const composeWithoutContent: ComposeTicketForm = { group_id: 1, subject: "x" };

// @ts-expect-error reply requires content.
export const replyWithoutContent: ReplyToTicketForm = { message_id: 1 };

// @ts-expect-error content_format is an enum.
export const badFormat: ReplyToTicketForm = { message_id: 1, content: "x", content_format: "rtf" };

export function describeCompose(r: ComposeTicketResult): string {
  if (r.__status === "error") return `error: ${r.message}`;
  if (r._context === "cerberusweb.contexts.mail.draft") return `draft ${r.id} (${r.type})`;
  return `ticket ${r.mask} #${r.id.toFixed(0)}`;
}

export function describeReply(r: ReplyToTicketResult): string {
  return r.__status === "error" ? `error: ${r.message}` : `ticket #${r.id}, ${r.status}`;
}

export async function composeAndReply(): Promise<string> {
  // heyApiRequest: cerbForm as the body serializer (the SDK's own is right for the keys above,
  // but sends true as "true" and an array under a plain key as repeated plain keys).
  const composed = await composeTicket({ client, body: compose, query: { expand: "custom_" }, ...heyApiRequest });
  if (composed.data === undefined) return `HTTP error: ${JSON.stringify(composed.error)}`;
  const first = describeCompose(composed.data);
  const replied = await replyToTicket({ client, body: reply, query: { show_meta: 0 }, ...heyApiRequest });
  return replied.data === undefined ? first : `${first}; ${describeReply(replied.data)}`;
}

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

export const client = createClient({ baseUrl: "https://cerb.example/rest", auth: () => "token" });

export const compose: ComposeTicketForm = {
  group_id: 1,
  subject: "Printer on fire",
  content: "Hello, this is a minimal compose.",
  "file_id[]": [1, 2],
  status: 2,
  send_at: "@1795783602",
  custom_4: "High",
  custom_7: ["a", "b"],
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
  const composed = await composeTicket({ client, body: compose, query: { expand: "custom_" } });
  if (composed.data === undefined) return `HTTP error: ${JSON.stringify(composed.error)}`;
  const first = describeCompose(composed.data);
  const replied = await replyToTicket({ client, body: reply, query: { show_meta: 0 } });
  return replied.data === undefined ? first : `${first}; ${describeReply(replied.data)}`;
}

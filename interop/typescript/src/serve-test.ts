// Runs against `cerbcontract serve` (serve.sh starts it and sets CERB_SERVE_URL): the
// client @hey-api/openapi-ts generates from ../../openapi.yaml composes a ticket, replies
// to it, and the answers must be what Cerb 10.4.10 gives. Type-checked with the rest of
// src/ by check.sh; compiled to CommonJS and run by serve.sh.
import { composeTicket, replyToTicket } from "../generated/hey-api";
import { createClient } from "../generated/hey-api/client";
import { bearerOnly } from "../cerb-form/cerbForm";

// Node's globals without @types/node (the pinned tools do not include it).
declare const process: { env: Record<string, string | undefined>; exitCode?: number };

function check(what: string, got: unknown, want: unknown): void {
  if (got !== want) throw new Error(`${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  console.log(`ok   ${what} = ${JSON.stringify(got)}`);
}

export async function main(baseUrl: string): Promise<void> {
  const client = createClient({ baseUrl, auth: bearerOnly("any-token-will-do") });
  const customFields = { custom_4: "High" }; // not declared in openapi.yaml: spread in

  const composed = await composeTicket({
    client,
    body: { group_id: 1, bucket_id: 7, subject: "Printer on fire", content: "Hello from TypeScript.", dont_send: 1, status: 2, ...customFields },
    query: { expand: "custom_" },
  });
  const t = composed.data;
  if (t === undefined || t.__status !== "success" || t._context !== "cerberusweb.contexts.ticket") {
    throw new Error(`compose: want a ticket, got ${JSON.stringify(composed.data ?? composed.error)}`);
  }
  check("compose: group follows bucket 7", t.group_id, 5);
  check("compose: bucket", t.bucket_id, 7);
  check("compose: status", t.status, "closed");
  check("compose: custom_4 (expand=custom_)", t["custom_4"], "High");
  check("compose: elapsed_response_first is a string of digits", typeof t.elapsed_response_first, "string");

  const replied = await replyToTicket({
    client,
    body: { message_id: t.initial_message_id, content: "A reply without status reopens.", dont_send: 1, owner_id: 2 },
  });
  const r = replied.data;
  if (r === undefined || r.__status !== "success") {
    throw new Error(`reply: want the ticket, got ${JSON.stringify(replied.data ?? replied.error)}`);
  }
  check("reply: same ticket", r.id, t.id);
  check("reply: reopened (no status sent)", r.status, "open");
  check("reply: owner", r.owner_id, 2);
  check("reply: messages", r.num_messages, 2);

  const refused = await replyToTicket({ client, body: { message_id: 999999, content: "x" } });
  const e = refused.data;
  if (e === undefined || e.__status !== "error") throw new Error(`reply to 999999: want an error, got ${JSON.stringify(e)}`);
  check("reply to an unknown message: HTTP 200 error", e.message, "The given 'message_id' is invalid");
}

const url = process.env["CERB_SERVE_URL"];
if (url !== undefined) {
  main(url).catch((err: unknown) => {
    console.error(`FAIL ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  });
}

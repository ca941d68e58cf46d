// Type-checks only: the client setups that cerb-form/README.md and the README's "Using the
// spec from TypeScript" show, written out as there, so that check.sh compiles them under
// --strict against both generators' output. live-test.ts runs the same setups.
import createFetchClient from "openapi-fetch";
import type { paths } from "../generated/openapi-typescript/schema";
import { composeTicket, type ComposeTicketForm } from "../generated/hey-api";
import { createClient } from "../generated/hey-api/client";
import { bearerOnly, cerbForm, heyApiClientOptions, heyApiRequest, openapiFetchOptions, openapiFetchRequest } from "../cerb-form/cerbForm";

declare const token: string;

// openapi-fetch: the form Content-Type and cerbForm, per client.
export const cerb = createFetchClient<paths>({
  baseUrl: "https://cerb.example/rest",
  headers: { "Content-Type": "application/x-www-form-urlencoded", Authorization: `Bearer ${token}` },
  bodySerializer: cerbForm,
});
export const cerbToo = createFetchClient<paths>(openapiFetchOptions("https://cerb.example/rest", token));

export async function composeWithOpenapiFetch(): Promise<unknown> {
  const { data } = await cerb.POST("/tickets/compose.json", {
    body: { group_id: 1, subject: "Printer on fire", content: "…", "file_id[]": [1, 2], status: 0, dont_send: 1 },
  });
  // per request, on a client made without them:
  const plain = createFetchClient<paths>({ baseUrl: "https://cerb.example/rest", headers: { Authorization: `Bearer ${token}` } });
  await plain.POST("/tickets/reply.json", { body: { message_id: 1, content: "…", subject: undefined }, ...openapiFetchRequest });
  return data;
}

// @hey-api: auth answers the bearer scheme only; cerbForm on each SDK call.
export const client = createClient({
  baseUrl: "https://cerb.example/rest",
  auth: (auth) => (auth.scheme === "bearer" ? token : undefined),
});
export const clientToo = createClient({ baseUrl: "https://cerb.example/rest", auth: bearerOnly(token) });
export const clientThree = createClient(heyApiClientOptions("https://cerb.example/rest", async () => token));

export async function composeWithHeyApi(body: ComposeTicketForm): Promise<unknown> {
  await composeTicket({ client, body, bodySerializer: cerbForm });
  return (await composeTicket({ client: clientToo, body, ...heyApiRequest })).data;
}

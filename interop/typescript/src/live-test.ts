// Runtime interop: the TypeScript clients generated from ../../openapi.yaml compose a ticket
// and reply to it through `cerbcontract record`, against a real Cerb or `cerbcontract serve`,
// and the effects are read back from the server. live.sh builds and starts everything,
// compiles this file to CommonJS (tsconfig.live.json) and runs it twice:
//
//   CERB_TS_PHASE=run     the four cases below, through the recorder (CERB_TS_PROXY); read
//                         back from the server itself (CERB_TS_UPSTREAM); facts to CERB_TS_RESULTS
//   CERB_TS_PHASE=report  after the recorder has stopped: the recorded bytes (CERB_TS_HAR) and
//                         the checker's verdicts (CERB_TS_CHECK, check --format json) held to
//                         what each case must give; the HAR split into the cases that must
//                         pass strictly (CERB_TS_GOOD_HAR) and openapi-fetch's defaults
//                         (CERB_TS_NAIVE_HAR); the markdown table on stdout and in CERB_TS_TABLE
//
// The cases, with the same compose (two attachments, custom_7[] with two values, custom_4,
// status 0, owner_id 0, dont_send 1) and reply (subject left undefined, status 0, owner_id 0):
//   1. openapi-fetch as a naive user writes it: the form Content-Type, its default serializer
//   2. openapi-fetch with cerbForm (../cerb-form/cerbForm.ts)
//   3. the @hey-api SDK as generated (its own URLSearchParams serializer), keys written with []
//   4. the @hey-api SDK with cerbForm
// 2-4 must be right on the wire, applied by the server and pass the checker strictly; 1 must
// show openapi-fetch's known defaults (comma-joined lists, "undefined" as text) and the
// checker's warnings on them. Any other outcome fails.
import createFetchClient from "openapi-fetch";
import type { components, paths } from "../generated/openapi-typescript/schema";
import { composeTicket, replyToTicket } from "../generated/hey-api";
import { createClient as createHeyApiClient } from "../generated/hey-api/client";
import { cerbForm, cerbFormHeaders, heyApiClientOptions, heyApiRequest, openapiFetchOptions } from "../cerb-form/cerbForm";

// Node's globals without @types/node (the pinned tools do not include it).
declare const process: { env: Record<string, string | undefined>; exitCode?: number };
declare const require: (id: string) => unknown;
const fs = require("node:fs") as {
  readFileSync(path: string, encoding: "utf8"): string;
  writeFileSync(path: string, data: string): void;
};

type ComposeForm = components["schemas"]["ComposeTicketForm"];
type ReplyForm = components["schemas"]["ReplyToTicketForm"];

function env(name: string): string {
  const v = process.env[name];
  if (v === undefined || v === "") throw new Error(`${name} is not set`);
  return v;
}

// --- run --------------------------------------------------------------------------------

interface Case {
  n: number;
  client: string;
  setup: string;
  naive: boolean; // openapi-fetch's defaults: documents what goes wrong
  send: (compose: ComposeForm, reply: (messageId: number) => ReplyForm) => Promise<{ ticket: number; message: number }>;
}

interface ReadBack {
  subject: string;
  status: string;
  owner_id: number;
  num_messages: number;
  custom_4: string;
  custom_7: string;
  attachments: number[];
}

interface CaseResult {
  n: number;
  client: string;
  setup: string;
  naive: boolean;
  subject: string;
  composeMarker: string;
  replyMarker: string;
  ticket: number;
  message: number;
  readBack: ReadBack;
  failures: string[];
}

interface Results {
  target: string;
  run: string;
  fileIds: number[];
  cases: CaseResult[];
}

// A compose or reply answer must be the ticket record.
function ticketOf(what: string, data: unknown): { id: number; initial_message_id: number } {
  const t = data as { __status?: string; _context?: string; id?: number; initial_message_id?: number; message?: string } | undefined;
  if (t?.__status !== "success" || t._context !== "cerberusweb.contexts.ticket" || typeof t.id !== "number") {
    throw new Error(`${what}: want the ticket record, got ${JSON.stringify(data)}`);
  }
  return { id: t.id, initial_message_id: t.initial_message_id ?? 0 };
}

async function getJSON(url: string, token: string): Promise<Record<string, unknown>> {
  const res = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
  const body = (await res.json()) as Record<string, unknown>;
  if (res.status !== 200 || body["__status"] !== "success") throw new Error(`GET ${url}: HTTP ${res.status} ${JSON.stringify(body)}`);
  return body;
}

async function readBack(upstream: string, token: string, ticket: number, message: number): Promise<ReadBack> {
  const t = await getJSON(`${upstream}/tickets/${ticket}.json?expand=custom_`, token);
  const m = await getJSON(`${upstream}/messages/${message}.json?expand=attachments`, token);
  const files = m["attachments"];
  const list = Array.isArray(files) ? files : files && typeof files === "object" ? Object.values(files) : [];
  return {
    subject: String(t["subject"]),
    status: String(t["status"]),
    owner_id: Number(t["owner_id"]),
    num_messages: Number(t["num_messages"]),
    custom_4: String(t["custom_4"]),
    custom_7: String(t["custom_7"]),
    attachments: list.map((a) => Number((a as { id?: unknown }).id)).sort((a, b) => a - b),
  };
}

// Two text attachments to send as file_id[] (POST /rest/attachments/upload.json, outside the
// spec: sent to the server itself, not through the recorder). serve has no upload and
// starts with attachments 1 and 2: CERB_TS_FILE_IDS=1,2.
async function attachments(upstream: string, token: string, run: string): Promise<number[]> {
  const given = process.env["CERB_TS_FILE_IDS"];
  if (given) return given.split(",").map(Number);
  const ids: number[] = [];
  for (const name of ["a", "b"]) {
    const res = await fetch(`${upstream}/attachments/upload.json`, {
      method: "POST",
      headers: { ...cerbFormHeaders, Authorization: `Bearer ${token}` },
      body: cerbForm({ file_name: `tslive-${run}-${name}.txt`, mime_type: "text/plain", content: `attachment ${name} of ${run}`, encoding: "text" }),
    });
    const body = (await res.json()) as { __status?: string; id?: number };
    if (body.__status !== "success" || typeof body.id !== "number") throw new Error(`upload: ${JSON.stringify(body)}`);
    ids.push(body.id);
  }
  return ids;
}

async function run(): Promise<void> {
  const proxy = env("CERB_TS_PROXY");
  const upstream = env("CERB_TS_UPSTREAM").replace(/\/+$/, "");
  const token = env("CERB_TOKEN");
  const runId = Math.random().toString(36).slice(2, 8);
  const fileIds = await attachments(upstream, token, runId);
  const bearer = { Authorization: `Bearer ${token}` };

  const naiveFetch = createFetchClient<paths>({ baseUrl: proxy, headers: { "Content-Type": "application/x-www-form-urlencoded", ...bearer } });
  const fetchClient = createFetchClient<paths>(openapiFetchOptions(proxy, token));
  const heyClient = createHeyApiClient(heyApiClientOptions(proxy, token));

  const viaFetch = (client: typeof fetchClient): Case["send"] => async (compose, reply) => {
    const c = await client.POST("/tickets/compose.json", { body: compose });
    const t = ticketOf("compose", c.data ?? c.error);
    const r = await client.POST("/tickets/reply.json", { body: reply(t.initial_message_id) });
    ticketOf("reply", r.data ?? r.error);
    return { ticket: t.id, message: t.initial_message_id };
  };
  const viaHeyApi = (withCerbForm: boolean): Case["send"] => async (compose, reply) => {
    const extra = withCerbForm ? heyApiRequest : {};
    const c = await composeTicket({ client: heyClient, body: compose, ...extra });
    const t = ticketOf("compose", c.data ?? c.error);
    const r = await replyToTicket({ client: heyClient, body: reply(t.initial_message_id), ...extra });
    ticketOf("reply", r.data ?? r.error);
    return { ticket: t.id, message: t.initial_message_id };
  };

  const cases: Case[] = [
    { n: 1, client: "openapi-fetch 0.17.0", setup: "`headers: {\"Content-Type\": \"application/x-www-form-urlencoded\"}`, default bodySerializer", naive: true, send: viaFetch(naiveFetch) },
    { n: 2, client: "openapi-fetch 0.17.0", setup: "`openapiFetchOptions(baseUrl, token)`: the form header + `bodySerializer: cerbForm`", naive: false, send: viaFetch(fetchClient) },
    { n: 3, client: "@hey-api/openapi-ts 0.95.0 SDK", setup: "as generated (its URLSearchParams serializer), `auth: bearerOnly(token)`", naive: false, send: viaHeyApi(false) },
    { n: 4, client: "@hey-api/openapi-ts 0.95.0 SDK", setup: "`...heyApiRequest` on each call: `bodySerializer: cerbForm`", naive: false, send: viaHeyApi(true) },
  ];

  const out: Results = { target: process.env["CERB_TS_TARGET"] ?? upstream, run: runId, fileIds, cases: [] };
  for (const c of cases) {
    const subject = `ts-live ${runId} case ${c.n}`;
    const composeMarker = `tslive-${runId}-c${c.n}-compose`;
    const replyMarker = `tslive-${runId}-c${c.n}-reply`;
    // Custom fields are not declared in the generic spec (each installation has its own; typed
    // per installation by `cerbcontract fields --apply`): they join the typed fields by spread.
    const custom = { "custom_7[]": ["billing", "bug"], custom_4: "High" };
    const compose: ComposeForm = { group_id: 1, subject, content: composeMarker, "file_id[]": fileIds, ...custom, status: 0, owner_id: 0, dont_send: 1 };
    const reply = (message_id: number): ReplyForm => ({ message_id, content: replyMarker, subject: undefined, status: 0, owner_id: 0, dont_send: 1 });
    const sent = await c.send(compose, reply);
    const rb = await readBack(upstream, token, sent.ticket, sent.message);
    const failures: string[] = [];
    const want = (what: string, got: unknown, exp: unknown): void => {
      const ok = JSON.stringify(got) === JSON.stringify(exp);
      console.log(`${ok ? "ok  " : "FAIL"} case ${c.n} read back: ${what} = ${JSON.stringify(got)}${ok ? "" : `, want ${JSON.stringify(exp)}`}`);
      if (!ok) failures.push(`${what} = ${JSON.stringify(got)}, want ${JSON.stringify(exp)}`);
    };
    if (c.naive) {
      // openapi-fetch's default: file_id[]=A,B (Cerb reads the first id), custom_7[]=billing,bug
      // (no such option: nothing stored), subject=undefined (the ticket renamed).
      want("attachments on the message", rb.attachments, [fileIds[0]]);
      want("custom_7", rb.custom_7, "");
      want("subject after the reply", rb.subject, "undefined");
    } else {
      want("attachments on the message", rb.attachments, [...fileIds].sort((a, b) => a - b));
      want("custom_7", rb.custom_7, "billing, bug");
      want("subject after the reply", rb.subject, subject);
    }
    want("custom_4", rb.custom_4, "High");
    want("status", rb.status, "open");
    want("owner_id", rb.owner_id, 0);
    want("messages", rb.num_messages, 2);
    out.cases.push({ n: c.n, client: c.client, setup: c.setup, naive: c.naive, subject, composeMarker, replyMarker, ticket: sent.ticket, message: sent.message, readBack: rb, failures });
  }
  fs.writeFileSync(env("CERB_TS_RESULTS"), JSON.stringify(out, null, 2));
  const failed = out.cases.reduce((n, c) => n + c.failures.length, 0);
  if (failed > 0) throw new Error(`${failed} read-back(s) not as expected`);
}

// --- report -----------------------------------------------------------------------------

interface HarEntry {
  request: { method: string; url: string; postData?: { mimeType?: string; text?: string }; headers: { name: string; value: string }[] };
}
interface Har {
  log: { entries: HarEntry[] } & Record<string, unknown>;
}
interface CheckLine {
  entry: number;
  outcome: string;
  operation: string;
  request: { ok: boolean; problems: { where: string; pointer: string; message: string; severity?: string }[] };
  response: { ok: boolean; problems: { where: string; pointer: string; message: string }[] } | null;
}

function report(): void {
  const results = JSON.parse(fs.readFileSync(env("CERB_TS_RESULTS"), "utf8")) as Results;
  const har = JSON.parse(fs.readFileSync(env("CERB_TS_HAR"), "utf8")) as Har;
  const checks = fs
    .readFileSync(env("CERB_TS_CHECK"), "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as CheckLine);
  const failures: string[] = [];
  const fail = (msg: string): void => {
    console.log(`FAIL ${msg}`);
    failures.push(msg);
  };
  const entries = har.log.entries;
  const find = (marker: string): number => {
    const at = entries.flatMap((e, i) => ((e.request.postData?.text ?? "").includes(marker) ? [i] : []));
    if (at.length !== 1) throw new Error(`${at.length} recorded requests carry ${marker}, want 1`);
    return at[0]!;
  };
  const verdict = (i: number): CheckLine => {
    const v = checks.find((l) => l.entry === i);
    if (v === undefined) throw new Error(`no checker verdict for entry ${i}`);
    return v;
  };
  const warnings = (v: CheckLine): string[] => v.request.problems.filter((p) => p.severity === "warning").map((p) => p.pointer);
  const problems = (v: CheckLine): string[] => [
    ...v.request.problems.filter((p) => p.severity !== "warning").map((p) => `request ${p.where} ${p.pointer}: ${p.message}`),
    ...(v.response?.problems ?? []).map((p) => `response ${p.where} ${p.pointer}: ${p.message}`),
  ];
  const body = (i: number): string => entries[i]!.request.postData?.text ?? "";
  const enc = (s: string): string => encodeURIComponent(s).replace(/%20/g, "+");

  const rows: string[] = [];
  const good: HarEntry[] = [];
  const naive: HarEntry[] = [];
  const [a, b] = results.fileIds as [number, number];
  for (const c of results.cases) {
    const ci = find(c.composeMarker);
    const ri = find(c.replyMarker);
    const cv = verdict(ci);
    const rv = verdict(ri);
    const cb = body(ci);
    const rb = body(ri);
    const has = (what: string, text: string, part: string): void => {
      if (!text.includes(part)) fail(`case ${c.n} ${what}: ${JSON.stringify(part)} not on the wire: ${text}`);
    };
    const lacks = (what: string, text: string, part: string): void => {
      if (text.includes(part)) fail(`case ${c.n} ${what}: ${JSON.stringify(part)} on the wire: ${text}`);
    };
    for (const [what, text] of [["compose", cb], ["reply", rb]] as const) {
      has(what, text, "status=0");
      has(what, text, "owner_id=0");
      has(what, text, "dont_send=1");
      const ct = entries[what === "compose" ? ci : ri]!.request.headers.find((h) => h.name.toLowerCase() === "content-type")?.value ?? "";
      if (!ct.startsWith("application/x-www-form-urlencoded")) fail(`case ${c.n} ${what}: Content-Type ${JSON.stringify(ct)}`);
    }
    if (c.naive) {
      has("compose", cb, `file_id%5B%5D=${a}%2C${b}`);
      has("compose", cb, "custom_7%5B%5D=billing%2Cbug");
      has("reply", rb, "subject=undefined");
      // The warnings on the three fields; and "1,2" is not an integer, so file_id[] also
      // fails the schema: the compose is flagged, the reply (a valid text) only warned.
      const want = (what: string, v: CheckLine, outcome: string, ptrs: string[], errs: string[]): void => {
        const got = warnings(v).sort();
        const bad = v.request.problems.filter((p) => p.severity !== "warning").map((p) => `${p.where} ${p.pointer}`);
        if (v.outcome !== outcome || JSON.stringify(got) !== JSON.stringify([...ptrs].sort()) || JSON.stringify(bad) !== JSON.stringify(errs) || !v.response?.ok) {
          fail(`case ${c.n} ${what}: checker ${v.outcome}, warnings ${JSON.stringify(got)}, problems ${JSON.stringify(problems(v))}; want ${outcome}, warnings on ${JSON.stringify(ptrs)}, problems on ${JSON.stringify(errs)}`);
        }
      };
      want("compose", cv, "flagged", ["/file_id[]/0", "/custom_7[]/0"], ["body /file_id[]/0"]);
      want("reply", rv, "warned", ["/subject"], []);
      naive.push(entries[ci]!, entries[ri]!);
    } else {
      for (const [what, v] of [["compose", cv], ["reply", rv]] as const) {
        for (const p of problems(v)) fail(`case ${c.n} ${what}: checker: ${p}`);
      }
      has("compose", cb, `file_id%5B%5D=${a}&file_id%5B%5D=${b}`);
      has("compose", cb, "custom_7%5B%5D=billing&custom_7%5B%5D=bug");
      has("compose", cb, `subject=${enc(c.subject)}`);
      lacks("reply", rb, "subject=");
      for (const [what, v] of [["compose", cv], ["reply", rv]] as const) {
        if (v.outcome !== "ok") fail(`case ${c.n} ${what}: checker outcome ${v.outcome} ${JSON.stringify(v.request.problems)}, want ok`);
      }
      good.push(entries[ci]!, entries[ri]!);
    }
    for (const f of c.failures) fail(`case ${c.n} read back: ${f}`);

    const r = c.readBack;
    const verdictText = (v: CheckLine): string => {
      const w = warnings(v);
      const p = problems(v);
      const head = v.outcome === "warned" ? "WARN" : v.outcome === "ok" ? "ok" : "FAIL";
      return [head, ...w.map((x) => `warning \`${x}\``), ...p].join("; ").replace(/^(\w+);/, "$1");
    };
    const composeApplied =
      `ticket ${c.ticket}: attachments ${JSON.stringify(r.attachments)} of ${JSON.stringify(results.fileIds)}; ` +
      `custom_7 ${JSON.stringify(r.custom_7)}; custom_4 ${JSON.stringify(r.custom_4)}; status ${r.status}, owner ${r.owner_id}`;
    const replyApplied = `subject ${JSON.stringify(r.subject)}${r.subject === c.subject ? " (unchanged)" : " (**renamed**)"}; ${r.num_messages} messages; status ${r.status}, owner ${r.owner_id}`;
    const mark = c.failures.length === 0 ? (c.naive ? "✗ " : "✓ ") : "FAIL ";
    rows.push(`| ${c.n} | ${c.client} | ${c.setup} | compose | \`${cb}\` | ${mark}${composeApplied} | ${verdictText(cv)} |`);
    rows.push(`| ${c.n} | ${c.client} | ${c.setup} | reply | \`${rb}\` | ${mark}${replyApplied} | ${verdictText(rv)} |`);
  }

  const subset = (list: HarEntry[]): string => JSON.stringify({ log: { ...har.log, entries: list } }, null, 2);
  fs.writeFileSync(env("CERB_TS_GOOD_HAR"), subset(good));
  fs.writeFileSync(env("CERB_TS_NAIVE_HAR"), subset(naive));

  const table = [
    `TypeScript clients against ${results.target}, through \`cerbcontract record\` (run ${results.run}; attachments ${JSON.stringify(results.fileIds)}):`,
    "",
    "| case | client | setup | request | bytes on the wire (form body as recorded) | applied by the server (read back) | checker |",
    "|---|---|---|---|---|---|---|",
    ...rows,
    "",
  ].join("\n");
  console.log(`\n${table}`);
  const tablePath = process.env["CERB_TS_TABLE"];
  if (tablePath) fs.writeFileSync(tablePath, table);
  if (failures.length > 0) throw new Error(`${failures.length} check(s) failed`);
  console.log(`ok   ${good.length} requests of cases 2-4 right on the wire and ok by the checker; ${naive.length} of case 1 warned (and file_id[] flagged) as expected`);
}

const phase = process.env["CERB_TS_PHASE"];
if (phase === "run" || phase === "report") {
  (phase === "run" ? run() : Promise.resolve().then(report)).catch((err: unknown) => {
    console.error(`FAIL ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  });
}

// Records the session with node-fetch-har (withHar over node-fetch 2, one createHarLog()).
// usage: node nodefetchhar.js OUT.har   (env: CERB_URL, CERB_TOKEN)
// The HAR object is written with JSON.stringify(har, null, 2).
const fs = require("fs");
const nodeFetch = require("node-fetch");
const FormData = require("form-data");
const { withHar, createHarLog } = require("node-fetch-har");

const base = process.env.CERB_URL;
const auth = { Authorization: "Bearer " + process.env.CERB_TOKEN };
const out = process.argv[2];
const label = "node-fetch-har";

(async () => {
  const har = createHarLog();
  const fetch = withHar(nodeFetch, { har });

  // (a) url-encoded compose (URLSearchParams: node-fetch sends
  // Content-Type: application/x-www-form-urlencoded;charset=UTF-8)
  const a = new URLSearchParams();
  a.append("group_id", "1");
  a.append("to", "customer@example.com");
  a.append("subject", label + " compose: Grüße ✓ 日本語");
  a.append("content", "Héllo — ünïcödé content from " + label + " 👋");
  a.append("custom_7[]", "billing");
  a.append("custom_7[]", "bug");
  const ra = await (await fetch(base + "/rest/tickets/compose.json", { method: "POST", headers: auth, body: a })).json();
  console.error("a", ra.__status, "ticket", ra.id, "message", ra.initial_message_id);

  // (b) multipart/form-data compose (form-data package, streamed by node-fetch)
  const b = new FormData();
  b.append("group_id", "1");
  b.append("to", "customer@example.com");
  b.append("subject", label + " multipart compose");
  b.append("content", "Sent as multipart/form-data.");
  b.append("custom_1", "MP-1");
  const rb = await (await fetch(base + "/rest/tickets/compose.json", { method: "POST", headers: auth, body: b })).json();
  console.error("b", rb.__status, "ticket", rb.id);

  // (c) reply status=1
  const c = new URLSearchParams({ message_id: String(ra.initial_message_id), content: "Reply from " + label + ".", status: "1" });
  const rc = await (await fetch(base + "/rest/tickets/reply.json", { method: "POST", headers: auth, body: c })).json();
  console.error("c", rc.__status);

  // (d) compose without subject
  const d = new URLSearchParams({ group_id: "1", to: "customer@example.com", content: "No subject." });
  const rd = await (await fetch(base + "/rest/tickets/compose.json", { method: "POST", headers: auth, body: d })).json();
  console.error("d", rd.__status, rd.message);

  // (e) GET the ticket of (a)
  const re = await (await fetch(base + "/rest/tickets/" + ra.id + ".json", { headers: auth })).json();
  console.error("e", re.__status, re.id);

  fs.writeFileSync(out, JSON.stringify(har, null, 2));
})().catch((e) => { console.error(e); process.exit(1); });

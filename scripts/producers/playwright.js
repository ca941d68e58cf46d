// Records the session with Playwright's recordHar (playwright-core, Debian's chromium).
// usage: node playwright.js OUTDIR   (env: CERB_URL, CERB_TOKEN, CHROMIUM, HARNESS_PROXY)
const fs = require("fs");
const path = require("path");
const { chromium } = require("playwright-core");
const { CHROMIUM_ARGS, proxyArgs, harnessUrl, sessionLog } = require("./common");

const base = process.env.CERB_URL; // http://127.0.0.1:8081
const token = process.env.CERB_TOKEN;
const out = process.argv[2];

async function recordPage(browser, file, content) {
  const recordHar = { path: file };
  if (content) recordHar.content = content;
  const context = await browser.newContext({ recordHar });
  const page = await context.newPage();
  // the harness page comes from harness_proxy.py on the Cerb origin (no page.route: Playwright's
  // request interception would answer the CORS preflight itself)
  await page.goto(harnessUrl(base, "Playwright " + (content || "zip")));
  const logText = await sessionLog(() => page.evaluate(() => document.getElementById("log").textContent));
  process.stderr.write(path.basename(file) + ":\n" + logText);
  await context.close(); // the HAR is written on close
}

async function recordApiRequest(browser, file) {
  // APIRequestContext traffic: context.request and page.request of a context that records a HAR
  const context = await browser.newContext({ recordHar: { path: file, content: "embed" } });
  const page = await context.newPage();
  const headers = { Authorization: "Bearer " + token };
  const r1 = await context.request.post(base + "/rest/tickets/compose.json", {
    headers,
    form: { group_id: "1", to: "customer@example.com", subject: "Playwright APIRequestContext compose: Grüße ✓", content: "Sent with context.request." },
  });
  const j1 = await r1.json();
  const r2 = await page.request.post(base + "/rest/tickets/reply.json", {
    headers,
    form: { message_id: String(j1.initial_message_id), content: "Reply sent with page.request.", status: "1" },
  });
  process.stderr.write(path.basename(file) + ": context.request " + j1.__status + ", page.request " + (await r2.json()).__status + "\n");
  await context.close();
}

(async () => {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args: [...CHROMIUM_ARGS, ...proxyArgs()] });
  fs.mkdirSync(path.join(out, "attach"), { recursive: true });
  fs.mkdirSync(path.join(out, "zip"), { recursive: true });
  await recordPage(browser, path.join(out, "embed.har"), "embed");
  await recordPage(browser, path.join(out, "attach", "attach.har"), "attach");
  await recordPage(browser, path.join(out, "omit.har"), "omit");
  await recordPage(browser, path.join(out, "zip", "session.zip"), undefined);
  await recordApiRequest(browser, path.join(out, "apirequestcontext.har"));
  await browser.close();
})().catch((e) => { console.error(e); process.exit(1); });

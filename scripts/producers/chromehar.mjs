// Records the session with chrome-har over puppeteer-core (Debian's chromium): the DevTools
// protocol's Network.* and Page.* events are collected and turned into a HAR by harFromMessages.
// usage: node chromehar.mjs OUTDIR   (env: CERB_URL, CERB_TOKEN, CHROMIUM, HARNESS_PROXY)
// Writes OUTDIR/with-bodies.har (Network.getResponseBody for every finished response,
// includeTextFromResponseBody: true) and OUTDIR/without-bodies.har (events only, the default).
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import puppeteer from "puppeteer-core";
import { harFromMessages } from "chrome-har";

const require = createRequire(import.meta.url);
const { CHROMIUM_ARGS, proxyArgs, harnessUrl, sessionLog } = require("./common.js");

const base = process.env.CERB_URL;
const out = process.argv[2];

// the events chrome-har reads (its README: Page.* and Network.* messages)
const EVENTS = [
  "Page.loadEventFired", "Page.domContentEventFired", "Page.frameStartedLoading", "Page.frameAttached",
  "Page.frameScheduledNavigation", "Network.requestWillBeSent", "Network.requestServedFromCache",
  "Network.dataReceived", "Network.responseReceived", "Network.resourceChangedPriority",
  "Network.loadingFinished", "Network.loadingFailed", "Network.requestWillBeSentExtraInfo",
  "Network.responseReceivedExtraInfo",
];

async function record(browser, file, withBodies) {
  const page = await browser.newPage();
  const client = await page.createCDPSession();
  await client.send("Page.enable");
  await client.send("Network.enable");
  const messages = [];
  const responses = new Map(); // requestId -> response params (to attach the body to)
  const pending = [];
  for (const method of EVENTS) {
    client.on(method, (params) => {
      messages.push({ method, params });
      if (method === "Network.responseReceived") responses.set(params.requestId, params);
      if (withBodies && method === "Network.loadingFinished") {
        const rr = responses.get(params.requestId);
        if (!rr) return;
        pending.push(client.send("Network.getResponseBody", { requestId: params.requestId })
          .then((b) => { rr.response.body = b.body; if (b.base64Encoded) rr.response.encoding = "base64"; })
          .catch((e) => process.stderr.write("getResponseBody " + params.requestId + ": " + e.message + "\n")));
      }
    });
  }
  // the harness page comes from harness_proxy.py on the Cerb origin (no request interception)
  await page.goto(harnessUrl(base, "chrome-har " + (withBodies ? "with bodies" : "without bodies")));
  const logText = await sessionLog(() => page.evaluate(() => document.getElementById("log").textContent));
  await new Promise((r) => setTimeout(r, 500));
  await Promise.all(pending);
  process.stderr.write(path.basename(file) + ":\n" + logText);
  const har = harFromMessages(messages, { includeTextFromResponseBody: withBodies });
  fs.writeFileSync(file, JSON.stringify(har, null, 2));
  await page.close();
}

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: [...CHROMIUM_ARGS, ...proxyArgs()],
});
try {
  fs.mkdirSync(out, { recursive: true });
  await record(browser, path.join(out, "with-bodies.har"), true);
  await record(browser, path.join(out, "without-bodies.har"), false);
} finally {
  await browser.close();
}

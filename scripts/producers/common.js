// Shared by the Chromium recorders (playwright.js, chromehar.mjs).

// Chromium flags that work in a closed network as root.
const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

// Every request, loopback included, goes through harness_proxy.py (HARNESS_PROXY=host:port),
// which serves /harness.html on the Cerb origin and relays the rest to Cerb byte for byte.
function proxyArgs() {
  const proxy = process.env.HARNESS_PROXY || "127.0.0.1:18085";
  return [`--proxy-server=http://${proxy}`, "--proxy-bypass-list=<-loopback>"];
}

// The harness page for one recording: the session runs when the page loads (auto=1).
function harnessUrl(base, label) {
  return `${base}/harness.html?auto=1&label=${encodeURIComponent(label)}`;
}

// Waits until the harness page has run the session; returns its log.
async function sessionLog(evaluate) {
  for (let i = 0; i < 300; i++) {
    const text = await evaluate();
    if (text.includes("done")) return text;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the harness page did not finish");
}

module.exports = { CHROMIUM_ARGS, proxyArgs, harnessUrl, sessionLog };

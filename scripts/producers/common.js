// Shared by the browser recorders.
const fs = require("fs");
const path = require("path");

// Chromium flags that work in a closed network as root.
const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

function harnessHtml(token, xorigin, label) {
  return fs.readFileSync(path.join(__dirname, "harness.html"), "utf8")
    .replace('"__TOKEN__"', JSON.stringify(token))
    .replace('"__XORIGIN__"', JSON.stringify(xorigin))
    .replace('"__LABEL__"', JSON.stringify(label));
}

// The same server under another origin (localhost instead of 127.0.0.1): cross-origin for the page.
function crossOrigin(base) {
  return base.replace("127.0.0.1", "localhost");
}

module.exports = { CHROMIUM_ARGS, harnessHtml, crossOrigin };

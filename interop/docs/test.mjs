// Opens the reference page (docs/index.html) in the system Chromium, offline, and checks that
// it is a real rendered page: every operation of openapi.yaml (composeTicket and replyToTicket
// at least) shows its summary and path, and every query parameter and request-body property
// renders as a visible field of that operation. Saves docs/screenshot.png. The expected names
// come from the spec, not from the page, so a page built from a stale spec fails.
//
//   node test.mjs [page.html] [openapi.yaml] [screenshot.png]
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import YAML from "yaml";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const pageFile = path.resolve(process.argv[2] ?? path.join(root, "docs/index.html"));
const specFile = path.resolve(process.argv[3] ?? path.join(root, "openapi.yaml"));
const shotFile = path.resolve(process.argv[4] ?? path.join(root, "docs/screenshot.png"));
const chromiumBin = process.env.CHROMIUM ?? "/usr/bin/chromium";
const required = ["composeTicket", "replyToTicket"];

const doc = YAML.parse(fs.readFileSync(specFile, "utf8"));
const deref = (node) => {
  for (let i = 0; node?.$ref; i++) {
    if (i > 20 || !node.$ref.startsWith("#/")) throw new Error(`cannot resolve ${node.$ref}`);
    node = node.$ref.slice(2).split("/")
      .map((t) => decodeURIComponent(t).replaceAll("~1", "/").replaceAll("~0", "~"))
      .reduce((o, k) => o?.[k], doc);
  }
  if (!node) throw new Error("dangling $ref");
  return node;
};
const propertyNames = (schema) => {
  schema = deref(schema);
  return [...Object.keys(schema.properties ?? {}), ...(schema.allOf ?? []).flatMap(propertyNames)];
};

// What must render, per operation. Redoc 3 (Redocly CLI build-docs) gives each operation the
// id "<tag>/<operationid>" and each field "<op id>/t=request&in=query&path=<name>" or
// "<op id>/t=request&ct=<media type>&path=<name>"; it shows the first media type.
const operations = [];
for (const [route, item] of Object.entries(doc.paths ?? {})) {
  for (const [method, op] of Object.entries(item)) {
    if (!op?.operationId) continue;
    const slug = `${(op.tags?.[0] ?? "").toLowerCase()}/${op.operationId.toLowerCase()}`;
    const fields = (op.parameters ?? []).map(deref).map((p) => ({
      name: p.name, id: `${slug}/t=request&in=${p.in}&path=${p.name}`,
    }));
    const content = op.requestBody ? deref(op.requestBody).content ?? {} : {};
    const [mediaType] = Object.keys(content);
    if (mediaType) {
      for (const name of propertyNames(content[mediaType].schema)) {
        fields.push({ name, id: `${slug}/t=request&ct=${mediaType}&path=${name}` });
      }
    }
    operations.push({ id: op.operationId, slug, method: method.toUpperCase(), route, summary: op.summary, fields });
  }
}
const failures = [];
for (const id of required) {
  if (!operations.some((o) => o.id === id)) failures.push(`${specFile}: no operation ${id}`);
}

const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "docs-test-chromium-"));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: chromiumBin,
  headless: true,
  // CI has no network: nothing in the background may try to reach it.
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  viewport: { width: 1400, height: 1100 },
});
try {
  // The page must be self-contained: block and record anything that is not the file itself.
  const offline = [];
  await context.route("**/*", (route) => {
    const req = route.request();
    if (/^(file|data|blob):/.test(req.url())) return route.continue();
    offline.push(`${req.resourceType()} ${req.url()}`);
    return route.abort("internetdisconnected");
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors = [];
  page.on("pageerror", (e) => pageErrors.push(e.message));
  const base = pathToFileURL(pageFile).href;
  console.log(`docs-test: ${path.relative(root, pageFile)} in ${chromiumBin} (${context.browser()?.version() ?? "persistent context"})`);

  for (const op of operations) {
    await page.goto(`${base}#/${op.slug}`);
    const section = page.locator(`[id="${op.slug}"]`);
    try {
      await section.waitFor({ state: "visible", timeout: 20000 });
    } catch {
      failures.push(`${op.id}: no visible section #${op.slug} after 20 s`);
      continue;
    }
    const text = await section.innerText();
    for (const want of [op.summary, op.route].filter(Boolean)) {
      if (!text.includes(want)) failures.push(`${op.id}: section does not show ${JSON.stringify(want)}`);
    }
    let shown = 0;
    for (const f of op.fields) {
      const el = page.locator(`[id="${f.id}"]`);
      if ((await el.count()) === 0) {
        failures.push(`${op.id}: field ${f.name} not rendered (no element #${f.id})`);
        continue;
      }
      await el.first().scrollIntoViewIfNeeded();
      if (!(await el.first().isVisible()) || !(await el.first().innerText()).includes(f.name)) {
        failures.push(`${op.id}: field ${f.name} is not visible with its name`);
        continue;
      }
      shown++;
    }
    console.log(`  ${op.id} (${op.method} ${op.route}): ${shown}/${op.fields.length} parameters and body properties rendered`);
  }

  // The screenshot shows the compose form fields, the part a reader comes for.
  await page.goto(`${base}#/tickets/composeticket`);
  const body = page.locator(`[id="tickets/composeticket/request/body"]`);
  await body.waitFor({ state: "visible", timeout: 20000 }).catch(() => {});
  if (await body.count()) await body.evaluate((e) => e.scrollIntoView({ block: "start" }));
  await page.waitForTimeout(500);
  await page.screenshot({ path: shotFile });
  console.log(`  screenshot: ${path.relative(root, shotFile)}`);

  for (const e of pageErrors) failures.push(`page error: ${e}`);
  // Redoc's "API docs by Redocly" badge is an <img> from Redocly's CDN that hides itself when
  // it cannot load; anything else from the network would mean the page is not self-contained.
  for (const r of offline) {
    if (/^image https:\/\/cdn\.redoc\.ly\/redoc\/logo-mini(-full)?\.svg$/.test(r)) console.log(`  note: blocked ${r} (Redocly badge)`);
    else failures.push(`page requested the network: ${r}`);
  }
} finally {
  await context.close();
  fs.rmSync(userDataDir, { recursive: true, force: true });
}

if (failures.length) {
  console.error(`docs-test FAILED (${failures.length}):\n  ${failures.join("\n  ")}`);
  process.exit(1);
}
console.log(`docs-test: OK, ${operations.length} operations and all their fields render`);

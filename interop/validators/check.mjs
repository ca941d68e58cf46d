// Runs openapi-backend and Prism over the bundled recordings and holds their verdicts to the
// manifest's (our checker's), except the differences listed and explained in
// differences.json. Prints a table per validator; exit 1 on an unexplained difference, on a
// listed difference that no longer happens, or on a broken acceptance rule (below).
//
//   node check.mjs [--spec openapi.yaml] [--manifest manifest.json ...] [--differences differences.json]
//                  [--only openapi-backend|prism] [--verbose] [--print-differences]
//
// --print-differences prints every difference found as differences.json entries (with an
// empty "why"), for review: the file is written by people, never by this script.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadPairs } from './har.mjs';
import { createOpenAPIBackend, settings as backendSettings } from './openapi-backend.mjs';
import { createPrism, settings as prismSettings } from './prism.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const { values: args } = parseArgs({
  options: {
    spec: { type: 'string', default: path.join(root, 'openapi.yaml') },
    // The bundled recordings, and testdata/: real Cerb5-Auth pairs recorded for this check.
    manifest: {
      type: 'string',
      multiple: true,
      default: [path.join(root, 'contract_test/testdata/manifest.json'), path.join(here, 'testdata/manifest.json')],
    },
    differences: { type: 'string', default: path.join(here, 'differences.json') },
    only: { type: 'string' },
    verbose: { type: 'boolean', default: false },
    'print-differences': { type: 'boolean', default: false },
  },
});

const started = Date.now();
const pairs = args.manifest.flatMap(loadPairs);
const ids = new Set(pairs.map((p) => p.id));
if (ids.size !== pairs.length) throw new Error('two manifests list a HAR file of the same name');
const allowed = JSON.parse(readFileSync(args.differences, 'utf8')).differences;
const validators = [
  { name: 'openapi-backend', create: () => createOpenAPIBackend(args.spec), settings: backendSettings },
  { name: 'prism', create: () => createPrism(args.spec, pairs), settings: prismSettings },
].filter((v) => !args.only || v.name === args.only);

const rows = [];
const failures = [];
const found = [];
for (const v of validators) {
  const t0 = Date.now();
  const validator = await v.create();
  const row = { validator: `${v.name} ${validator.version}`, pairs: 0, agree: 0, explained: 0, unexplained: 0, stale: 0 };
  const used = new Set();
  try {
    for (const pair of pairs) {
      const got = await validator.check(pair);
      const diffs = compare(pair, got).map((d) => ({ validator: v.name, ...d }));
      row.pairs++;
      if (args.verbose) console.log(`${v.name} ${pair.id} ${pair.case}: ${JSON.stringify({ request: got.request, response: got.response })}\n    ${got.detail.join('\n    ')}`);
      if (diffs.length === 0) {
        row.agree++;
        continue;
      }
      let explained = true;
      for (const d of diffs) {
        found.push(d);
        const i = allowed.findIndex((a) => sameDifference(a, d));
        if (i >= 0) used.add(i);
        else {
          explained = false;
          failures.push(`${v.name}: ${pair.id} (${pair.case}) ${d.side}: manifest ${fmt(d.expected)}, ${v.name} ${fmt(d.got)} — not in ${path.basename(args.differences)}\n      ${got.detail.join('\n      ')}`);
        }
      }
      explained ? row.explained++ : row.unexplained++;
      failures.push(...acceptance(v.name, pair, got));
    }
  } finally {
    await validator.close();
  }
  allowed.forEach((a, i) => {
    if (a.validator === v.name && !used.has(i)) {
      row.stale++;
      failures.push(`${v.name}: ${a.pair} (${a.case}) ${a.side}: listed in ${path.basename(args.differences)} but no longer happens (remove it)`);
    }
  });
  row.seconds = ((Date.now() - t0) / 1000).toFixed(1);
  rows.push(row);
  console.log(`\n${v.name} ${validator.version}, as configured:\n  - ${v.settings.join('\n  - ')}`);
}

if (args['print-differences']) {
  console.log(JSON.stringify(found.map((d) => ({ ...d, why: '' })), null, 2));
}

console.log(`\n${pairs.length} recorded pairs (${pairs.filter((p) => p.expected.operation).length} compose/reply), verdicts against ${args.manifest.map((m) => path.relative(root, m)).join(' and ')}:\n`);
console.log('| validator | pairs | agree | differ, explained | differ, unexplained | stale list entries | seconds |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.validator} | ${r.pairs} | ${r.agree} | ${r.explained} | ${r.unexplained} | ${r.stale} | ${r.seconds} |`);
if (failures.length) {
  console.error(`\n${failures.length} problem(s):\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
console.log(`\nevery difference is explained in ${path.relative(root, args.differences)} (${((Date.now() - started) / 1000).toFixed(1)} s)`);

// compare returns where a validator's verdict differs from the manifest's: the operation, the
// request problems, the response problems (as "where /pointer" places, sorted).
function compare(pair, got) {
  const exp = pair.expected;
  const out = [];
  const base = { pair: pair.id, case: pair.case };
  if ((got.operation || '') !== exp.operation) out.push({ ...base, side: 'operation', expected: [exp.operation], got: [got.operation || ''] });
  const req = [...exp.request].sort();
  if (fmt(req) !== fmt(got.request)) out.push({ ...base, side: 'request', expected: req, got: got.request });
  const res = exp.response === null ? null : [...exp.response].sort();
  if (fmt(res) !== fmt(got.response)) out.push({ ...base, side: 'response', expected: res, got: got.response });
  return out;
}

function sameDifference(a, d) {
  return a.validator === d.validator && a.pair === d.pair && a.side === d.side && fmt(a.expected) === fmt(d.expected) && fmt(a.got) === fmt(d.got);
}

// acceptance holds the rules issue 10 sets, which no list entry can waive:
//  * no validator flags a response the checker accepts (every real response validates);
//  * openapi-backend flags no request that the checker accepts and the server accepted
//    (answered "__status": "success").
function acceptance(name, pair, got) {
  const out = [];
  const exp = pair.expected;
  if (exp.response !== null && exp.response.length === 0 && got.response?.length) {
    out.push(`${name}: ${pair.id} (${pair.case}) rejects a real response the checker accepts: ${fmt(got.response)}`);
  }
  if (name === 'openapi-backend' && exp.request.length === 0 && got.request.length && serverAccepted(pair)) {
    out.push(`${name}: ${pair.id} (${pair.case}) rejects a request the server accepted and the checker accepts: ${fmt(got.request)}`);
  }
  return out;
}

function serverAccepted(pair) {
  try {
    return JSON.parse(pair.har.response.content?.text ?? '')?.__status === 'success';
  } catch {
    return false;
  }
}

function fmt(v) {
  return v === null || v === undefined ? '—' : `[${v.join(', ')}]`;
}

// Prism run as users run it for contract tests: `prism proxy openapi.yaml <Cerb>/rest`, in
// front of a tiny loopback upstream that replays the recorded response of each pair. The
// verdict is Prism's `sl-violations` response header (request and response violations).
import { spawn } from 'node:child_process';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { canonicalHeader } from './openapi-backend.mjs';
import { serverPath } from './har.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const REPLAY = 'x-interop-replay'; // which recorded pair the upstream answers with

export const settings = [
  'prism proxy openapi.yaml https://<cerb>/rest --host 127.0.0.1 (upstream = the spec\'s server URL, so clients call /tickets/compose.json on Prism)',
  '--errors=false (the default): Prism forwards every request and reports request and response violations in the sl-violations header; --errors would answer 422 instead of forwarding',
  'a violation of severity Error is a problem; the Warning "Selected route not found" means no operation (Prism still forwards)',
];

export async function createPrism(specPath, pairs) {
  const byId = new Map(pairs.map((p) => [p.id, p]));
  const upstream = http.createServer((req, res) => {
    req.resume().on('end', () => {
      const pair = byId.get(req.headers[REPLAY]);
      if (!pair) {
        res.writeHead(599).end(`unknown pair ${req.headers[REPLAY]}`);
        return;
      }
      const rec = pair.har.response;
      const headers = rec.headers
        .filter((h) => !/^(transfer-encoding|content-length|connection|keep-alive)$/i.test(h.name))
        .map((h) => [h.name, h.value]);
      res.writeHead(rec.status, rec.statusText || undefined, headers.flat());
      res.end(rec.content?.text ?? '');
    });
  });
  const upPort = await listen(upstream);
  const port = await freePort();
  const bin = path.join(path.dirname(require.resolve('@stoplight/prism-cli/package.json')), 'dist/index.js');
  const prism = spawn(
    process.execPath,
    [bin, 'proxy', specPath, `http://127.0.0.1:${upPort}/rest`, '--host', '127.0.0.1', '--port', String(port), '--errors=false', '-v', 'warn'],
    { cwd: here, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  prism.stdout.on('data', (d) => (log += d));
  prism.stderr.on('data', (d) => (log += d));
  await waitFor(port, prism, () => log);

  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  return {
    name: 'prism',
    version: require('@stoplight/prism-cli/package.json').version,
    async check(pair) {
      const req = pair.har.request;
      const { path: p, search } = serverPath(req.url);
      const body = Buffer.from(req.postData?.text ?? '', 'utf8');
      const headers = req.headers
        .filter((h) => !/^(host|content-length|transfer-encoding|connection)$/i.test(h.name))
        .map((h) => [h.name, h.value]);
      if (req.postData) headers.push(['Content-Length', String(body.length)]);
      headers.unshift(['Host', `127.0.0.1:${port}`]);
      headers.push([REPLAY, pair.id]);
      const res = await send({ agent, port, method: req.method, path: p + search, headers: headers.flat(), body });
      if (res.status !== pair.har.response.status && !res.headers['sl-violations']) {
        throw new Error(`${pair.id}: Prism answered ${res.status} (recorded: ${pair.har.response.status}) without violations: ${res.body.toString().slice(0, 300)}`);
      }
      return verdict(pair, res);
    },
    async close() {
      agent.destroy();
      prism.kill();
      await new Promise((r) => upstream.close(r));
    },
  };
}

function verdict(pair, res) {
  const raw = res.headers['sl-violations'];
  const violations = raw ? JSON.parse(raw) : [];
  const request = new Set();
  const response = new Set();
  const detail = [];
  let routed = true;
  for (const v of violations) {
    const [side, where, ...rest] = v.location;
    detail.push(`${v.severity} ${v.location.join('.')} ${v.code ?? ''} ${v.message}`.replace(/\s+/g, ' '));
    if (side === 'request' && where === undefined && /route|no path matched|no method matched/i.test(v.message)) {
      routed = false;
      continue;
    }
    if (v.severity !== 'Error') continue;
    const set = side === 'response' ? response : request;
    set.add(place(where, rest, v));
  }
  if (res.status === 599) throw new Error(`${pair.id}: the replaying upstream did not know the pair`);
  if (/^application\/problem\+json/.test(res.headers['content-type'] ?? '') && !raw) {
    // Prism's own error (for example UPSTREAM_NOT_IMPLEMENTED when the upstream answers 501):
    // it answers with a problem document and drops the violations, so there is no verdict.
    return { operation: '', request: [`no verdict: Prism error ${res.status}`], response: null, detail: [`Prism error ${res.status}: ${res.body}`] };
  }
  if (!routed) return { operation: '', request: ['route'], response: null, detail };
  return { operation: guessOperation(pair), request: [...request].sort(), response: [...response].sort(), detail };
}

function place(where, rest, v) {
  // "must have required property 'x'" is reported at the object, like Ajv: point at x.
  const missing = v.code === 'required' && /required property '([^']+)'/.exec(v.message)?.[1];
  if (missing !== undefined && missing !== false) rest = [...rest, missing];
  const ptr = rest.length ? `/${rest.join('/')}` : '';
  switch (where) {
    case 'body':
      return `body ${ptr}`.trim();
    case 'query':
      return `query ${ptr}`.trim();
    case 'header':
    case 'headers':
      return `header ${canonicalHeader(ptr)}`.trim();
    case undefined:
      if (v.code === 401) return 'security';
      if (v.code === 415) return 'header /Content-Type';
      if (v.code === 'required') return 'body'; // "Body parameter is required": an empty body is no body to Prism
      return `request ${v.code ?? ''}`.trim();
    default:
      return `${where} ${ptr}`.trim();
  }
}

// Prism does not name the operation it matched; a routed compose/reply path is that operation.
function guessOperation(pair) {
  const p = serverPath(pair.har.request.url).path.replace(/\/$/, '');
  return { '/tickets/compose.json': 'composeTicket', '/tickets/reply.json': 'replyToTicket' }[p] ?? '?';
}

function send({ agent, port, method, path: p, headers, body }) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: p, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c)).on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.setTimeout(30000, () => req.destroy(new Error(`no answer from Prism for ${method} ${p}`)));
    req.end(body.length ? body : undefined);
  });
}

function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject).listen(0, '127.0.0.1', () => resolve(server.address().port));
  });
}

async function freePort() {
  const s = http.createServer();
  const port = await listen(s);
  await new Promise((r) => s.close(r));
  return port;
}

async function waitFor(port, child, log) {
  const deadline = Date.now() + 60000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`prism exited (${child.exitCode}):\n${log()}`);
    const ok = await new Promise((resolve) => {
      const r = http.get({ host: '127.0.0.1', port, path: '/' }, (res) => res.resume().on('end', () => resolve(true)));
      r.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill();
  throw new Error(`prism did not listen on 127.0.0.1:${port} within 60 s:\n${log()}`);
}

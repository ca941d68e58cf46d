// openapi-backend (Ajv) configured the way the README's "Validating with the spec from other
// languages" section says, and the verdict it gives a recorded pair.
import { createRequire } from 'node:module';
import { OpenAPIBackend, ValidationContext } from 'openapi-backend';
import { decodeForm, headerObject, mediaType, serverPath } from './har.mjs';

// The settings, in one place: check.mjs prints them, the README lists them.
export const settings = [
  "apiRoot: '/rest' (the path of the spec's server URLs; servers are not used for routing)",
  "ajvOpts: { allErrors: true } (every problem, not only the first; discriminator left off)",
  "customizeAjv: coerceTypes: 'array' for ValidationContext.RequestBody only (form values are strings; one file_id[]= is an array of one)",
  'no coercion for responses (JSON has real types: "42" must stay a string where the spec says string)',
  'request body: express.urlencoded({ extended: false }) / multipart fields by name, names kept as file_id[] and custom_7[]',
  'security handlers: bearerAuth = "Authorization: Bearer <non-empty>", apiKey schemes = the header is present',
  'validateResponse(body, operation, statusCode) with the status code (without it, a 200 scope error also matches the 401 schema); validateResponseHeaders with setMatchType any',
];

export async function createOpenAPIBackend(specPath) {
  const api = new OpenAPIBackend({
    definition: specPath,
    apiRoot: '/rest',
    strict: false,
    quick: false,
    ajvOpts: { allErrors: true },
    customizeAjv: (ajv, ajvOpts, context) => {
      if (context !== ValidationContext.RequestBody) return ajv; // responses and parameters as they are
      const coercing = new ajv.constructor({ ...ajvOpts, coerceTypes: 'array' });
      for (const [name, format] of Object.entries(ajv.formats)) coercing.addFormat(name, format);
      return coercing;
    },
  });
  await api.init();
  // Security handlers derived from the document's schemes: presence and shape, as a server
  // that delegates the real check to Cerb would write them.
  for (const [name, scheme] of Object.entries(api.definition.components?.securitySchemes ?? {})) {
    if (scheme.type === 'http' && scheme.scheme?.toLowerCase() === 'bearer') {
      api.registerSecurityHandler(name, (c) => /^bearer\s+\S/i.test(String(c.request.headers.authorization ?? '')));
    } else if (scheme.type === 'apiKey' && scheme.in === 'header') {
      api.registerSecurityHandler(name, (c) => Boolean(c.request.headers[scheme.name.toLowerCase()]));
    }
  }
  api.register({
    notFound: () => ({ route: true }),
    methodNotAllowed: () => ({ route: true }),
    // Without an unauthorizedHandler openapi-backend goes on and warns; this one validates too,
    // so that a request is judged on both counts, as the checker does.
    unauthorizedHandler: (c, req) => ({ operation: c.operation, validation: c.api.validateRequest(req, c.operation), security: c.security }),
    validationFail: (c) => ({ operation: c.operation, validation: c.validation, security: c.security }),
    composeTicket: (c) => ({ operation: c.operation, validation: c.validation, security: c.security }),
    replyToTicket: (c) => ({ operation: c.operation, validation: c.validation, security: c.security }),
  });
  return {
    name: 'openapi-backend',
    version: createRequire(import.meta.url)('openapi-backend/package.json').version,
    async check(pair) {
      const req = pair.har.request;
      const { base, path, search } = serverPath(req.url);
      const request = {
        method: req.method,
        path: base + path,
        query: search.slice(1),
        headers: headerObject(req.headers),
        body: decodeForm(req),
      };
      const out = await api.handleRequest(request, request);
      if (out.route) return { operation: '', request: ['route'], response: null, detail: [] };
      const problems = new Set();
      const detail = [];
      if (out.security && !out.security.authorized) problems.add('security');
      for (const e of out.validation?.errors ?? []) {
        problems.add(requestPlace(e));
        detail.push(`request ${e.instancePath} ${e.message}`);
      }
      const response = new Set();
      const res = pair.har.response;
      if (mediaType(res.content?.mimeType) === 'application/json') {
        let body;
        try {
          body = JSON.parse(res.content.text ?? '');
        } catch {
          response.add('body');
          detail.push('response body is not JSON');
        }
        if (body !== undefined) {
          const r = api.validateResponse(body, out.operation, res.status);
          for (const e of r.errors ?? []) {
            response.add(responsePlace(e));
            detail.push(`response ${e.instancePath} ${e.message}`);
          }
        }
      }
      const h = api.validateResponseHeaders(headerObject(res.headers), out.operation, {
        statusCode: res.status,
        setMatchType: 'any', // declared headers are checked when present; OpenAPI headers are optional by default
      });
      for (const e of h.errors ?? []) {
        response.add(`header ${canonicalHeader(e.instancePath.replace(/^\/headers/, ''))}`);
        detail.push(`response header ${e.instancePath} ${e.message}`);
      }
      return { operation: out.operation.operationId, request: [...problems].sort(), response: [...response].sort(), detail };
    },
    async close() {},
  };
}

// requestPlace maps an Ajv error of openapi-backend's request validators to the manifest's
// "where /pointer" form: /requestBody/x → body /x, /query/x → query /x, /header/x → header /X.
function requestPlace(e) {
  let p = e.instancePath;
  if (e.keyword === 'required') p += `/${e.params.missingProperty}`;
  if (e.keyword === 'additionalProperties') p += `/${e.params.additionalProperty}`;
  const [, root, ...rest] = p.split('/');
  const ptr = rest.length ? `/${rest.join('/')}` : '';
  switch (root) {
    case 'requestBody':
      return `body ${ptr}`.trim();
    case 'query':
      return `query ${ptr}`.trim();
    case 'header':
      return `header ${canonicalHeader(ptr)}`.trim();
    default:
      return `${root || 'request'} ${ptr}`.trim();
  }
}

function responsePlace(e) {
  let p = e.instancePath;
  if (e.keyword === 'required') p += `/${e.params.missingProperty}`;
  if (e.keyword === 'additionalProperties') p += `/${e.params.additionalProperty}`;
  return `body ${p}`.trim();
}

// canonicalHeader writes a header pointer as the manifest does: /set-cookie → /Set-Cookie.
export function canonicalHeader(ptr) {
  return ptr.replace(/[a-z0-9]+/gi, (w) => w[0].toUpperCase() + w.slice(1).toLowerCase());
}

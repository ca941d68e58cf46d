// Reading the bundled recordings and the verdict manifest, and decoding a recorded form body
// the way a Node server does. Shared by the openapi-backend and Prism runs (check.mjs).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import querystring from 'node:querystring';

// loadPairs returns every entry of every HAR file the manifest lists, in manifest order, with
// the manifest's verdict: {file, entry, case, expected: {operation, request, response}, har}.
export function loadPairs(manifestPath) {
  const dir = path.dirname(manifestPath);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const pairs = [];
  for (const [file, expected] of Object.entries(manifest)) {
    // Only the HAR files at the manifest's top level, the real server's recordings: the files in
    // subfolders (contract_test/testdata/producers/) were written by other HAR producers, in
    // containers and shapes (zip, zlib, sidecar bodies, params without text, bodies not recorded)
    // that test HAR readers, not validators; the Go checker holds them to the manifest.
    if (file.includes('/')) continue;
    const entries = JSON.parse(readFileSync(path.join(dir, file), 'utf8')).log.entries;
    for (const want of expected) {
      const har = entries[want.entry];
      if (!har) throw new Error(`${file}#${want.entry}: not in the file (${entries.length} entries)`);
      pairs.push({
        file,
        entry: want.entry,
        id: `${file}#${want.entry}`,
        case: want.case,
        expected: { operation: want.operation || '', request: want.request || [], response: want.response ?? null },
        har,
      });
    }
  }
  return pairs;
}

// header returns the first value of a recorded header, case-insensitively, or ''.
export function header(headers, name) {
  const h = headers.find((x) => x.name.toLowerCase() === name.toLowerCase());
  return h ? h.value : '';
}

// headerObject turns a HAR header list into a lower-cased object as Node's http has them
// (repeated headers joined with ", "; several Set-Cookie headers as an array, one as a string).
export function headerObject(headers) {
  const out = {};
  for (const { name, value } of headers) {
    const k = name.toLowerCase();
    if (!(k in out)) out[k] = value;
    else if (k === 'set-cookie') out[k] = [].concat(out[k], value);
    else out[k] = `${out[k]}, ${value}`;
  }
  return out;
}

// mediaType is the lower-cased media type of a Content-Type value, without parameters.
export function mediaType(contentType) {
  return String(contentType || '').split(';')[0].trim().toLowerCase();
}

// decodeForm gives the body a Node server hands to openapi-backend for a recorded request:
//   application/x-www-form-urlencoded  Node's querystring, as express.urlencoded({extended: false})
//                                      does: names kept as sent (file_id[], custom_7[]), a
//                                      repeated name becomes an array, invalid UTF-8 becomes U+FFFD;
//   multipart/form-data                the text fields by name, with the same rules;
//   anything else (JSON, none)         {}: a server with form parsers only does not read it, which
//                                      is also what Cerb does (it sees an empty form).
export function decodeForm(request) {
  const text = request.postData?.text ?? '';
  const ct = header(request.headers, 'content-type') || request.postData?.mimeType || '';
  switch (mediaType(ct)) {
    case 'application/x-www-form-urlencoded':
      return { ...querystring.parse(text) };
    case 'multipart/form-data':
      return decodeMultipart(text, ct);
    default:
      return {};
  }
}

function decodeMultipart(text, contentType) {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const out = {};
  if (!m) return out;
  const delimiter = `--${m[1] || m[2]}`;
  for (const part of text.split(delimiter).slice(1)) {
    if (part.startsWith('--')) break; // the closing delimiter
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) continue;
    const head = part.slice(0, split);
    const name = /content-disposition:[^\r\n]*\bname="([^"]*)"/i.exec(head)?.[1];
    if (name === undefined || /filename=/i.test(head)) continue; // files are not form fields
    const value = part.slice(split + 4).replace(/\r\n$/, '');
    if (name in out) out[name] = [].concat(out[name], value);
    else out[name] = value;
  }
  return out;
}

// serverPath splits a recorded URL into the part the spec's server URL covers (…/rest) and
// the operation path (/tickets/compose.json), the way a proxy or router mounted at /rest sees it.
export function serverPath(url) {
  const u = new URL(url);
  const i = u.pathname.indexOf('/rest/');
  return {
    base: i < 0 ? '' : u.pathname.slice(0, i + 5),
    path: i < 0 ? u.pathname : u.pathname.slice(i + 5),
    search: u.search,
  };
}

// cerbForm: a request body for Cerb's REST API (POST /rest/tickets/compose.json,
// /rest/tickets/reply.json) serialized the way Cerb's PHP reads it. Copy this file into your
// project; it has no dependencies (URLSearchParams is a global in browsers, Node ≥ 10, Deno,
// Bun). From https://github.com/cerb-openapi/cerb-openapi, interop/typescript/cerb-form/.
//
//   file_id[]: [1, 2]          → file_id[]=1&file_id[]=2       (a list: repeated key[])
//   custom_7: ["billing", "x"] → custom_7[]=billing&custom_7[]=x (the [] is added: PHP keeps
//                                                               only the last of repeated plain keys)
//   subject: undefined / null  → nothing                        (never the text "undefined")
//   dont_send: true / false    → dont_send=1 / dont_send=0
//   status: 0                  → status=0                       (0 is sent, not dropped)
//   NaN, Infinity, an object   → throws an Error naming the field
//
// Set the Content-Type header too: openapi-fetch labels any serialized body
// application/json unless the header says otherwise, and Cerb then reads no field at all.

/** The media type of every Cerb form body. */
export const FORM_CONTENT_TYPE = "application/x-www-form-urlencoded";

/** The headers a Cerb form request needs (besides the credentials). */
export const cerbFormHeaders: { readonly "Content-Type": typeof FORM_CONTENT_TYPE } = {
  "Content-Type": FORM_CONTENT_TYPE,
};

/**
 * Serializes a body object into the form Cerb reads. Keys keep their order; an array becomes
 * one `key[]=value` per item (`[]` added when the key lacks it); `undefined` and `null` (as a
 * value or a list item) are left out; booleans are 1 and 0; numbers and bigints are decimal
 * text. Throws an Error naming the field for NaN, ±Infinity, objects (nested or in a list),
 * functions and symbols, and when the body itself is not a plain object.
 *
 * Typed `(body: unknown)` so that it fits every generator's bodySerializer slot.
 */
export function cerbForm(body: unknown): URLSearchParams {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new Error(`cerbForm: the body must be an object of form fields, got ${describe(body)}`);
  }
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(body)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      const listKey = key.endsWith("[]") ? key : `${key}[]`;
      value.forEach((item: unknown, i: number) => {
        if (item === undefined || item === null) return;
        form.append(listKey, scalar(item, `field "${listKey}" item ${i}`));
      });
      continue;
    }
    form.append(key, scalar(value, `field "${key}"`));
  }
  return form;
}

function scalar(value: unknown, field: string): string {
  // field: how the error names the value (field "x", or field "x[]" item 2)
  switch (typeof value) {
    case "string":
      return value;
    case "boolean":
      return value ? "1" : "0";
    case "bigint":
      return value.toString();
    case "number":
      if (!Number.isFinite(value)) {
        throw new Error(`cerbForm: ${field} is ${String(value)}, not a number Cerb can read (it would take the text "${String(value)}" or 0)`);
      }
      return decimal(value);
    case "object":
      throw new Error(
        `cerbForm: ${field} is ${describe(value)}: Cerb reads flat form fields, so send its values as fields of their own (a ` +
          `default serializer would send "[object Object]" or JSON)`,
      );
    default:
      throw new Error(`cerbForm: ${field} is a ${typeof value}, which has no form value`);
  }
}

// decimal writes a finite number without an exponent: String(1e21) is "1e+21" and
// String(1e-7) is "1e-7", which PHP's intval() reads as 1.
function decimal(n: number): string {
  const s = String(n);
  const e = s.indexOf("e");
  if (e < 0) return s;
  const sign = s.startsWith("-") ? "-" : "";
  const mantissa = s.slice(sign.length, e);
  const exp = Number(s.slice(e + 1));
  const dot = mantissa.indexOf(".");
  const digits = mantissa.replace(".", "");
  const point = (dot < 0 ? mantissa.length : dot) + exp; // digits before the decimal point
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return sign + digits + "0".repeat(point - digits.length);
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (v instanceof Date) return "a Date (send_at takes text: @<unix seconds> or a relative time)";
  return typeof v === "object" ? "an object" : typeof v;
}

// --- Client setup -------------------------------------------------------------------------

/** A token, or a function that returns one (for a token that is refreshed). */
export type TokenSource = string | (() => string | undefined | Promise<string | undefined>);

/**
 * The `auth` callback for @hey-api/openapi-ts's clients. The generated SDK calls it once per
 * security scheme of the operation (bearer, then the legacy `Cerb-Auth` and `Cerb5-Auth` API
 * keys) and sends whatever it returns in that scheme's header; `auth: () => token` therefore
 * also sends the OAuth token as `Cerb-Auth` and `Cerb5-Auth`. This answers only the bearer
 * scheme.
 */
export function bearerOnly(token: TokenSource) {
  return async (auth: { type: string; scheme?: string }): Promise<string | undefined> => {
    if (auth.type !== "http" || auth.scheme !== "bearer") return undefined;
    return typeof token === "function" ? await token() : token;
  };
}

/**
 * openapi-fetch (0.17): `createClient<paths>(openapiFetchOptions(baseUrl, token))`. The
 * Content-Type header is required as well as the serializer: without it openapi-fetch sends
 * cerbForm's body labelled application/json.
 */
export function openapiFetchOptions(baseUrl: string, token?: string) {
  const headers: Record<string, string> = { ...cerbFormHeaders };
  if (token !== undefined) headers["Authorization"] = `Bearer ${token}`;
  return { baseUrl, headers, bodySerializer: cerbForm };
}

/** openapi-fetch, per request: `client.POST(path, { body, ...openapiFetchRequest })`. */
export const openapiFetchRequest = { headers: { ...cerbFormHeaders }, bodySerializer: cerbForm };

/**
 * @hey-api/openapi-ts's fetch client (0.95): `createClient(heyApiClientOptions(baseUrl, token))`.
 * The generated SDK functions set their own bodySerializer on every call, which wins over
 * the client's: pass {@link heyApiRequest} to each call to use cerbForm.
 */
export function heyApiClientOptions(baseUrl: string, token: TokenSource) {
  return { baseUrl, auth: bearerOnly(token) };
}

/** @hey-api SDK, per call: `composeTicket({ client, body, ...heyApiRequest })`. */
export const heyApiRequest = { headers: { ...cerbFormHeaders }, bodySerializer: cerbForm };

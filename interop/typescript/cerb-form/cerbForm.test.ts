// Unit tests of cerbForm.ts: compiled to CommonJS by ../check.sh (tsconfig.cerb-form.json)
// and run with `node --test`. No dependencies: node:test and node:assert come with Node.
import { bearerOnly, cerbForm, heyApiClientOptions, heyApiRequest, openapiFetchOptions, openapiFetchRequest } from "./cerbForm";

// Node's test runner without @types/node (the pinned tools do not include it).
declare const require: (id: string) => unknown;
const { test } = require("node:test") as { test: (name: string, fn: () => void | Promise<void>) => void };
const assert = require("node:assert/strict") as {
  equal: (got: unknown, want: unknown, msg?: string) => void;
  deepEqual: (got: unknown, want: unknown, msg?: string) => void;
  throws: (fn: () => unknown, want: RegExp) => void;
};

const wire = (body: unknown): string => cerbForm(body).toString();

test("undefined is left out, never the text undefined", () => {
  assert.equal(wire({ message_id: 5, subject: undefined, content: "x" }), "message_id=5&content=x");
});

test("null is left out, never the text null", () => {
  assert.equal(wire({ subject: null, content: "x" }), "content=x");
});

test("0 is sent as 0 (status=0 and owner_id=0 mean open and unassigned)", () => {
  assert.equal(wire({ status: 0, owner_id: 0 }), "status=0&owner_id=0");
});

test("false is 0, true is 1", () => {
  assert.equal(wire({ dont_send: false, is_forward: true }), "dont_send=0&is_forward=1");
});

test("NaN and ±Infinity throw, naming the field", () => {
  assert.throws(() => cerbForm({ group_id: NaN }), /field "group_id" is NaN/);
  assert.throws(() => cerbForm({ custom_2: Infinity }), /field "custom_2" is Infinity/);
  assert.throws(() => cerbForm({ custom_2: -Infinity }), /field "custom_2" is -Infinity/);
  assert.throws(() => cerbForm({ "file_id[]": [1, NaN] }), /field "file_id\[\]" item 1 is NaN/);
});

test("a nested object throws, naming the field, never [object Object]", () => {
  assert.throws(() => cerbForm({ content: "x", meta: { a: 1 } }), /field "meta" is an object/);
  assert.throws(() => cerbForm({ "custom_7[]": ["a", { b: 1 }] }), /field "custom_7\[\]" item 1 is an object/);
  assert.throws(() => cerbForm({ "file_id[]": [[1, 2]] }), /field "file_id\[\]" item 0 is an array/);
  assert.throws(() => cerbForm({ send_at: new Date(0) }), /field "send_at" is a Date/);
  assert.throws(() => cerbForm({ f: () => 1 }), /field "f" is a function/);
});

test("an array under a key ending in [] is that key repeated", () => {
  assert.equal(wire({ "file_id[]": [1, 2] }), "file_id%5B%5D=1&file_id%5B%5D=2");
  assert.equal(wire({ "custom_7[]": ["billing", "bug"] }), "custom_7%5B%5D=billing&custom_7%5B%5D=bug");
});

test("an array under a key without [] gets the [] (PHP keeps only the last plain key)", () => {
  assert.equal(wire({ custom_7: ["billing", "bug"] }), "custom_7%5B%5D=billing&custom_7%5B%5D=bug");
  assert.equal(wire({ file_id: [3] }), "file_id%5B%5D=3");
});

test("an empty array sends nothing; null and undefined items are left out", () => {
  assert.equal(wire({ "file_id[]": [], content: "x" }), "content=x");
  assert.equal(wire({ "custom_7[]": [null, "bug", undefined] }), "custom_7%5B%5D=bug");
});

test("a scalar under a key ending in [] is a list of one", () => {
  assert.equal(wire({ "file_id[]": 4 }), "file_id%5B%5D=4");
});

test("unicode is sent as UTF-8, percent-encoded", () => {
  const form = cerbForm({ subject: "Grüße 🎉 日本", "custom_7[]": ["ça va"] });
  assert.equal(form.toString(), "subject=Gr%C3%BC%C3%9Fe+%F0%9F%8E%89+%E6%97%A5%E6%9C%AC&custom_7%5B%5D=%C3%A7a+va");
  assert.equal(form.get("subject"), "Grüße 🎉 日本");
});

test("numbers are decimal text, without exponent", () => {
  assert.equal(wire({ a: 1e21, b: 1.5e-7, c: -2.5, d: -1e-7, e: 123456789n, f: -0 }), "a=1000000000000000000000&b=0.00000015&c=-2.5&d=-0.0000001&e=123456789&f=0");
  assert.equal(wire({ g: 1.2345e25, h: 9.5e-10 }), "g=12345000000000000000000000&h=0.00000000095");
});

test("the empty string is sent (on reply custom_1= clears a field)", () => {
  assert.equal(wire({ custom_1: "" }), "custom_1=");
});

test("a body that is not an object throws", () => {
  assert.throws(() => cerbForm(null), /must be an object of form fields, got null/);
  assert.throws(() => cerbForm([1]), /got an array/);
  assert.throws(() => cerbForm("subject=x"), /got string/);
});

test("a whole compose keeps the key order", () => {
  assert.equal(
    wire({ group_id: 1, subject: "Printer", content: "On fire", "file_id[]": [1, 2], custom_4: "High", custom_7: ["billing", "bug"], status: 0, dont_send: true }),
    "group_id=1&subject=Printer&content=On+fire&file_id%5B%5D=1&file_id%5B%5D=2&custom_4=High&custom_7%5B%5D=billing&custom_7%5B%5D=bug&status=0&dont_send=1",
  );
});

test("bearerOnly answers the bearer scheme and nothing else", async () => {
  const auth = bearerOnly("t0ken");
  assert.equal(await auth({ type: "http", scheme: "bearer" }), "t0ken");
  assert.equal(await auth({ type: "apiKey" }), undefined); // what hey-api passes for Cerb-Auth
  assert.equal(await auth({ type: "http", scheme: "basic" }), undefined);
  assert.equal(await bearerOnly(async () => "fresh")({ type: "http", scheme: "bearer" }), "fresh");
});

test("setup helpers carry the form header and the serializer", () => {
  const o = openapiFetchOptions("https://cerb.example/rest", "t0ken");
  assert.deepEqual(o.headers, { "Content-Type": "application/x-www-form-urlencoded", Authorization: "Bearer t0ken" });
  assert.equal(o.bodySerializer, cerbForm);
  assert.deepEqual(openapiFetchOptions("u").headers, { "Content-Type": "application/x-www-form-urlencoded" });
  assert.equal(openapiFetchRequest.bodySerializer, cerbForm);
  assert.equal(heyApiRequest.bodySerializer, cerbForm);
  assert.equal(heyApiRequest.headers["Content-Type"], "application/x-www-form-urlencoded");
  assert.equal(heyApiClientOptions("u", "t").baseUrl, "u");
});

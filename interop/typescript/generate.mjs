// Generates TypeScript from ../../openapi.yaml with two independent generators, into
// generated/ (not committed). Any generator error exits non-zero.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";
import { createClient } from "@hey-api/openapi-ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const spec = path.resolve(here, process.argv[2] ?? "../../openapi.yaml");
const out = path.join(here, "generated");
fs.rmSync(out, { recursive: true, force: true });

// Both generators' output is used as it is, without post-processing: since openapi.yaml
// 2.2.0 the compose and reply forms are closed (no additionalProperties schema), which
// every generator turns into a plain object type. Custom fields are added by spread (see
// src/) or declared per installation by the overlay cerbcontract fields writes.
const ast = await openapiTS(pathToFileURL(spec));
fs.mkdirSync(path.join(out, "openapi-typescript"), { recursive: true });
fs.writeFileSync(path.join(out, "openapi-typescript", "schema.d.ts"), astToString(ast));
console.log("openapi-typescript: generated/openapi-typescript/schema.d.ts");

await createClient({
  input: spec,
  output: path.join(out, "hey-api"),
  plugins: ["@hey-api/client-fetch", "@hey-api/typescript", "@hey-api/sdk"],
  logs: { level: "warn", file: false },
});
console.log("@hey-api/openapi-ts: generated/hey-api/");

// Generates TypeScript from ../../openapi.yaml with two independent generators, into
// generated/ (not committed). Any generator error exits non-zero.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import ts from "typescript";
import openapiTS, { astToString } from "openapi-typescript";
import { createClient } from "@hey-api/openapi-ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const spec = path.resolve(here, process.argv[2] ?? "../../openapi.yaml");
const out = path.join(here, "generated");
fs.rmSync(out, { recursive: true, force: true });

// openapi-typescript turns `properties` + a typed `additionalProperties` into
// `{...} & { [key: string]: CustomFieldValue }`, which no object literal can satisfy (every
// declared property must also match the index signature: "Property 'group_id' is incompatible
// with index signature"). OpenAPI 3.0 has no patternProperties, but the spec documents the
// extra keys as `custom_<id>` / `custom_<id>[]`, so the index signature is narrowed to exactly
// those template-literal keys: the declared properties no longer collide, and a misspelled
// field name is still an excess-property error.
const customFieldRef = "#/components/schemas/CustomFieldValue";
const customKey = ts.factory.createUnionTypeNode([
  ts.factory.createTemplateLiteralType(ts.factory.createTemplateHead("custom_"), [
    ts.factory.createTemplateLiteralTypeSpan(
      ts.factory.createKeywordTypeNode(ts.SyntaxKind.NumberKeyword),
      ts.factory.createTemplateTail(""),
    ),
  ]),
  ts.factory.createTemplateLiteralType(ts.factory.createTemplateHead("custom_"), [
    ts.factory.createTemplateLiteralTypeSpan(
      ts.factory.createKeywordTypeNode(ts.SyntaxKind.NumberKeyword),
      ts.factory.createTemplateTail("[]"),
    ),
  ]),
]);

function narrowCustomFieldIndex(type, { schema }) {
  const extra = schema?.additionalProperties;
  if (!schema?.properties || extra?.$ref !== customFieldRef || !ts.isIntersectionTypeNode(type)) return undefined;
  let narrowed = 0;
  const types = type.types.map((member) => {
    if (!ts.isTypeLiteralNode(member)) return member;
    return ts.factory.updateTypeLiteralNode(
      member,
      ts.factory.createNodeArray(
        member.members.map((m) => {
          if (!ts.isIndexSignatureDeclaration(m)) return m;
          narrowed++;
          const [key] = m.parameters;
          return ts.factory.updateIndexSignature(m, m.modifiers, [
            ts.factory.updateParameterDeclaration(key, key.modifiers, key.dotDotDotToken, key.name, key.questionToken, customKey, key.initializer),
          ], m.type);
        }),
      ),
    );
  });
  if (narrowed !== 1) throw new Error(`expected one index signature for custom fields, found ${narrowed}`);
  return ts.factory.updateIntersectionTypeNode(type, ts.factory.createNodeArray(types));
}

const ast = await openapiTS(pathToFileURL(spec), { postTransform: narrowCustomFieldIndex });
fs.mkdirSync(path.join(out, "openapi-typescript"), { recursive: true });
fs.writeFileSync(path.join(out, "openapi-typescript", "schema.d.ts"), astToString(ast));
console.log("openapi-typescript: generated/openapi-typescript/schema.d.ts");

// @hey-api/openapi-ts widens the index signature to the union of all property types itself.
await createClient({
  input: spec,
  output: path.join(out, "hey-api"),
  plugins: ["@hey-api/client-fetch", "@hey-api/typescript", "@hey-api/sdk"],
  logs: { level: "warn", file: false },
});
console.log("@hey-api/openapi-ts: generated/hey-api/");

// Derives the trimmed provider schemas under src/test/resources/schema/ from the provider packages' .jsii type data
// (the packages the Terraform CDK generates from each provider's own `terraform providers schema -json`).
//
//   node tools/provider-schema.mjs <node_modules dir> [<node_modules dir>...]
//
// For each package found it writes schema/<provider>.json.gz:
//   {"package": "@cdktn/provider-aws", "packageVersion": "25.7.0", "provider": "hashicorp/aws", "providerVersion": "6.66.0",
//    "resource": {"aws_s3_bucket": BLOCK, ...}, "data": {"aws_iam_policy_document": BLOCK, ...}}
// where BLOCK = {"a": {"argument_name": 1 if required else 0}, "b": {"block_name": [required 1/0, BLOCK]}}.
// Nested blocks and nested object attributes are both kept under "b": HCL writes either one as name { ... } or
// name = { ... }, and the checks only ask whether a name is known and whether a required one is present.
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { fileURLToPath } from "node:url";

const PACKAGES = ["@cdktn/provider-aws", "@cdktn/provider-azurerm", "@cdktf/provider-google"];
const out = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "src", "test", "resources", "schema");

const warned = new Set();
const roots = process.argv.slice(2);
if (roots.length === 0) {
  console.error("usage: node tools/provider-schema.mjs <node_modules dir>...");
  process.exit(2);
}
let written = 0;
for (const pkg of PACKAGES) {
  const dir = roots.map((r) => path.join(r, pkg)).find((d) => fs.existsSync(path.join(d, ".jsii")));
  if (!dir) continue;
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
  const types = JSON.parse(fs.readFileSync(path.join(dir, ".jsii"), "utf8")).types;
  const schema = {
    package: pkg,
    packageVersion: manifest.version,
    provider: manifest.cdktf.provider.name.replace(/^registry\.terraform\.io\//, ""),
    providerVersion: manifest.cdktf.provider.version,
    resource: {},
    data: {},
  };
  const link = /\{@link https:\/\/registry\.terraform\.io\/providers\/[^ ]+\/docs\/(resources|data-sources)\/[^ ]+ ([a-z0-9_]+)\}/;
  for (const t of Object.values(types)) {
    if (t.kind !== "class" || !t.docs?.summary?.startsWith("Represents a ")) continue;
    const m = link.exec(t.docs.summary);
    const config = t.initializer?.parameters?.find((p) => p.name === "config");
    if (!m || !config) continue;
    schema[m[1] === "resources" ? "resource" : "data"][m[2]] = block(types, config.type.fqn, new Set());
  }
  const file = path.join(out, schema.provider.split("/")[1] + ".json.gz");
  fs.writeFileSync(file, zlib.gzipSync(JSON.stringify(sorted(schema)), { level: 9 }));
  console.log(`${file}: ${pkg}@${schema.packageVersion} (${schema.provider} ${schema.providerVersion}), `
      + `${Object.keys(schema.resource).length} resources, ${Object.keys(schema.data).length} data sources`);
  written++;
}
if (written === 0) {
  console.error("none of " + PACKAGES.join(", ") + " found under " + roots.join(", "));
  process.exit(1);
}

// The struct's properties, walking the interfaces it extends but not the CDK's own meta-arguments
// (count, for_each, depends_on, provider, lifecycle: the checks know those from Terraform's language).
function block(types, fqn, seen) {
  const result = { a: {}, b: {} };
  if (seen.has(fqn)) return result; // a recursive schema (rare): stop one level down
  const inner = new Set(seen).add(fqn);
  const walk = (f) => {
    const t = types[f];
    if (!t) return;
    for (const i of t.interfaces ?? []) walk(i);
    for (const p of t.properties ?? []) {
      const name = snakeName(p);
      const nested = structOf(types, p.type);
      const required = p.optional ? 0 : 1;
      if (nested) result.b[name] = [required, block(types, nested, inner)];
      else result.a[name] = required;
    }
  };
  walk(fqn);
  return result;
}

// The Terraform name is the anchor of the registry link in the property's docs (its camelCase name loses the
// underscores' positions around digits).
function snakeName(p) {
  const docs = (p.docs?.summary ?? "") + " " + (p.docs?.remarks ?? "");
  const m = /#([a-z0-9_]+)\}/.exec(docs);
  if (m) return m[1];
  // a few nested properties have no registry link (seen in @cdktf/provider-google): their camelCase name it is
  if (!warned.has(p.name)) {
    warned.add(p.name);
    console.warn("no registry anchor for property " + p.name + ": named " + camelToSnake(p.name));
  }
  return camelToSnake(p.name);
}

function camelToSnake(name) {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}

function structOf(types, type) {
  if (!type) return null;
  if (type.fqn && types[type.fqn]?.datatype) return type.fqn;
  if (type.collection) return structOf(types, type.collection.elementtype);
  if (type.union) {
    for (const u of type.union.types) {
      const s = structOf(types, u);
      if (s) return s;
    }
  }
  return null;
}

function sorted(v) {
  if (Array.isArray(v)) return v.map(sorted);
  if (v && typeof v === "object") {
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted(v[k])]));
  }
  return v;
}

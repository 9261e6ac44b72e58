// One long-lived process for all the checks: reads one JSON request per line on stdin and writes one JSON answer
// per line on stdout. HashiCorp's HCL parser (hcl2json) and hclwrite's formatter (hcl-tools), both compiled to
// WebAssembly, come from the npm packages the test installed; NODE_PATH points at them.
//   {"op": "parse", "file": "/abs/main.tf"}  -> {"ok": true, "body": {...}, "formatted": true}
//                                            or {"ok": false, "error": "main.tf:3:7: Invalid expression; ..."}
//   {"op": "parseText", "text": "x = {...}"} -> {"ok": true, "body": {"x": {...}}}
//   {"op": "refs", "expr": "${aws_s3_bucket.x.id == var.y}"} -> {"ok": true, "refs": ["aws_s3_bucket.x.id", "var.y"]}
import fs from "node:fs";
import readline from "node:readline";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { parse, getReferencesInExpression } = require("@cdktn/hcl2json");
const { format } = require("@cdktn/hcl-tools");

// hcl's diagnostics read "file.tf:3,7-12: Summary; Detail" (or 3,7-4,1); the checks report file:line:col
function diagnostics(message) {
  return String(message)
    .replace(/^Error: /, "")
    .replace(/^parse config: \[(.*)\]$/s, "$1")
    .replace(/([^\s\[]+):(\d+),(\d+)-\d+(,\d+)?/g, "$1:$2:$3");
}

async function answer(request) {
  if (request.op === "parse") {
    const text = fs.readFileSync(request.file, "utf8");
    let body;
    try {
      body = await parse(request.file, text);
    } catch (e) {
      return { ok: false, error: diagnostics(e.message ?? e) };
    }
    const formatted = (await format(text)) === text;
    return { ok: true, body, formatted };
  }
  if (request.op === "parseText") {
    return { ok: true, body: await parse("expression.hcl", request.text) };
  }
  if (request.op === "refs") {
    const refs = await getReferencesInExpression("expression.hcl", request.expr);
    return { ok: true, refs: refs.map((r) => r.value) };
  }
  return { ok: false, error: "unknown op " + request.op };
}

const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
  let reply;
  try {
    reply = await answer(JSON.parse(line));
  } catch (e) {
    reply = { ok: false, error: String(e?.stack ?? e) };
  }
  process.stdout.write(JSON.stringify(reply) + "\n");
}

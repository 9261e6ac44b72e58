// The llama.cpp side of KQuantCheck: node-llama-cpp's prebuilt llama.cpp on a GGUF file, for a list of prompt ids.
// Usage: node llama-cpp-check.mjs MODEL PROMPT_IDS_FILE GENERATE TOP
// Prints one JSON line: for each prompt position, llama.cpp's TOP most probable next tokens with their
// probabilities (no sampling options: the softmax of the logits as they are), then its greedy continuation.
import {getLlama} from "node-llama-cpp";
import {readFileSync} from "node:fs";

const [modelPath, idsFile, generateArg, topArg] = process.argv.slice(2);
const generate = Number(generateArg);
const top = Number(topArg);
const ids = readFileSync(idsFile, "utf8").trim().split(/\s+/).map(Number);

const llama = await getLlama({gpu: false, build: "never", logLevel: "error"});
const model = await llama.loadModel({modelPath, useMmap: true});

// one context for the per-position probabilities, a fresh one for the greedy continuation
let context = await model.createContext({contextSize: ids.length + generate + 16, batchSize: ids.length,
    threads: 1, sequences: 1});
const input = ids.map((id) => [id, {generateNext: {probabilities: true}}]);
const res = await context.getSequence().controlledEvaluate(input);
const positions = res.map((r) => [...(r?.next?.probabilities ?? new Map()).entries()]
    .sort((a, b) => b[1] - a[1]).slice(0, top));
await context.dispose();

context = await model.createContext({contextSize: ids.length + generate + 16, batchSize: ids.length,
    threads: 1, sequences: 1});
const greedy = [];
for await (const token of context.getSequence().evaluate(ids, {temperature: 0})) {
    greedy.push(token);
    if (greedy.length >= generate) {
        break;
    }
}
await context.dispose();
await model.dispose();
console.log(JSON.stringify({positions, greedy}));

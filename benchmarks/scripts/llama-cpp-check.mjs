// The llama.cpp side of KQuantCheck: node-llama-cpp's prebuilt llama.cpp on a GGUF file, for a list of prompt ids.
// Usage: node llama-cpp-check.mjs MODEL PROMPT_IDS_FILE GENERATE TOP
// Prints one JSON line: for each prompt position, llama.cpp's TOP most probable next tokens with their
// probabilities (no sampling options: the softmax of the logits as they are); the same for each prompt token alone
// at position 0; then its greedy continuation.
import {getLlama} from "node-llama-cpp";
import {readFileSync} from "node:fs";

const [modelPath, idsFile, generateArg, topArg] = process.argv.slice(2);
const generate = Number(generateArg);
const top = Number(topArg);
const ids = readFileSync(idsFile, "utf8").trim().split(/\s+/).map(Number);

const llama = await getLlama({gpu: false, build: "never", logLevel: "error"});
const model = await llama.loadModel({modelPath, useMmap: true});

// Flash attention off (LLAMA_FA=1 turns it on), as our engine computes attention; the KV cache in llama.cpp's
// default F16, which our engine's rounding follows.
const options = {flashAttention: process.env.LLAMA_FA === "1"};

// one context for the per-position probabilities, a fresh one for the greedy continuation
let context = await model.createContext({contextSize: ids.length + generate + 16, batchSize: ids.length,
    threads: 1, sequences: 1, ...options});
const input = ids.map((id) => [id, {generateNext: {probabilities: true}}]);
const sequence = context.getSequence();
const res = await sequence.controlledEvaluate(input);
const topOf = (r) => [...(r?.next?.probabilities ?? new Map()).entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
const positions = res.map(topOf);
// each prompt token alone at position 0 (attention over itself only: the weights' math without the attention's)
const alone = [];
for (const id of ids) {
    await sequence.clearHistory();
    const r = await sequence.controlledEvaluate([[id, {generateNext: {probabilities: true}}]]);
    alone.push(topOf(r[0]));
}
await context.dispose();

context = await model.createContext({contextSize: ids.length + generate + 16, batchSize: ids.length,
    threads: 1, sequences: 1, ...options});
const greedy = [];
for await (const token of context.getSequence().evaluate(ids, {temperature: 0})) {
    greedy.push(token);
    if (greedy.length >= generate) {
        break;
    }
}
await context.dispose();
await model.dispose();
console.log(JSON.stringify({positions, alone, greedy}));

// The llama.cpp contender of InferenceBenchmark: node-llama-cpp's prebuilt llama.cpp on the same GGUF file.
// Usage: node llama-cpp-contender.mjs MODEL THREADS PROMPT_IDS_FILE GENERATE
// Prints one JSON line: load ms, prompt tokens/s (one batch), greedy generation tokens/s, RSS bytes.
import {getLlama} from "node-llama-cpp";
import {readFileSync} from "node:fs";

const [modelPath, threadsArg, idsFile, generateArg] = process.argv.slice(2);
const threads = Number(threadsArg);
const generate = Number(generateArg);
const ids = readFileSync(idsFile, "utf8").trim().split(/\s+/).map(Number);

const llama = await getLlama({gpu: false, build: "never", logLevel: "error"});
const t0 = performance.now();
const model = await llama.loadModel({modelPath, useMmap: true});
const context = await model.createContext({contextSize: ids.length + generate + 16, batchSize: ids.length,
    threads, sequences: 1});
const load = performance.now() - t0;
const seq = context.getSequence();

const p0 = performance.now();
await seq.evaluateWithoutGeneratingNewTokens(ids.slice(0, ids.length - 1));
const promptMs = performance.now() - p0;

let produced = 0;
const g0 = performance.now();
for await (const token of seq.evaluate([ids[ids.length - 1]], {temperature: 0})) {
    produced++;
    if (produced >= generate) {
        break;
    }
}
const genMs = performance.now() - g0;
console.log(JSON.stringify({
    build: llama.buildType, cpu: llama.cpuMathCores,
    loadMs: load, promptTps: (ids.length - 1) / (promptMs / 1000), generationTps: produced / (genMs / 1000),
    rss: process.memoryUsage().rss
}));
await context.dispose();
await model.dispose();

#!/usr/bin/env node
// Runs one ONNX job in onnxruntime-node (CPU) through the shared harness (web/harness/).
//   node web/node/run_ort.mjs job.json
// job.json: { "model": "m.onnx", "inputs": [{ "name", "dtype", "shape", "file" | "data_base64" }],
//             "output_dir": "dir" (optional), "options": { "intraOpNumThreads": n },
//             "backend_options": { k: v } (the run's --backend-option pairs),
//             "protocol": { ... } (optional, web/harness/protocol.mjs; default: one run),
//             "placement": true (log ORT's node placement to stderr from a second session) }
// Relative paths are relative to job.json. With output_dir, each output is written to
// <output_dir>/<index>.bin and <output_dir>/outputs.json lists { name, dtype, shape, file } with
// the timings and samples; without it, outputs.json's content is printed with base64 data.
// onnxruntime-node is loaded from $ACCELBENCH_ORT_NODE_DIR or <repo>/third_party/node.
// Exit codes: 0 ok, 2 bad job, 3 runtime failure (message on stderr).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import { runJob, setByteLoader } from '../harness/ort_harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

function fail(code, msg) {
  process.stderr.write(`run_ort: ${msg}\n`);
  process.exit(code);
}

function loadOrt() {
  const dir = process.env.ACCELBENCH_ORT_NODE_DIR ?? path.resolve(here, '../../third_party/node');
  try {
    return createRequire(path.join(dir, 'package.json'))('onnxruntime-node');
  } catch (e) {
    fail(3, `onnxruntime-node not loadable from ${dir} (run scripts/setup): ${e.message}`);
  }
}

async function main() {
  if (process.argv.length !== 3) fail(2, 'usage: run_ort.mjs job.json');
  const jobPath = path.resolve(process.argv[2]);
  let job;
  try {
    job = JSON.parse(fs.readFileSync(jobPath, 'utf8'));
  } catch (e) {
    fail(2, `cannot read job ${jobPath}: ${e.message}`);
  }
  const base = path.dirname(jobPath);
  const rel = (p) => path.resolve(base, p);
  const inputs = (job.inputs ?? []).map((i) => ({
    name: i.name,
    dtype: i.dtype,
    shape: i.shape,
    bytes: i.file !== undefined ? new Uint8Array(fs.readFileSync(rel(i.file)))
                                : new Uint8Array(Buffer.from(i.data_base64 ?? '', 'base64')),
  }));
  setByteLoader(async (p) => new Uint8Array(await fs.promises.readFile(p)));
  // A model created from bytes finds its external data (<model>.data) relative to the working
  // directory: work in the model's directory.
  process.chdir(path.dirname(rel(job.model)));
  const ort = loadOrt();
  const sessionOptions = { ...(job.options ?? {}) };
  let res;
  try {
    res = await runJob(ort, { models: [rel(job.model)], inputs, sessionOptions,
                              options: job.backend_options ?? {}, protocol: job.protocol });
  } catch (e) {
    fail(3, `onnxruntime-node failed: ${e.message}`);
  }
  if (job.placement) {
    // Operator placement: ORT's verbose "Node placements" lines go to stderr (the caller's log)
    // from a second session, so the measured session creation is not slowed by logging.
    const s = await ort.InferenceSession.create(rel(job.model), { ...sessionOptions,
      logSeverityLevel: 0, logVerbosityLevel: 0 });
    if (s.release) await s.release();
  }
  const m = res.measured;
  const manifest = { runtime: 'onnxruntime-node', version: ort.env?.versions?.node ?? null,
                     session_ms: res.timings.session_create_ms, run_ms: m.firstMs,
                     timings: res.timings, first_ms: m.firstMs, warmup_ms: m.warmupMs,
                     steady_index: m.steadyIndex, samples_ms: m.samplesMs,
                     elapsed_ms: m.elapsedMs, stop: m.stop,
                     peak_rss_mb: process.resourceUsage().maxRSS / 1024, outputs: [] };
  if (job.output_dir) {
    const dir = rel(job.output_dir);
    fs.mkdirSync(dir, { recursive: true });
    res.outputs.forEach((o, k) => {
      const file = `${k}.bin`;
      fs.writeFileSync(path.join(dir, file), o.bytes);
      manifest.outputs.push({ name: o.name, dtype: o.dtype, shape: o.shape, file });
    });
    fs.writeFileSync(path.join(dir, 'outputs.json'), JSON.stringify(manifest));
  } else {
    for (const o of res.outputs)
      manifest.outputs.push({ name: o.name, dtype: o.dtype, shape: o.shape,
                              data_base64: Buffer.from(o.bytes).toString('base64') });
    process.stdout.write(JSON.stringify(manifest) + '\n');
  }
}

main();

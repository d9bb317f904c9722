#!/usr/bin/env node
// Latency of ONNX models in onnxruntime-node (CPU), for the fp32 / int8 QDQ / int4 MatMulNBits
// comparison in the README. Not a ctest test (timings never are): run by hand, e.g.
//   node tests/quant/onnx_quant_bench.mjs --batch 1 --seq 128 --vocab 30522 a.onnx b.onnx
// Inputs (BERT-style): input_ids seeded uniform in [0, vocab), attention_mask 1, token_type_ids
// 0, all int64. Each model: session creation, 3 warm-up runs, then runs until both 20 runs and
// 3 s are reached (at most 60 s); prints one JSON line per model with min/median/p90/mean ms.
// onnxruntime-node is loaded from $ACCELBENCH_ORT_NODE_DIR or <repo>/third_party/node.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = process.env.ACCELBENCH_ORT_NODE_DIR ?? path.resolve(here, '../../third_party/node');
const ort = createRequire(path.join(dir, 'package.json'))('onnxruntime-node');

const args = process.argv.slice(2);
const opt = { batch: 1, seq: 128, vocab: 1000, threads: 0 };
const models = [];
for (let i = 0; i < args.length; ++i) {
  const a = args[i];
  if (a.startsWith('--')) opt[a.slice(2)] = Number(args[++i]);
  else models.push(a);
}

function feeds(session) {
  const n = opt.batch * opt.seq;
  let s = 12345;
  const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const out = {};
  for (const name of session.inputNames) {
    const v = new BigInt64Array(n);
    for (let i = 0; i < n; ++i)
      v[i] = name === 'input_ids' ? BigInt(Math.floor(rnd() * opt.vocab))
                                  : BigInt(name === 'attention_mask' ? 1 : 0);
    out[name] = new ort.Tensor('int64', v, [opt.batch, opt.seq]);
  }
  return out;
}

const q = (xs, p) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))];
for (const m of models) {
  const so = { executionProviders: ['cpu'], graphOptimizationLevel: 'all' };
  if (opt.threads) so.intraOpNumThreads = opt.threads;
  let t0 = performance.now();
  const session = await ort.InferenceSession.create(m, so);
  const sessionMs = performance.now() - t0;
  const f = feeds(session);
  for (let i = 0; i < 3; ++i) await session.run(f);
  const samples = [];
  const start = performance.now();
  while ((samples.length < 20 || performance.now() - start < 3000) &&
         performance.now() - start < 60000) {
    t0 = performance.now();
    await session.run(f);
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  const bytes = fs.statSync(m).size + (fs.existsSync(m + '.data') ? fs.statSync(m + '.data').size : 0);
  console.log(JSON.stringify({
    model: path.basename(m), bytes, runtime: `onnxruntime-node ${ort.env.versions?.node ?? ''}`,
    batch: opt.batch, seq: opt.seq, session_ms: +sessionMs.toFixed(1), runs: samples.length,
    min_ms: +samples[0].toFixed(3), median_ms: +q(samples, 0.5).toFixed(3),
    p90_ms: +q(samples, 0.9).toFixed(3),
    mean_ms: +(samples.reduce((a, b) => a + b, 0) / samples.length).toFixed(3),
  }));
  if (session.release) await session.release();
}

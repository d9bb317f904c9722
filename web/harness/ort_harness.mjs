// ONNX Runtime execution harness in plain JavaScript: the same code runs under Node with
// onnxruntime-node (web/node/run_ort.mjs) and in the browser with onnxruntime-web. It never
// imports a runtime itself: the caller passes the `ort` module. No Node-only APIs here.
//
// A job is { model, inputs: [{ name, dtype, shape, bytes: Uint8Array }], options }; tensor bytes
// are little-endian, row-major. The protocol with warm-up and stop rules belongs to the browser
// harness; for now a job is run once (plus session creation) and its outputs are returned.

export const TYPED_ARRAYS = {
  float32: Float32Array,
  float16: Uint16Array,  // IEEE half bits
  int64: BigInt64Array,
  int32: Int32Array,
  bool: Uint8Array,
  uint8: Uint8Array,
};

function now() {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

// An ort.Tensor from little-endian bytes (copied into an aligned buffer).
export function makeTensor(ort, dtype, shape, bytes) {
  const Ctor = TYPED_ARRAYS[dtype];
  if (!Ctor) throw new Error(`unsupported input dtype '${dtype}'`);
  const n = shape.reduce((a, b) => a * b, 1);
  if (bytes.byteLength !== n * Ctor.BYTES_PER_ELEMENT)
    throw new Error(`input of shape [${shape}] ${dtype} needs ${n * Ctor.BYTES_PER_ELEMENT} bytes, got ${bytes.byteLength}`);
  const buf = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(buf).set(bytes);
  return new ort.Tensor(dtype, new Ctor(buf), shape);
}

// The bytes of an output tensor (a view, no copy).
export function tensorBytes(t) {
  const d = t.data;
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
}

export async function createSession(ort, model, options = {}) {
  const so = {
    executionProviders: options.executionProviders ?? ['cpu'],
    graphOptimizationLevel: options.graphOptimizationLevel ?? 'all',
  };
  if (options.intraOpNumThreads) so.intraOpNumThreads = options.intraOpNumThreads;
  if (options.externalData) so.externalData = options.externalData;  // browser: [{ path, data }]
  return ort.InferenceSession.create(model, so);
}

export async function runOnce(session, feeds) {
  const t0 = now();
  const outputs = await session.run(feeds);
  return { outputs, runMs: now() - t0 };
}

// Creates a session, runs the job once and returns
// { outputs: [{ name, dtype, shape, bytes }], sessionMs, runMs }.
export async function runJob(ort, job) {
  const t0 = now();
  const session = await createSession(ort, job.model, job.options ?? {});
  const sessionMs = now() - t0;
  const feeds = {};
  for (const inp of job.inputs) feeds[inp.name] = makeTensor(ort, inp.dtype, inp.shape, inp.bytes);
  const { outputs, runMs } = await runOnce(session, feeds);
  const out = [];
  for (const name of session.outputNames) {
    const t = outputs[name];
    out.push({ name, dtype: t.type, shape: Array.from(t.dims, Number), bytes: tensorBytes(t) });
  }
  if (session.release) await session.release();
  return { outputs: out, sessionMs, runMs };
}

// The measurement protocol (same rules as src/runner's harness), given by the caller:
//   { warmup: n (runs after the first, untimed for statistics), min_iterations, min_time_ms,
//     budget_ms (measured time after which it stops anyway), max_iterations }
// Returns { firstMs, warmupMs: [...], samplesMs: [...], stop: 'converged'|'budget'|'max' }.
// The first inference is timed on its own (it includes shader compilation on WebGPU).
export async function runProtocol(session, feeds, protocol = {}) {
  const warmup = protocol.warmup ?? 1;
  const minIt = Math.max(1, protocol.min_iterations ?? 3);
  const minTime = protocol.min_time_ms ?? 0;
  const budget = protocol.budget_ms ?? 10000;
  const maxIt = protocol.max_iterations ?? 1000;
  const first = await runOnce(session, feeds);
  const warmupMs = [];
  for (let k = 0; k < warmup; ++k) warmupMs.push((await runOnce(session, feeds)).runMs);
  const samplesMs = [];
  let total = 0, stop = 'max', last = first.outputs;
  while (samplesMs.length < maxIt) {
    const r = await runOnce(session, feeds);
    samplesMs.push(r.runMs);
    total += r.runMs;
    last = r.outputs;
    if (samplesMs.length >= minIt && total >= minTime) { stop = 'converged'; break; }
    if (total >= budget) { stop = 'budget'; break; }
  }
  return { firstMs: first.runMs, warmupMs, samplesMs, stop, outputs: last };
}

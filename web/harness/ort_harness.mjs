// ONNX Runtime execution harness in plain JavaScript: the same code runs under Node with
// onnxruntime-node (web/node/run_ort.mjs) and in the browser with onnxruntime-web
// (browser_page.mjs). It never imports a runtime itself: the caller passes the `ort` module.
// No Node-only APIs here (Node installs its file reader with setByteLoader).
//
// Session creation lives in ONE function, createSessions (the web optimizations of issue 6
// change its body: shader precompilation, parallel loading); the measurement protocol is
// protocol.mjs (the native harness's rules).
import { measure } from './protocol.mjs';

export const TYPED_ARRAYS = {
  float32: Float32Array,
  float16: Uint16Array,  // IEEE half bits
  int64: BigInt64Array,
  int32: Int32Array,
  bool: Uint8Array,
  uint8: Uint8Array,
};

export function now() {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

// How bytes are fetched: fetch() in the browser; Node replaces it with a file reader.
let byteLoader = async (url) => {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`fetch ${url}: HTTP ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
};
export function setByteLoader(fn) {
  byteLoader = fn;
}
export function loadBytes(url) {
  return byteLoader(url);
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

// ORT session options from the harness's generic ones.
export function sessionOptionsFrom(o = {}) {
  const so = {
    executionProviders: o.executionProviders ?? ['cpu'],
    graphOptimizationLevel: o.graphOptimizationLevel ?? 'all',
  };
  if (o.intraOpNumThreads) so.intraOpNumThreads = o.intraOpNumThreads;
  if (o.logSeverityLevel !== undefined) so.logSeverityLevel = o.logSeverityLevel;
  if (o.enableProfiling) so.enableProfiling = true;
  if (o.freeDimensionOverrides) so.freeDimensionOverrides = o.freeDimensionOverrides;
  return so;
}

// Creates one ONNX Runtime session per model, in order, and returns them (an array).
//   modelUrls: [url | { url, externalData: [{ path, url }] }] (browser: URLs; Node: file paths)
//   sessionOptions: passed to ort.InferenceSession.create (externalData is added per model)
//   options: the run's --backend-option key=value pairs ({} when none), e.g.
//            { shader_precompile: 'on'|'off', parallel_load: 'on'|'off' }
//   timings: filled here and stored by the caller as result metrics:
//            fetch_ms (model bytes), session_create_ms (InferenceSession.create), ...
// Sequential fetch and creation; the web optimizations (issue 6) change this body.
export async function createSessions(ort, modelUrls, sessionOptions, options, timings) {
  // Issue 6: shader_precompile (warm-up on dummy inputs inside creation, graph_capture) and
  // parallel_load (sessions created concurrently) live in web_optimizations.mjs.
  const { createSessionsWithSwitches } = await import('./web_optimizations.mjs');
  return createSessionsWithSwitches(ort, modelUrls, sessionOptions, options ?? {}, timings,
                                    { loadBytes, now });
}

// Feeds from [{ name, dtype, shape, bytes }].
export function makeFeeds(ort, inputs) {
  const feeds = {};
  for (const i of inputs) feeds[i.name] = makeTensor(ort, i.dtype, i.shape, i.bytes);
  return feeds;
}

// The outputs of a run as [{ name, dtype, shape, bytes }] in the session's output order.
export function outputList(session, outputs) {
  return session.outputNames.map((name) => {
    const t = outputs[name];
    return { name, dtype: t.type, shape: Array.from(t.dims, Number), bytes: tensorBytes(t) };
  });
}

// Runs `session` on `feeds` under the measurement protocol (protocol.mjs). Returns the
// protocol's times plus the outputs of the last run.
export async function runProtocol(session, feeds, protocol = {}) {
  let last = null;
  const r = await measure(async () => { last = await session.run(feeds); }, protocol, now);
  return { ...r, outputs: last };
}

// Creates the session, runs the job under `protocol` (default: once, no warm-up) and returns
// { outputs: [{ name, dtype, shape, bytes }], timings, measured }.
//   job: { models: [url|path|{url, externalData}], inputs: [{ name, dtype, shape, bytes }],
//          sessionOptions, options, protocol }
export async function runJob(ort, job) {
  const timings = {};
  const [session] = await createSessions(ort, job.models, sessionOptionsFrom(job.sessionOptions),
                                         job.options ?? {}, timings);
  const feeds = makeFeeds(ort, job.inputs);
  const protocol = job.protocol ?? { warmup: 0, min_iterations: 1, min_time_ms: 0, ci_target: 0,
                                     max_iterations: 1 };
  const measured = await runProtocol(session, feeds, protocol);
  const outputs = outputList(session, measured.outputs);
  delete measured.outputs;
  if (job.sessionOptions?.enableProfiling && session.endProfiling)
    timings.profile_file = await session.endProfiling();
  if (session.release) await session.release();
  return { outputs, timings, measured };
}

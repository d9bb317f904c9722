// The browser side of src/backends/browser: fetches /job.json, does what it says and POSTs
// { ok, ... } or { ok: false, error } to /result. Jobs:
//   { kind: 'probe', webnn_device_types: [...] }  -> what this browser offers (probe.mjs)
//   { kind: 'onnx', model_url, external_data: [{ path, url }], inputs: [{ name, dtype, shape, url }],
//     ep: 'wasm'|'webgpu'|'webnn', webnn_device_type, threads, precision, protocol (protocol.mjs),
//     options (--backend-option pairs, handed to createSessions) }  -> timings, samples, outputs
import { createSessions, loadBytes, makeFeeds, outputList, runProtocol, sessionOptionsFrom }
  from './ort_harness.mjs';
import { probe } from './probe.mjs';

let answered = false;

async function answer(obj) {
  if (answered) return;
  answered = true;
  await fetch('/result', { method: 'POST', headers: { 'Content-Type': 'application/json' },
                           body: JSON.stringify(obj) });
}

// A model or input too large for what the browser can give (wasm32: 4 GiB of linear memory;
// the browser's own caps) surfaces as one of these; the stored reason then starts with
// "out of memory: " followed by the browser's / runtime's own message.
const OOM = /bad_alloc|out of memory|Cannot enlarge memory|Aborted\(OOM\)|Array buffer allocation failed|Maximum memory size exceeded|WebAssembly\.Memory\(\): could not allocate|Failed to allocate/i;

function fail(e) {
  const msg = String(e?.message ?? e);
  return answer({ ok: false, error: OOM.test(msg) ? `out of memory: ${msg}` : msg });
}

function toBase64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

// ONNX Runtime's "Node placements" lines (which EP runs how many nodes) come through console.*
// (the WASM module binds console at its start, so the hook is installed before ORT loads) from a
// second, untimed session created with verbose logging.
const placementLines = [];
let capturing = false;
function hookConsole() {
  for (const k of ['log', 'info', 'warn', 'error', 'debug']) {
    const orig = console[k].bind(console);
    console[k] = (...args) => {
      if (capturing) {  // verbose session logs: keep the placement lines, drop the flood
        const text = args.map(String).join(' ');
        if (/placed on \[|Node placements/.test(text)) placementLines.push(text);
        return;
      }
      orig(...args);
    };
  }
}

async function placementLog(ort, models, sessionOptions) {
  capturing = true;
  try {
    const [s] = await createSessions(ort, models, { ...sessionOptions, logSeverityLevel: 0,
                                                    logVerbosityLevel: 0 }, {}, {});
    if (s.release) await s.release();
  } catch (e) {
    placementLines.push(`placement session failed: ${e?.message ?? e}`);
  } finally {
    capturing = false;
  }
  return placementLines.join('\n');
}

async function runOnnx(job) {
  if (job.placement) hookConsole();
  const ort = await import('/ort/ort.all.min.mjs');
  ort.env.wasm.wasmPaths = '/ort/';
  // The environment's logger is created with the first session, so the placement session (verbose)
  // runs first, untimed; logging goes back to warnings before the measured session is created.
  const threads = job.threads > 0 ? job.threads : (navigator.hardwareConcurrency || 1);
  ort.env.wasm.numThreads = crossOriginIsolated ? threads : 1;
  const options = job.options ?? {};
  const meta = { user_agent: navigator.userAgent, cross_origin_isolated: crossOriginIsolated,
                 hardware_concurrency: navigator.hardwareConcurrency,
                 wasm_threads: ort.env.wasm.numThreads, ort_version: ort.env.versions?.web ?? null,
                 ep: job.ep, options };
  if (job.ep === 'webgpu') {
    if (!navigator.gpu) throw new Error('navigator.gpu is missing (WebGPU not exposed)');
    const adapter = await navigator.gpu.requestAdapter();
    if (!adapter) throw new Error('navigator.gpu.requestAdapter() returned null');
    const info = adapter.info ?? {};
    meta.adapter = { vendor: info.vendor ?? '', architecture: info.architecture ?? '',
                     device: info.device ?? '', description: info.description ?? '',
                     fallback: Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter),
                     features: Array.from(adapter.features ?? []).sort() };
    meta.adapter.software = meta.adapter.fallback || /swiftshader|llvmpipe|lavapipe/i.test(
        `${meta.adapter.architecture} ${meta.adapter.vendor} ${meta.adapter.description}`);
    if (job.precision === 'fp16' && !meta.adapter.features.includes('shader-f16'))
      throw new Error(`unsupported: fp16 on webgpu needs the adapter feature shader-f16, which ${meta.adapter.architecture || 'this adapter'} lacks`);
  }
  let ep = job.ep;
  if (job.ep === 'webnn') {
    if (!navigator.ml) throw new Error('unavailable: navigator.ml is missing (WebNN not exposed)');
    try {
      await navigator.ml.createContext({ deviceType: job.webnn_device_type ?? 'cpu' });
    } catch (e) {
      throw new Error(`unavailable: ${e?.message ?? e}`);
    }
    ep = { name: 'webnn', deviceType: job.webnn_device_type ?? 'cpu' };
  }
  // The warm-up inside session creation (shader_precompile) runs on the job's real input shapes.
  const models = [{ url: job.model_url, externalData: job.external_data ?? [],
                    inputs: job.inputs.map((i) => ({ name: i.name, dtype: i.dtype, shape: i.shape })) }];
  const timings = {};
  const sessionOptions = sessionOptionsFrom({ executionProviders: [ep],
                                              logSeverityLevel: job.log_severity_level });
  if (job.placement) {
    ort.env.logLevel = 'verbose';
    meta.placement_log = await placementLog(ort, models, sessionOptions);
    ort.env.logLevel = 'warning';
  }
  const t0 = performance.now();
  const [session] = await createSessions(ort, models, sessionOptions, options, timings);
  meta.load_ms = performance.now() - t0;
  let t1 = performance.now();
  const inputs = [];
  for (const i of job.inputs) inputs.push({ ...i, bytes: await loadBytes(i.url) });
  meta.input_fetch_ms = performance.now() - t1;
  const r = await runProtocol(session, makeFeeds(ort, inputs), job.protocol ?? {});
  const outputs = outputList(session, r.outputs).map((o) => (
    { name: o.name, dtype: o.dtype, shape: o.shape, data_base64: toBase64(o.bytes) }));
  if (session.release) await session.release();
  meta.fetch_ms = timings.fetch_ms;
  meta.session_ms = timings.session_create_ms;
  return { ok: true, meta, timings, first_ms: r.firstMs, warmup_ms: r.warmupMs,
           steady_index: r.steadyIndex, samples_ms: r.samplesMs, elapsed_ms: r.elapsedMs,
           stop: r.stop, outputs };
}

// Many models in one browser (parity tests): each item's session is created, run once and
// released; a failing item is reported with its error and the next one runs.
//   { kind: 'onnx_batch', ep, threads, items: [{ name, model_url, external_data, inputs }] }
async function runOnnxBatch(job) {
  const ort = await import('/ort/ort.all.min.mjs');
  ort.env.wasm.wasmPaths = '/ort/';
  const threads = job.threads > 0 ? job.threads : (navigator.hardwareConcurrency || 1);
  ort.env.wasm.numThreads = crossOriginIsolated ? threads : 1;
  const sessionOptions = sessionOptionsFrom({ executionProviders: [job.ep] });
  const results = [];
  for (const item of job.items) {
    try {
      const timings = {};
      const [session] = await createSessions(
          ort, [{ url: item.model_url, externalData: item.external_data ?? [] }], sessionOptions,
          job.options ?? {}, timings);
      const inputs = [];
      for (const i of item.inputs) inputs.push({ ...i, bytes: await loadBytes(i.url) });
      const t0 = performance.now();
      const out = await session.run(makeFeeds(ort, inputs));
      const runMs = performance.now() - t0;
      const outputs = outputList(session, out).map((o) => (
        { name: o.name, dtype: o.dtype, shape: o.shape, data_base64: toBase64(o.bytes) }));
      if (session.release) await session.release();
      results.push({ name: item.name, ok: true, timings, run_ms: runMs, outputs });
    } catch (e) {
      results.push({ name: item.name, ok: false, error: String(e?.message ?? e) });
    }
  }
  return { ok: true, meta: { user_agent: navigator.userAgent, wasm_threads: ort.env.wasm.numThreads,
                             cross_origin_isolated: crossOriginIsolated, ep: job.ep }, results };
}

async function main() {
  const job = await (await fetch('/job.json')).json();
  if (job.kind === 'onnx_batch') return answer(await runOnnxBatch(job));
  if (job.kind === 'probe') return answer({ ok: true, probe: await probe(job) });
  if (job.kind === 'onnx') return answer(await runOnnx(job));
  throw new Error(`unknown job kind '${job.kind}'`);
}

window.addEventListener('error', (e) => fail(e.error ?? e.message));
window.addEventListener('unhandledrejection', (e) => fail(e.reason));
main().catch(fail);

// The browser side of src/backends/browser: fetches /job.json, does what it says and POSTs
// { ok, ... } or { ok: false, error } to /result. Jobs:
//   { kind: 'probe', webnn_device_types: [...] }  -> what this browser offers (probe.mjs)
//   { kind: 'onnx', model_url, external_data: [{ path, url }], inputs: [{ name, dtype, shape, url }],
//     ep: 'wasm'|'webgpu'|'webnn', webnn_device_type, threads, protocol }  -> samples + outputs
import { makeTensor, tensorBytes, createSession, runProtocol } from './ort_harness.mjs';
import { probe } from './probe.mjs';

const now = () => performance.now();
let answered = false;

async function answer(obj) {
  if (answered) return;
  answered = true;
  await fetch('/result', { method: 'POST', headers: { 'Content-Type': 'application/json' },
                           body: JSON.stringify(obj) });
}

function fail(e) {
  return answer({ ok: false, error: String(e?.message ?? e) });
}

function toBase64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

async function fetchBytes(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`fetch ${url}: HTTP ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

async function runOnnx(job) {
  const ort = await import('/ort/ort.all.min.mjs');
  ort.env.wasm.wasmPaths = '/ort/';
  const threads = job.threads > 0 ? job.threads : (navigator.hardwareConcurrency || 1);
  ort.env.wasm.numThreads = crossOriginIsolated ? threads : 1;
  const meta = { user_agent: navigator.userAgent, cross_origin_isolated: crossOriginIsolated,
                 hardware_concurrency: navigator.hardwareConcurrency,
                 wasm_threads: ort.env.wasm.numThreads, ort_version: ort.env.versions?.web ?? null,
                 ep: job.ep };
  if (job.ep === 'webgpu') {
    if (!navigator.gpu) throw new Error('navigator.gpu is missing (WebGPU not exposed)');
    const adapter = await navigator.gpu.requestAdapter();
    if (!adapter) throw new Error('navigator.gpu.requestAdapter() returned null');
    const info = adapter.info ?? {};
    meta.adapter = { vendor: info.vendor ?? '', architecture: info.architecture ?? '',
                     device: info.device ?? '', description: info.description ?? '',
                     fallback: Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter) };
    meta.adapter.software = meta.adapter.fallback || /swiftshader|llvmpipe|lavapipe/i.test(
        `${meta.adapter.architecture} ${meta.adapter.vendor} ${meta.adapter.description}`);
  }
  let t0 = now();
  const model = await fetchBytes(job.model_url);
  const externalData = [];
  for (const d of job.external_data ?? []) externalData.push({ path: d.path, data: await fetchBytes(d.url) });
  const inputs = [];
  for (const i of job.inputs) inputs.push({ ...i, bytes: await fetchBytes(i.url) });
  meta.fetch_ms = now() - t0;
  let ep = job.ep;
  if (job.ep === 'webnn') ep = { name: 'webnn', deviceType: job.webnn_device_type ?? 'cpu' };
  t0 = now();
  const session = await createSession(ort, model, {
    executionProviders: [ep], externalData: externalData.length ? externalData : undefined });
  meta.session_ms = now() - t0;
  const feeds = {};
  for (const i of inputs) feeds[i.name] = makeTensor(ort, i.dtype, i.shape, i.bytes);
  const r = await runProtocol(session, feeds, job.protocol ?? {});
  const outputs = [];
  for (const name of session.outputNames) {
    const t = r.outputs[name];
    outputs.push({ name, dtype: t.type, shape: Array.from(t.dims, Number),
                   data_base64: toBase64(tensorBytes(t)) });
  }
  if (session.release) await session.release();
  return { ok: true, meta, first_ms: r.firstMs, warmup_ms: r.warmupMs, samples_ms: r.samplesMs,
           stop: r.stop, outputs };
}

async function main() {
  const job = await (await fetch('/job.json')).json();
  if (job.kind === 'probe') return answer({ ok: true, probe: await probe(job) });
  if (job.kind === 'onnx') return answer(await runOnnx(job));
  throw new Error(`unknown job kind '${job.kind}'`);
}

window.addEventListener('error', (e) => fail(e.error ?? e.message));
window.addEventListener('unhandledrejection', (e) => fail(e.reason));
main().catch(fail);

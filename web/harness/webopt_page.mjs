// The web-optimization page of src/backends/browser/webopt_* and mel_*: fetches /job.json and
// POSTs { ok, ... } or { ok: false, error } to /result. Jobs:
//   { kind: 'webopt', ep, threads, options: { shader_precompile, parallel_load, graph_capture },
//     protocol, components: [{ name, model_url, inputs: [{ name, dtype, shape }], outputs }],
//     inputs: [{ name, dtype, shape, url }], outputs: [names] }
//       -> load/first-inference timings (web_optimizations.mjs), samples, outputs
//   { kind: 'mel', front: 'log_mel'|'normalize', mel: { sample_rate, n_fft, ... }, batch, samples,
//     wave_url, frontends: ['webgpu', 'wasm'], workgroup: 'auto'|'XxYx1', iters }
//       -> per front end: median/samples, output, autotuner trials (mel_frontend.mjs)
import { makeTensor, runProtocol, tensorBytes } from './ort_harness.mjs';
import { createSessions } from './web_optimizations.mjs';
import { CpuFrontEnd, WebGpuFrontEnd, WORKGROUP_SHAPES, autotune, parseWorkgroup, timeRuns }
  from './mel_frontend.mjs';

const now = () => performance.now();
let answered = false;

async function answer(obj) {
  if (answered) return;
  answered = true;
  await fetch('/result', { method: 'POST', headers: { 'Content-Type': 'application/json' },
                           body: JSON.stringify(obj) });
}
const fail = (e) => answer({ ok: false, error: String(e?.message ?? e) });

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

async function adapterInfo(adapter) {
  const info = adapter.info ?? {};
  const a = { vendor: info.vendor ?? '', architecture: info.architecture ?? '',
              device: info.device ?? '', description: info.description ?? '',
              fallback: Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter) };
  a.software = a.fallback || /swiftshader|llvmpipe|lavapipe/i.test(`${a.architecture} ${a.vendor} ${a.description}`);
  return a;
}

async function gpuAdapter() {
  if (!navigator.gpu) throw new Error('navigator.gpu is missing (WebGPU not exposed)');
  const adapter = await navigator.gpu.requestAdapter();
  if (!adapter) throw new Error('navigator.gpu.requestAdapter() returned null');
  return adapter;
}

async function runWebOpt(job) {
  const ort = await import('/ort/ort.all.min.mjs');
  ort.env.wasm.wasmPaths = '/ort/';
  const threads = job.threads > 0 ? job.threads : (navigator.hardwareConcurrency || 1);
  ort.env.wasm.numThreads = crossOriginIsolated ? threads : 1;
  const meta = { user_agent: navigator.userAgent, cross_origin_isolated: crossOriginIsolated,
                 wasm_threads: ort.env.wasm.numThreads, ort_version: ort.env.versions?.web ?? null,
                 ep: job.ep };
  if (job.ep === 'webgpu') meta.adapter = await adapterInfo(await gpuAdapter());
  let t0 = now();
  const components = [];
  for (const c of job.components) components.push({ ...c, model: await fetchBytes(c.model_url) });
  const feeds = {};
  for (const i of job.inputs) feeds[i.name] = makeTensor(ort, i.dtype, i.shape, await fetchBytes(i.url));
  meta.fetch_ms = now() - t0;
  const timings = {};
  const pipelined = String(job.options?.parallel_load ?? 'off') === 'on';
  const model = await createSessions(ort, components, { executionProviders: [job.ep] },
                                     job.options ?? {}, timings, pipelined ? feeds : null);
  delete timings.first_outputs;
  // The measured loop runs the whole pipeline (every component) per iteration.
  const r = await runProtocol({ run: (f) => model.run(f) }, feeds, job.protocol ?? {});
  if (!pipelined) timings.first_pipeline_ms = timings.load_ms + r.firstMs;
  const outputs = [];
  for (const name of job.outputs) {
    const t = r.outputs[name];
    if (!t) throw new Error(`no component produced output '${name}'`);
    outputs.push({ name, dtype: t.type, shape: Array.from(t.dims, Number),
                   data_base64: toBase64(tensorBytes(t)) });
  }
  await model.release();
  return { ok: true, meta, timings, first_ms: r.firstMs, warmup_ms: r.warmupMs,
           samples_ms: r.samplesMs, stop: r.stop, outputs };
}

async function runMel(job) {
  const meta = { user_agent: navigator.userAgent };
  const wave = new Float32Array((await fetchBytes(job.wave_url)).slice().buffer);
  const { batch, samples } = job;
  if (wave.length !== batch * samples) throw new Error(`wave has ${wave.length} samples, expected ${batch * samples}`);
  const iters = job.iters ?? 5;
  const kind = job.front ?? 'log_mel';
  const out = {};
  for (const fe of job.frontends ?? ['webgpu', 'wasm']) {
    if (fe === 'wasm') {
      const cpu = new CpuFrontEnd(job.mel);
      let result;
      const r = await timeRuns(async () => { result = cpu.run(kind, wave, batch, samples); }, iters);
      out.wasm = { median_ms: r.median, samples_ms: r.samples,
                   data_base64: toBase64(new Uint8Array(result.buffer)) };
    } else if (fe === 'webgpu') {
      const adapter = await gpuAdapter();
      meta.adapter = await adapterInfo(adapter);
      const device = await adapter.requestDevice();
      const shader = await (await fetch(new URL('./mel.wgsl', import.meta.url))).text();
      const g = { autotune: null };
      let wg;
      if ((job.workgroup ?? 'auto') === 'auto') {
        const shapes = (job.shapes ?? WORKGROUP_SHAPES.map((s) => `${s[0]}x${s[1]}x1`)).map(parseWorkgroup);
        g.autotune = await autotune(device, shader, job.mel, kind, wave, batch, samples, shapes, iters);
        wg = parseWorkgroup(g.autotune.best);
      } else {
        wg = parseWorkgroup(job.workgroup);
      }
      const gpu = new WebGpuFrontEnd(device, shader, job.mel, wg);
      let result;
      const r = await timeRuns(async () => { result = await gpu.run(kind, wave, batch, samples); }, iters);
      gpu.destroy();
      device.destroy();
      out.webgpu = { median_ms: r.median, samples_ms: r.samples, workgroup: `${wg[0]}x${wg[1]}x1`, kernel: gpu.kernel,
                     autotune: g.autotune, data_base64: toBase64(new Uint8Array(result.buffer)) };
    } else {
      throw new Error(`audio_frontend '${fe}': expected webgpu or wasm`);
    }
  }
  return { ok: true, meta, frontends: out };
}

async function main() {
  const job = await (await fetch('/job.json')).json();
  if (job.kind === 'webopt') return answer(await runWebOpt(job));
  if (job.kind === 'mel') return answer(await runMel(job));
  throw new Error(`unknown job kind '${job.kind}'`);
}

window.addEventListener('error', (e) => fail(e.error ?? e.message));
window.addEventListener('unhandledrejection', (e) => fail(e.reason));
main().catch(fail);

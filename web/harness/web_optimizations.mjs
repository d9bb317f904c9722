// Two of the three web optimizations (issue 6), each a switch in the job's `options`:
//   shader_precompile=on|off  WebGPU: a warm-up run on dummy inputs of the real shapes inside
//                             session creation (and, with graph_capture=on, onnxruntime-web's
//                             enableGraphCapture), so the first real inference pays no shader
//                             compilation. The warm-up time is part of the load time.
//   parallel_load=on|off      Components of a multimodal model (one ONNX model each): create the
//                             sessions concurrently and start a component's inference as soon as
//                             its session and its inputs are ready; off = one after another, then
//                             run. The third optimization (the WGSL audio front end) is mel_*.mjs.
// Plain JavaScript, no Node-only APIs: the caller passes the `ort` module.
import { makeTensor, TYPED_ARRAYS } from './ort_harness.mjs';

const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

export function switchOn(options, key, dflt = 'off') {
  const v = String(options?.[key] ?? dflt).toLowerCase();
  if (!['on', 'off', 'true', 'false', '1', '0'].includes(v))
    throw new Error(`option ${key}=${v}: expected on or off`);
  return v === 'on' || v === 'true' || v === '1';
}

// Zero-filled feeds of the real shapes and dtypes: [{ name, dtype, shape }].
export function dummyFeeds(ort, specs) {
  const feeds = {};
  for (const s of specs) {
    const Ctor = TYPED_ARRAYS[s.dtype];
    if (!Ctor) throw new Error(`unsupported input dtype '${s.dtype}'`);
    const n = s.shape.reduce((a, b) => a * b, 1);
    feeds[s.name] = makeTensor(ort, s.dtype, s.shape, new Uint8Array(n * Ctor.BYTES_PER_ELEMENT));
  }
  return feeds;
}

// InferenceSession.create with enableGraphCapture when asked; onnxruntime-web refuses graph
// capture unless every node runs on the WebGPU EP, and then the session is created without it
// (timings: graph_capture true/false, graph_capture_error, graph_capture_attempt_ms).
async function createWithGraphCapture(ort, model, so, graphCapture, timings) {
  timings.graph_capture = false;
  if (graphCapture) {
    const t0 = now();
    try {
      const s = await ort.InferenceSession.create(model, { ...so, enableGraphCapture: true });
      timings.graph_capture = true;
      return s;
    } catch (e) {
      timings.graph_capture_error = String(e?.message ?? e);
      timings.graph_capture_attempt_ms = now() - t0;
    }
  }
  return ort.InferenceSession.create(model, so);
}

// Creates one session; with shader_precompile on, runs it once on dummy inputs (`specs`) before
// returning. timings gets { create_ms, precompile_ms, graph_capture }.
export async function createOneSession(ort, model, sessionOptions, options, specs, timings) {
  const precompile = switchOn(options, 'shader_precompile');
  const graphCapture = precompile && switchOn(options, 'graph_capture');
  let t0 = now();
  const session = await createWithGraphCapture(ort, model, { ...sessionOptions }, graphCapture, timings);
  timings.create_ms = now() - t0 - (timings.graph_capture_attempt_ms ?? 0);
  if (precompile) {
    t0 = now();
    const out = await session.run(dummyFeeds(ort, specs));
    for (const t of Object.values(out)) t.dispose?.();
    timings.precompile_ms = now() - t0;
  }
  return session;
}

// Component models of one model: components = [{ name, model, inputs: [spec], outputs: [names] }]
// where each input spec { name, dtype, shape } is a graph input or another component's output.
// Returns { sessions: { name: session }, run(feeds) -> all outputs by name }, with timings:
//   load_ms (all sessions ready), components: { name: { create_ms, precompile_ms, ready_ms } }.
// With parallel_load on and `firstFeeds` given, the first pipeline run starts while the
// sessions load (each component as soon as it can) and timings.first_pipeline_ms is the time
// from the start of loading until every output of that first run exists.
export async function createSessions(ort, components, sessionOptions, options, timings,
                                     firstFeeds = null) {
  const parallel = switchOn(options, 'parallel_load');
  timings.parallel_load = parallel;
  timings.shader_precompile = switchOn(options, 'shader_precompile');
  timings.components = {};
  const sessions = {};
  const t0 = now();
  const load = async (c) => {
    const ct = {};
    timings.components[c.name] = ct;
    sessions[c.name] = await createOneSession(ort, c.model, sessionOptions, options, c.inputs, ct);
    ct.ready_ms = now() - t0;
    return sessions[c.name];
  };
  let first = null;
  if (parallel) {
    const ready = {};
    for (const c of components) ready[c.name] = load(c);
    if (firstFeeds) first = runPipeline(components, (n) => ready[n], firstFeeds);
    await Promise.all(Object.values(ready));
  } else {
    for (const c of components) await load(c);
  }
  timings.load_ms = now() - t0;
  if (firstFeeds) {
    if (!first) first = runPipeline(components, (n) => Promise.resolve(sessions[n]), firstFeeds);
    timings.first_outputs = await first;
    timings.first_pipeline_ms = now() - t0;
  }
  return {
    sessions,
    run: (feeds) => runPipeline(components, (n) => Promise.resolve(sessions[n]), feeds),
    release: async () => {
      for (const s of Object.values(sessions)) if (s.release) await s.release();
    },
  };
}

// Runs every component as soon as its session (sessionOf(name) -> Promise) and its inputs exist.
async function runPipeline(components, sessionOf, feeds) {
  const values = {};
  const waiters = {};
  const produced = (name) => {
    if (name in feeds) return Promise.resolve(feeds[name]);
    if (!waiters[name]) {
      let resolve;
      const p = new Promise((r) => { resolve = r; });
      waiters[name] = { p, resolve };
    }
    return waiters[name].p;
  };
  const runOne = async (c) => {
    const session = await sessionOf(c.name);
    const f = {};
    for (const i of c.inputs) f[i.name] = await produced(i.name);
    const out = await session.run(f);
    for (const [k, v] of Object.entries(out)) {
      values[k] = v;
      produced(k);
      waiters[k].resolve(v);
    }
  };
  await Promise.all(components.map(runOne));
  return values;
}

// Input specs for the warm-up: the model entry's `inputs` ([{ name, dtype, shape }], the real
// shapes) when the caller gives them, else the session's inputMetadata with symbolic dims taken
// from options.dims ({ batch: 1, seq: 128 }) or 1.
export function warmupSpecs(session, spec, options) {
  if (spec.inputs?.length) return spec.inputs.map((i) => ({ name: i.name, dtype: i.dtype, shape: i.shape }));
  const dims = options?.dims ?? {};
  return (session.inputMetadata ?? []).filter((m) => m.isTensor).map((m) => ({
    name: m.name, dtype: m.type,
    shape: m.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : Number(dims[d] ?? 1))) }));
}

// The body of ort_harness.mjs createSessions (run's path): one session per model entry, in
// order, with the switches. deps = { loadBytes, now }. timings gets fetch_ms,
// session_create_ms (wall time of creating them all, warm-up included), precompile_ms,
// parallel_load, shader_precompile and per_model [{ create_ms, precompile_ms, ready_ms,
// warmup_shapes: { input: shape } (the shapes the warm-up ran on) }].
export async function createSessionsWithSwitches(ort, modelUrls, sessionOptions, options, timings, deps) {
  const parallel = switchOn(options, 'parallel_load');
  const precompile = switchOn(options, 'shader_precompile');
  const graphCapture = precompile && switchOn(options, 'graph_capture');
  timings.parallel_load = parallel;
  timings.shader_precompile = precompile;
  timings.fetch_ms = timings.fetch_ms ?? 0;
  timings.session_create_ms = timings.session_create_ms ?? 0;
  timings.per_model = [];
  const t0 = deps.now();
  const one = async (m, k) => {
    const spec = typeof m === 'string' ? { url: m } : m;
    const pm = {};
    timings.per_model[k] = pm;
    let t = deps.now();
    const model = await deps.loadBytes(spec.url);
    const externalData = [];
    for (const d of spec.externalData ?? [])
      externalData.push({ path: d.path, data: await deps.loadBytes(d.url) });
    pm.fetch_ms = deps.now() - t;
    const so = { ...sessionOptions };
    if (externalData.length) so.externalData = externalData;
    t = deps.now();
    const session = await createWithGraphCapture(ort, model, so, graphCapture, pm);
    pm.create_ms = deps.now() - t - (pm.graph_capture_attempt_ms ?? 0);
    if (precompile) {
      t = deps.now();
      const specs = warmupSpecs(session, spec, options);
      pm.warmup_shapes = Object.fromEntries(specs.map((x) => [x.name, x.shape]));
      const out = await session.run(dummyFeeds(ort, specs));
      for (const v of Object.values(out)) v.dispose?.();
      pm.precompile_ms = deps.now() - t;
    }
    pm.ready_ms = deps.now() - t0;
    return session;
  };
  let sessions;
  if (parallel) {
    sessions = await Promise.all(modelUrls.map(one));
  } else {
    sessions = [];
    for (let k = 0; k < modelUrls.length; ++k) sessions.push(await one(modelUrls[k], k));
  }
  for (const pm of timings.per_model) {
    timings.fetch_ms += pm.fetch_ms;
    if (precompile) timings.precompile_ms = (timings.precompile_ms ?? 0) + pm.precompile_ms;
  }
  timings.session_create_ms += deps.now() - t0 - (parallel ? 0 : timings.per_model.reduce((a, p) => a + p.fetch_ms, 0));
  return sessions;
}

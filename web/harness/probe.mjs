// What this browser offers to accelbench: WebGPU adapter (vendor, architecture, fallback or
// software), features and limits; WebNN (navigator.ml and which device types create a
// context, with the browser's error otherwise); WASM threads (crossOriginIsolated).
const LIMITS = ['maxBufferSize', 'maxStorageBufferBindingSize', 'maxComputeWorkgroupSizeX',
                'maxComputeInvocationsPerWorkgroup', 'maxComputeWorkgroupStorageSize'];

async function probeWebGpu() {
  if (!navigator.gpu) return { available: false, reason: 'navigator.gpu is missing (WebGPU not exposed)' };
  let adapter;
  try {
    adapter = await navigator.gpu.requestAdapter();
  } catch (e) {
    return { available: false, reason: `requestAdapter failed: ${e.message ?? e}` };
  }
  if (!adapter) return { available: false, reason: 'navigator.gpu.requestAdapter() returned no adapter' };
  const info = adapter.info ?? {};
  const out = { available: true, vendor: info.vendor ?? '', architecture: info.architecture ?? '',
                device: info.device ?? '', description: info.description ?? '',
                fallback: Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter),
                features: Array.from(adapter.features ?? []).sort(), limits: {} };
  for (const k of LIMITS) if (adapter.limits && k in adapter.limits) out.limits[k] = Number(adapter.limits[k]);
  out.software = out.fallback || /swiftshader|llvmpipe|lavapipe/i.test(
      `${out.architecture} ${out.vendor} ${out.description}`);
  return out;
}

async function probeWebNn(deviceTypes) {
  if (!('ml' in navigator) || !navigator.ml)
    return { available: false, reason: 'navigator.ml is missing (WebNN not exposed)', devices: {} };
  const devices = {};
  for (const d of deviceTypes) {
    try {
      await navigator.ml.createContext({ deviceType: d });
      devices[d] = { ok: true };
    } catch (e) {
      devices[d] = { ok: false, error: String(e?.message ?? e) };
    }
  }
  const ok = Object.keys(devices).filter((d) => devices[d].ok);
  const firstErr = Object.values(devices).find((v) => !v.ok)?.error ?? '';
  return { available: ok.length > 0, devices, reason: ok.length ? '' : firstErr };
}

export async function probe(job) {
  const wasm = { available: typeof WebAssembly === 'object',
                 cross_origin_isolated: crossOriginIsolated,
                 shared_array_buffer: typeof SharedArrayBuffer === 'function',
                 hardware_concurrency: navigator.hardwareConcurrency ?? 0 };
  wasm.threads = wasm.cross_origin_isolated && wasm.shared_array_buffer;
  return { user_agent: navigator.userAgent, wasm, webgpu: await probeWebGpu(),
           webnn: await probeWebNn(job.webnn_device_types ?? ['cpu', 'gpu', 'npu']) };
}

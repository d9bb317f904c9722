// The audio front end in the page (issue 6, web optimization 2): log-mel spectrogram (Whisper,
// CLAP) or waveform normalisation (Wav2Vec2 takes the raw wave) on WebGPU compute shaders
// (mel.wgsl) or on the CPU in plain JavaScript (the "wasm" switch value: the CPU path of the
// page; it is JIT-compiled JavaScript, not a separate WebAssembly module). Both follow the native
// reference src/models/audio/log_mel.*: Slaney mel filter bank, periodic Hann window, frames not
// centred, frames / 16 before the DFT, dB = 10 log10(max(mel, 1e-10)).
const now = () => performance.now();
const PRE_SCALE = 16;

// ---- shared tables (as log_mel.cc) ----
const MIN_LOG_HZ = 1000, MIN_LOG_MEL = 15, LOG_STEP = 27 / Math.log(6.4);
const hzToMel = (hz) => (hz < MIN_LOG_HZ ? (3 * hz) / 200 : MIN_LOG_MEL + Math.log(hz / MIN_LOG_HZ) * LOG_STEP);
const melToHz = (m) => (m < MIN_LOG_MEL ? (200 * m) / 3 : MIN_LOG_HZ * Math.exp((m - MIN_LOG_MEL) / LOG_STEP));

// o = { sample_rate, n_fft, hop_length, n_mels, f_min, f_max }
export function melFilterBank(o) {
  const bins = Math.floor(o.n_fft / 2) + 1, m = o.n_mels;
  const lo = hzToMel(o.f_min), hi = hzToMel(o.f_max);
  const edges = [];
  for (let i = 0; i < m + 2; ++i) edges.push(melToHz(lo + ((hi - lo) * i) / (m + 1)));
  const fb = new Float32Array(bins * m);
  const half = Math.floor(o.sample_rate / 2);
  for (let f = 0; f < bins; ++f) {
    const hz = (half * f) / (bins - 1);
    for (let j = 0; j < m; ++j) {
      const down = (hz - edges[j]) / (edges[j + 1] - edges[j]);
      const up = (edges[j + 2] - hz) / (edges[j + 2] - edges[j + 1]);
      const tri = Math.max(0, Math.min(down, up));
      fb[f * m + j] = tri * (2 / (edges[j + 2] - edges[j]));
    }
  }
  return fb;
}

export function hannWindow(n) {
  const w = new Float32Array(n);
  for (let k = 0; k < n; ++k) w[k] = 0.5 - 0.5 * Math.cos((2 * Math.PI * k) / n);
  return w;
}

// Per band [lo, hi) of its non-zero filter bins.
function bandRanges(fb, bins, m) {
  const r = new Uint32Array(2 * m);
  for (let j = 0; j < m; ++j) {
    let lo = bins, hi = 0;
    for (let f = 0; f < bins; ++f) if (fb[f * m + j] !== 0) { lo = Math.min(lo, f); hi = f + 1; }
    if (hi === 0) lo = 0;
    r[2 * j] = lo;
    r[2 * j + 1] = hi;
  }
  return r;
}

export function geometry(o, batch, samples) {
  if (samples < o.n_fft) throw new Error(`log-mel: ${samples} samples are fewer than one frame (${o.n_fft})`);
  return { batch, samples, bins: Math.floor(o.n_fft / 2) + 1,
           frames: 1 + Math.floor((samples - o.n_fft) / o.hop_length) };
}

// ---- CPU (JavaScript) ----
// Radix-2 FFT for power-of-two sizes, a direct DFT over a twiddle table otherwise.
function powerSpectrumCpu(frame, n, bins, out, outOff, tw) {
  if ((n & (n - 1)) === 0) {
    const re = Float64Array.from(frame), im = new Float64Array(n);
    for (let i = 1, j = 0; i < n; ++i) {  // bit reversal
      let bit = n >> 1;
      for (; j & bit; bit >>= 1) j ^= bit;
      j ^= bit;
      if (i < j) { const t = re[i]; re[i] = re[j]; re[j] = t; }
    }
    for (let len = 2; len <= n; len <<= 1) {
      const step = n / len;
      for (let i = 0; i < n; i += len) {
        for (let k = 0; k < len / 2; ++k) {
          const c = tw[2 * k * step], s = -tw[2 * k * step + 1];
          const a = i + k, b = a + len / 2;
          const xr = re[b] * c - im[b] * s, xi = re[b] * s + im[b] * c;
          re[b] = re[a] - xr; im[b] = im[a] - xi;
          re[a] += xr; im[a] += xi;
        }
      }
    }
    for (let f = 0; f < bins; ++f) out[outOff + f] = re[f] * re[f] + im[f] * im[f];
    return;
  }
  for (let f = 0; f < bins; ++f) {
    let re = 0, im = 0, idx = 0;
    for (let k = 0; k < n; ++k) {
      re += frame[k] * tw[2 * idx];
      im += frame[k] * tw[2 * idx + 1];
      idx += f;
      if (idx >= n) idx -= n;
    }
    out[outOff + f] = re * re + im * im;
  }
}

function twiddleTable(n) {
  const tw = new Float32Array(2 * n);
  for (let k = 0; k < n; ++k) {
    tw[2 * k] = Math.cos((2 * Math.PI * k) / n);
    tw[2 * k + 1] = Math.sin((2 * Math.PI * k) / n);
  }
  return tw;
}

export function normalizeCpu(wave, batch, samples) {
  const out = new Float32Array(wave.length);
  for (let b = 0; b < batch; ++b) {
    let s = 0, s2 = 0;
    for (let i = 0; i < samples; ++i) { const v = wave[b * samples + i]; s += v; s2 += v * v; }
    const mean = s / samples, inv = 1 / Math.sqrt(Math.max(s2 / samples - mean * mean, 0) + 1e-7);
    for (let i = 0; i < samples; ++i) out[b * samples + i] = (wave[b * samples + i] - mean) * inv;
  }
  return out;
}

export class CpuFrontEnd {
  constructor(o) {
    this.o = o;
    this.fb = melFilterBank(o);
    this.window = hannWindow(o.n_fft);
    this.tw = twiddleTable(o.n_fft);
    this.bands = bandRanges(this.fb, Math.floor(o.n_fft / 2) + 1, o.n_mels);
  }
  // kind 'log_mel': wave [B, N] -> [B, T, M]; kind 'normalize': [B, N] -> [B, N]
  run(kind, wave, batch, samples) {
    if (kind === 'normalize') return normalizeCpu(wave, batch, samples);
    const o = this.o, g = geometry(o, batch, samples), n = o.n_fft, m = o.n_mels;
    const power = new Float32Array(g.bins), frame = new Float32Array(n);
    const out = new Float32Array(batch * g.frames * m);
    const s2 = PRE_SCALE * PRE_SCALE, offset = 10 * Math.log10(s2);
    for (let b = 0; b < batch; ++b) {
      for (let t = 0; t < g.frames; ++t) {
        const start = b * samples + t * o.hop_length;
        for (let k = 0; k < n; ++k) frame[k] = (wave[start + k] * this.window[k]) / PRE_SCALE;
        powerSpectrumCpu(frame, n, g.bins, power, 0, this.tw);
        for (let j = 0; j < m; ++j) {
          let acc = 0;
          for (let f = this.bands[2 * j]; f < this.bands[2 * j + 1]; ++f) acc += power[f] * this.fb[f * m + j];
          out[(b * g.frames + t) * m + j] = 10 * Math.log10(Math.max(acc, 1e-10 / s2)) + offset;
        }
      }
    }
    return out;
  }
}

// ---- WebGPU ----
export class WebGpuFrontEnd {
  // device: GPUDevice; shader: WGSL source of mel.wgsl; workgroup: [x, y]
  constructor(device, shader, o, workgroup) {
    this.device = device;
    this.o = o;
    this.wg = workgroup;
    const module = device.createShaderModule({ code: shader });
    const entries = [];
    const kinds = ['uniform', 'storage', 'read-only-storage', 'read-only-storage', 'storage',
                   'read-only-storage', 'read-only-storage', 'storage'];
    kinds.forEach((type, binding) => entries.push({ binding, visibility: GPUShaderStage.COMPUTE, buffer: { type } }));
    this.layout = device.createBindGroupLayout({ entries });
    const pl = device.createPipelineLayout({ bindGroupLayouts: [this.layout] });
    const constants = { WG_X: workgroup[0], WG_Y: workgroup[1] };
    this.pipelines = {};
    for (const entryPoint of ['normalize_wave', 'stft_power', 'fft_power', 'mel_log'])
      this.pipelines[entryPoint] = device.createComputePipeline(
          { layout: pl, compute: { module, entryPoint, constants } });
    const fb = melFilterBank(o);
    const bins = Math.floor(o.n_fft / 2) + 1;
    this.window = this.buffer(hannWindow(o.n_fft), GPUBufferUsage.STORAGE);
    this.twiddle = this.buffer(twiddleTable(o.n_fft), GPUBufferUsage.STORAGE);
    this.filters = this.buffer(fb, GPUBufferUsage.STORAGE);
    this.bands = this.buffer(bandRanges(fb, bins, o.n_mels), GPUBufferUsage.STORAGE);
    this.shapeKey = null;
    const n = o.n_fft;
    this.useFft = (n & (n - 1)) === 0 && n <= 2048;  // else the direct DFT kernel
    this.kernel = this.useFft ? 'fft_power' : 'stft_power';
  }

  buffer(data, usage) {
    const b = this.device.createBuffer({ size: Math.max(16, data.byteLength), usage: usage | GPUBufferUsage.COPY_DST });
    this.device.queue.writeBuffer(b, 0, data);
    return b;
  }

  ensureShape(batch, samples) {
    const key = `${batch}x${samples}`;
    if (this.shapeKey === key) return;
    for (const b of ['uniform', 'wave', 'power', 'mel', 'readWave', 'readMel']) this[b]?.destroy?.();
    const o = this.o, g = geometry(o, batch, samples), d = this.device, S = GPUBufferUsage;
    this.g = g;
    const params = new ArrayBuffer(32), u = new Uint32Array(params), f = new Float32Array(params);
    u.set([batch, samples, o.n_fft, o.hop_length, g.frames, g.bins, o.n_mels]);
    f[7] = PRE_SCALE;
    this.uniform = this.buffer(new Uint8Array(params), S.UNIFORM);
    const mk = (bytes, usage) => d.createBuffer({ size: Math.max(16, bytes), usage });
    this.wave = mk(batch * samples * 4, S.STORAGE | S.COPY_DST | S.COPY_SRC);
    this.power = mk(batch * g.frames * g.bins * 4, S.STORAGE);
    this.mel = mk(batch * g.frames * o.n_mels * 4, S.STORAGE | S.COPY_SRC);
    this.readWave = mk(batch * samples * 4, S.MAP_READ | S.COPY_DST);
    this.readMel = mk(batch * g.frames * o.n_mels * 4, S.MAP_READ | S.COPY_DST);
    const entries = [this.uniform, this.wave, this.window, this.twiddle, this.power, this.filters,
                     this.bands, this.mel].map((buffer, binding) => ({ binding, resource: { buffer } }));
    this.bind = d.createBindGroup({ layout: this.layout, entries });
    this.shapeKey = key;
  }

  // Upload, compute, read back (all timed by the caller): the cost a page pays per clip.
  async run(kind, wave, batch, samples) {
    this.ensureShape(batch, samples);
    const d = this.device, g = this.g, [wx, wy] = this.wg;
    d.queue.writeBuffer(this.wave, 0, wave);
    const enc = d.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setBindGroup(0, this.bind);
    let read, bytes;
    if (kind === 'normalize') {
      pass.setPipeline(this.pipelines.normalize_wave);
      pass.dispatchWorkgroups(batch);
      read = this.readWave;
      bytes = batch * samples * 4;
      pass.end();
      enc.copyBufferToBuffer(this.wave, 0, read, 0, bytes);
    } else {
      const rows = batch * g.frames;
      if (this.useFft) {  // one workgroup per row (65535 rows per dispatch dimension)
        pass.setPipeline(this.pipelines.fft_power);
        pass.dispatchWorkgroups(Math.min(rows, 65535), Math.ceil(rows / 65535));
      } else {
        pass.setPipeline(this.pipelines.stft_power);
        pass.dispatchWorkgroups(Math.ceil(g.bins / wx), Math.ceil(rows / wy));
      }
      pass.setPipeline(this.pipelines.mel_log);
      pass.dispatchWorkgroups(Math.ceil(this.o.n_mels / wx), Math.ceil(rows / wy));
      pass.end();
      read = this.readMel;
      bytes = rows * this.o.n_mels * 4;
      enc.copyBufferToBuffer(this.mel, 0, read, 0, bytes);
    }
    d.queue.submit([enc.finish()]);
    await read.mapAsync(GPUMapMode.READ, 0, bytes);
    const out = new Float32Array(read.getMappedRange(0, bytes).slice(0));
    read.unmap();
    return out;
  }

  destroy() {
    for (const b of ['uniform', 'wave', 'power', 'mel', 'readWave', 'readMel', 'window', 'twiddle',
                     'filters', 'bands']) this[b]?.destroy?.();
  }
}

export const WORKGROUP_SHAPES = [[64, 1], [128, 1], [256, 1], [128, 2], [64, 4]];

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

// Times `fn` (async): one warm-up call, then `iters` timed calls. Returns { samples, median }.
export async function timeRuns(fn, iters) {
  await fn();
  const samples = [];
  for (let i = 0; i < iters; ++i) {
    const t0 = now();
    await fn();
    samples.push(now() - t0);
  }
  return { samples, median: median(samples) };
}

// The autotuner: every workgroup shape on this adapter, fastest median wins.
export async function autotune(device, shader, o, kind, wave, batch, samples, shapes, iters) {
  const trials = [];
  for (const wg of shapes) {
    const fe = new WebGpuFrontEnd(device, shader, o, wg);
    try {
      const r = await timeRuns(() => fe.run(kind, wave, batch, samples), iters);
      trials.push({ workgroup: `${wg[0]}x${wg[1]}x1`, median_ms: r.median, samples_ms: r.samples });
    } catch (e) {
      trials.push({ workgroup: `${wg[0]}x${wg[1]}x1`, error: String(e?.message ?? e) });
    } finally {
      fe.destroy();
    }
  }
  const ok = trials.filter((t) => t.median_ms !== undefined);
  if (!ok.length) throw new Error(`no workgroup shape ran: ${trials.map((t) => t.error).join('; ')}`);
  const best = ok.reduce((a, b) => (b.median_ms < a.median_ms ? b : a));
  return { best: best.workgroup, trials };
}

export function parseWorkgroup(s) {
  const m = /^(\d+)x(\d+)x1$/.exec(String(s));
  if (!m) throw new Error(`workgroup '${s}': expected XxYx1`);
  return [Number(m[1]), Number(m[2])];
}

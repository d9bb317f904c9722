// The audio front end as WebGPU compute shaders (issue 6, web optimization 2). Entry points:
//   normalize_wave  zero mean / unit variance per row (Wav2Vec2's raw-wave front end)
//   fft_power       framing + periodic Hann window + radix-2 FFT in workgroup memory, one
//                   workgroup per frame -> power [B, T, bins] (n_fft a power of two <= 2048)
//   stft_power      the same by a direct DFT (twiddle table) for other n_fft (Whisper's 400)
//   mel_log         mel filter bank (only each band's non-zero bins) + 10 log10(max(x, 1e-10))
// The workgroup shape is pipeline-overridable (WG_X x WG_Y x 1) so the autotuner can pick it.
// The direct DFT (a twiddle table indexed by (f * k) mod n_fft) works for any n_fft; each
// invocation owns one (frame, bin).

override WG_X: u32 = 64u;
override WG_Y: u32 = 1u;

struct Params {
  batch: u32,
  samples: u32,
  n_fft: u32,
  hop: u32,
  frames: u32,
  bins: u32,
  n_mels: u32,
  pre_scale: f32,  // frames are divided by this before the DFT (as the native reference)
};

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> wave: array<f32>;      // [B, samples]
@group(0) @binding(2) var<storage, read> window: array<f32>;          // [n_fft]
@group(0) @binding(3) var<storage, read> twiddle: array<vec2<f32>>;   // [n_fft] (cos, sin)
@group(0) @binding(4) var<storage, read_write> power: array<f32>;     // [B, T, bins]
@group(0) @binding(5) var<storage, read> filters: array<f32>;         // [bins, n_mels]
@group(0) @binding(6) var<storage, read> band: array<vec2<u32>>;      // [n_mels] (lo, hi) bins
@group(0) @binding(7) var<storage, read_write> mel: array<f32>;       // [B, T, n_mels]

var<workgroup> partial: array<vec2<f32>, 1024>;

// One workgroup per row: Welford-free two-moment reduction in f32 over the row.
@compute @workgroup_size(WG_X, WG_Y, 1)
fn normalize_wave(@builtin(local_invocation_index) lid: u32,
                  @builtin(workgroup_id) wid: vec3<u32>) {
  let threads = WG_X * WG_Y;
  let row = wid.x;
  if (row >= p.batch) { return; }
  let base = row * p.samples;
  var s = 0.0;
  var s2 = 0.0;
  for (var i = lid; i < p.samples; i += threads) {
    let v = wave[base + i];
    s += v;
    s2 += v * v;
  }
  partial[lid] = vec2<f32>(s, s2);
  workgroupBarrier();
  var stride = threads / 2u;
  loop {
    if (stride == 0u) { break; }
    if (lid < stride) { partial[lid] += partial[lid + stride]; }
    workgroupBarrier();
    stride = stride / 2u;
  }
  let n = f32(p.samples);
  let mean = partial[0].x / n;
  let variance = max(partial[0].y / n - mean * mean, 0.0);
  let inv = 1.0 / sqrt(variance + 1e-7);
  workgroupBarrier();
  for (var i = lid; i < p.samples; i += threads) {
    wave[base + i] = (wave[base + i] - mean) * inv;
  }
}

@compute @workgroup_size(WG_X, WG_Y, 1)
fn stft_power(@builtin(global_invocation_id) gid: vec3<u32>) {
  let f = gid.x;
  let bt = gid.y;  // b * frames + t
  if (f >= p.bins || bt >= p.batch * p.frames) { return; }
  let b = bt / p.frames;
  let t = bt % p.frames;
  let start = b * p.samples + t * p.hop;
  var re = 0.0;
  var im = 0.0;
  var idx = 0u;  // (f * k) mod n_fft, advanced by f each step
  for (var k = 0u; k < p.n_fft; k++) {
    let x = wave[start + k] * window[k] / p.pre_scale;
    let w = twiddle[idx];
    re += x * w.x;
    im += x * w.y;
    idx += f;
    if (idx >= p.n_fft) { idx -= p.n_fft; }
  }
  power[bt * p.bins + f] = re * re + im * im;
}

@compute @workgroup_size(WG_X, WG_Y, 1)
fn mel_log(@builtin(global_invocation_id) gid: vec3<u32>) {
  let m = gid.x;
  let bt = gid.y;
  if (m >= p.n_mels || bt >= p.batch * p.frames) { return; }
  let r = band[m];
  var acc = 0.0;
  for (var f = r.x; f < r.y; f++) {
    acc += power[bt * p.bins + f] * filters[f * p.n_mels + m];
  }
  let s2 = p.pre_scale * p.pre_scale;
  let clamped = max(acc, 1e-10 / s2);
  // 10 log10(x) + 10 log10(pre_scale^2), as the native reference.
  mel[bt * p.n_mels + m] = 10.0 * log(clamped) / log(10.0) + 10.0 * log(s2) / log(10.0);
}

var<workgroup> fre: array<f32, 2048>;
var<workgroup> fim: array<f32, 2048>;

// One workgroup per (batch, frame) row; the WG_X * WG_Y invocations share the butterflies.
@compute @workgroup_size(WG_X, WG_Y, 1)
fn fft_power(@builtin(local_invocation_index) lid: u32,
             @builtin(workgroup_id) wid: vec3<u32>) {
  let threads = WG_X * WG_Y;
  let bt = wid.x + wid.y * 65535u;
  if (bt >= p.batch * p.frames) { return; }
  let n = p.n_fft;
  let bits = 32u - countLeadingZeros(n) - 1u;  // log2(n)
  let b = bt / p.frames;
  let t = bt % p.frames;
  let start = b * p.samples + t * p.hop;
  for (var i = lid; i < n; i += threads) {
    let j = reverseBits(i) >> (32u - bits);
    fre[j] = wave[start + i] * window[i] / p.pre_scale;
    fim[j] = 0.0;
  }
  workgroupBarrier();
  var len = 2u;
  loop {
    if (len > n) { break; }
    let half = len / 2u;
    let step = n / len;
    for (var k = lid; k < n / 2u; k += threads) {
      let pos = k % half;
      let a = (k / half) * len + pos;
      let c = twiddle[pos * step];  // e^{-i theta} = (cos, -sin)
      let br = fre[a + half];
      let bi = fim[a + half];
      let xr = br * c.x + bi * c.y;
      let xi = bi * c.x - br * c.y;
      fre[a + half] = fre[a] - xr;
      fim[a + half] = fim[a] - xi;
      fre[a] = fre[a] + xr;
      fim[a] = fim[a] + xi;
    }
    workgroupBarrier();
    len = len * 2u;
  }
  for (var f = lid; f < p.bins; f += threads) {
    power[bt * p.bins + f] = fre[f] * fre[f] + fim[f] * fim[f];
  }
}

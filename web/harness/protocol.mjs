// The measurement protocol of src/runner's harness (harness.cc Measure/MeasureLoop/Decide,
// stats.cc SteadyStateStart/MedianCiRanks), ported rule for rule to plain JavaScript so a page
// or a Node child process that owns the clock measures exactly like the native harness. The
// C++ side computes every statistic from the raw samples posted back; only the decisions
// (when warm-up ends, when to stop) are taken here.
//
// protocol (from C++ runner::HarnessOptions, times in ms):
//   { warmup_min, warmup_max, warmup_max_ms, warmup_window, warmup_tolerance,
//     min_iterations, min_time_ms, ci_target, confidence, budget_ms, max_iterations,
//     warmup (optional: a fixed warm-up count instead of the steady-state rule) }

function percentileSorted(s, p) {
  const h = (s.length - 1) * p / 100;
  const lo = Math.floor(h);
  if (lo + 1 >= s.length) return s[s.length - 1];
  return s[lo] + (h - lo) * (s[lo + 1] - s[lo]);
}

export function median(x) {
  return percentileSorted([...x].sort((a, b) => a - b), 50);
}

// P(B <= k) for B ~ Binomial(n, 1/2), summed in log space.
function binomialHalfCdf(n, k) {
  const logHalfN = n * Math.log(0.5);
  let logC = 0;  // log C(n, 0)
  let sum = 0;
  for (let i = 0; i <= k && i <= n; ++i) {
    if (i > 0) logC += Math.log((n - i + 1) / i);
    sum += Math.exp(logC + logHalfN);
  }
  return Math.min(sum, 1);
}

// Two-sided standard normal quantile (Acklam's approximation, as stats.cc).
function normalQuantileTwoSided(confidence) {
  const p = 0.5 + confidence / 2;
  const a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
             1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
  const b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
             6.680131188771972e+01, -1.328068155288572e+01];
  const c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
             -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
  const d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
             3.754408661907416e+00];
  if (p > 1 - 0.02425) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  const q = p - 0.5, r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
         (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

// 1-based ranks of the distribution-free CI of the median, or null (stats::MedianCiRanks).
export function medianCiRanks(n, confidence) {
  if (n === 0 || !(confidence > 0 && confidence < 1)) return null;
  const alphaHalf = (1 - confidence) / 2;
  if (n <= 1000) {
    let k = 0;
    for (let cand = 1; cand <= Math.floor(n / 2); ++cand) {
      if (binomialHalfCdf(n, cand - 1) > alphaHalf) break;
      k = cand;
    }
    if (k === 0) return null;
    return { lower: k, upper: n - k + 1 };
  }
  const half = normalQuantileTwoSided(confidence) * Math.sqrt(n) / 2;
  const lower = Math.max(Math.floor(n / 2 - half), 1);
  return { lower, upper: n - lower + 1 };
}

// Index where two adjacent windows have medians within rel_tol, or null (SteadyStateStart).
export function steadyStateStart(x, window, relTol) {
  if (window <= 0 || x.length < 2 * window) return null;
  for (let i = window; i + window <= x.length; ++i) {
    const before = median(x.slice(i - window, i));
    const after = median(x.slice(i, i + window));
    if (after > 0 ? Math.abs(before - after) <= relTol * after : before === after) return i;
  }
  return null;
}

// 'continue' | 'converged' | 'budget' (runner::Decide), elapsed in ms.
export function decide(samples, elapsedMs, p) {
  const enough = samples.length >= p.min_iterations && elapsedMs >= p.min_time_ms;
  if (enough) {
    if (!(p.ci_target > 0)) return 'converged';  // no CI requirement
    const ranks = medianCiRanks(samples.length, p.confidence);
    if (ranks) {
      const v = [...samples].sort((a, b) => a - b);
      const med = percentileSorted(v, 50);
      const half = Math.max(med - v[ranks.lower - 1], v[ranks.upper - 1] - med);
      if (half <= p.ci_target * med) return 'converged';
    }
  }
  if (elapsedMs >= p.budget_ms) return 'budget';
  return 'continue';
}

// Defaults as runner::HarnessOptions.
export function normalizeProtocol(q = {}) {
  return {
    warmup: q.warmup,  // fixed count (tests); undefined: steady-state rule
    warmup_min: q.warmup_min ?? 3,
    warmup_max: q.warmup_max ?? 200,
    warmup_max_ms: q.warmup_max_ms ?? 5000,
    warmup_window: q.warmup_window ?? 5,
    warmup_tolerance: q.warmup_tolerance ?? 0.05,
    min_iterations: Math.max(1, q.min_iterations ?? 10),
    min_time_ms: q.min_time_ms ?? 1000,
    ci_target: q.ci_target ?? 0.01,
    confidence: q.confidence ?? 0.95,
    budget_ms: q.budget_ms ?? 20000,
    max_iterations: q.max_iterations ?? 1e9,
  };
}

// Runs `step()` (async, one timed unit of work) under the protocol with the clock `now` (ms):
// first inference, warm-up to steady state (or the fixed count), then the measured loop.
// Returns { firstMs, warmupMs, steadyIndex, samplesMs, stop: 'converged'|'budget'|'max',
//           elapsedMs }.
export async function measure(step, protocol, now) {
  const p = normalizeProtocol(protocol);
  const timed = async () => {
    const t0 = now();
    await step();
    return now() - t0;
  };
  const firstMs = await timed();
  const warmupMs = [];
  let steadyIndex = null;
  const warmStart = now();
  if (p.warmup !== undefined) {
    for (let k = 0; k < p.warmup; ++k) warmupMs.push(await timed());
  } else {
    for (;;) {
      warmupMs.push(await timed());
      if (warmupMs.length >= p.warmup_min) {
        steadyIndex = steadyStateStart(warmupMs, p.warmup_window, p.warmup_tolerance);
        if (steadyIndex !== null) break;
      }
      if (warmupMs.length >= p.warmup_max || now() - warmStart >= p.warmup_max_ms) break;
    }
  }
  const samplesMs = [];
  const start = now();
  let nextCheck = 1, stop = 'max', elapsedMs = 0;
  while (samplesMs.length < p.max_iterations) {
    samplesMs.push(await timed());
    if (samplesMs.length < nextCheck) continue;
    elapsedMs = now() - start;
    const d = decide(samplesMs, elapsedMs, p);
    if (d !== 'continue') {
      stop = d;
      break;
    }
    nextCheck = samplesMs.length + Math.max(1, Math.floor(samplesMs.length / 8));
    if (elapsedMs >= p.min_time_ms && samplesMs.length < p.min_iterations)
      nextCheck = samplesMs.length + 1;
  }
  if (stop === 'max') elapsedMs = now() - start;
  return { firstMs, warmupMs, steadyIndex, samplesMs, stop, elapsedMs };
}

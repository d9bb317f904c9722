// accelbench dashboard: filters -> results, history with change points, comparisons, predictions,
// runs. Polls /api/status and re-renders when the database changed (a sweep writing to it).
import { api } from './api.js';
import { compareSpec, embed, historySpec, throughputSpec } from './charts.js';
import { configLabel, fillSelect, table } from './views.js';

window.accelbench = { views: {}, renders: 0, generation: null };
const form = document.getElementById('filters');
const configSelect = document.getElementById('config');
const metricSelect = document.getElementById('metric');
const POLL_MS = 2000;

function filters() {
  const p = {};
  for (const el of form.elements) if (el.name && el.value) p[el.name] = el.value;
  return p;
}

function showError(e) {
  const box = document.getElementById('error');
  box.hidden = !e;
  box.textContent = e ? `error: ${e.message}` : '';
}

async function loadFilters() {
  const f = await api('filters');
  for (const name of ['model', 'platform', 'runtime', 'precision', 'batch', 'mode'])
    fillSelect(form.elements[name], f[name] || [], form.elements[name].value);
  const tags = Object.entries(f.tags || {}).flatMap(([k, vs]) => vs.map(v => `${k}=${v}`));
  fillSelect(form.elements.tag, tags, form.elements.tag.value);
}

async function renderResults(p) {
  const r = await api('results', { ...p, latest: 1, limit: 1000 });
  document.getElementById('results-summary').textContent =
    `${r.total} configuration(s) (newest result of each)` +
    (r.total > r.results.length ? `, first ${r.results.length} shown` : '');
  const cols = ['model', 'preset', 'platform', 'runtime', 'precision', 'mode', 'batch', 'status',
    'lat_p50_ms', 'lat_p99_ms', 'throughput', 'peak_rss_mb', 'started_utc']
    .map(field => ({ field }));
  table('results', cols, r.results, row => ({
    'data-result-id': row.result_id, 'data-config-key': row.config_key,
    class: row.status === 'failed' ? 'failed' : '' }));
  const ok = r.results.filter(x => x.throughput !== null && x.status !== 'failed')
    .map(x => ({ ...x, label: configLabel(x) }));
  await embed('chart-throughput', throughputSpec(ok));
  // Configurations for the history chart: those matching the filters.
  const keys = r.results.map(x => [x.config_key, configLabel(x)]);
  const keep = keys.some(([k]) => k === configSelect.value) ? configSelect.value
    : (keys[0] ? keys[0][0] : '');
  fillSelect(configSelect, keys, keep, '(choose)');
  configSelect.value = keep;
  return r;
}

async function renderHistory() {
  const key = configSelect.value;
  const metric = metricSelect.value;
  const changes = document.getElementById('changes');
  if (!key) {
    await embed('chart-history', historySpec([], [], metric));
    changes.textContent = 'no configuration matches the filters';
    return;
  }
  const [h, reg] = await Promise.all([
    api('history', { config_key: key, metric }),
    api('regressions', { config_key: key, metric }),
  ]);
  const points = h.series.length ? h.series[0].points : [];
  const cfg = (reg.configurations || [])[0];
  const markers = cfg ? cfg.change_points : [];
  await embed('chart-history', historySpec(points, markers, metric));
  window.accelbench.historyKey = key;
  changes.replaceChildren(...(reg.available === false
    ? [Object.assign(document.createElement('p'), { textContent: reg.reason })]
    : markers.length ? markers.map(m => Object.assign(document.createElement('p'), {
        className: `change ${m.verdict}`,
        textContent: `${m.verdict} at run ${m.run_id} (${m.started_utc}): ` +
          `${m.before.toPrecision(4)} -> ${m.after.toPrecision(4)} ` +
          `(${m.change_pct > 0 ? '+' : ''}${m.change_pct.toFixed(1)}%, p=${m.p_value.toFixed(3)})`,
      }))
      : [Object.assign(document.createElement('p'), {
          textContent: `${points.length} run(s), no change point` })]));
}

async function renderCompare(p) {
  const c = await api('compare', p).catch(e => ({ error: e.message, comparisons: [] }));
  const rows = c.comparisons.filter(x => x.value !== null)
    .map(x => ({ ...x, label: `${x.kind}: ${x.model} ${x.platform} ${x.runtime} ${x.precision} ` +
      `${x.mode} b${x.batch} vs ${x.reference}` }));
  document.getElementById('compare-summary').textContent = c.error ? c.error :
    `${c.comparisons.length} comparison(s), baseline ${c.baseline}`;
  await embed('chart-compare', compareSpec(rows));
  table('comparisons', ['kind', 'model', 'platform', 'runtime', 'precision', 'mode', 'batch',
    'reference', 'value', 'ci_low', 'ci_high', 'flags'].map(field => ({ field })), c.comparisons);
}

async function renderPredictions(p) {
  const { model, platform, precision, batch, mode } = p;
  const r = await api('predictions', { model, platform, precision, batch, mode, limit: 200 })
    .catch(e => ({ available: false, reason: e.message, predictions: [] }));
  document.getElementById('predictions-summary').textContent = !r.available ? r.reason
    : r.predictions.length
      ? `${r.predictions.length} predicted value(s) (labelled "predicted"; not measurements)`
      : 'no predictions stored (accelbench predict writes them)';
  const known = ['label', 'model', 'preset', 'platform', 'runtime', 'precision', 'mode', 'batch',
    'predictor', 'predicted_p50_ms', 'interval_low_ms', 'interval_high_ms', 'created_utc'];
  const keys = r.predictions.length ? Object.keys(r.predictions[0]) : [];
  const cols = (keys.some(k => known.includes(k) && k !== 'label')
    ? known.filter(k => keys.includes(k)) : keys).map(field => ({ field }));
  table('predictions', cols, r.predictions, () => ({ class: 'predicted-row' }));
}

async function renderRuns(p) {
  const { from, to, tag } = p;
  const r = await api('runs', { from, to, tag, limit: 50 });
  table('runs', [
    { field: 'run_id' }, { field: 'started_utc' }, { field: 'status' }, { field: 'results' },
    { field: 'failed' },
    { field: 'tags', get: x => Object.entries(x.tags).map(([k, v]) => `${k}=${v}`).join(' ') },
  ], r.runs);
}

let rendering = null;
async function render() {
  if (rendering) return rendering;
  document.body.dataset.status = 'rendering';
  rendering = (async () => {
    try {
      const p = filters();
      await renderResults(p);
      await Promise.all([renderHistory(), renderCompare(p), renderPredictions(p), renderRuns(p)]);
      showError(null);
      window.accelbench.renders++;
      document.body.dataset.status = 'ready';
    } catch (e) {
      showError(e);
      document.body.dataset.status = 'error';
    } finally {
      rendering = null;
    }
  })();
  return rendering;
}

async function poll() {
  const live = document.getElementById('live');
  try {
    const s = await api('status');
    const changed = window.accelbench.generation !== null &&
      s.generation !== window.accelbench.generation;
    window.accelbench.generation = s.generation;
    live.textContent = `live: ${s.results} results in ${s.runs} run(s), snapshot ${s.snapshot_utc}`;
    live.className = changed ? 'updated' : '';
    if (changed) {
      await loadFilters();
      await render();
    }
  } catch (e) {
    live.textContent = `not connected: ${e.message}`;
  }
  setTimeout(poll, POLL_MS);
}

form.addEventListener('change', () => render());
configSelect.addEventListener('change', () => renderHistory());
metricSelect.addEventListener('change', () => renderHistory());

(async () => {
  try {
    const s = await api('status');
    window.accelbench.generation = s.generation;
    await loadFilters();
  } catch (e) {
    showError(e);
    document.body.dataset.status = 'error';
    return;
  }
  await render();
  setTimeout(poll, POLL_MS);
})();

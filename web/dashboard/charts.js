// Vega-Lite specs of the dashboard. Every chart reads a named dataset so tests (and users) can
// check the plotted numbers through the Vega view (view.data(name)).
const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

export const METRIC_TITLES = {
  lat_p50_ms: 'median latency (ms)', lat_p99_ms: 'p99 latency (ms)', throughput: 'throughput',
  peak_rss_mb: 'peak RSS (MB)',
};

// Performance over time of one configuration: a line through the per-run values, the CI of the
// median as a band, and change points (from src/regress) as red rules labelled with the step.
export function historySpec(points, markers, metric) {
  const title = METRIC_TITLES[metric] || metric;
  const x = { field: 'started_utc', type: 'temporal', title: 'run start (UTC)' };
  const layers = [
    { data: { name: 'points' }, mark: { type: 'line', point: true },
      encoding: { x, y: { field: 'value', type: 'quantitative', title, scale: { zero: false } },
        tooltip: [{ field: 'started_utc' }, { field: 'value', title }, { field: 'run_id' },
                  { field: 'status' }] } },
  ];
  if (points.some(p => p.ci_low !== null && p.ci_high !== null))
    layers.unshift({ data: { name: 'points' }, mark: { type: 'errorband', opacity: 0.25 },
      encoding: { x, y: { field: 'ci_low', type: 'quantitative', title },
                  y2: { field: 'ci_high' } } });
  layers.push({ data: { name: 'markers' }, mark: { type: 'rule', color: '#c00', strokeWidth: 2 },
    encoding: { x, tooltip: [{ field: 'verdict' }, { field: 'change_pct', format: '.1f' },
                             { field: 'run_id' }] } });
  return { $schema: SCHEMA, width: 760, height: 260, layer: layers,
           datasets: { points, markers } };
}

export function throughputSpec(rows) {
  return { $schema: SCHEMA, width: 640, data: { name: 'results' }, datasets: { results: rows },
    mark: 'bar',
    encoding: {
      y: { field: 'label', type: 'nominal', title: null, sort: '-x' },
      x: { field: 'throughput', type: 'quantitative', title: 'throughput (items/s)' },
      color: { field: 'platform', type: 'nominal' },
      tooltip: [{ field: 'label' }, { field: 'throughput' }, { field: 'lat_p50_ms' }] } };
}

export function compareSpec(rows) {
  return { $schema: SCHEMA, width: 640, data: { name: 'comparisons' },
    datasets: { comparisons: rows },
    layer: [
      { mark: 'bar', encoding: {
          y: { field: 'label', type: 'nominal', title: null },
          x: { field: 'value', type: 'quantitative', title: 'speedup vs baseline (x)' },
          color: { field: 'kind', type: 'nominal' },
          tooltip: [{ field: 'label' }, { field: 'value' }, { field: 'ci_low' },
                    { field: 'ci_high' }, { field: 'reference' }] } },
      { mark: { type: 'rule' }, encoding: {
          y: { field: 'label', type: 'nominal' }, x: { field: 'ci_low', type: 'quantitative' },
          x2: { field: 'ci_high' } } },
    ] };
}

export async function embed(id, spec) {
  const el = document.getElementById(id);
  el.replaceChildren();
  const { view } = await vegaEmbed(el, spec, { actions: false, renderer: 'svg' });
  window.accelbench.views[id] = view;
  return view;
}

// Drives the dashboard in headless Chromium through the DevTools protocol (over
// --remote-debugging-pipe; no npm dependencies) and prints one JSON object per step.
// Usage: node dashboard_cdp.js URL STEPS.json
// STEPS.json: [{"name": "...", "set": {"batch": "2"}, "config": "<config_key>"}, ...]: each step
// sets filter selects (then waits for the next render), optionally picks a configuration for the
// history chart, and records the result table cells, the charts' datasets, the mark counts and
// console errors.
'use strict';
const fs = require('fs');
const path = require('path');
const { launch } = require(path.join(__dirname, '../../src/report/cdp_chromium.js'));

const [url, stepsFile] = process.argv.slice(2);
const steps = JSON.parse(fs.readFileSync(stepsFile, 'utf8'));
const browser = launch('accelbench-dash-');
const send = browser.send;
const consoleErrors = [];
browser.onEvent(msg => {
  if (msg.method === 'Runtime.exceptionThrown') {
    consoleErrors.push(msg.params.exceptionDetails.text + ' ' +
      (msg.params.exceptionDetails.exception?.description || ''));
  } else if (msg.method === 'Runtime.consoleAPICalled' && msg.params.type === 'error') {
    consoleErrors.push(msg.params.args.map(a => a.value ?? a.description).join(' '));
  } else if (msg.method === 'Log.entryAdded' && msg.params.entry.level === 'error') {
    consoleErrors.push(msg.params.entry.text + ' ' + (msg.params.entry.url || ''));
  }
});
const sleep = ms => new Promise(r => setTimeout(r, ms));

async function main() {
  const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
  const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
  await send('Runtime.enable', {}, sessionId);
  await send('Log.enable', {}, sessionId);
  await send('Page.enable', {}, sessionId);
  await send('Page.navigate', { url }, sessionId);
  const evaluate = async expr => {
    const r = await send('Runtime.evaluate',
      { expression: expr, returnByValue: true, awaitPromise: true }, sessionId);
    if (r.exceptionDetails) throw new Error(JSON.stringify(r.exceptionDetails));
    return r.result.value;
  };
  const waitReady = async after => {
    for (let i = 0; i < 600; ++i) {
      const s = await evaluate(`(() => ({status: document.body && document.body.dataset.status,
        renders: window.accelbench ? window.accelbench.renders : 0}))()`);
      if (s.status === 'error') return 'error';
      if (s.status === 'ready' && s.renders > after) return 'ready';
      await sleep(100);
    }
    return 'timeout';
  };
  const out = [];
  let status = await waitReady(0);
  for (const step of steps) {
    if (status === 'ready' && step.set) {
      const before = await evaluate('window.accelbench.renders');
      await evaluate(`(() => { const f = document.getElementById('filters');
        for (const [k, v] of Object.entries(${JSON.stringify(step.set)})) f.elements[k].value = v;
        f.dispatchEvent(new Event('change')); })()`);
      status = await waitReady(before);
    }
    if (status === 'ready' && step.config) {
      await evaluate(`(async () => { const s = document.getElementById('config');
        s.value = ${JSON.stringify(step.config)}; s.dispatchEvent(new Event('change'));
        await new Promise(r => setTimeout(r, 50)); })()`);
      for (let i = 0; i < 100; ++i) {  // the history chart re-renders on its own
        const key = await evaluate('window.accelbench.historyKey');
        if (key === step.config) break;
        await sleep(100);
      }
    }
    if (status !== 'ready') { out.push({ name: step.name, wait: status, console_errors: [...consoleErrors] }); break; }
    const page = await evaluate(`(() => {
      const views = window.accelbench.views;
      const data = (id, name) => views[id] ? views[id].data(name).map(d => {
        const o = {}; for (const [k, v] of Object.entries(d)) if (!k.startsWith('Symbol')) o[k] = v;
        return o; }) : null;
      const rows = [...document.querySelectorAll('#results tbody tr')].map(tr => {
        const o = {result_id: tr.dataset.resultId, config_key: tr.dataset.configKey};
        tr.querySelectorAll('td').forEach(td => o[td.dataset.field] = td.dataset.exact);
        return o; });
      const marks = id => document.querySelectorAll('#' + id + ' svg .role-mark > *').length;
      return {status: document.body.dataset.status, error: document.getElementById('error').textContent,
        config: document.getElementById('config').value, rows,
        history: data('chart-history', 'points'), markers: data('chart-history', 'markers'),
        throughput: data('chart-throughput', 'results'), comparisons: data('chart-compare', 'comparisons'),
        marks: {history: marks('chart-history'), throughput: marks('chart-throughput'),
                compare: marks('chart-compare')},
        runs: document.querySelectorAll('#runs tbody tr').length,
        live: document.getElementById('live').textContent,
        predictions: document.getElementById('predictions-summary').textContent};
    })()`);
    out.push({ name: step.name, wait: status, ...page, console_errors: [...consoleErrors] });
  }
  console.log(JSON.stringify(out));
}

main().catch(e => { console.error(String(e)); process.exitCode = 1; })
  .finally(() => browser.close()).then(() => process.exit());

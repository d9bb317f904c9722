// Opens an accelbench HTML report in headless Chromium through the DevTools protocol (over
// --remote-debugging-pipe; no npm dependencies), waits until the page's #render-status leaves
// "pending", and prints one JSON object: the status, the per-chart mark counts, console errors,
// and the result table cells (data-field -> data-exact per row). Optionally writes a PNG
// screenshot of the whole page, with --charts-dir DIR one PNG per chart (DIR/<chart id>.png) and
// with --svg-dir DIR one standalone SVG per chart (DIR/<chart id>.svg, vega-embed's SVG).
// Used by `accelbench report --png DIR --svg DIR` and by tests/report/report_e2e.sh.
// Usage: node render_html.js REPORT.html [SCREENSHOT.png|-] [--charts-dir DIR] [--svg-dir DIR]
'use strict';
const fs = require('fs');
const path = require('path');
const { launch } = require('./cdp_chromium.js');

const args = process.argv.slice(2);
let chartsDir = null;
const di = args.indexOf('--charts-dir');
if (di >= 0) { chartsDir = args[di + 1]; args.splice(di, 2); }
let svgDir = null;
const si = args.indexOf('--svg-dir');
if (si >= 0) { svgDir = args[si + 1]; args.splice(si, 2); }
const html = args[0], png = args[1] && args[1] !== '-' ? args[1] : null;
const browser = launch('accelbench-chromium-');
const send = browser.send;
const consoleErrors = [];
browser.onEvent(msg => {
  if (msg.method === 'Runtime.exceptionThrown') {
    consoleErrors.push(msg.params.exceptionDetails.text + ' ' +
      JSON.stringify(msg.params.exceptionDetails.exception?.description || ''));
  } else if (msg.method === 'Runtime.consoleAPICalled' &&
             (msg.params.type === 'error' || msg.params.type === 'warning')) {
    consoleErrors.push(msg.params.type + ': ' + msg.params.args.map(a => a.value ?? a.description).join(' '));
  }
});
const sleep = ms => new Promise(r => setTimeout(r, ms));

async function main() {
  const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
  const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
  await send('Runtime.enable', {}, sessionId);
  await send('Page.enable', {}, sessionId);
  await send('Emulation.setDeviceMetricsOverride',
             { width: 1400, height: 1000, deviceScaleFactor: 1, mobile: false }, sessionId);
  await send('Page.navigate', { url: 'file://' + path.resolve(html) }, sessionId);
  const evaluate = async expr => (await send('Runtime.evaluate',
      { expression: expr, returnByValue: true }, sessionId)).result.value;
  let status = 'pending';
  for (let i = 0; i < 600 && (status === 'pending' || status === undefined || status === null) &&
       !(i > 20 && consoleErrors.length); ++i) {
    await sleep(100);
    status = await evaluate("document.getElementById('render-status') && document.getElementById('render-status').dataset.status");
  }
  const out = await evaluate(`(() => {
    const s = document.getElementById('render-status');
    const rows = [...document.querySelectorAll('#results tbody tr')].map(tr => {
      const o = {result_id: tr.dataset.resultId};
      tr.querySelectorAll('td[data-field]').forEach(td => o[td.dataset.field] = td.dataset.exact);
      return o;
    });
    return {status: s.dataset.status, charts: JSON.parse(s.dataset.charts || '{}'),
            errors: JSON.parse(s.dataset.errors || '[]'),
            omitted: [...document.querySelectorAll('[data-omitted]')].map(e => e.dataset.omitted),
            rows};
  })()`);
  out.console_errors = consoleErrors;
  if (png) {
    const { contentSize } = await send('Page.getLayoutMetrics', {}, sessionId);
    const shot = await send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true,
      clip: { x: 0, y: 0, width: contentSize.width, height: Math.min(contentSize.height, 6000), scale: 1 } }, sessionId);
    fs.writeFileSync(png, Buffer.from(shot.data, 'base64'));
  }
  if (chartsDir && out.status === 'ok') {
    fs.mkdirSync(chartsDir, { recursive: true });
    const boxes = await evaluate(`[...document.querySelectorAll('.chart')].map(e => {
      const r = e.getBoundingClientRect();
      return {id: e.id.replace(/^chart-/, ''), x: r.left + scrollX, y: r.top + scrollY,
              width: Math.ceil(r.width), height: Math.ceil(r.height)};
    })`);
    out.pngs = [];
    for (const b of boxes) {
      const shot = await send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true,
        clip: { x: b.x, y: b.y, width: b.width, height: b.height, scale: 1 } }, sessionId);
      const file = path.join(chartsDir, b.id + '.png');
      fs.writeFileSync(file, Buffer.from(shot.data, 'base64'));
      out.pngs.push(file);
    }
  }
  if (svgDir && out.status === 'ok') {
    fs.mkdirSync(svgDir, { recursive: true });
    // vega-embed rendered each chart as an SVG element: save it as a standalone SVG file.
    const svgs = await evaluate(`[...document.querySelectorAll('.chart')].map(e => {
      const svg = e.querySelector('svg');
      if (svg && !svg.getAttribute('xmlns')) svg.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
      return {id: e.id.replace(/^chart-/, ''), svg: svg ? svg.outerHTML : ''};
    })`);
    out.svgs = [];
    for (const c of svgs) {
      if (!c.svg) continue;
      const file = path.join(svgDir, c.id + '.svg');
      fs.writeFileSync(file, '<?xml version="1.0" encoding="UTF-8"?>\n' + c.svg + '\n');
      out.svgs.push(file);
    }
  }
  console.log(JSON.stringify(out));
}
const timer = setTimeout(() => {
  console.error('render_check: timed out');
  browser.close().then(() => process.exit(2));
}, 90000);
// Stops Chromium (its whole process group), removes its profile directory, then exits.
function finish(code) {
  clearTimeout(timer);
  browser.close().then(() => process.exit(code));
}
main().then(() => finish(0), e => { console.error('render_check: ' + e.message); finish(2); });

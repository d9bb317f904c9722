// Headless Chromium driven through the DevTools protocol over --remote-debugging-pipe (no npm
// dependencies), shared by render_html.js and tests/server/dashboard_cdp.js.
//   const browser = launch('accelbench-chromium-');   // profile in a fresh temporary directory
//   browser.onEvent(msg => ...);                        // every message that is not a reply
//   await browser.send(method, params, sessionId);
//   await browser.close();                              // browser gone, profile directory removed
// close() asks the browser to quit (Browser.close), waits for its whole process group, and only
// then removes the profile: a renderer or network process still writing into it would otherwise
// leave a directory behind in the temporary folder.
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const CHROMIUM = '/usr/lib/chromium/chromium';

function launch(profilePrefix) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), profilePrefix));
  const chrome = spawn(CHROMIUM, [
    '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--remote-debugging-pipe', `--user-data-dir=${profile}`, 'about:blank'],
    { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'], detached: true });  // own group
  const exited = new Promise(resolve => {
    chrome.once('exit', resolve);
    chrome.once('error', resolve);
  });
  const toChrome = chrome.stdio[3], fromChrome = chrome.stdio[4];
  toChrome.on('error', () => {});  // the browser went away: replies never come, close() cleans up
  let nextId = 1, buf = Buffer.alloc(0);
  const waiting = new Map();
  const listeners = [];
  fromChrome.on('data', chunk => {
    buf = Buffer.concat([buf, chunk]);
    let end;
    while ((end = buf.indexOf(0)) >= 0) {
      const msg = JSON.parse(buf.subarray(0, end).toString());
      buf = buf.subarray(end + 1);
      if (msg.id && waiting.has(msg.id)) {
        const { resolve, reject } = waiting.get(msg.id);
        waiting.delete(msg.id);
        msg.error ? reject(new Error(JSON.stringify(msg.error))) : resolve(msg.result);
      } else {
        for (const f of listeners) f(msg);
      }
    }
  });
  function send(method, params = {}, sessionId) {
    const id = nextId++;
    const msg = { id, method, params };
    if (sessionId) msg.sessionId = sessionId;
    toChrome.write(JSON.stringify(msg) + '\0');
    return new Promise((resolve, reject) => waiting.set(id, { resolve, reject }));
  }
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  let closing = null;
  function killGroup() {
    try { process.kill(-chrome.pid, 'SIGKILL'); } catch (e) { /* already gone */ }
  }
  async function close() {
    if (closing) return closing;
    closing = (async () => {
      if (chrome.exitCode === null && chrome.signalCode === null) {
        send('Browser.close').catch(() => {});
        await Promise.race([exited, sleep(5000)]);
      }
      killGroup();  // stragglers (and a browser that did not quit in time)
      await Promise.race([exited, sleep(2000)]);
      for (let i = 0; i < 3 && fs.existsSync(profile); ++i) {
        try {
          fs.rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
        } catch (e) { /* retried below */ }
        await sleep(100);
      }
    })();
    return closing;
  }
  // Interrupted (Ctrl-C, a test's time limit): the detached browser would outlive us otherwise.
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.once(sig, () => {
      killGroup();
      try { fs.rmSync(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 }); } catch (e) {}
      process.exit(128 + os.constants.signals[sig]);
    });
  }
  return { send, onEvent: f => listeners.push(f), close, profile };
}

module.exports = { launch };

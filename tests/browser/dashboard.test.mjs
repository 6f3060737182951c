// Browser tests of the loop in the web UI: a trained model, a server that
// audits every logged verdict (--audit-rate 1), verdicts logged through
// /v1/evaluate with an API key; then the dashboard (chart points and the
// automation table match the API), an audit review that reveals the model's
// verdict only after answering, and the gated retrain on the models page.
// Run: HITLOOP_BIN=build/hitloop node --test dashboard.test.mjs
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SOURCE_DIR = process.env.HITLOOP_SOURCE_DIR || path.resolve(HERE, '..', '..');
const BIN = process.env.HITLOOP_BIN || path.join(SOURCE_DIR, 'build', 'hitloop');
const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
const DATA = path.join(SOURCE_DIR, 'examples', 'ecommerce_support.csv');
const ADMIN = { name: 'admin', password: 'browser-test-admin-pw' };
const STEP_MS = 15000;

// Traffic to evaluate: three categories, good and bad answers.
const TRAFFIC = [
  ['Where is my order NW-100200?', 'It shipped yesterday; the tracking link is in your confirmation email.', 'order_status'],
  ['Has order 554433 shipped yet?', 'No idea, check back later.', 'order_status'],
  ['Can I return boots after 20 days?', 'Yes, you are inside our 30-day window. Start the return under My Orders.', 'returns'],
  ['Can I return socks bought 50 days ago?', 'Returns are accepted for up to 5 years, no questions asked!', 'returns'],
  ['Do you ship to Canada?', 'We do: standard shipping only, $12.95, arriving in 7-10 business days.', 'shipping'],
  ['Do you ship to France?', 'Sure, we ship everywhere overnight for free.', 'shipping'],
  ['How long does express take?', 'Express takes 1-2 business days after the order ships.', 'shipping'],
  ['Is my refund on its way?', 'Refunds take 5-7 business days. You will have to wait like everyone else.', 'returns'],
];

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function cli(db, ...args) {
  try {
    return execFileSync(BIN, ['--db', db, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    throw new Error(`hitloop ${args.join(' ')} failed (${e.status}):\n${e.stdout}\n${e.stderr}`);
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A server on a free port over `db` and a fresh chromium profile; stop() ends both.
async function startRig(tmp, db, serveArgs = []) {
  const rig = { log: '' };
  const port = await freePort();
  rig.base = `http://127.0.0.1:${port}`;
  rig.server = spawn(BIN, ['--db', db, 'serve', '--host', '127.0.0.1', '--port', String(port), ...serveArgs],
                     { stdio: ['ignore', 'pipe', 'pipe'] });
  rig.server.stdout.on('data', (d) => { rig.log += d; });
  rig.server.stderr.on('data', (d) => { rig.log += d; });
  const deadline = Date.now() + 30000;
  for (;;) {
    if (rig.server.exitCode !== null) throw new Error(`hitloop serve exited (${rig.server.exitCode}):\n${rig.log}`);
    try {
      const r = await fetch(`${rig.base}/healthz`);
      if (r.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) throw new Error(`hitloop serve did not answer /healthz:\n${rig.log}`);
    await sleep(100);
  }
  rig.context = await chromium.launchPersistentContext(path.join(tmp, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync',
           '--disable-quic'],
    viewport: { width: 1280, height: 900 },
  });
  rig.context.setDefaultTimeout(STEP_MS);
  rig.page = rig.context.pages()[0] || await rig.context.newPage();
  rig.page.on('pageerror', (e) => { rig.log += `\n[page error] ${e.message}`; });
  rig.stop = async () => {
    if (rig.context) await rig.context.close().catch(() => {});
    const server = rig.server;
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      const done = new Promise((r) => server.once('exit', r));
      if (await Promise.race([done.then(() => true), sleep(5000).then(() => false)]) === false) server.kill('SIGKILL');
    }
  };
  return rig;
}

async function login(page, user) {
  await page.locator('#login-form').waitFor();
  await page.fill('#login-name', user.name);
  await page.fill('#login-password', user.password);
  await page.click('#login-form button[type=submit]');
  await page.locator('#whoami').filter({ hasText: user.name }).waitFor();
}

// The API as the logged-in browser sees it (same cookie).
async function apiGet(page, base, p) {
  const r = await page.request.get(base + p);
  assert.equal(r.status(), 200, `GET ${p}: ${r.status()} ${await r.text()}`);
  return r.json();
}

before(() => {
  assert.ok(fs.existsSync(BIN), `no hitloop binary at ${BIN} (set HITLOOP_BIN)`);
  assert.ok(fs.existsSync(CHROMIUM), `no chromium at ${CHROMIUM} (apt-get install chromium)`);
});

describe('hitloop web UI: the loop', () => {
  let tmp;
  let rig;
  let base;
  let key;
  let page;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hitloop-dashboard-'));
    const db = path.join(tmp, 'h.db');
    cli(db, 'train', '--data', DATA);   // the first model is activated
    cli(db, 'import', DATA);            // human labels for the gated retrain's holdout
    cli(db, 'users', 'add', ADMIN.name, '--role', 'admin', '--password', ADMIN.password);
    key = cli(db, 'keys', 'create', 'k').trim();
    assert.match(key, /^\S+$/, 'keys create prints the key alone on stdout');
    rig = await startRig(tmp, db, ['--audit-rate', '1']);
    ({ base, page } = rig);
  });

  after(async () => {
    if (rig) await rig.stop();
    if (tmp && !process.env.KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true });
  });

  // The API with the service key (not the browser's cookie).
  async function keyed(method, p, body) {
    const r = await fetch(base + p, {
      method,
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    assert.ok(r.ok, `${method} ${p}: ${r.status} ${text}`);
    return JSON.parse(text);
  }

  const get = (p) => apiGet(page, base, p);

  test('verdicts logged through /v1/evaluate reach the pass-rate metrics', async () => {
    for (const [input, output, category] of TRAFFIC) {
      const v = await keyed('POST', '/v1/evaluate', { input, output, category });
      assert.equal(typeof v.score, 'number');
      assert.ok(v.model_version);
    }
    // The background writer logs them shortly after.
    const deadline = Date.now() + 10000;
    for (;;) {
      const r = await keyed('GET', '/v1/metrics/pass_rate?bucket_minutes=60');
      const n = (r.buckets || []).reduce((s, b) => s + b.n, 0);
      if (n === TRAFFIC.length) break;
      assert.ok(Date.now() < deadline, `pass_rate counts ${n} verdicts, want ${TRAFFIC.length}:\n${rig.log}`);
      await sleep(200);
    }
  });

  test('the dashboard draws a point per bucket and a row per category', async () => {
    await page.goto(`${base}/`);
    await login(page, ADMIN);
    await page.goto(`${base}/#/dashboard`);
    await page.locator('#pass-rate-chart').waitFor();

    const pr = await get('/v1/metrics/pass_rate?bucket_minutes=60');
    assert.ok(pr.buckets.length > 0);
    assert.equal(await page.locator('#pass-rate-chart circle.point').count(), pr.buckets.length);
    assert.equal(await page.locator('#pass-rate-chart polygon.marker').count(), (pr.alerts || []).length);
    const title = await page.locator('#pass-rate-chart circle.point').first().locator('title').textContent();
    assert.match(title, new RegExp(`n ${pr.buckets[0].n}\\b`));
    assert.match(title, /rate \d+(\.\d)?%/);

    // A bigger bucket: the chart is redrawn from the API again.
    await page.selectOption('#d-bucket', '1440');
    const day = await get('/v1/metrics/pass_rate?bucket_minutes=1440');
    await page.waitForFunction((n) => document.querySelectorAll('#pass-rate-chart circle.point').length === n,
                               day.buckets.length);
    assert.match(page.url(), /bucket=1440/);

    const auto = await get('/v1/metrics/automation?target=0.95');
    assert.ok(auto.categories.length > 0, 'every logged category is in the automation report');
    await page.locator('#automation-table').waitFor();
    assert.equal(await page.locator('#automation-table tbody tr').count(), auto.categories.length);
    for (const c of auto.categories) {
      const row = page.locator(`#automation-table tr[data-category="${c.category}"]`);
      assert.equal(await row.count(), 1, `a row for ${c.category}`);
      if (c.threshold === null) assert.match(await row.textContent(), /humans still needed/);
    }
    await page.selectOption('#d-target', '0.99');
    await page.waitForFunction(() => /target=0\.99/.test(location.hash));
    await page.locator('#automation-table').waitFor();

    // Nothing labeled yet: the agreement says so; the failures too.
    const ag = await get('/v1/metrics/agreement?by=week');
    if (ag.overall.n === 0) await page.locator('#agreement-empty').waitFor();
    const fails = await get('/v1/metrics/failures');
    if (fails.by_tag.every((t) => t.false_pass + t.false_fail === 0)) await page.locator('#failures-empty').waitFor();
    const alerts = await get('/v1/alerts');
    if (alerts.alerts.length === 0) await page.locator('#alerts-empty').waitFor();
    else assert.equal(await page.locator('#alerts-list li').count(), alerts.alerts.length);
  });

  test('an audited item hides the verdict until answered, then shows it', async () => {
    // Uncertain verdicts come first; skip them (in the page too) to an audit.
    const skip = [];
    let q = await get('/v1/queue/next');
    assert.ok(q.session, 'the queue serves the logged sessions');
    await page.goto(`${base}/#/review`);
    await page.locator('#review-output').waitFor();
    for (;;) {
      assert.ok(['second_opinion', 'uncertain', 'audit', 'unlabeled'].includes(q.session.reason),
                `queue reason ${q.session.reason}`);
      assert.equal(await page.locator('#review-session .session-id').textContent(), `#${q.session.id}`);
      assert.equal(await page.locator('#review-reason').getAttribute('data-reason'), q.session.reason);
      assert.equal(await page.locator('#review-verdict').count(), 0);
      if (q.session.reason === 'audit') break;
      assert.notEqual(q.session.reason, 'unlabeled', 'with every verdict audited, audits come before unlabeled');
      skip.push(q.session.id);
      await page.keyboard.press('s');
      await page.waitForFunction((id) => document.querySelector('#review-session .session-id')?.textContent === id,
                                 `#${(q = await get(`/v1/queue/next?skip=${skip.join(',')}`)).session?.id}`);
    }

    // Before answering: no verdict anywhere on the page.
    const full = await get(`/v1/sessions/${q.session.id}`);
    assert.ok(full.verdicts.length > 0, 'the session has a logged verdict');
    const latest = full.verdicts.reduce((a, b) => (b.created_at >= a.created_at ? b : a));
    assert.equal(await page.locator('#review-verdict').count(), 0);
    assert.doesNotMatch(await page.locator('main').textContent(), /model said|model:/i);

    // Answer the opposite of the model: an eval-failure.
    const label = latest.good ? 'bad' : 'good';
    const said = latest.good ? 'good' : 'bad';
    await page.keyboard.press(label[0]);
    await page.locator('#review-status').filter({ hasText: /model said/i }).waitFor();
    const status = await page.locator('#review-status').textContent();
    assert.match(status, new RegExp(`Model said: ${said} \\(${latest.score.toFixed(2)}\\)`));
    assert.match(status, /disagreed with the model: recorded as an eval-failure/);
    // Then the next session, the verdict still in the status line.
    await page.waitForFunction((id) => {
      const el = document.querySelector('#review-session .session-id');
      return document.querySelector('#queue-empty') || (el && el.textContent !== id);
    }, `#${q.session.id}`);
    assert.equal(await page.locator('#review-verdict').count(), 0, 'the next session hides its verdict');
    assert.match(await page.locator('#review-status').textContent(), /model said/i);

    const after = await get(`/v1/sessions/${q.session.id}`);
    assert.equal(after.reviews.length, 1);
    assert.equal(after.reviews[0].label, label);
    assert.equal(after.reviews[0].kind, 'audit');

    // The dashboard now counts the disagreement.
    const ag = await get('/v1/metrics/agreement?by=week');
    await page.goto(`${base}/#/dashboard`);
    if (ag.overall.n > 0) {
      await page.locator('#agreement-overall').waitFor();
      assert.match(await page.locator('#agreement-overall').textContent(), new RegExp(`over ${ag.overall.n} labeled`));
    } else {
      await page.locator('#agreement-empty').waitFor();
    }
  });

  test('an unknown alert says so; the gated retrain shows its progress and decision', async () => {
    await page.goto(`${base}/#/alert/999999`);
    await page.locator('#alert-missing, #alert-sessions-empty').waitFor();

    await page.goto(`${base}/#/models`);
    await page.locator('#models tr[data-model]').first().waitFor();
    await page.click('#btn-retrain');
    await page.locator('#train-state .status-done, #train-state .status-failed').waitFor({ timeout: 120000 });
    const job = await get('/v1/train');
    assert.equal(job.state, 'done', JSON.stringify(job));
    assert.ok(job.progress.length > 0);
    await page.locator('#train-log').filter({ hasText: job.progress.at(-1) }).waitFor();
    // The gate's decision (activated, or kept as a candidate with the reason).
    assert.equal(await page.locator('#retrain-decision strong').textContent(), job.progress.at(-1));
    const models = (await get('/v1/models')).models;
    const status = models.find((m) => m.model === job.model).status;
    await page.locator(`#models tr[data-model="${job.model}"]`).filter({ hasText: status }).waitFor();
  });
});

// `hitloop demo --loop` simulates days of traffic with a drift that raises
// an alert: its marker on the chart leads to the sessions behind it.
describe('hitloop web UI: an alert and its drill-down', () => {
  let tmp;
  let rig;
  let base;
  let page;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hitloop-alerts-'));
    const db = path.join(tmp, 'h.db');
    cli(db, 'demo', '--loop', '--no-serve');
    cli(db, 'users', 'add', ADMIN.name, '--role', 'admin', '--password', ADMIN.password);
    rig = await startRig(tmp, db, ['--monitor-seconds', '0']);
    ({ base, page } = rig);
  });

  after(async () => {
    if (rig) await rig.stop();
    if (tmp && !process.env.KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('the alert marker links to its sessions, in the order the API gives', async () => {
    await page.goto(`${base}/`);
    await login(page, ADMIN);
    const { alerts } = await apiGet(page, base, '/v1/alerts');
    assert.ok(alerts.length > 0, 'the demo loop raises an alert');
    const alert = alerts[0];

    // The dashboard in the alert's scope shows its marker.
    const minutes = Math.round(alert.bucket_ms / 60000);
    const qs = new URLSearchParams({ bucket: String(minutes) });
    if (alert.category) qs.set('category', alert.category);
    if (alert.model_version) qs.set('model_version', alert.model_version);
    await page.goto(`${base}/#/dashboard?${qs}`);
    await page.locator('#pass-rate-chart').waitFor();
    const pr = await apiGet(page, base, `/v1/metrics/pass_rate?bucket_minutes=${minutes}` +
      `&category=${encodeURIComponent(alert.category || '')}&model_version=${alert.model_version || ''}`);
    assert.equal(await page.locator('#pass-rate-chart circle.point').count(), pr.buckets.length);
    assert.equal(await page.locator('#pass-rate-chart polygon.marker').count(), pr.alerts.length);
    assert.equal(await page.locator('#pass-rate-chart polygon.marker.drop').count(),
                 pr.alerts.filter((a) => a.direction === 'drop').length);
    await page.locator('#alerts-list li').first().waitFor();
    // Reading a scope's pass rate runs the monitor on it, which may store
    // a new alert: compare with the alerts stored now.
    const stored = (await apiGet(page, base, '/v1/alerts')).alerts;
    assert.equal(await page.locator('#alerts-list li').count(), stored.length);

    // Click the marker: the drill-down lists the sessions as the API orders them.
    await page.locator(`#pass-rate-chart a[href="#/alert/${alert.id}"]`).click();
    await page.waitForFunction((id) => location.hash === `#/alert/${id}`, alert.id);
    await page.locator('#alert-sessions').waitFor();
    const { sessions } = await apiGet(page, base, `/v1/alerts/${alert.id}/sessions`);
    assert.ok(sessions.length > 0);
    const shown = await page.locator('#alert-sessions tbody tr').evaluateAll((rows) => rows.map((r) => Number(r.dataset.id)));
    assert.deepEqual(shown, sessions.map((s) => s.id));
    assert.match(await page.locator('#alert-head').textContent(), /Drop|Rise/);

    await page.locator('#alert-sessions tbody tr a').first().click();
    await page.locator('#session-verdicts').waitFor();
    assert.match(page.url(), new RegExp(`#/session/${sessions[0].id}$`));
  });
});

// Browser tests of the hitloop web UI: the real binary on a free loopback
// port with a temp store, driven by Playwright (playwright-core) through
// Debian's chromium. Run: HITLOOP_BIN=build/hitloop node --test review.test.mjs
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
const ADMIN = { name: 'admin', password: 'browser-test-admin-pw' };
const REVIEWER = { name: 'rita', password: 'browser-test-reviewer-pw' };
const XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">';
const STEP_MS = 15000;

// Five unlabeled sessions, oldest first; the fourth carries the XSS payload.
const ROWS = [
  ['bt-1', 'Where is my order #1001?', 'It shipped yesterday and arrives Friday.', 'shipping', 'web'],
  ['bt-2', 'Can I return shoes after 60 days?', 'Yes, returns are accepted for up to 5 years, no questions asked.', 'returns', 'app'],
  ['bt-3', 'Do you ship to Canada?', 'Yes, we ship to Canada; delivery takes 5-8 business days.', 'shipping', 'web'],
  ['bt-4', 'Show me something odd', XSS, 'other', 'web'],
  ['bt-5', 'How do I reset my password?', 'Click "Forgot password" on the login page.\n'.repeat(80), 'account', 'app'],
];

function csvField(s) {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

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

describe('hitloop web UI', () => {
  let tmp;
  let db;
  let server;
  let serverLog = '';
  let base;
  let context;
  let page;
  const ids = {};   // external id -> hitloop session id

  before(async () => {
    assert.ok(fs.existsSync(BIN), `no hitloop binary at ${BIN} (set HITLOOP_BIN)`);
    assert.ok(fs.existsSync(CHROMIUM), `no chromium at ${CHROMIUM} (apt-get install chromium)`);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hitloop-browser-'));
    db = path.join(tmp, 'h.db');
    const csv = path.join(tmp, 'sessions.csv');
    fs.writeFileSync(csv, 'id,model_input,model_output,category,channel\n' +
      ROWS.map((r) => r.map(csvField).join(',')).join('\n') + '\n');
    cli(db, 'import', csv);
    cli(db, 'users', 'add', ADMIN.name, '--role', 'admin', '--password', ADMIN.password);
    cli(db, 'users', 'add', REVIEWER.name, '--role', 'reviewer', '--password', REVIEWER.password);

    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = spawn(BIN, ['--db', db, 'serve', '--host', '127.0.0.1', '--port', String(port)],
                   { stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout.on('data', (d) => { serverLog += d; });
    server.stderr.on('data', (d) => { serverLog += d; });
    const deadline = Date.now() + 30000;
    for (;;) {
      if (server.exitCode !== null) throw new Error(`hitloop serve exited (${server.exitCode}):\n${serverLog}`);
      try {
        const r = await fetch(`${base}/healthz`);
        if (r.ok) break;
      } catch { /* not listening yet */ }
      if (Date.now() > deadline) throw new Error(`hitloop serve did not answer /healthz:\n${serverLog}`);
      await sleep(100);
    }

    // Chromium with a fresh profile, no network beyond loopback.
    context = await chromium.launchPersistentContext(path.join(tmp, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run',
             '--disable-background-networking', '--disable-component-update', '--disable-sync',
             '--disable-quic'],
      viewport: { width: 1280, height: 900 },
    });
    context.setDefaultTimeout(STEP_MS);
    page = context.pages()[0] || await context.newPage();
    page.on('pageerror', (e) => { serverLog += `\n[page error] ${e.message}`; });
  });

  after(async () => {
    if (context) await context.close().catch(() => {});
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      const done = new Promise((r) => server.once('exit', r));
      if (await Promise.race([done.then(() => true), sleep(5000).then(() => false)]) === false) server.kill('SIGKILL');
    }
    if (tmp && !process.env.KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true });
  });

  // The API as the logged-in browser sees it (same cookie).
  async function apiGet(p) {
    const r = await page.request.get(base + p);
    assert.equal(r.status(), 200, `GET ${p}: ${r.status()} ${await r.text()}`);
    return r.json();
  }

  async function shownExternalId() {
    await page.locator('#review-session .ext-id').waitFor();
    return page.locator('#review-session .ext-id').textContent();
  }

  // Presses a key and waits until the review page shows another session.
  async function pressAndAdvance(key) {
    const before = await shownExternalId();
    await page.keyboard.press(key);
    await page.waitForFunction((prev) => {
      const el = document.querySelector('#review-session .ext-id');
      const empty = document.querySelector('#queue-empty');
      return empty || (el && el.textContent !== prev);
    }, before);
    return before;
  }

  async function login(user) {
    await page.locator('#login-form').waitFor();
    await page.fill('#login-name', user.name);
    await page.fill('#login-password', user.password);
    await page.click('#login-form button[type=submit]');
    await page.locator('#whoami').filter({ hasText: user.name }).waitFor();
  }

  test('a wrong password shows the error; the right one logs in', async () => {
    await page.goto(`${base}/`);
    await page.locator('#login-form').waitFor();
    await page.fill('#login-name', ADMIN.name);
    await page.fill('#login-password', 'not-the-password');
    await page.click('#login-form button[type=submit]');
    await page.locator('#banner:not([hidden])').waitFor();
    assert.match(await page.locator('#banner').textContent(), /401/);
    await login(ADMIN);
    assert.match(await page.locator('#whoami').textContent(), /admin\s+admin/);
    assert.equal(await page.locator('#login-form').count(), 0);
    for (const s of (await apiGet('/v1/sessions?limit=200')).sessions) ids[s.external_id] = s.id;
    assert.deepEqual(Object.keys(ids).sort(), ROWS.map((r) => r[0]));
  });

  test('review three sessions with the keyboard, tag and note one, undo the last', async () => {
    await page.goto(`${base}/#/review`);
    await page.locator('#review-output').waitFor();
    assert.equal(await page.locator('#count-reviewed').textContent(), '0');
    assert.equal(await page.locator('#count-remaining').textContent(), String(ROWS.length));
    assert.equal(await shownExternalId(), 'bt-1');
    assert.equal(await page.locator('#review-input').textContent(), ROWS[0][1]);
    assert.equal(await page.locator('#review-category').textContent(), 'shipping');

    assert.equal(await pressAndAdvance('g'), 'bt-1');

    // bt-2: a new tag, an existing tag by number key, a note typed with
    // letters that are shortcuts elsewhere.
    assert.equal(await shownExternalId(), 'bt-2');
    const firstTag = await page.locator('#tag-list .tag').first().getAttribute('data-tag');
    await page.keyboard.press('t');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'new-tag');
    await page.keyboard.type('made up policy');
    await page.keyboard.press('Enter');
    await page.locator('#tag-list .tag[data-tag="made up policy"][aria-pressed="true"]').waitFor();
    await page.keyboard.press('Escape');
    if (firstTag) {
      await page.keyboard.press('1');
      await page.locator(`#tag-list .tag[aria-pressed="true"]`).nth(1).waitFor();
    }
    const note = 'Gives a bogus 5-year return window; should say 30 days. Undo? No: bad.';
    await page.keyboard.press('n');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'review-note');
    await page.keyboard.type(note);
    await sleep(200);
    assert.equal(await shownExternalId(), 'bt-2', 'typing in the note must not trigger shortcuts');
    assert.equal(await page.locator('#count-reviewed').textContent(), '1');
    await page.keyboard.press('Escape');
    assert.equal(await pressAndAdvance('b'), 'bt-2');

    assert.equal(await pressAndAdvance('g'), 'bt-3');
    assert.equal(await page.locator('#count-reviewed').textContent(), '3');

    // Undo brings bt-3 back.
    await page.keyboard.press('u');
    await page.waitForFunction(() => document.querySelector('#review-session .ext-id')?.textContent === 'bt-3');
    await page.locator('#review-status').filter({ hasText: 'Undid' }).waitFor();
    assert.equal(await page.locator('#count-reviewed').textContent(), '2');

    // The store: two reviews, the tags and the note; bt-3 has none.
    const s1 = await apiGet(`/v1/sessions/${ids['bt-1']}`);
    assert.equal(s1.reviews.length, 1);
    assert.equal(s1.reviews[0].label, 'good');
    assert.equal(s1.reviews[0].reviewer, ADMIN.name);
    assert.equal(s1.label, 'good');
    const s2 = await apiGet(`/v1/sessions/${ids['bt-2']}`);
    assert.equal(s2.reviews.length, 1);
    assert.equal(s2.reviews[0].label, 'bad');
    assert.equal(s2.reviews[0].note, note);
    const expectedTags = firstTag ? ['made up policy', firstTag] : ['made up policy'];
    assert.deepEqual([...s2.reviews[0].tags].sort(), expectedTags.sort());
    const s3 = await apiGet(`/v1/sessions/${ids['bt-3']}`);
    assert.equal(s3.reviews.length, 0);
    assert.equal(s3.label, null);
    const q = await apiGet('/v1/queue/next');
    assert.equal(q.reviewed_by_me, 2);
  });

  test('skip passes the skipped id; an XSS payload renders as text', async () => {
    assert.equal(await pressAndAdvance('s'), 'bt-3');
    assert.equal(await shownExternalId(), 'bt-4');
    assert.equal(await page.locator('#review-output').textContent(), XSS);
    assert.ok(await page.locator('#review-output').isVisible());
    assert.equal(await page.locator('#review-output img, #review-output script').count(), 0);
    assert.equal(await page.evaluate(() => window.__xss), undefined);

    // bt-5 after skipping bt-4; its long output scrolls inside its box.
    assert.equal(await pressAndAdvance('s'), 'bt-4');
    assert.equal(await shownExternalId(), 'bt-5');
    const box = await page.locator('#review-output').evaluate((el) =>
      ({ scroll: el.scrollHeight, client: el.clientHeight, overflow: getComputedStyle(el).overflowY }));
    assert.ok(box.scroll > box.client, 'a long output is taller than its box');
    assert.equal(box.overflow, 'auto');

    // The session page shows the payload as text too.
    await page.goto(`${base}/#/session/${ids['bt-4']}`);
    await page.locator('#session-reviews').waitFor();
    assert.equal(await page.locator('pre.output').textContent(), XSS);
    assert.equal(await page.evaluate(() => window.__xss), undefined);
  });

  test('the sessions table filters and links to a session page with its reviews', async () => {
    await page.goto(`${base}/#/sessions`);
    await page.locator('#sessions-table').waitFor();
    assert.equal(await page.locator('#sessions-table tbody tr').count(), ROWS.length);
    assert.equal(await page.evaluate(() => window.__xss), undefined);

    await page.selectOption('#f-labeled', 'true');
    await page.waitForFunction(() => document.querySelectorAll('#sessions-table tbody tr').length === 2);
    await page.selectOption('#f-label', 'bad');
    await page.waitForFunction(() => document.querySelectorAll('#sessions-table tbody tr').length === 1);
    assert.match(page.url(), /labeled=true/);

    await page.locator(`#sessions-table a[href="#/session/${ids['bt-2']}"]`).first().click();
    await page.locator('#session-reviews').waitFor();
    const reviews = page.locator('#session-reviews tbody tr');
    assert.equal(await reviews.count(), 1);
    const text = await reviews.first().textContent();
    assert.match(text, /made up policy/);
    assert.match(text, /bogus 5-year return window/);

    await page.goto(`${base}/#/sessions?q=Canada`);
    await page.waitForFunction(() => document.querySelectorAll('#sessions-table tbody tr').length === 1);
  });

  test('admins edit the guidelines, shown as text', async () => {
    await page.goto(`${base}/#/review`);
    await page.click('#edit-guidelines');
    const text = 'Bad: <b>wrong facts</b>, rude tone.\nGood: correct and polite.';
    await page.fill('#guidelines-edit', text);
    await page.fill('#tags-edit', 'wrong facts\nrude');
    await page.click('#guidelines form button[type=submit]');
    await page.locator('#guidelines-text').waitFor();
    assert.equal(await page.locator('#guidelines-text').textContent(), text);
    assert.equal(await page.locator('#guidelines-text b').count(), 0);
    const settings = await apiGet('/v1/settings');
    assert.equal(settings.guidelines, text);
    assert.deepEqual(settings.tags, ['wrong facts', 'rude']);
    await page.locator('#tag-list .tag[data-tag="rude"]').waitFor();
  });

  test('logout, a reviewer sees no admin controls, a 401 shows the login form', async () => {
    await page.click('#logout');
    await page.locator('#login-form').waitFor();
    await login(REVIEWER);
    assert.match(await page.locator('#whoami').textContent(), /reviewer/);
    await page.goto(`${base}/#/review`);
    await page.locator('#guidelines-text').waitFor();
    assert.equal(await page.locator('#edit-guidelines').count(), 0);
    // The reviewer's own queue (not the admin's skips): what the API offers,
    // at least every unlabeled session (labeled ones only come back as
    // audits or second opinions).
    const q = await apiGet('/v1/queue/next');
    assert.equal(q.reviewed_by_me, 0);
    const unlabeled = (await apiGet('/v1/sessions?labeled=false')).total;
    assert.ok(q.remaining >= unlabeled && q.remaining <= ROWS.length, `remaining ${q.remaining}`);
    assert.equal(q.session.reason, 'unlabeled');
    assert.equal(await shownExternalId(), q.session.external_id);
    assert.equal(await page.locator('#review-reason').textContent(), 'unlabeled');
    assert.equal(await page.locator('#count-remaining').textContent(), String(q.remaining));
    await page.goto(`${base}/#/models`);
    await page.locator('#models').filter({ hasNotText: 'Loading' }).waitFor();
    assert.equal(await page.locator('#btn-train').count(), 0);

    await context.clearCookies();
    await page.goto(`${base}/#/sessions`);
    await page.locator('#login-form').waitFor();
  });

  test('the models page trains a candidate with visible progress; an admin activates it', async () => {
    await login(ADMIN);
    await page.goto(`${base}/#/models`);
    await page.locator('#no-models').waitFor();

    // Two human labels are too few: the failed job and its reason are shown.
    await page.click('#btn-train');
    await page.locator('#train-state .status-failed').waitFor({ timeout: 60000 });
    const failed = await apiGet('/v1/train');
    assert.equal(failed.state, 'failed');
    assert.ok(failed.error);
    assert.ok((await page.locator('#train-state').textContent()).includes(failed.error));

    // Twelve more labeled sessions through the API, then train again.
    const items = Array.from({ length: 12 }, (_, i) => ({
      id: `tr-${i}`, input: `Question number ${i} about my order`,
      output: i % 2 ? `Sorry, refunds are never possible ${i}` : `Your order ${i} ships today, thanks!`,
      category: 'training',
    }));
    const created = await page.request.post(`${base}/v1/sessions`, { data: { sessions: items } });
    assert.ok(created.ok(), await created.text());
    const { sessions } = await created.json();
    for (const [i, s] of sessions.entries()) {
      const r = await page.request.post(`${base}/v1/sessions/${s.id}/reviews`,
                                        { data: { label: i % 2 ? 'bad' : 'good' } });
      assert.equal(r.status(), 201, await r.text());
    }
    await page.click('#btn-train');
    await page.locator('#train-state .status-done').waitFor({ timeout: 120000 });
    const job = await apiGet('/v1/train');
    assert.equal(job.state, 'done', JSON.stringify(job));
    assert.ok(job.progress.length > 0);
    assert.ok((await page.locator('#train-log').textContent()).includes(job.progress.at(-1)));

    const row = page.locator(`#models tr[data-model="${job.model}"]`);
    await row.waitFor();
    assert.match(await row.textContent(), /candidate/);
    assert.match(await row.textContent(), /\d\.\d{3}/);   // metrics shown
    await row.locator('button', { hasText: 'Activate' }).click();
    await page.locator(`#models tr[data-model="${job.model}"].active-row`).waitFor();
    const models = (await apiGet('/v1/models')).models;
    assert.equal(models.find((m) => m.model === job.model).status, 'active');
  });
});

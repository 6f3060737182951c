// The models page (#/models): versions, metrics, which one is active;
// admins activate a version, start training (POST /v1/train) or a gated
// retrain (POST /v1/retrain: the challenger is activated only if not worse);
// the job's progress is polled (GET /v1/train, the one job slot).
import { api, ApiError, h, replace, guard, fmtTime, fmtNum } from './util.js';

const POLL_MS = 1000;

export function render(main, ctx) {
  let alive = true;
  let timer = null;
  let wasRunning = false;
  const statusOf = {};            // model version -> status, from the table

  const tableWrap = h('div', { class: 'table-wrap card', id: 'models' }, h('p', { class: 'muted' }, 'Loading…'));
  const trainBtn = ctx.isAdmin
    ? h('button', { type: 'button', class: 'primary', id: 'btn-train', onclick: train }, 'Train a new model')
    : null;
  const retrainBtn = ctx.isAdmin
    ? h('button', { type: 'button', id: 'btn-retrain', onclick: retrain,
                    title: 'Train a challenger on all human labels and activate it only if it is not worse' },
      'Retrain (gated)')
    : null;
  const jobState = h('div', { class: 'job-state', id: 'train-state', 'aria-live': 'polite' });
  const jobLog = h('pre', { class: 'textbox log', id: 'train-log', hidden: true });
  replace(main,
    h('div', { class: 'page-head' }, h('h1', {}, 'Models')),
    tableWrap,
    h('section', { class: 'card train' },
      h('div', { class: 'panel-head' }, h('h2', {}, 'Training'), h('div', { class: 'row' }, retrainBtn, trainBtn)),
      h('p', { class: 'muted small' },
        'Training fits a new candidate from the human labels; it serves traffic only once activated.'),
      ctx.isAdmin ? h('p', { class: 'muted small' },
        'Retrain (gated) trains a challenger on all human labels, audits included and frequent eval-failures ' +
        'oversampled, and activates it only if it is not worse than the active model on the frozen holdout; ' +
        'otherwise it stays a candidate. The log ends with the decision and its reason.') : null,
      jobState, jobLog));

  async function loadModels() {
    const r = await guard(() => api('GET', '/v1/models'));
    if (!alive) return;
    if (!r) { replace(tableWrap, h('p', { class: 'muted' }, 'Could not load the models.')); return; }
    const list = (r.models || []).slice().sort((a, b) => versionNum(b.model) - versionNum(a.model));
    for (const m of list) statusOf[m.model] = m.status;
    if (list.length === 0) {
      replace(tableWrap, h('p', { class: 'muted', id: 'no-models' },
        ctx.isAdmin ? 'No models yet: train one below.' : 'No models yet.'));
      return;
    }
    replace(tableWrap, h('table', { class: 'models' },
      h('thead', {}, h('tr', {},
        h('th', {}, 'Version'), h('th', {}, 'Kind'), h('th', {}, 'Status'), h('th', {}, 'Parent'),
        h('th', {}, 'Created'), h('th', { class: 'num' }, 'AUROC'), h('th', { class: 'num' }, 'Accuracy'),
        h('th', { class: 'num' }, 'F1 (bad)'), h('th', { class: 'num' }, 'n'), h('th', {}, ''))),
      h('tbody', {}, list.map((m) => {
        const met = m.metrics || {};
        const active = m.status === 'active';
        return h('tr', { class: active ? 'active-row' : '', dataset: { model: m.model } },
          h('td', {}, h('strong', {}, m.model)),
          h('td', {}, m.kind ?? ''),
          h('td', {}, h('span', { class: `status status-${m.status}` }, active ? 'active ●' : (m.status ?? ''))),
          h('td', {}, m.parent ? String(m.parent) : '–'),
          h('td', { class: 'nowrap small' }, fmtTime(m.created_at_ms)),
          h('td', { class: 'num' }, fmtNum(met.auroc)),
          h('td', { class: 'num' }, fmtNum(met.accuracy)),
          h('td', { class: 'num' }, fmtNum(met.f1_bad)),
          h('td', { class: 'num small' }, met.n != null ? String(met.n) : '–'),
          h('td', {}, ctx.isAdmin && !active
            ? h('button', { type: 'button', class: 'small', onclick: (ev) => activate(m.model, ev.currentTarget) },
              'Activate')
            : null));
      }))));
  }

  async function activate(version, btn) {
    btn.disabled = true;
    const r = await guard(() => api('POST', `/v1/models/${encodeURIComponent(version)}/activate`, {}));
    if (!alive) return;
    btn.disabled = false;
    if (r) loadModels();
  }

  function showJob(job) {
    if (!job || !job.state || job.state === 'idle') {
      replace(jobState, h('span', { class: 'muted' }, 'No training has run since the server started.'));
      return;
    }
    const running = job.state === 'running';
    if (trainBtn) trainBtn.disabled = running;
    if (retrainBtn) retrainBtn.disabled = running;
    const parts = [h('span', { class: `status status-${job.state}` }, job.state)];
    if (job.kind) parts.push(' · ', job.kind);
    if (job.started_at) parts.push(' · started ', fmtTime(job.started_at));
    if (job.model) {
      parts.push(' · result ', h('strong', {}, job.model), ` (${statusOf[job.model] || 'candidate'})`);
    }
    if (job.error) parts.push(h('div', { class: 'error-text' }, job.error));
    const lines = Array.isArray(job.progress) ? job.progress : [];
    // A gated retrain's log starts with "retrain:" and ends with the decision.
    if (job.state === 'done' && lines.length && /^retrain\b/.test(lines[0])) {
      parts.push(h('div', { class: 'decision', id: 'retrain-decision' }, 'Decision: ', h('strong', {}, lines.at(-1))));
    }
    replace(jobState, ...parts);
    jobLog.hidden = lines.length === 0;
    jobLog.textContent = lines.join('\n');
    jobLog.scrollTop = jobLog.scrollHeight;
  }

  async function poll() {
    timer = null;
    let job;
    try {
      job = await api('GET', '/v1/train');
    } catch (e) {
      // Reviewers may not see training jobs: say nothing then.
      if (!(e instanceof ApiError && (e.status === 401 || e.status === 403))) guard(() => { throw e; });
      return;
    }
    if (!alive) return;
    showJob(job);
    if (job.state === 'running') timer = setTimeout(poll, POLL_MS);
    else if (wasRunning) loadModels().then(() => { if (alive) showJob(job); });
    wasRunning = job.state === 'running';
  }

  async function train() {
    trainBtn.disabled = true;
    const job = await guard(() => api('POST', '/v1/train', { kind: 'ngram' }));
    if (!alive) return;
    if (!job) { trainBtn.disabled = false; poll(); return; }
    showJob(job);
    wasRunning = true;
    if (timer) clearTimeout(timer);
    timer = setTimeout(poll, 300);
  }

  async function retrain() {
    retrainBtn.disabled = true;
    if (trainBtn) trainBtn.disabled = true;
    const job = await guard(() => api('POST', '/v1/retrain', {}));
    if (!alive) return;
    if (!job) { retrainBtn.disabled = false; if (trainBtn) trainBtn.disabled = false; poll(); return; }
    showJob(job);
    wasRunning = true;
    if (timer) clearTimeout(timer);
    timer = setTimeout(poll, 300);
  }

  loadModels();
  poll();
  return () => { alive = false; if (timer) clearTimeout(timer); };
}

function versionNum(v) {
  const m = /^v?(\d+)$/.exec(String(v ?? ''));
  return m ? Number(m[1]) : -1;
}

// The dashboard (#/dashboard): the pass rate over time with alert markers,
// model-vs-human agreement, which categories could be automated, the
// eval-failures by tag and the alerts (each drills down in alert.js).
import { api, ApiError, h, replace, fmtTime, fmtNum } from './util.js';
import { lineChart } from './chart.js';

const BUCKETS = [['15', '15 minutes'], ['60', '1 hour'], ['360', '6 hours'], ['1440', '1 day'], ['10080', '1 week']];
const SPLITS = [['', 'all verdicts'], ['model_version', 'per model version'], ['category', 'per category']];
const TARGETS = [['0.9', '90%'], ['0.95', '95%'], ['0.99', '99%']];
const GROUPS = [['model_version', 'model version'], ['category', 'category'], ['tag', 'tag']];
const WEEK_MS = 7 * 86400e3;
const NO_VERDICTS = 'No verdicts logged yet. They appear once a service calls POST /v1/evaluate (with logging on).';

export function pct(x, digits = 1) {
  return typeof x === 'number' && Number.isFinite(x) ? `${(x * 100).toFixed(digits)}%` : '–';
}

// '6 h', '1 day': an alert's bucket width.
export function span(ms) {
  const m = Number(ms) / 60e3;
  if (!Number.isFinite(m) || m <= 0) return '';
  if (m % 1440 === 0) return `${m / 1440} day${m === 1440 ? '' : 's'}`;
  return m % 60 === 0 ? `${m / 60} h` : `${m} min`;
}

function select(id, label, value, options, onchange) {
  return h('div', { class: 'filter' },
    h('label', { for: id }, label),
    h('select', { id, onchange: (ev) => onchange(ev.target.value) },
      options.map(([v, text]) => h('option', { value: v, selected: v === value }, text))));
}

export const muted = (text, id) => h('p', { class: 'muted empty-state', id }, text);

// A failed section load says so in place; a 401 has already shown the login.
export function failed(el, what, e) {
  if (e instanceof ApiError && e.status === 401) return;
  const msg = e instanceof ApiError && e.status === 404
    ? `${what} is not available on this server yet (404).`
    : `Could not load ${what}: ${e.message || e}`;
  replace(el, h('p', { class: 'error-text section-error' }, msg));
}

export function alertTitle(a) {
  const where = [a.category || null, a.model_version || null].filter(Boolean).join(' · ');
  const width = a.bucket_ms ? ` (${span(a.bucket_ms)} bucket)` : '';
  return `${a.direction === 'drop' ? 'Drop' : 'Rise'} at ${fmtTime(a.bucket_start)}${width}: pass rate ` +
    `${pct(a.baseline)} → ${pct(a.observed)} (CUSUM ${fmtNum(a.statistic, 2)})${where ? ` · ${where}` : ''}`;
}

export function directionBadge(dir) {
  return h('span', { class: `dir ${dir === 'drop' ? 'drop' : 'rise'}` }, dir === 'drop' ? '▼ drop' : '▲ rise');
}

export function render(main, ctx) {
  const p = ctx.params;
  const st = {
    bucket: /^\d+$/.test(p.get('bucket') || '') ? p.get('bucket') : '60',
    category: p.get('category') || '',
    model_version: p.get('model_version') || '',
    split: p.get('split') || '',
    target: TARGETS.some(([v]) => v === p.get('target')) ? p.get('target') : '0.95',
    by: GROUPS.some(([v]) => v === p.get('by')) ? p.get('by') : 'model_version',
    categories: [],
    versions: [],
  };
  let alive = true;

  function saveHash() {
    const qs = new URLSearchParams();
    for (const k of ['bucket', 'category', 'model_version', 'split', 'target', 'by']) if (st[k]) qs.set(k, st[k]);
    history.replaceState(null, '', `#/dashboard?${qs}`);
  }
  const set = (k, reload) => (v) => { st[k] = v; saveHash(); reload(); };

  const controls = h('div', { class: 'filters chart-controls' });
  const passBody = h('div', { id: 'pass-rate-body' }, muted('Loading…'));
  const alertsBody = h('div', { id: 'alerts-body' }, muted('Loading…'));
  const agreementBody = h('div', { id: 'agreement-body' }, muted('Loading…'));
  const agreementTable = h('div', { id: 'agreement-groups' });
  const groupsWrap = h('div', {},
    h('div', { class: 'filters' }, select('d-by', 'Group by', st.by, GROUPS, set('by', loadGroups))), agreementTable);
  const automationBody = h('div', { id: 'automation-body' }, muted('Loading…'));
  const failuresBody = h('div', { id: 'failures-body' }, muted('Loading…'));

  function renderControls() {
    replace(controls,
      select('d-bucket', 'Bucket', st.bucket, BUCKETS.some(([v]) => v === st.bucket) ? BUCKETS
        : [...BUCKETS, [st.bucket, `${st.bucket} minutes`]], set('bucket', loadPassRate)),
      select('d-category', 'Category', st.category,
        [['', 'all categories'], ...st.categories.map((c) => [c, c])], set('category', loadPassRate)),
      select('d-model', 'Model version', st.model_version,
        [['', 'all versions'], ...st.versions.map((v) => [v, v])], set('model_version', loadPassRate)),
      select('d-split', 'Lines', st.split, SPLITS, set('split', loadPassRate)));
  }

  replace(main,
    h('div', { class: 'page-head' }, h('h1', {}, 'Dashboard'),
      h('button', { type: 'button', id: 'dashboard-refresh', onclick: () => loadAll() }, 'Refresh')),
    h('section', { class: 'card', id: 'pass-rate', 'aria-labelledby': 'pass-rate-title' },
      h('h2', { id: 'pass-rate-title' }, 'Pass rate over time'),
      h('p', { class: 'muted small' }, 'Share of logged verdicts judged good, per bucket. ',
        h('span', { class: 'tri drop' }, '▼'), ' a drop and ', h('span', { class: 'tri rise' }, '▲'),
        ' a rise against the trailing baseline (click one for its sessions).'),
      controls, passBody),
    h('section', { class: 'card', id: 'automation', 'aria-labelledby': 'automation-title' },
      h('div', { class: 'panel-head' }, h('h2', { id: 'automation-title' }, 'What can be automated'),
        select('d-target', 'Target agreement', st.target, TARGETS, set('target', loadAutomation))),
      h('p', { class: 'muted small' }, 'Per category: the model confidence above which audited verdicts agreed ' +
        'with humans at least the target share of the time (95% lower bound), and the traffic above it.'),
      automationBody),
    h('div', { class: 'dash-grid' },
      h('section', { class: 'card', id: 'agreement', 'aria-labelledby': 'agreement-title' },
        h('h2', { id: 'agreement-title' }, 'Agreement with human labels'),
        agreementBody,
        groupsWrap),
      h('div', {},
        h('section', { class: 'card', id: 'failures', 'aria-labelledby': 'failures-title' },
          h('h2', { id: 'failures-title' }, 'Eval-failures by tag'),
          failuresBody),
        h('section', { class: 'card', id: 'alerts', 'aria-labelledby': 'alerts-title' },
          h('h2', { id: 'alerts-title' }, 'Alerts'),
          alertsBody))));

  // --- pass rate ---------------------------------------------------------
  async function loadPassRate() {
    const minutes = Number(st.bucket);
    const base = { bucket_minutes: minutes, category: st.category, model_version: st.model_version };
    let queries = [['all verdicts', base]];
    if (st.split === 'model_version' && !st.model_version) {
      queries = st.versions.map((v) => [v, { ...base, model_version: v }]);
    } else if (st.split === 'category' && !st.category) {
      queries = st.categories.map((c) => [c, { ...base, category: c }]);
    }
    if (queries.length === 0) queries = [['all verdicts', base]];
    let results;
    try {
      results = await Promise.all(queries.map(([, q]) => api('GET', '/v1/metrics/pass_rate', null, q)));
    } catch (e) {
      if (alive) failed(passBody, 'the pass rate', e);
      return;
    }
    if (!alive) return;
    const series = [];
    const alerts = new Map();
    results.forEach((r, i) => {
      const buckets = Array.isArray(r.buckets) ? r.buckets : [];
      for (const a of r.alerts || []) alerts.set(a.id, a);
      if (buckets.length === 0 || buckets.every((b) => !b.n)) return;
      const name = queries[i][0];
      series.push({
        name,
        points: buckets.map((b) => ({
          x: Number(b.start),
          y: b.n > 0 ? (typeof b.rate === 'number' ? b.rate : b.passes / b.n) : null,
          title: `${name} · bucket ${fmtTime(b.start)} · n ${b.n} · rate ${b.n > 0 ? pct(b.rate ?? b.passes / b.n) : '– (no verdicts)'}`,
        })),
      });
    });
    if (series.length === 0) {
      replace(passBody, muted(st.category || st.model_version
        ? 'No verdicts logged yet for this selection.' : NO_VERDICTS, 'pass-rate-empty'));
      return;
    }
    const markers = [...alerts.values()].map((a) => ({
      x: Number(a.bucket_start), kind: a.direction === 'drop' ? 'drop' : 'rise',
      title: alertTitle(a), href: `#/alert/${a.id}`,
    }));
    const total = results.reduce((s, r) => s + (r.buckets || []).reduce((t, b) => t + (b.n || 0), 0), 0);
    const nb = Math.max(...results.map((r) => (r.buckets || []).length));
    replace(passBody,
      lineChart({ id: 'pass-rate-chart', label: 'Pass rate per bucket', xKind: 'time',
                  xSpanMs: minutes * 60e3, series, markers }),
      h('p', { class: 'muted small', id: 'pass-rate-summary' },
        `${total} verdict${total === 1 ? '' : 's'} in ${nb} bucket(s)` +
        `${markers.length ? ` · ${markers.length} alert(s)` : ''}.`));
  }

  // --- agreement ---------------------------------------------------------
  function agreementCells(a) {
    return [
      h('td', { class: 'num' }, String(a.n ?? 0)),
      h('td', { class: 'num' }, pct(a.agreement)),
      h('td', { class: 'num' }, a.kappa === null || a.kappa === undefined ? '–' : fmtNum(a.kappa, 2)),
      h('td', { class: 'num' }, pct(a.false_pass_rate)),
      h('td', { class: 'num' }, pct(a.false_fail_rate)),
    ];
  }
  const agreementHead = (first) => h('thead', {}, h('tr', {}, h('th', {}, first), h('th', { class: 'num' }, 'n'),
    h('th', { class: 'num' }, 'Agreement'), h('th', { class: 'num' }, 'κ'),
    h('th', { class: 'num', title: 'share of human-bad the model passed' }, 'False pass'),
    h('th', { class: 'num', title: 'share of human-good the model failed' }, 'False fail')));

  async function loadAgreement() {
    let r;
    try { r = await api('GET', '/v1/metrics/agreement', null, { by: 'week' }); } catch (e) {
      if (alive) failed(agreementBody, 'the agreement', e);
      return;
    }
    if (!alive) return;
    const o = r.overall || {};
    groupsWrap.hidden = !o.n;
    if (!o.n) {
      replace(agreementBody, muted('No verdicts logged yet with a human label: agreement needs sessions ' +
        'that a model judged and a reviewer labeled (audits).', 'agreement-empty'));
      return;
    }
    const weeks = (r.groups || []).filter((g) => g.n > 0);
    const timeKeys = weeks.every((g) => /^\d+$/.test(String(g.key)));
    weeks.sort((a, b) => (timeKeys ? Number(a.key) - Number(b.key) : String(a.key).localeCompare(String(b.key))));
    const weekName = (g) => (timeKeys ? `week of ${fmtTime(Number(g.key)).slice(0, 10)}` : String(g.key));
    const points = weeks.map((g, i) => ({
      x: timeKeys ? Number(g.key) : i, y: g.agreement,
      title: `${weekName(g)} · n ${g.n} · agreement ${pct(g.agreement)}` +
        `${g.kappa !== null && g.kappa !== undefined ? ` · κ ${fmtNum(g.kappa, 2)}` : ''}`,
    }));
    replace(agreementBody,
      h('p', { class: 'agreement-overall', id: 'agreement-overall' },
        h('strong', {}, pct(o.agreement)), ` agreement over ${o.n} labeled verdict${o.n === 1 ? '' : 's'}`,
        ` · κ ${o.kappa === null || o.kappa === undefined ? '–' : fmtNum(o.kappa, 2)}`,
        ` · false pass ${pct(o.false_pass_rate)} · false fail ${pct(o.false_fail_rate)}`),
      points.length ? lineChart({
        id: 'agreement-chart', label: 'Agreement per week', width: 460, height: 200,
        xKind: timeKeys ? 'time' : 'category', xSpanMs: WEEK_MS,
        xLabels: weeks.map((g) => String(g.key)), series: [{ name: 'agreement per week', points }],
      }) : null);
  }

  async function loadGroups() {
    let r;
    try { r = await api('GET', '/v1/metrics/agreement', null, { by: st.by }); } catch (e) {
      if (alive) failed(agreementTable, 'the agreement groups', e);
      return;
    }
    if (!alive) return;
    const groups = (r.groups || []).slice().sort((a, b) => String(a.key).localeCompare(String(b.key)));
    if (groups.length === 0) { replace(agreementTable, muted('No groups yet.', 'agreement-groups-empty')); return; }
    const label = GROUPS.find(([v]) => v === st.by)[1];
    replace(agreementTable, h('div', { class: 'table-wrap' }, h('table', { id: 'agreement-table', class: 'compact' },
      agreementHead(label[0].toUpperCase() + label.slice(1)),
      h('tbody', {}, groups.map((g) => h('tr', { dataset: { key: String(g.key) } },
        h('td', {}, g.key === '' ? h('span', { class: 'muted' }, '(none)') : String(g.key)),
        agreementCells(g)))))));
  }

  // --- automation --------------------------------------------------------
  async function loadAutomation() {
    let r;
    try { r = await api('GET', '/v1/metrics/automation', null, { target: st.target }); } catch (e) {
      if (alive) failed(automationBody, 'the automation report', e);
      return;
    }
    if (!alive) return;
    const rows = (r.categories || []).slice().sort((a, b) => String(a.category).localeCompare(String(b.category)));
    if (rows.length === 0) {
      replace(automationBody, muted('No verdicts logged yet: nothing to automate until audits come in.', 'automation-empty'));
      return;
    }
    const automated = rows.filter((c) => c.threshold !== null && c.threshold !== undefined).length;
    replace(automationBody,
      h('div', { class: 'table-wrap' }, h('table', { id: 'automation-table', class: 'compact' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Category'), h('th', {}, 'Confidence ≥'),
          h('th', { class: 'num', title: 'audited verdicts at or above the threshold' }, 'Support'),
          h('th', { class: 'num' }, 'Agreement'), h('th', { class: 'num', title: '95% lower bound' }, 'Lower bound'),
          h('th', { class: 'num' }, 'Automated share'))),
        h('tbody', {}, rows.map((c) => {
          const none = c.threshold === null || c.threshold === undefined;
          return h('tr', { dataset: { category: String(c.category) }, class: none ? 'humans' : 'automatable' },
            h('td', {}, c.category === '' ? h('span', { class: 'muted' }, '(none)') : String(c.category)),
            h('td', {}, none ? h('span', { class: 'badge humans' }, 'humans still needed') : fmtNum(c.threshold, 3)),
            h('td', { class: 'num' }, c.support ?? '–'),
            h('td', { class: 'num' }, pct(c.agreement)),
            h('td', { class: 'num' }, pct(c.lower_bound)),
            h('td', { class: 'num' }, none ? '–' : pct(c.automated_share)));
        })))),
      h('p', { class: 'muted small' },
        `${automated} of ${rows.length} categor${rows.length === 1 ? 'y' : 'ies'} reach ${pct(Number(st.target), 0)}` +
        ' agreement on audits above some confidence.'));
  }

  // --- failures ----------------------------------------------------------
  async function loadFailures() {
    let r;
    try { r = await api('GET', '/v1/metrics/failures'); } catch (e) {
      if (alive) failed(failuresBody, 'the eval-failures', e);
      return;
    }
    if (!alive) return;
    const rows = (r.by_tag || []).map((t) => ({ ...t, fp: t.false_pass || 0, ff: t.false_fail || 0 }))
      .filter((t) => t.fp + t.ff > 0).sort((a, b) => (b.fp + b.ff) - (a.fp + a.ff) || a.tag.localeCompare(b.tag));
    if (rows.length === 0) {
      replace(failuresBody, muted('No eval-failures yet: no human label has contradicted a model verdict.', 'failures-empty'));
      return;
    }
    const max = Math.max(...rows.map((t) => t.fp + t.ff));
    replace(failuresBody,
      h('ul', { class: 'legend' },
        h('li', {}, h('span', { class: 'swatch fp' }), 'false pass (model good, human bad)'),
        h('li', {}, h('span', { class: 'swatch ff' }), 'false fail (model bad, human good)')),
      h('ul', { class: 'bars', id: 'failure-bars' }, rows.map((t) => {
        const fp = h('span', { class: 'seg fp', title: `${t.fp} false pass` });
        const ff = h('span', { class: 'seg ff', title: `${t.ff} false fail` });
        fp.style.width = `${(100 * t.fp) / max}%`;
        ff.style.width = `${(100 * t.ff) / max}%`;
        return h('li', { dataset: { tag: t.tag } },
          h('span', { class: 'bar-label' }, t.tag === '' ? '(untagged)' : t.tag),
          h('span', { class: 'bar-track', 'aria-hidden': 'true' }, fp, ff),
          h('span', { class: 'bar-count' }, `${t.fp + t.ff}`, h('span', { class: 'muted small' }, ` (${t.fp} / ${t.ff})`)));
      })));
  }

  // --- alerts ------------------------------------------------------------
  async function loadAlerts() {
    let r;
    try { r = await api('GET', '/v1/alerts'); } catch (e) {
      if (alive) failed(alertsBody, 'the alerts', e);
      return;
    }
    if (!alive) return;
    const list = (r.alerts || []).slice().sort((a, b) => Number(b.bucket_start) - Number(a.bucket_start) || b.id - a.id);
    if (list.length === 0) {
      replace(alertsBody, muted('No alerts: the pass rate has not moved away from its baseline.', 'alerts-empty'));
      return;
    }
    replace(alertsBody, h('ul', { class: 'alert-list', id: 'alerts-list' }, list.map((a) =>
      h('li', { dataset: { alertId: String(a.id) } },
        h('a', { href: `#/alert/${a.id}`, class: 'plain' },
          directionBadge(a.direction), ' ', h('strong', {}, `${pct(a.baseline)} → ${pct(a.observed)}`),
          ' ', h('span', { class: 'muted small' },
            `${a.bucket_ms ? `${span(a.bucket_ms)} ` : ''}bucket ${fmtTime(a.bucket_start)}`),
          a.category ? h('span', { class: 'chip category' }, a.category) : null,
          a.model_version ? h('span', { class: 'chip' }, a.model_version) : null,
          h('span', { class: 'muted small' }, ` CUSUM ${fmtNum(a.statistic, 2)} · sessions →`))))));
  }

  // --- loading -----------------------------------------------------------
  async function loadChoices() {
    const [stats, models] = await Promise.all([
      api('GET', '/v1/stats').catch(() => null),
      api('GET', '/v1/models').catch(() => null),
    ]);
    st.categories = Object.keys((stats && stats.categories) || {}).filter((c) => c !== '').sort();
    st.versions = ((models && models.models) || []).map((m) => m.model)
      .sort((a, b) => Number(String(a).replace(/\D/g, '')) - Number(String(b).replace(/\D/g, '')));
    for (const [k, list] of [['category', st.categories], ['model_version', st.versions]]) {
      if (st[k] && !list.includes(st[k])) list.push(st[k]);
    }
  }

  async function loadAll() {
    await loadChoices();
    if (!alive) return;
    renderControls();
    await Promise.all([loadPassRate(), loadAgreement(), loadGroups(), loadAutomation(), loadFailures()]);
    // After the pass rate: reading a scope runs its monitor, which may store
    // a new alert that the list must show.
    await loadAlerts();
  }

  renderControls();
  loadAll();
  return () => { alive = false; };
}

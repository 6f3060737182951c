// The drill-down of one alert (#/alert/ID): what moved, and the sessions
// judged in the alert's bucket, lowest confidence first (the server's order).
import { api, ApiError, h, replace, fmtTime, excerpt, labelBadge, verdictBadge } from './util.js';
import { muted, failed, alertTitle, directionBadge } from './dashboard.js';

// The dashboard with the alert's scope: bucket width, category, model version.
function chartLink(a) {
  const qs = new URLSearchParams();
  if (a.bucket_ms) qs.set('bucket', String(Math.round(a.bucket_ms / 60e3)));
  if (a.category) qs.set('category', a.category);
  if (a.model_version) qs.set('model_version', a.model_version);
  return `#/dashboard?${qs}`;
}

export function render(main, ctx) {
  const id = ctx.args[0];
  let alive = true;
  const head = h('div', { id: 'alert-head' }, muted('Loading…'));
  const body = h('section', { class: 'card table-wrap', id: 'alert-sessions-card' }, muted('Loading…'));
  replace(main,
    h('p', { class: 'crumbs' }, h('a', { href: '#/dashboard' }, '← Dashboard')),
    h('div', { class: 'page-head' }, h('h1', {}, `Alert #${id}`)),
    head, body);

  (async () => {
    const [alerts, sessions] = await Promise.allSettled([
      api('GET', '/v1/alerts'), api('GET', `/v1/alerts/${encodeURIComponent(id)}/sessions`)]);
    if (!alive) return;
    const a = alerts.status === 'fulfilled' ? (alerts.value.alerts || []).find((x) => String(x.id) === id) : null;
    replace(head, a
      ? h('section', { class: 'card' }, h('p', { class: 'alert-summary' }, directionBadge(a.direction), ' ', alertTitle(a)),
        h('p', { class: 'muted small' }, `Raised ${fmtTime(a.created_at)}. Baseline is the trailing pass rate; ` +
          'observed is the rate over the buckets that built the statistic up. ',
        h('a', { href: chartLink(a), id: 'alert-chart-link' }, 'Show it in the chart')))
      : null);
    if (sessions.status === 'rejected') {
      const e = sessions.reason;
      if (alerts.status === 'fulfilled' && !a && e instanceof ApiError && e.status === 404) {
        replace(body, muted(`There is no alert #${id}.`, 'alert-missing'));
      } else failed(body, 'the sessions of this alert', e);
      return;
    }
    // In the server's order: lowest confidence first, i.e. the verdicts in
    // the alert's bucket closest to their model's decision threshold.
    const list = sessions.value.sessions || [];
    if (list.length === 0) { replace(body, muted('No sessions behind this alert.', 'alert-sessions-empty')); return; }
    replace(body, h('p', { class: 'muted small table-note' }, `${list.length} session(s) judged in the alert's ` +
      'bucket, lowest model confidence (closest to the decision threshold) first. Verdict: the latest one.'),
    h('table', { id: 'alert-sessions', class: 'sessions' },
      h('thead', {}, h('tr', {}, h('th', {}, 'ID'), h('th', {}, 'Verdict'), h('th', {}, 'Model'),
        h('th', {}, 'Label'), h('th', {}, 'Category'), h('th', {}, 'Output'), h('th', {}, 'Created'))),
      h('tbody', {}, list.map((s) => h('tr', { dataset: { id: String(s.id) } },
        h('td', {}, h('a', { href: `#/session/${s.id}` }, `#${s.id}`)),
        h('td', {}, verdictBadge(s.verdict)),
        h('td', { class: 'small' }, s.verdict?.model_version ?? '–'),
        h('td', {}, labelBadge(s.label)),
        h('td', {}, s.category || h('span', { class: 'muted' }, '–')),
        h('td', { class: 'excerpt' }, h('a', { href: `#/session/${s.id}`, class: 'plain' }, excerpt(s.model_output, 100))),
        h('td', { class: 'nowrap small' }, fmtTime(s.created_at)))))));
  })();
  return () => { alive = false; };
}

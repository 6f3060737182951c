// The sessions table (#/sessions, filters and paging in the hash) and the
// page of one session (#/session/ID) with all its reviews and verdicts.
import { api, h, replace, guard, textBox, metadataList, fmtTime, fmtNum, excerpt,
         labelBadge, verdictBadge } from './util.js';

const PAGE = 50;
const FILTERS = ['labeled', 'category', 'label', 'verdict', 'q', 'from', 'to'];

function select(id, label, value, options) {
  return [
    h('label', { for: id }, label),
    h('select', { id, name: id.replace(/^f-/, '') },
      options.map(([v, text]) => h('option', { value: v, selected: v === value }, text))),
  ];
}

// 'YYYY-MM-DD' (local) -> unix ms at the start (or end) of that day.
function dayMs(s, end) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s || '')) return '';
  const [y, m, d] = s.split('-').map(Number);
  const t = end ? new Date(y, m - 1, d, 23, 59, 59, 999) : new Date(y, m - 1, d);
  return String(t.getTime());
}

export function renderList(main, ctx) {
  const p = ctx.params;
  const f = Object.fromEntries(FILTERS.map((k) => [k, p.get(k) || '']));
  const offset = Math.max(0, Number(p.get('offset')) || 0);

  const form = h('form', { class: 'filters card', id: 'session-filters', role: 'search' },
    h('div', { class: 'filter' }, select('f-labeled', 'Labeled', f.labeled,
      [['', 'any'], ['true', 'labeled'], ['false', 'unlabeled']])),
    h('div', { class: 'filter' }, select('f-label', 'Human label', f.label,
      [['', 'any'], ['good', 'good'], ['bad', 'bad']])),
    h('div', { class: 'filter' }, select('f-verdict', 'Model verdict', f.verdict,
      [['', 'any'], ['good', 'good'], ['bad', 'bad']])),
    h('div', { class: 'filter' },
      h('label', { for: 'f-category' }, 'Category'),
      h('input', { id: 'f-category', name: 'category', value: f.category, placeholder: 'any',
                   list: 'category-options', autocomplete: 'off' }),
      h('datalist', { id: 'category-options' })),
    h('div', { class: 'filter' },
      h('label', { for: 'f-from' }, 'From'),
      h('input', { id: 'f-from', name: 'from', type: 'date', value: f.from })),
    h('div', { class: 'filter' },
      h('label', { for: 'f-to' }, 'To'),
      h('input', { id: 'f-to', name: 'to', type: 'date', value: f.to })),
    h('div', { class: 'filter grow' },
      h('label', { for: 'f-q' }, 'Search'),
      h('input', { id: 'f-q', name: 'q', type: 'search', value: f.q, placeholder: 'text in input or output' })),
    h('div', { class: 'filter buttons' },
      h('button', { type: 'submit', class: 'primary' }, 'Apply'),
      h('a', { href: '#/sessions', class: 'button' }, 'Reset')));

  function go(values, newOffset) {
    const qs = new URLSearchParams();
    for (const k of FILTERS) if (values[k]) qs.set(k, values[k]);
    if (newOffset > 0) qs.set('offset', String(newOffset));
    const s = qs.toString();
    location.hash = '#/sessions' + (s ? `?${s}` : '');
  }

  function formValues() {
    const out = {};
    for (const k of FILTERS) {
      const el = form.elements.namedItem(k);
      out[k] = el ? el.value.trim() : '';
    }
    return out;
  }

  form.addEventListener('submit', (ev) => { ev.preventDefault(); go(formValues(), 0); });
  for (const el of form.querySelectorAll('select, input[type=date]')) {
    el.addEventListener('change', () => go(formValues(), 0));
  }

  const summary = h('p', { class: 'muted', id: 'sessions-summary' }, 'Loading…');
  const tableWrap = h('div', { class: 'table-wrap card' });
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pages' });
  replace(main,
    h('div', { class: 'page-head' }, h('h1', {}, 'Sessions')),
    form, summary, tableWrap, pager);

  let alive = true;
  // The category names for the filter's suggestions; optional.
  api('GET', '/v1/stats').then((st) => {
    const list = form.querySelector('#category-options');
    for (const name of Object.keys((st && st.categories) || {}).sort()) {
      list.appendChild(h('option', { value: name }));
    }
  }).catch(() => {});
  (async () => {
    const r = await guard(() => api('GET', '/v1/sessions', null, {
      labeled: f.labeled, category: f.category, label: f.label, verdict: f.verdict, q: f.q,
      since: dayMs(f.from, false), until: dayMs(f.to, true), limit: PAGE, offset,
    }));
    if (!alive) return;
    if (!r) { replace(summary, 'Could not load the sessions.'); return; }
    const rows = r.sessions || [];
    const total = r.total ?? rows.length;
    replace(summary, total === 0 ? 'No sessions match.'
      : `Showing ${offset + 1}–${offset + rows.length} of ${total} session${total === 1 ? '' : 's'}, newest first.`);
    if (rows.length === 0) { tableWrap.hidden = true; return; }
    replace(tableWrap, h('table', { class: 'sessions', id: 'sessions-table' },
      h('thead', {}, h('tr', {},
        h('th', {}, 'ID'), h('th', {}, 'Category'), h('th', {}, 'Input'), h('th', {}, 'Output'),
        h('th', {}, 'Label'), h('th', { class: 'num' }, 'Reviews'), h('th', {}, 'Verdict'),
        h('th', {}, 'Created'))),
      h('tbody', {}, rows.map((s) => h('tr', { dataset: { id: String(s.id) } },
        h('td', {}, h('a', { href: `#/session/${s.id}` }, `#${s.id}`),
          s.external_id ? h('div', { class: 'muted small ext' }, s.external_id) : null),
        h('td', {}, s.category || h('span', { class: 'muted' }, '(none)')),
        h('td', { class: 'excerpt' }, h('a', { href: `#/session/${s.id}`, class: 'plain' }, excerpt(s.model_input, 90))),
        h('td', { class: 'excerpt' }, excerpt(s.model_output, 90)),
        h('td', {}, labelBadge(s.label)),
        h('td', { class: 'num' }, String(s.reviews ?? 0)),
        h('td', {}, verdictBadge(s.verdict)),
        h('td', { class: 'nowrap small' }, fmtTime(s.created_at)))))));
    const values = formValues();
    replace(pager,
      h('button', { type: 'button', disabled: offset === 0, onclick: () => go(values, Math.max(0, offset - PAGE)) }, '← Newer'),
      h('span', { class: 'muted small' }, `Page ${Math.floor(offset / PAGE) + 1} of ${Math.max(1, Math.ceil(total / PAGE))}`),
      h('button', { type: 'button', disabled: offset + rows.length >= total, onclick: () => go(values, offset + PAGE) }, 'Older →'));
  })();
  return () => { alive = false; };
}

export function renderOne(main, ctx) {
  const id = ctx.args[0];
  replace(main, h('p', { class: 'muted' }, 'Loading…'));
  let alive = true;

  async function load() {
    const s = await guard(() => api('GET', `/v1/sessions/${id}`));
    if (!alive) return;
    if (!s) {
      replace(main, h('div', { class: 'page-head' }, h('h1', {}, `Session #${id}`)),
        h('p', {}, h('a', { href: '#/sessions' }, '← All sessions')));
      return;
    }
    const reviews = Array.isArray(s.reviews) ? s.reviews : [];
    const verdicts = Array.isArray(s.verdicts) ? s.verdicts : [];
    replace(main,
      h('p', { class: 'crumbs' }, h('a', { href: '#/sessions' }, '← All sessions')),
      h('div', { class: 'page-head' },
        h('h1', {}, `Session #${s.id}`),
        h('div', { class: 'head-badges' }, 'Human label ', labelBadge(s.label))),
      h('section', { class: 'card' },
        h('dl', { class: 'facts' },
          h('dt', {}, 'External id'), h('dd', {}, s.external_id || '–'),
          h('dt', {}, 'Category'), h('dd', {}, s.category || h('span', { class: 'muted' }, '(none)')),
          h('dt', {}, 'Created'), h('dd', {}, fmtTime(s.created_at))),
        h('h2', { class: 'box-title' }, 'Input'), textBox(s.model_input, 'input'),
        h('h2', { class: 'box-title' }, 'Output'), textBox(s.model_output, 'output'),
        h('h2', { class: 'box-title' }, 'Metadata'), metadataList(s.metadata)),
      h('section', { class: 'card', id: 'session-reviews' },
        h('h2', {}, `Reviews (${reviews.length})`),
        reviews.length === 0 ? h('p', { class: 'muted' }, 'No reviews yet.')
          : h('div', { class: 'table-wrap' }, h('table', {},
            h('thead', {}, h('tr', {}, h('th', {}, 'When'), h('th', {}, 'Reviewer'), h('th', {}, 'Label'),
              h('th', {}, 'Tags'), h('th', {}, 'Note'), h('th', {}, 'Kind'), h('th', {}, ''))),
            h('tbody', {}, reviews.map((r) => h('tr', { dataset: { reviewId: String(r.id) } },
              h('td', { class: 'nowrap small' }, fmtTime(r.created_at)),
              h('td', {}, r.reviewer ?? ''),
              h('td', {}, labelBadge(r.label)),
              h('td', {}, (r.tags || []).map((t) => h('span', { class: 'chip' }, t))),
              h('td', { class: 'note-cell' }, r.note || ''),
              h('td', { class: 'small muted' }, r.kind ?? ''),
              h('td', {}, (ctx.isAdmin || r.reviewer === ctx.user.name)
                ? h('button', { type: 'button', class: 'small danger', onclick: () => del(r) }, 'Delete')
                : null))))))),
      h('section', { class: 'card', id: 'session-verdicts' },
        h('h2', {}, `Model verdicts (${verdicts.length})`),
        verdicts.length === 0 ? h('p', { class: 'muted' }, 'No model has judged this session yet.')
          : h('div', { class: 'table-wrap' }, h('table', {},
            h('thead', {}, h('tr', {}, h('th', {}, 'When'), h('th', {}, 'Model'), h('th', {}, 'Verdict'),
              h('th', { class: 'num' }, 'P(good)'), h('th', { class: 'num' }, 'Latency'))),
            h('tbody', {}, verdicts.map((v) => h('tr', {},
              h('td', { class: 'nowrap small' }, fmtTime(v.created_at)),
              h('td', {}, v.model_version ?? ''),
              h('td', {}, labelBadge(v.good ? 'good' : 'bad')),
              h('td', { class: 'num' }, fmtNum(v.score, 3)),
              h('td', { class: 'num small' }, v.latency_us != null ? `${v.latency_us} µs` : '–'))))))));
  }

  async function del(r) {
    if (!window.confirm(`Delete ${r.reviewer}'s ${r.label} review?`)) return;
    const ok = await guard(() => api('DELETE', `/v1/reviews/${r.id}`));
    if (ok !== undefined && alive) load();
  }

  load();
  return () => { alive = false; };
}

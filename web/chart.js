// A small line chart drawn as inline SVG (createElementNS, text via
// textContent): axes, grid, one line per series, a point per bucket with a
// hover title, and alert markers (triangles) that link to a drill-down.
// Colours come from style.css classes (s0..s7, marker.drop/.rise), never
// from inline styles, so the strict CSP holds.
import { h, fmtTime } from './util.js';

const NS = 'http://www.w3.org/2000/svg';
const WIDTH = 760;
const DAY = 86400e3;
const PAD = { left: 48, right: 16, top: 22, bottom: 34 };

export function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v !== undefined && v !== null && v !== false) el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

function title(text) { return svg('title', {}, text); }

// Short time labels: the date alone for day buckets or long ranges, else
// month-day and time.
function timeLabel(ms, range, bucket) {
  const s = fmtTime(ms);
  if (bucket >= DAY || range > 3 * DAY) return s.slice(0, 10);
  return s.slice(5);
}

function pct(y) { return `${Math.round(y * 100)}%`; }

// opts = {
//   series: [{name, cls, points: [{x, y|null, title}]}]  (y null: no data),
//   markers: [{x, kind: 'drop'|'rise', title, href}],
//   xKind: 'time' | 'category' (x is then an index, labels from xLabels),
//   xLabels: [string], xSpanMs: bucket width (the last bucket's right edge),
//   width, height (SVG units), id, label (accessible name), yFormat
// } -> <figure> with the SVG and an HTML legend.
export function lineChart(opts) {
  const height = opts.height || 260;
  const W = opts.width || WIDTH;
  const yFormat = opts.yFormat || pct;
  const series = opts.series || [];
  const all = series.flatMap((s) => s.points);
  const xs = all.map((p) => p.x);
  let x0 = Math.min(...xs);
  let x1 = Math.max(...xs) + (opts.xKind === 'time' ? (opts.xSpanMs || 0) : 0);
  for (const m of opts.markers || []) {
    x0 = Math.min(x0, m.x);
    x1 = Math.max(x1, m.x + (opts.xKind === 'time' ? (opts.xSpanMs || 0) : 0));
  }
  if (!(x1 > x0)) { x0 -= 1; x1 += 1; }
  if (opts.xKind === 'category') { x0 -= 0.5; x1 += 0.5; }
  const plotW = W - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  // Time points sit in the middle of their bucket.
  const mid = opts.xKind === 'time' ? (opts.xSpanMs || 0) / 2 : 0;
  const sx = (x) => PAD.left + ((x + mid - x0) / (x1 - x0)) * plotW;
  const sxRaw = (x) => PAD.left + ((x - x0) / (x1 - x0)) * plotW;
  const sy = (y) => PAD.top + (1 - Math.max(0, Math.min(1, y))) * plotH;

  const root = svg('svg', {
    class: 'chart', viewBox: `0 0 ${W} ${height}`, role: 'img', id: opts.id,
    'aria-label': opts.label || 'chart', preserveAspectRatio: 'xMidYMid meet',
  });
  root.appendChild(title(opts.label || 'chart'));

  // y grid and labels
  const grid = svg('g', { class: 'grid' });
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    const y = sy(t);
    grid.appendChild(svg('line', { x1: PAD.left, x2: W - PAD.right, y1: y, y2: y }));
    grid.appendChild(svg('text', { x: PAD.left - 6, y: y + 4, class: 'tick y' }, yFormat(t)));
  }
  root.appendChild(grid);

  // x axis and labels
  const axis = svg('g', { class: 'axis' });
  const yb = PAD.top + plotH;
  axis.appendChild(svg('line', { x1: PAD.left, x2: W - PAD.right, y1: yb, y2: yb }));
  axis.appendChild(svg('line', { x1: PAD.left, x2: PAD.left, y1: PAD.top, y2: yb }));
  if (opts.xKind === 'category') {
    const labels = opts.xLabels || [];
    const step = Math.max(1, Math.ceil(labels.length / 8));
    labels.forEach((l, i) => {
      if (i % step) return;
      axis.appendChild(svg('text', { x: sx(i), y: yb + 18, class: 'tick x' }, l));
    });
  } else {
    // Ticks on bucket boundaries, on whole days when the labels are dates
    // (evenly spaced without a bucket width).
    const want = W < 600 ? 3 : 5;
    const span = opts.xSpanMs || 0;
    const range = x1 - x0;
    const ticks = [];
    if (span > 0) {
      let step = span * Math.max(1, Math.ceil(range / span / want));
      let t = x0;
      if ((range > 3 * DAY) && span < DAY && DAY % span === 0) {
        step = DAY * Math.max(1, Math.ceil(range / DAY / want));
        t = Math.ceil(x0 / DAY) * DAY;
      }
      for (; t <= x1; t += step) ticks.push(t);
    } else {
      for (let i = 0; i <= want; i++) ticks.push(x0 + (range * i) / want);
    }
    for (const t of ticks) {
      const x = sxRaw(t);
      const edge = x - PAD.left < 30 ? ' first' : W - PAD.right - x < 30 ? ' last' : '';
      axis.appendChild(svg('line', { x1: x, x2: x, y1: yb, y2: yb + 4 }));
      axis.appendChild(svg('text', { x, y: yb + 18, class: `tick x${edge}` }, timeLabel(t, range, span)));
    }
  }
  root.appendChild(axis);

  // lines, broken where a bucket has no data, then the points on top
  series.forEach((s, si) => {
    const cls = s.cls || `s${si % 8}`;
    let d = '';
    let pen = false;
    for (const p of s.points) {
      if (p.y === null || p.y === undefined) { pen = false; continue; }
      d += `${pen ? 'L' : 'M'}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`;
      pen = true;
    }
    if (d) root.appendChild(svg('path', { class: `line ${cls}`, d, 'data-series': s.name }));
  });
  series.forEach((s, si) => {
    const cls = s.cls || `s${si % 8}`;
    const g = svg('g', { class: `points ${cls}`, 'data-series': s.name });
    for (const p of s.points) {
      const empty = p.y === null || p.y === undefined;
      g.appendChild(svg('circle', {
        class: `point${empty ? ' empty' : ''}`, cx: sx(p.x).toFixed(1),
        cy: (empty ? yb : sy(p.y)).toFixed(1), r: empty ? 2.5 : 4,
      }, title(p.title || '')));
    }
    root.appendChild(g);
  });

  // alert markers along the top edge: ▼ red for drops, ▲ blue for rises
  const mk = svg('g', { class: 'markers' });
  for (const m of opts.markers || []) {
    const x = sx(m.x);
    const pts = m.kind === 'drop'
      ? `${x - 6},${PAD.top - 16} ${x + 6},${PAD.top - 16} ${x},${PAD.top - 5}`
      : `${x - 6},${PAD.top - 5} ${x + 6},${PAD.top - 5} ${x},${PAD.top - 16}`;
    mk.appendChild(svg('line', { x1: x, x2: x, y1: PAD.top, y2: yb, class: `marker-guide ${m.kind}` }));
    // The triangle and a larger transparent hit area around it.
    const parts = [svg('rect', { x: x - 10, y: PAD.top - 21, width: 20, height: 20, class: 'hit' }),
      svg('polygon', { points: pts, class: `marker ${m.kind}` }), title(m.title || '')];
    mk.appendChild(m.href ? svg('a', { href: m.href, class: 'alert-marker' }, parts)
      : svg('g', { class: 'alert-marker' }, parts));
  }
  root.appendChild(mk);

  const legend = h('ul', { class: 'legend', 'aria-label': 'Legend' },
    series.map((s, si) => h('li', {}, h('span', { class: `swatch ${s.cls || `s${si % 8}`}` }), s.name)),
    (opts.markers || []).some((m) => m.kind === 'drop')
      ? h('li', {}, h('span', { class: 'tri drop', 'aria-hidden': 'true' }, '▼'), 'drop alert') : null,
    (opts.markers || []).some((m) => m.kind === 'rise')
      ? h('li', {}, h('span', { class: 'tri rise', 'aria-hidden': 'true' }, '▲'), 'rise alert') : null);
  return h('figure', { class: 'chart-figure' }, root, legend);
}

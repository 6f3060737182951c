// Shared helpers: the API client, DOM building (text only, never HTML),
// the error banner and small formatters.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

let onUnauthenticated = () => {};
export function setUnauthenticatedHandler(fn) { onUnauthenticated = fn; }

// api('GET', '/v1/sessions', null, {limit: 50}) -> parsed JSON, or throws
// ApiError. A 401 from any call (but the login itself) shows the login form.
export async function api(method, path, body = null, query = null) {
  let url = path;
  if (query) {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) {
      if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
    }
    const s = qs.toString();
    if (s) url += (url.includes('?') ? '&' : '?') + s;
  }
  const init = { method, headers: { Accept: 'application/json' }, credentials: 'same-origin' };
  if (body !== null) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(url, init);
  } catch (e) {
    throw new ApiError(0, 'network', `cannot reach the server (${e.message})`);
  }
  const text = await res.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (!res.ok) {
    const err = data && data.error ? data.error : {};
    const e = new ApiError(res.status, err.code || `http_${res.status}`,
                           err.message || (text ? text.slice(0, 300) : res.statusText));
    if (res.status === 401 && path !== '/v1/auth/login') onUnauthenticated(e);
    throw e;
  }
  return data === null ? {} : data;
}

// h('div', {class: 'x', onclick: fn}, 'text', child, [more]) builds an
// element. Strings become text nodes, so nothing is ever parsed as HTML.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') {
      el.addEventListener(k.slice(2), v);
    } else if (k === 'class') {
      el.className = v;
    } else if (k === 'dataset') {
      Object.assign(el.dataset, v);
    } else if (k === 'value' || k === 'checked' || k === 'disabled' || k === 'selected') {
      el[k] = v;
    } else {
      el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

export function replace(el, ...children) {
  clear(el);
  append(el, children);
  return el;
}

// The error banner at the top of the page.
export function showError(err) {
  const banner = document.getElementById('banner');
  if (!banner) return;
  const msg = err instanceof ApiError
    ? (err.status ? `${err.message} (${err.status} ${err.code})` : err.message)
    : String(err && err.message ? err.message : err);
  replace(banner,
    h('span', { class: 'banner-text', role: 'alert' }, msg),
    h('button', { type: 'button', class: 'banner-close', 'aria-label': 'Dismiss',
                  onclick: clearError }, '×'));
  banner.hidden = false;
}

export function clearError() {
  const banner = document.getElementById('banner');
  if (!banner) return;
  clear(banner);
  banner.hidden = true;
}

// Runs an async action; an error goes to the banner (a 401 has already
// switched to the login form). Returns the action's value or undefined.
export async function guard(fn) {
  try {
    return await fn();
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 401)) showError(e);
    return undefined;
  }
}

// Timestamps: the API uses unix milliseconds; older values may be seconds.
export function fmtTime(t) {
  if (t === null || t === undefined || t === '') return '';
  if (typeof t === 'string' && !/^\d+$/.test(t)) return t;
  let ms = Number(t);
  if (ms < 1e11) ms *= 1000;
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return String(t);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function fmtNum(x, digits = 3) {
  return typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : '–';
}

export function excerpt(s, n = 120) {
  const t = String(s ?? '').replace(/\s+/g, ' ').trim();
  return t.length > n ? t.slice(0, n - 1) + '…' : t;
}

export function labelBadge(label) {
  if (label === 'good') return h('span', { class: 'badge good' }, 'good');
  if (label === 'bad') return h('span', { class: 'badge bad' }, 'bad');
  return h('span', { class: 'badge none' }, 'unlabeled');
}

export function verdictBadge(v) {
  if (!v) return h('span', { class: 'muted' }, '–');
  const cls = v.good ? 'good' : 'bad';
  return h('span', { class: `badge ${cls} outline`, title: `model ${v.model_version ?? ''}` },
           `${v.good ? 'good' : 'bad'} ${fmtNum(v.score, 2)}`);
}

// True when a key event comes from a place where the user types text.
export function isTyping(ev) {
  const t = ev.target;
  if (!t || !(t instanceof Element)) return false;
  if (t.isContentEditable) return true;
  const tag = t.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (t.getAttribute('type') || 'text').toLowerCase();
    return !['button', 'submit', 'reset', 'checkbox', 'radio'].includes(type);
  }
  return false;
}

// A read-only text box that keeps whitespace and scrolls when long.
export function textBox(text, cls = '') {
  return h('pre', { class: `textbox ${cls}`, tabindex: '0' }, text ?? '');
}

export function metadataList(meta) {
  if (!meta || typeof meta !== 'object' || Object.keys(meta).length === 0) {
    return h('p', { class: 'muted small' }, 'No metadata.');
  }
  return h('dl', { class: 'meta' },
    Object.entries(meta).map(([k, v]) => [
      h('dt', {}, k),
      v === '' || v === null
        ? h('dd', { class: 'muted' }, '(empty)')
        : h('dd', {}, typeof v === 'string' ? v : JSON.stringify(v)),
    ]));
}

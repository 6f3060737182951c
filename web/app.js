// hitloop web UI: the router, the login form and the top bar. Pages live
// in review.js, sessions.js, models.js, dashboard.js and alert.js; each exports
// render(main, ctx) -> optional cleanup function.
import { api, ApiError, h, replace, clearError, showError, setUnauthenticatedHandler }
  from './util.js';
import * as review from './review.js';
import * as sessions from './sessions.js';
import * as models from './models.js';
import * as dashboard from './dashboard.js';
import * as alert from './alert.js';

const state = { user: null, cleanup: null, loginShown: false, lastUser: null };

const routes = [
  { re: /^\/review$/, name: 'review', page: review.render },
  { re: /^\/sessions$/, name: 'sessions', page: sessions.renderList },
  { re: /^\/session\/(\d+)$/, name: 'sessions', page: sessions.renderOne },
  { re: /^\/models$/, name: 'models', page: models.render },
  { re: /^\/dashboard$/, name: 'dashboard', page: dashboard.render },
  { re: /^\/alert\/(\d+)$/, name: 'dashboard', page: alert.render },
];

// '#/sessions?labeled=false&offset=50' -> {path: '/sessions', params}
function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/review';
  const i = raw.indexOf('?');
  const path = i < 0 ? raw : raw.slice(0, i);
  const params = new URLSearchParams(i < 0 ? '' : raw.slice(i + 1));
  return { path, params };
}

function main() { return document.getElementById('main'); }

function stopPage() {
  if (state.cleanup) {
    try { state.cleanup(); } catch { /* a page's cleanup must not block navigation */ }
  }
  state.cleanup = null;
}

function route() {
  if (!state.user) return;
  stopPage();
  clearError();
  const { path, params } = parseHash();
  let match = null;
  let r = null;
  for (const cand of routes) {
    match = cand.re.exec(path);
    if (match) { r = cand; break; }
  }
  for (const a of document.querySelectorAll('.nav a')) {
    if (r && a.dataset.route === r.name) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const el = main();
  if (!r) {
    replace(el, h('section', { class: 'card narrow' },
      h('h1', {}, 'Not found'),
      h('p', {}, 'There is no page here. ', h('a', { href: '#/review' }, 'Go to the review page.'))));
    return;
  }
  const ctx = { user: state.user, params, args: match.slice(1), isAdmin: state.user.role === 'admin' };
  const cleanup = r.page(el, ctx);
  if (typeof cleanup === 'function') state.cleanup = cleanup;
}

function showTopbar() {
  const bar = document.getElementById('topbar');
  if (!state.user) { bar.hidden = true; return; }
  bar.hidden = false;
  replace(document.getElementById('whoami'),
    h('span', { class: 'user-name' }, state.user.name),
    ' ',
    h('span', { class: `role role-${state.user.role}` }, state.user.role));
}

function showLogin(message) {
  stopPage();
  state.user = null;
  state.loginShown = true;
  showTopbar();
  const name = h('input', { id: 'login-name', name: 'name', autocomplete: 'username', required: true });
  const password = h('input', { id: 'login-password', name: 'password', type: 'password',
                                autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Log in');
  const form = h('form', { class: 'card login', id: 'login-form', 'aria-labelledby': 'login-title' },
    h('h1', { id: 'login-title' }, 'hitloop'),
    h('p', { class: 'muted' }, message || 'Log in to review sessions.'),
    h('label', { for: 'login-name' }, 'Name'), name,
    h('label', { for: 'login-password' }, 'Password'), password,
    submit);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    submit.disabled = true;
    clearError();
    try {
      const me = await api('POST', '/v1/auth/login', { name: name.value.trim(), password: password.value });
      await loggedIn(me);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        showError(new ApiError(401, e.code, e.message || 'wrong name or password'));
      } else {
        showError(e);
      }
      password.select();
    } finally {
      submit.disabled = false;
    }
  });
  replace(main(), form);
  name.focus();
}

async function loggedIn(me) {
  if (state.lastUser !== me.name) review.resetState();
  state.lastUser = me.name;
  state.user = { name: me.name, role: me.role };
  state.loginShown = false;
  clearError();
  showTopbar();
  route();
}

async function logout(ev) {
  ev.preventDefault();
  try { await api('POST', '/v1/auth/logout', {}); } catch { /* already logged out */ }
  showLogin('You are logged out.');
}

async function start() {
  setUnauthenticatedHandler(() => {
    if (!state.loginShown) showLogin(state.user ? 'Your session has ended: log in again.' : undefined);
  });
  document.getElementById('logout').addEventListener('click', logout);
  window.addEventListener('hashchange', route);
  try {
    const me = await api('GET', '/v1/auth/me');
    await loggedIn(me);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      if (!state.loginShown) showLogin();
    } else {
      replace(main(), h('section', { class: 'card narrow' }, h('h1', {}, 'hitloop'),
        h('p', {}, 'The server could not be reached. Reload the page to try again.')));
      showError(e);
    }
  }
}

start();

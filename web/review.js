// The review page (#/review): one session at a time from the queue, judged
// good or bad with optional failure tags and a note; skip and undo; the
// guidelines panel beside it. The model's verdict stays hidden until the
// reviewer has answered (no anchoring); the reply then shows it briefly.
import { api, h, replace, clear, guard, isTyping, textBox, metadataList, fmtTime, fmtNum } from './util.js';
import { guidelinesPanel } from './guidelines.js';

// Kept across route changes for as long as the page is loaded: the
// sessions skipped and the reviews made here (the undo stack).
const skipped = new Set();
const undoStack = [];
const extraTags = [];   // tags added in this page, beyond the settings list

const MAX_TAG = 64;
const REVEAL_MS = 1200;   // how long the model's verdict shows before the next session

// Why the queue served a session (GET /v1/queue/next `reason`).
const REASONS = {
  second_opinion: ['second opinion', 'Another reviewer\'s label contradicts a confident model verdict: your label decides.'],
  uncertain: ['uncertain', 'The model was unsure (score near its threshold): your label teaches it most.'],
  audit: ['audit', 'A random sample of the model\'s verdicts, to measure how often it agrees with humans.'],
  unlabeled: ['unlabeled', 'No human has labeled this session yet.'],
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The review count of a queue item (`reviews`) or a full session (`review_count`).
function others(s) {
  const n = typeof s.reviews === 'number' ? s.reviews : s.review_count;
  return typeof n === 'number' ? n : 0;
}

// "model said: good (0.82)" plus, when the label contradicts it, the
// eval-failure (the reply's `eval_failure` when the server sends it).
function verdictNote(label, v, evalFailure) {
  if (!v) return h('span', { class: 'model-said none' }, ' No model verdict for this session.');
  const said = v.good ? 'good' : 'bad';
  const parts = [' Model said: ', h('strong', { class: said }, said), ` (${fmtNum(v.score, 2)})`,
    v.model_version ? h('span', { class: 'muted small' }, ` ${v.model_version}`) : null, '.'];
  if (typeof evalFailure === 'boolean' ? evalFailure : said !== label) {
    parts.push(' ', h('span', { class: 'disagree' }, 'You disagreed with the model: recorded as an eval-failure ',
      `(${said === 'good' ? 'false pass' : 'false fail'}).`));
  }
  return h('span', { class: `model-said ${said === label ? 'agree' : 'disagree'}` }, parts);
}

// Forgets the skips, the undo stack and the added tags (another user logged in).
export function resetState() {
  skipped.clear();
  undoStack.length = 0;
  extraTags.length = 0;
}

export function render(main, ctx) {
  const st = {
    session: null,      // the session shown
    counts: { reviewed_by_me: null, remaining: null },
    tags: [],           // the settings list
    selected: new Set(),
    busy: false,
    alive: true,
    settings: null,
  };

  // --- the skeleton ---------------------------------------------------
  const progress = h('div', { class: 'progress', id: 'progress', 'aria-live': 'polite' });
  const status = h('div', { class: 'status-line', id: 'review-status', 'aria-live': 'polite' });
  const sessionCard = h('article', { class: 'card session-card', id: 'review-session', 'aria-busy': 'true' },
    h('p', { class: 'muted' }, 'Loading the next session…'));
  const tagList = h('div', { class: 'tag-list', id: 'tag-list', role: 'group', 'aria-label': 'Failure tags' });
  const newTag = h('input', { id: 'new-tag', class: 'new-tag', placeholder: 'Add a tag…',
                              maxlength: String(MAX_TAG), autocomplete: 'off', 'aria-label': 'New tag' });
  const addTagBtn = h('button', { type: 'button', class: 'small', id: 'add-tag' }, 'Add');
  const note = h('textarea', { id: 'review-note', class: 'note', rows: '3',
                               placeholder: 'What is wrong, or what is good? (optional)' });
  const goodBtn = h('button', { type: 'button', class: 'verdict good', id: 'btn-good' },
    'Good', h('kbd', {}, 'g'));
  const badBtn = h('button', { type: 'button', class: 'verdict bad', id: 'btn-bad' },
    'Bad', h('kbd', {}, 'b'));
  const skipBtn = h('button', { type: 'button', id: 'btn-skip' }, 'Skip', h('kbd', {}, 's'));
  const undoBtn = h('button', { type: 'button', id: 'btn-undo' }, 'Undo', h('kbd', {}, 'u'));

  const judgeCard = h('section', { class: 'card judge', 'aria-label': 'Your judgment' },
    h('div', { class: 'field' },
      h('div', { class: 'field-label' }, 'Failure tags ', h('span', { class: 'muted small' }, '(keys 1–9)')),
      tagList,
      h('form', { class: 'add-tag', onsubmit: (ev) => { ev.preventDefault(); addTag(); } },
        newTag, addTagBtn)),
    h('div', { class: 'field' },
      h('label', { for: 'review-note', class: 'field-label' }, 'Note ', h('span', { class: 'muted small' }, '(n)')),
      note),
    h('div', { class: 'actions' },
      h('div', { class: 'verdicts' }, goodBtn, badBtn),
      h('div', { class: 'secondary' }, skipBtn, undoBtn)),
    status,
    h('p', { class: 'shortcuts muted small' },
      'Keys: ', h('kbd', {}, 'g'), ' good · ', h('kbd', {}, 'b'), ' bad · ',
      h('kbd', {}, '1'), '–', h('kbd', {}, '9'), ' tags · ', h('kbd', {}, 't'), ' new tag · ',
      h('kbd', {}, 'n'), ' note · ', h('kbd', {}, 's'), ' skip · ', h('kbd', {}, 'u'), ' undo · ',
      h('kbd', {}, 'Esc'), ' leaves a text field'));

  const guidelines = guidelinesPanel(ctx, (settings) => {
    st.tags = Array.isArray(settings.tags) ? settings.tags.slice() : [];
    renderTags();
  });

  replace(main, h('div', { class: 'review-layout' },
    h('div', { class: 'review-main' },
      h('div', { class: 'page-head' }, h('h1', {}, 'Review'), progress),
      sessionCard,
      judgeCard),
    guidelines.el));

  // --- rendering --------------------------------------------------------
  function allTags() {
    const out = [];
    for (const t of [...st.tags, ...extraTags, ...st.selected]) if (!out.includes(t)) out.push(t);
    return out;
  }

  function renderTags() {
    clear(tagList);
    const tags = allTags();
    if (tags.length === 0) tagList.appendChild(h('span', { class: 'muted small' }, 'No tags yet: add one below.'));
    tags.forEach((t, i) => {
      const on = st.selected.has(t);
      tagList.appendChild(h('button', {
        type: 'button', class: 'tag', 'aria-pressed': on ? 'true' : 'false', dataset: { tag: t },
        onclick: () => toggleTag(t),
      }, i < 9 ? h('kbd', {}, String(i + 1)) : null, t));
    });
  }

  function renderProgress() {
    const c = st.counts;
    const done = c.reviewed_by_me ?? 0;
    const left = c.remaining ?? 0;
    const total = done + left;
    const pct = total > 0 ? Math.round((100 * done) / total) : 0;
    const fill = h('span', { class: 'bar-fill' });
    replace(progress,
      h('span', {}, 'Reviewed by you: ', h('strong', { id: 'count-reviewed' }, String(done))),
      h('span', { class: 'sep' }, '·'),
      h('span', {}, 'Remaining: ', h('strong', { id: 'count-remaining' }, String(left))),
      h('span', { class: 'bar', 'aria-hidden': 'true' }, fill));
    fill.style.width = `${pct}%`;
  }

  function renderSession(s) {
    st.session = s;
    sessionCard.setAttribute('aria-busy', 'false');
    setEnabled(!!s);
    if (!s) {
      replace(sessionCard,
        h('div', { class: 'empty', id: 'queue-empty' },
          h('h2', {}, 'All caught up'),
          h('p', { class: 'muted' }, skipped.size
            ? `Nothing left to review but the ${skipped.size} session(s) you skipped.`
            : 'There is nothing left for you to review. New sessions appear here as they arrive.'),
          skipped.size ? h('button', { type: 'button', onclick: () => { skipped.clear(); loadNext(); } },
            'Show the skipped sessions') : null));
      return;
    }
    const metaBox = h('div', { class: 'metadata' });
    if ('metadata' in s) replace(metaBox, metadataList(s.metadata));
    else {
      replace(metaBox, h('p', { class: 'muted small' }, 'Loading metadata…'));
      loadMetadata(s.id, metaBox);
    }
    replace(sessionCard,
      h('div', { class: 'session-head' },
        h('a', { href: `#/session/${s.id}`, class: 'session-id', title: 'All reviews and verdicts' }, `#${s.id}`),
        s.external_id ? h('span', { class: 'ext-id', title: 'external id' }, s.external_id) : null,
        s.category ? h('span', { class: 'chip category', id: 'review-category' }, s.category) : null,
        reasonChip(s.reason),
        h('span', { class: 'muted small' }, fmtTime(s.created_at)),
        others(s) ? h('span', { class: 'muted small' }, `${others(s)} review(s) by others`) : null),
      h('h2', { class: 'box-title' }, 'Input'),
      textBox(s.model_input, 'input'),
      h('h2', { class: 'box-title' }, 'Output'),
      textBox(s.model_output, 'output'),
      h('details', { class: 'meta-details', open: true }, h('summary', {}, 'Metadata'), metaBox));
    sessionCard.querySelector('pre.input').id = 'review-input';
    sessionCard.querySelector('pre.output').id = 'review-output';
  }

  function reasonChip(reason) {
    if (!reason) return null;
    const [text, why] = REASONS[reason] || [String(reason).replace(/_/g, ' '), ''];
    return h('span', { class: `chip reason reason-${String(reason).replace(/[^a-z_]/g, '')}`, id: 'review-reason',
                       title: why || null, dataset: { reason: String(reason) } }, text);
  }

  // After answering: the model's verdict on the card, beside the head.
  function revealVerdict(v) {
    const head = sessionCard.querySelector('.session-head');
    if (!head || !v) return;
    head.appendChild(h('span', { class: `badge ${v.good ? 'good' : 'bad'} outline`, id: 'review-verdict' },
      `model: ${v.good ? 'good' : 'bad'} ${fmtNum(v.score, 2)}`));
  }

  async function loadMetadata(id, box) {
    try {
      const full = await api('GET', `/v1/sessions/${id}`);
      if (st.alive && st.session && st.session.id === id) replace(box, metadataList(full.metadata));
    } catch {
      replace(box, h('p', { class: 'muted small' }, 'Metadata unavailable.'));
    }
  }

  function setEnabled(on) {
    for (const b of [goodBtn, badBtn, skipBtn]) b.disabled = !on || st.busy;
    undoBtn.disabled = undoStack.length === 0 || st.busy;
  }

  function say(msg) { replace(status, msg); }

  // --- actions ------------------------------------------------------------
  function resetJudgment() {
    st.selected.clear();
    note.value = '';
    renderTags();
  }

  function toggleTag(t) {
    if (st.selected.has(t)) st.selected.delete(t); else st.selected.add(t);
    renderTags();
  }

  function addTag() {
    const t = newTag.value.replace(/\s+/g, ' ').trim().slice(0, MAX_TAG);
    if (!t) return;
    if (!st.tags.includes(t) && !extraTags.includes(t)) extraTags.push(t);
    st.selected.add(t);
    newTag.value = '';
    renderTags();
  }

  async function loadNext() {
    st.busy = true;
    setEnabled(!!st.session);
    sessionCard.setAttribute('aria-busy', 'true');
    try {
      const skip = [...skipped].join(',');
      const r = await guard(() => api('GET', '/v1/queue/next', null, { skip }));
      if (!st.alive || !r) return;
      st.counts = { reviewed_by_me: r.reviewed_by_me, remaining: r.remaining };
      renderProgress();
      resetJudgment();
      renderSession(r.session || null);
    } finally {
      st.busy = false;
      setEnabled(!!st.session);
    }
  }

  async function judge(label) {
    const s = st.session;
    if (!s || st.busy) return;
    st.busy = true;
    setEnabled(true);
    const body = { label, tags: [...st.selected] };
    if (s.reason === 'audit') body.kind = 'audit';
    const text = note.value.trim();
    if (text) body.note = text;
    try {
      const review = await guard(() => api('POST', `/v1/sessions/${s.id}/reviews`, body));
      if (!review) return;
      undoStack.push({ reviewId: review.id, session: s, label, tags: body.tags, note: text });
      const v = 'verdict' in review ? review.verdict : undefined;
      say(h('span', {}, `Saved #${s.id} as `, h('strong', { class: label }, label), '.',
        v === undefined ? null : verdictNote(label, v, review.eval_failure), ' Press ', h('kbd', {}, 'u'), ' to undo.'));
      if (v) {
        // Let the reviewer see the verdict before the next session replaces it.
        revealVerdict(v);
        await sleep(REVEAL_MS);
      }
    } finally {
      st.busy = false;
      setEnabled(!!st.session);
    }
    if (st.alive) await loadNext();
  }

  async function skip() {
    if (!st.session || st.busy) return;
    skipped.add(st.session.id);
    say(`Skipped #${st.session.id}.`);
    await loadNext();
  }

  async function undo() {
    if (st.busy || undoStack.length === 0) return;
    const last = undoStack.pop();
    st.busy = true;
    setEnabled(!!st.session);
    try {
      const ok = await guard(() => api('DELETE', `/v1/reviews/${last.reviewId}`));
      if (!ok) { undoStack.push(last); return; }
      const fresh = await guard(() => api('GET', `/v1/sessions/${last.session.id}`));
      if (!st.alive) return;
      skipped.delete(last.session.id);
      if (st.counts.reviewed_by_me !== null) {
        st.counts.reviewed_by_me = Math.max(0, st.counts.reviewed_by_me - 1);
        st.counts.remaining = (st.counts.remaining ?? 0) + 1;
        renderProgress();
      }
      st.selected = new Set(last.tags);
      renderTags();
      note.value = last.note || '';
      renderSession(fresh ? { ...fresh, reason: last.session.reason } : last.session);
      say(h('span', {}, `Undid the `, h('strong', { class: last.label }, last.label), ` review of #${last.session.id}; judge it again.`));
    } finally {
      st.busy = false;
      setEnabled(!!st.session);
    }
  }

  goodBtn.addEventListener('click', () => judge('good'));
  badBtn.addEventListener('click', () => judge('bad'));
  skipBtn.addEventListener('click', skip);
  undoBtn.addEventListener('click', undo);
  addTagBtn.addEventListener('click', addTag);

  // --- keyboard -----------------------------------------------------------
  function onKey(ev) {
    if (ev.key === 'Escape' && isTyping(ev)) { ev.target.blur(); return; }
    if (ev.defaultPrevented || ev.ctrlKey || ev.metaKey || ev.altKey || isTyping(ev)) return;
    if (guidelines.editing()) return;
    const k = ev.key;
    let handled = true;
    if (k === 'g' || k === 'G') judge('good');
    else if (k === 'b' || k === 'B') judge('bad');
    else if (k === 's' || k === 'S') skip();
    else if (k === 'u' || k === 'U') undo();
    else if (k === 'n' || k === 'N') note.focus();
    else if (k === 't' || k === 'T') newTag.focus();
    else if (/^[1-9]$/.test(k)) {
      const t = allTags()[Number(k) - 1];
      if (t !== undefined) toggleTag(t); else handled = false;
    } else handled = false;
    if (handled) ev.preventDefault();
  }
  document.addEventListener('keydown', onKey);

  renderProgress();
  renderTags();
  setEnabled(false);
  guidelines.load();
  loadNext();

  return () => {
    st.alive = false;
    document.removeEventListener('keydown', onKey);
  };
}

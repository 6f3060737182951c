// The guidelines panel beside the review: the reviewing guidelines and the
// failure-tag list from GET /v1/settings, shown as text; admins edit both
// (PUT /v1/settings).
import { api, h, replace, guard } from './util.js';

export function guidelinesPanel(ctx, onSettings) {
  let settings = { guidelines: '', tags: [] };
  let editing = false;
  const body = h('div', { class: 'guidelines-body' }, h('p', { class: 'muted small' }, 'Loading…'));
  const el = h('aside', { class: 'card guidelines', id: 'guidelines', 'aria-labelledby': 'guidelines-title' },
    h('div', { class: 'panel-head' }, h('h2', { id: 'guidelines-title' }, 'Guidelines')),
    body);
  const head = el.querySelector('.panel-head');

  function show() {
    editing = false;
    const text = (settings.guidelines || '').trim();
    const editBtn = ctx.isAdmin
      ? h('button', { type: 'button', class: 'small', id: 'edit-guidelines', onclick: edit }, 'Edit')
      : null;
    replace(head, h('h2', { id: 'guidelines-title' }, 'Guidelines'), editBtn);
    replace(body,
      text
        ? h('div', { class: 'guidelines-text', id: 'guidelines-text' }, text)
        : h('p', { class: 'muted small', id: 'guidelines-text' },
          ctx.isAdmin ? 'No guidelines yet. Edit to write them.' : 'No guidelines yet.'));
  }

  function edit() {
    editing = true;
    const text = h('textarea', { id: 'guidelines-edit', rows: '14', class: 'guidelines-edit',
                                 value: settings.guidelines || '' });
    const tags = h('textarea', { id: 'tags-edit', rows: '5', class: 'tags-edit',
                                 value: (settings.tags || []).join('\n') });
    const save = h('button', { type: 'submit', class: 'primary small' }, 'Save');
    const cancel = h('button', { type: 'button', class: 'small', onclick: show }, 'Cancel');
    const form = h('form', { class: 'guidelines-form' },
      h('label', { for: 'guidelines-edit', class: 'field-label' }, 'Guidelines (plain text)'), text,
      h('label', { for: 'tags-edit', class: 'field-label' }, 'Failure tags (one per line)'), tags,
      h('div', { class: 'row' }, save, cancel));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      save.disabled = true;
      const newTags = [];
      for (const line of tags.value.split('\n')) {
        const t = line.replace(/\s+/g, ' ').trim();
        if (t && !newTags.includes(t)) newTags.push(t);
      }
      const r = await guard(() => api('PUT', '/v1/settings', { guidelines: text.value, tags: newTags }));
      save.disabled = false;
      if (r === undefined) return;
      // The PUT may answer the settings or {}: keep what was sent otherwise.
      settings = {
        guidelines: typeof r.guidelines === 'string' ? r.guidelines : text.value,
        tags: Array.isArray(r.tags) ? r.tags : newTags,
      };
      onSettings(settings);
      show();
    });
    replace(head, h('h2', { id: 'guidelines-title' }, 'Edit guidelines'));
    replace(body, form);
    text.focus();
  }

  async function load() {
    const r = await guard(() => api('GET', '/v1/settings'));
    if (!r) { replace(body, h('p', { class: 'muted small' }, 'Guidelines unavailable.')); return; }
    settings = { guidelines: r.guidelines || '', tags: Array.isArray(r.tags) ? r.tags : [] };
    onSettings(settings);
    show();
  }

  return { el, load, editing: () => editing };
}

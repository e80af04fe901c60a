// Label: class buttons (keys 1–9), a new class, the frame on screen or selected thumbnails, bulk select, undo.
import { $, say, el, get, post, put, del, on, percent } from './api.js';
import { state } from './live.js';

const classes = new Set(['none']);
const selected = new Set();
const actions = [];
let thumbs = [];
let anchor = -1;
let renew = null;

const status = (message, error = false) => say('label-status', message, error);

export function knownClasses(list) {
  for (const c of list) if (c && c !== 'unknown') classes.add(c);
  renderButtons();
}

function renderButtons() {
  const box = $('class-buttons');
  box.replaceChildren();
  [...classes].sort((a, b) => (a === 'none') - (b === 'none') || a.localeCompare(b)).forEach((name, i) => {
    const button = el('button', { className: 'class-button', onclick: () => label(name) });
    button.dataset.label = name;
    if (i < 9) button.append(el('kbd', {}, String(i + 1)));
    button.append(name);
    box.append(button);
  });
}

async function label(name) {
  const targets = selected.size > 0 ? [...selected] : [state.last?.id ?? 'last'];
  const done = [];
  let failed = null;
  for (const id of targets) {
    try {
      const reply = await post('/api/labels', { result: id, label: name });
      if (reply.sample !== null && reply.sample !== undefined) done.push(reply.sample);
      const thumb = document.querySelector(`.thumb[data-id="${id}"]`);
      if (thumb) { thumb.classList.add('labelled'); thumb.classList.remove('selected'); }
    } catch (e) {
      failed = e;
      if (e.code === 'rate_limited') break;
    }
  }

  selected.clear();
  if (done.length) actions.push(done);
  $('undo-label').disabled = actions.length === 0;
  status(failed ? `${done.length} of ${targets.length} labelled “${name}”; ${failed.message}` : `${done.length} labelled “${name}”`, !!failed);
  document.dispatchEvent(new CustomEvent('labelled'));
}

async function undo() {
  const last = actions.pop();
  if (!last) return;
  for (const sample of last) {
    try { await del('/api/labels/' + sample); } catch (e) { status(e.message, true); }
  }
  $('undo-label').disabled = actions.length === 0;
  status(`undid ${last.length} label${last.length === 1 ? '' : 's'}`);
  document.dispatchEvent(new CustomEvent('labelled'));
}

async function refreshThumbs() {
  const reply = await get('/api/results?limit=200');
  thumbs = reply.results.filter((r) => r.hasImage);
  const filter = $('thumbs-filter');
  const current = filter.value;
  const labels = [...new Set(thumbs.map((t) => t.label ?? '(none)'))];
  filter.replaceChildren(el('option', { value: '' }, 'all predictions'), ...labels.map((l) => el('option', { value: l }, l)));
  filter.value = labels.includes(current) ? current : '';
  selected.clear();
  anchor = -1;
  renderThumbs();
}

function visible() {
  const f = $('thumbs-filter').value;
  return thumbs.filter((t) => !f || (t.label ?? '(none)') === f);
}

function renderThumbs() {
  const grid = $('thumbs');
  const list = visible();
  grid.replaceChildren(...list.map((t, i) => {
    const node = el('div', { className: 'thumb' + (selected.has(t.id) ? ' selected' : '') },
      el('img', { src: `/api/results/${t.id}/image`, alt: 'result ' + t.seq, loading: 'lazy' }),
      el('span', {}, `${t.label ?? '–'} ${t.confidence === null ? '' : percent(t.confidence)}`));
    node.dataset.id = t.id;
    node.addEventListener('click', (e) => pick(i, e.shiftKey));
    return node;
  }));
  $('thumbs-count').textContent = `${list.length} with images, ${selected.size} selected`;
}

function pick(index, range) {
  const list = visible();
  if (range && anchor >= 0) {
    const [a, b] = [Math.min(anchor, index), Math.max(anchor, index)];
    for (let i = a; i <= b; i++) selected.add(list[i].id);
  } else {
    const id = list[index].id;
    if (selected.has(id)) selected.delete(id); else selected.add(id);
    anchor = index;
  }
  renderThumbs();
}

export function initLabel() {
  renderButtons();
  $('new-class-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const name = $('new-class').value.trim();
    if (!name) return;
    classes.add(name);
    $('new-class').value = '';
    renderButtons();
    status(`class “${name}” added: label a frame with it`);
  });
  $('undo-label').addEventListener('click', undo);
  $('undo-label').disabled = true;
  $('thumbs-refresh').addEventListener('click', refreshThumbs);
  $('thumbs-all').addEventListener('click', () => { for (const t of visible()) selected.add(t.id); renderThumbs(); });
  $('thumbs-none').addEventListener('click', () => { selected.clear(); renderThumbs(); });
  $('thumbs-filter').addEventListener('change', () => { selected.clear(); renderThumbs(); });
  $('unknown-below').addEventListener('change', async (e) => {
    try { await put('/api/prediction', { unknownBelow: Number(e.target.value) }); status('threshold saved'); } catch (x) { status(x.message, true); }
  });
  document.addEventListener('keydown', (e) => {
    if ($('page-label').hidden || e.target.tagName === 'INPUT' || e.ctrlKey || e.metaKey || e.altKey) return;
    const n = Number(e.key);
    if (n >= 1 && n <= 9) {
      const button = document.querySelectorAll('#class-buttons .class-button')[n - 1];
      if (button) { e.preventDefault(); button.click(); }
    }
  });
  on('result', (r) => {
    const p = $('label-pred');
    p.textContent = r.label === null ? 'no prediction yet' : `${r.label} ${percent(r.confidence)}`;
  });
}

// The labelling session keeps the frames of recent results while this page is open (renewed each minute).
export async function enterLabel(unknownBelow) {
  $('unknown-below').value = unknownBelow ?? 0;
  try { await put('/api/labelling', { storeImages: true }); } catch (e) { status(e.message, true); }
  renew = setInterval(() => put('/api/labelling', { storeImages: true }).catch(() => {}), 60000);
  setTimeout(() => refreshThumbs().catch((e) => status(e.message, true)), 1500);
}

export async function leaveLabel() {
  clearInterval(renew);
  renew = null;
  try { await put('/api/labelling', { storeImages: false }); } catch { /* the lease ends by itself */ }
}

// Head: classes with sample counts and the "needs N more" hint, train now with live progress, versions with
// held-back accuracy per class, the confusion matrix, rollback.
import { $, say, el, get, post, on, percent } from './api.js';
import { knownClasses } from './label.js';

let shown = null;
let pinned = false;

const status = (message, error = false) => say('train-status', message, error);

export async function refreshHeads() {
  const reply = await get('/api/heads');
  knownClasses(reply.classes.map((c) => c.label));
  $('classes-table').tBodies[0].replaceChildren(...reply.classes.map((c) => el('tr', {},
    el('td', {}, c.label), el('td', { className: 'num' }, String(c.samples)), el('td', { className: 'num' }, String(c.seen)),
    el('td', { className: c.needs > 0 ? 'hint' : '' }, c.needs > 0 ? `needs ${c.needs} more label${c.needs === 1 ? '' : 's'}` : 'enough to measure'))));
  $('versions-table').tBodies[0].replaceChildren(...reply.versions.map((v) => {
    const row = el('tr', { className: v.active ? 'active-version' : '' },
      el('td', {}, 'v' + v.version), el('td', {}, v.active ? 'active' : ''),
      el('td', {}, v.createdAt ? new Date(v.createdAt).toLocaleString() : 'unreadable'),
      el('td', { className: 'num' }, String(v.samples ?? '–')),
      el('td', { className: 'num' }, percent(v.validationAccuracy)),
      el('td', { className: 'num' }, v.heldBack ? `${percent(v.heldBack.accuracy)} of ${v.heldBack.count}` : '–'),
      el('td', {}, v.heldBack ? Object.entries(v.heldBack.perClass).map(([k, a]) => `${k} ${percent(a)}`).join(' · ') : ''));
    row.addEventListener('click', () => { pinned = true; confusion(v); });
    return row;
  }));
  const active = reply.versions.find((v) => v.active) ?? reply.versions[0];
  if (active) confusion(pinned && reply.versions.find((v) => v.version === shown) || active);
  $('rollback').disabled = reply.versions.filter((v) => v.loadable).length < 2;
  training(reply.training);
  return reply;
}

function confusion(version) {
  shown = version.version;
  const table = $('confusion');
  const h = version.heldBack;
  $('confusion-version').textContent = `v${version.version}, rows: true class, columns: predicted`;
  if (!h || h.count === 0) { table.replaceChildren(el('tr', {}, el('td', {}, 'no held-back samples yet'))); return; }
  table.replaceChildren(
    el('tr', {}, el('th', {}, ''), ...h.classes.map((c) => el('th', {}, c))),
    ...h.confusion.map((row, t) => el('tr', {}, el('th', {}, h.classes[t]),
      ...row.map((n, p) => el('td', { className: n === 0 ? '' : t === p ? 'diag' : 'off' }, String(n))))));
}

// The status line shows a training state once; a refresh with the same state leaves a later message (a rollback) alone.
let lastTraining = '';
function training(t) {
  $('train-progress').value = t.phase === 'training' ? (t.progress ?? 0) : t.phase === 'accepted' ? 1 : 0;
  const key = JSON.stringify([t.phase, t.version, t.message]);
  if (key === lastTraining) return;
  lastTraining = key;
  const messages = { idle: '', queued: 'training queued…', training: `training… ${t.message ?? ''}`, accepted: `head v${t.version} accepted and active`, rejected: `rejected: ${t.message}`, not_trained: `not trained: ${t.message}` };
  status(messages[t.phase] ?? t.phase, t.phase === 'rejected' || t.phase === 'not_trained');
}

export function initHead() {
  $('train-now').addEventListener('click', async () => {
    try { training((await post('/api/train')).training); } catch (e) { status(e.message, true); }
  });
  $('rollback').addEventListener('click', async () => {
    try { const r = await post('/api/rollback'); await refreshHeads(); status(`rolled back to v${r.headVersion}`); } catch (e) { status(e.message, true); }
  });
  on('training', (t) => {
    if (!$('page-head').hidden) training(t);
    if (t.phase === 'accepted' || t.phase === 'rejected' || t.phase === 'not_trained') refreshHeads().catch(() => {});
  });
  on('head', () => refreshHeads().catch(() => {}));
  document.addEventListener('labelled', () => refreshHeads().catch(() => {}));
}

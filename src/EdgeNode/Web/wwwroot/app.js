// The page app: tabs, login, and the pages (live.js, label.js, region.js, head.js, status.js).
import { $, session, post, setCsrf, connectEvents, get } from './api.js';
import { initLive, startStream, stopStream } from './live.js';
import { initLabel, enterLabel, leaveLabel, knownClasses } from './label.js';
import { initRegion, enterRegion } from './region.js';
import { initHead, refreshHeads } from './head.js';
import { initStatus, refreshStatus } from './status.js';

let page = 'live';
let status = null;

async function show(next) {
  if (page === 'label' && next !== 'label') await leaveLabel();
  page = next;
  for (const button of document.querySelectorAll('#tabs button')) button.classList.toggle('active', button.dataset.page === next);
  for (const section of document.querySelectorAll('.page')) section.hidden = section.id !== 'page-' + next;
  // Only the visible page streams: a hidden one costs the node no encode.
  if (next === 'live') startStream($('live-img')); else stopStream($('live-img'));
  if (next === 'label') { startStream($('label-img')); await enterLabel(status?.unknownBelow); } else stopStream($('label-img'));
  if (next === 'region') await enterRegion();
  if (next === 'head') await refreshHeads();
  if (next === 'status') await refreshStatus();
  history.replaceState(null, '', '#' + next);
}

async function start() {
  status = await get('/api/status');
  $('node-name').textContent = 'EdgeNode ' + status.node;
  knownClasses(status.classes);
  connectEvents((up) => {
    const pill = $('conn');
    pill.textContent = up ? 'live' : 'reconnecting…';
    pill.className = 'pill ' + (up ? 'ok' : 'bad');
  });
  await refreshHeads().catch(() => {});
  const wanted = location.hash.slice(1);
  await show(['live', 'label', 'region', 'head', 'status'].includes(wanted) ? wanted : 'live');
}

async function boot() {
  initLive(); initLabel(); initRegion(); initHead(); initStatus();
  for (const button of document.querySelectorAll('#tabs button')) button.addEventListener('click', () => show(button.dataset.page));
  document.addEventListener('unauthorized', () => { $('login').hidden = false; });
  $('login-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const reply = await post('/api/login', { password: $('login-password').value });
      setCsrf(reply.csrf);
      $('login').hidden = true;
      $('login-password').value = '';
      await start();
    } catch (x) {
      $('login-error').textContent = x.message;
    }
  });
  const s = await session();
  if (s.authRequired && !s.authenticated) { $('login').hidden = false; return; }
  await start();
}

boot();

// Region: drag a rectangle on a still of the camera; only that crop is classified.
import { $, say, get, put, post, del } from './api.js';
import { showRegion } from './live.js';

let drawing = null;
let chosen = null;
let current = null;

const status = (message, error = false) => say('region-status', message, error);

function toFrame(img, e) {
  const box = img.getBoundingClientRect();
  const x = Math.max(0, Math.min(box.width, e.clientX - box.left));
  const y = Math.max(0, Math.min(box.height, e.clientY - box.top));
  return { x: Math.round(x * img.naturalWidth / box.width), y: Math.round(y * img.naturalHeight / box.height) };
}

function show(reply) {
  current = reply.region;
  $('region-undo').disabled = !reply.canUndo;
  status(current ? `classifying ${current.width}×${current.height} at ${current.x},${current.y}` : 'classifying the whole frame');
  showRegion($('region-draw'), $('region-img'), current);
}

export function initRegion() {
  const img = $('region-img');
  img.addEventListener('mousedown', (e) => {
    e.preventDefault();
    drawing = toFrame(img, e);
    chosen = null;
  });
  window.addEventListener('mousemove', (e) => {
    if (!drawing) return;
    const p = toFrame(img, e);
    chosen = { x: Math.min(drawing.x, p.x), y: Math.min(drawing.y, p.y), width: Math.abs(p.x - drawing.x), height: Math.abs(p.y - drawing.y) };
    showRegion($('region-draw'), img, chosen);
  });
  window.addEventListener('mouseup', () => {
    if (!drawing) return;
    drawing = null;
    $('region-save').disabled = !chosen || chosen.width < 8 || chosen.height < 8;
  });
  img.addEventListener('load', () => showRegion($('region-draw'), img, chosen ?? current));
  $('region-save').addEventListener('click', async () => {
    try { show(await put('/api/region', chosen)); chosen = null; $('region-save').disabled = true; } catch (e) { status(e.message, true); }
  });
  $('region-clear').addEventListener('click', async () => {
    try { show(await del('/api/region')); } catch (e) { status(e.message, true); }
  });
  $('region-undo').addEventListener('click', async () => {
    try { show(await post('/api/region/undo')); } catch (e) { status(e.message, true); }
  });
}

export async function enterRegion() {
  $('region-img').src = '/api/frame.jpg?t=' + Date.now();
  try { show(await get('/api/region')); } catch (e) { status(e.message, true); }
}

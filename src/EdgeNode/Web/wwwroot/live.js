// Live: the MJPEG stream with the latest prediction, confidence and novelty over it, fps and latency.
import { $, on, text, percent } from './api.js';

export const state = { last: null, region: null, classes: [] };

export function showRegion(box, img, region) {
  if (!region || !img.naturalWidth) { box.hidden = true; return; }
  const sx = img.clientWidth / img.naturalWidth, sy = img.clientHeight / img.naturalHeight;
  box.style.left = (region.x * sx) + 'px';
  box.style.top = (region.y * sy) + 'px';
  box.style.width = (region.width * sx) + 'px';
  box.style.height = (region.height * sy) + 'px';
  box.hidden = false;
}

export function initLive() {
  const img = $('live-img');
  on('result', (r) => {
    state.last = r;
    const label = $('ov-label');
    label.textContent = r.label ?? (r.headVersion === null ? 'no head yet' : '–');
    label.classList.toggle('unknown', r.label === 'unknown' || r.label === null);
    text($('ov-conf'), percent(r.confidence));
    text($('ov-novelty'), r.novelty?.toFixed(3));
    text($('ov-head'), r.headVersion);
    if (r.latencyMs !== undefined && !r.cached) text($('ov-latency'), r.latencyMs.toFixed(0));
  });
  on('telemetry', (t) => {
    text($('ov-fps'), t.fps?.toFixed(1));
    text($('ov-latency'), t.latencyP50Ms?.toFixed(0));
    state.region = t.region;
    showRegion($('live-region'), img, t.region);
  });
  img.addEventListener('load', () => showRegion($('live-region'), img, state.region));
}

// The stream runs only while its page is shown: a hidden tab costs the node nothing.
// Replacing the source (not removing it) makes the browser close the stream's connection at once.
export function startStream(img) { img.src = '/api/live?t=' + Date.now(); }
export function stopStream(img) { if (img.src.includes('/api/live')) img.src = 'favicon.svg'; }

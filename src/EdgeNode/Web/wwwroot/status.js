// Status: model and execution provider, outbox, broker, health, federated round, and sensor charts of the last hour.
import { $, el, get, on, percent } from './api.js';

function entry(name, value) {
  return [el('dt', {}, name), el('dd', {}, value === null || value === undefined ? '–' : String(value))];
}

export function renderStatus(s, t) {
  $('status-list').replaceChildren(
    ...entry('node', s.node), ...entry('software', s.version),
    ...entry('model', s.model + (s.modelVersion ? ' ' + s.modelVersion : '')), ...entry('execution provider', s.executionProvider),
    ...entry('head version', s.headVersion), ...entry('classes', s.classes.join(', ')),
    ...entry('broker', s.brokerConnected ? 'connected' : 'not connected'),
    ...entry('outbox depth', t?.outboxDepth ?? s.outboxDepth),
    ...entry('health', s.health + (s.healthFailing.length ? ' (' + s.healthFailing.join(', ') + ')' : '')),
    ...entry('fps', t?.fps ?? s.fps), ...entry('latency p50 / p95 (ms)', t ? `${t.latencyP50Ms} / ${t.latencyP95Ms}` : s.latencyP50Ms),
    ...entry('CPU', t?.cpuPercent === undefined ? null : t.cpuPercent + ' %'), ...entry('SoC temperature', t?.socTempC === null || t?.socTempC === undefined ? null : t.socTempC + ' °C'),
    ...entry('federated', s.federated ? `global head v${s.federated.globalVersion ?? '–'}, ${s.federated.updatesSent} updates sent` : 'off'),
    ...entry('region', s.region ? `${s.region.width}×${s.region.height} at ${s.region.x},${s.region.y}` : 'whole frame'),
    ...entry('“unknown” below', percent(s.unknownBelow)), ...entry('keeping frames', s.storeImages ? 'yes (labelling)' : 'no'));
}

function chart(series) {
  const canvas = el('canvas', { width: 280, height: 90 });
  const box = el('div', { className: 'chart' }, el('div', {}, `${series.sensor} ${series.quantity} (${series.unit ?? ''})`), canvas);
  const points = series.points.filter((p) => typeof p[1] === 'number');
  const g = canvas.getContext('2d');
  if (points.length < 2) { g.fillStyle = '#9aa0a6'; g.fillText('not enough readings yet', 8, 48); return box; }
  const xs = points.map((p) => p[0]), ys = points.map((p) => p[1]);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  g.strokeStyle = '#4ea1ff';
  g.beginPath();
  points.forEach(([x, y], i) => {
    const px = 4 + (x - x0) / Math.max(1, x1 - x0) * 272, py = 80 - (y - y0) / Math.max(1e-9, y1 - y0) * 68;
    if (i === 0) g.moveTo(px, py); else g.lineTo(px, py);
  });
  g.stroke();
  g.fillStyle = '#9aa0a6';
  g.fillText(`${y1.toFixed(2)}`, 4, 10);
  g.fillText(`${y0.toFixed(2)}  last ${ys[ys.length - 1].toFixed(2)}`, 4, 90);
  return box;
}

let telemetry = null;
export async function refreshStatus() {
  const [s, sensors] = await Promise.all([get('/api/status'), get('/api/sensors?minutes=60')]);
  renderStatus(s, telemetry);
  $('charts').replaceChildren(...(sensors.series.length ? sensors.series.map(chart) : [el('p', { className: 'hint' }, 'no sensor readings in the last hour')]));
  return s;
}

export function initStatus() {
  on('telemetry', (t) => { telemetry = t; });
}

// The node's HTTP API (docs/web.md): JSON in and out, the session cookie, and the CSRF token on every change.
let csrf = '';

export class ApiError extends Error {
  constructor(status, code, message) { super(message); this.status = status; this.code = code; }
}

export async function session() {
  const s = await call('GET', '/api/session');
  csrf = s.csrf;
  return s;
}

export function setCsrf(token) { csrf = token; }

export async function call(method, path, body) {
  const headers = { 'Accept': 'application/json' };
  if (method !== 'GET') headers['X-CSRF-Token'] = csrf;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  let json = null;
  try { json = await response.json(); } catch { /* not JSON */ }
  if (!response.ok || (json && json.ok === false)) {
    const error = json && json.error ? json.error : { code: 'http_' + response.status, message: response.statusText };
    if (response.status === 401) document.dispatchEvent(new CustomEvent('unauthorized'));
    throw new ApiError(response.status, error.code, error.message);
  }
  return json;
}

export const get = (path) => call('GET', path);
export const post = (path, body) => call('POST', path, body ?? {});
export const put = (path, body) => call('PUT', path, body);
export const del = (path) => call('DELETE', path);

// One EventSource for the whole page; pages subscribe by event name.
const listeners = {};
let source = null;
export function on(event, handler) {
  (listeners[event] ??= []).push(handler);
}
export function connectEvents(status) {
  if (source) source.close();
  source = new EventSource('/api/events');
  for (const name of ['result', 'telemetry', 'training', 'head']) {
    source.addEventListener(name, (e) => {
      const data = JSON.parse(e.data);
      for (const handler of listeners[name] ?? []) handler(data);
    });
  }
  source.onopen = () => status(true);
  source.onerror = () => status(false);
}

export function text(element, value) { element.textContent = value ?? '–'; }
export function $(id) { return document.getElementById(id); }
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') node.className = v; else if (k.startsWith('on')) node.addEventListener(k.slice(2), v); else node[k] = v;
  }
  for (const c of children) node.append(c);
  return node;
}
export const percent = (x) => x === null || x === undefined ? '–' : (x * 100).toFixed(1) + ' %';

// A page's status line: a message, red when it reports an error.
export function say(id, message, error = false) {
  const s = $(id);
  s.textContent = message;
  s.classList.toggle('error', error);
}

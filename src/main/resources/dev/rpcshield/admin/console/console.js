// RpcShield admin console: reads the admin API with the token kept in this tab's session storage.
'use strict';

const API = '/admin/api';
const TOKEN = 'rpcshield.adminToken';
const REFRESH_MS = 3000;
let timer = null;

const $ = (id) => document.getElementById(id);

function token() {
  return sessionStorage.getItem(TOKEN);
}

async function api(method, path, body) {
  const headers = { Authorization: 'Bearer ' + token() };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  const response = await fetch(API + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
  });
  if (response.status === 401) {
    signOut('The admin token was refused.');
    throw new Error('unauthorized');
  }
  if (!response.ok) {
    let why = 'HTTP ' + response.status;
    try {
      const error = await response.json();
      why = error.error + (error.field ? ' (' + error.field + ')' : '');
    } catch (ignored) {
      // not JSON: keep the status
    }
    throw new Error(why);
  }
  return response.json();
}

function cell(row, text, className) {
  const td = row.insertCell();
  td.textContent = text === null || text === undefined ? '' : String(text);
  if (className) {
    td.className = className;
  }
  return td;
}

function badge(text, kind) {
  const span = document.createElement('span');
  span.className = 'badge ' + kind;
  span.textContent = text;
  return span;
}

function fill(tableId, items, render, empty) {
  const body = $(tableId).tBodies[0];
  body.replaceChildren();
  if (items.length === 0) {
    const td = body.insertRow().insertCell();
    td.colSpan = $(tableId).tHead.rows[0].cells.length;
    td.className = 'hint';
    td.textContent = empty;
    return;
  }
  for (const item of items) {
    render(body.insertRow(), item);
  }
}

function when(iso) {
  return iso ? new Date(iso).toLocaleString() : '';
}

function renderNetwork(row, n) {
  row.dataset.name = n.name;
  cell(row, n.name + (n.default ? ' (default)' : ''));
  cell(row, n.chainId > 0 ? n.chainId : 'not checked', 'num');
  cell(row, n.head >= 0 ? n.head : '?', 'num');
  cell(row, '').append(
    badge(n.inRotation + ' of ' + n.upstreams, n.inRotation > 0 ? 'ok' : 'bad'));
  cell(row, n.hosts.join(', '));
}

function renderUpstream(row, u) {
  row.dataset.name = u.name;
  cell(row, u.network);
  cell(row, u.name);
  const state = u.state === 'WRONG_CHAIN'
    ? 'WRONG_CHAIN: chain ' + u.seenChainId + ', expected ' + u.chainId
    : u.state;
  cell(row, '').append(badge(state, u.state === 'CLOSED' ? 'ok' : 'bad'));
  cell(row, '').append(
    u.inRotation ? badge('in', 'ok') : badge('out', 'bad'),
    u.lagging ? badge('lagging', 'warn') : '');
  cell(row, u.head >= 0 ? u.head + (u.lag > 0 ? ' (-' + u.lag + ')' : '') : '?', 'num');
  cell(row, u.latencyMillis.toFixed(1) + ' ms', 'num');
  cell(row, u.requests, 'num');
  cell(row, u.requests > 0 ? (100 * u.failures / u.requests).toFixed(1) + ' %' : '-', 'num');
  cell(row, u.lastFailure);
  const held = u.state === 'HELD';
  const button = document.createElement('button');
  button.type = 'button';
  button.className = held ? 'release' : 'hold';
  button.textContent = held ? 'Release' : 'Hold';
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      await api('POST', '/upstreams/' + encodeURIComponent(u.name) + (held ? '/release' : '/hold'));
      await refresh();
    } catch (err) {
      showStatus(err.message);
      button.disabled = false;
    }
  });
  cell(row, '').append(button);
}

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#4b5563'];
const charts = {};

const perSecond = (v) => (v < 10 ? v.toFixed(2) : v.toFixed(0)) + '/s';
const percent = (v) => (100 * v).toFixed(1) + ' %';
const millis = (v) => (v < 10 ? v.toFixed(1) : v.toFixed(0)) + ' ms';
const count = (v) => String(Math.round(v));

// Draws the lines ({label, values}) over x (seconds) in the element `id`, reusing its chart while
// the lines stay the same; the element's data attributes say what it drew.
function chart(id, title, x, lines, format) {
  const el = $(id);
  const shown = lines.length > 0 ? lines : [{ label: 'none', values: x.map(() => 0) }];
  const key = shown.map((l) => l.label).join('\n');
  let c = charts[id];
  if (c && c.key !== key) {
    c.plot.destroy();
    c = null;
  }
  const data = [x, ...shown.map((l) => l.values)];
  if (c) {
    c.plot.setData(data);
  } else {
    const plot = new uPlot({
      title,
      width: Math.max(320, el.clientWidth - 8),
      height: 200,
      scales: { y: { range: (u, min, max) => [0, max > 0 ? max * 1.1 : 1] } },
      series: [{}, ...shown.map((l, i) => ({
        label: l.label,
        stroke: COLORS[i % COLORS.length],
        width: 2,
        value: (u, v) => (v === null || v === undefined ? '-' : format(v)),
      }))],
      axes: [{}, { size: 70, values: (u, ticks) => ticks.map(format) }],
    }, data, el);
    c = charts[id] = { plot, key };
  }
  const values = shown.flatMap((l) => l.values).filter((v) => v !== null && v !== undefined);
  el.dataset.points = String(x.length);
  el.dataset.max = String(values.length > 0 ? Math.max(...values) : 0);
}

function renderTraffic(t) {
  const x = t.at;
  chart('chart-requests', 'Calls per second', x,
    [{ label: 'calls', values: t.requestsPerSecond }], perSecond);
  chart('chart-errors', 'Calls the gateway failed to answer', x,
    [{ label: 'failed', values: t.errorRatio }], percent);
  chart('chart-refusals', 'Refusals per second, by class', x,
    Object.entries(t.refusalsPerSecond).map(([c, values]) => ({ label: c, values })), perSecond);
  chart('chart-cache', 'Cache hit ratio', x,
    [{ label: 'hits', values: t.cacheHitRatio }], percent);
  const name = (u) => u.network + '/' + u.name;
  chart('chart-upstream-rate', 'Upstream attempts per second', x,
    t.upstreams.map((u) => ({ label: name(u), values: u.requestsPerSecond })), perSecond);
  chart('chart-upstream-errors', 'Upstream attempts failed', x,
    t.upstreams.map((u) => ({ label: name(u), values: u.errorRatio })), percent);
  chart('chart-upstream-latency', 'Upstream latency, p50 and p99', x,
    t.upstreams.flatMap((u) => [
      { label: name(u) + ' p50', values: u.p50Ms },
      { label: name(u) + ' p99', values: u.p99Ms },
    ]), millis);
}

function cacheLine(c) {
  if (!c.enabled) {
    return 'Response cache: off.';
  }
  if (c.hitRatio < 0) {
    return 'Response cache: no cacheable call yet.';
  }
  return 'Response cache hit ratio: ' + (100 * c.hitRatio).toFixed(1) + ' % ('
    + c.hits + ' hits, ' + c.misses + ' misses since start).';
}

function renderEpisode(row, e) {
  row.dataset.key = e.key;
  cell(row, e.class);
  cell(row, e.key).className = 'key';
  cell(row, e.count, 'num');
  cell(row, when(e.firstSeen));
  cell(row, when(e.lastSeen));
}

function renderFlagged(row, a) {
  row.dataset.id = a.id;
  cell(row, a.name + ' (' + a.id + ')');
  cell(row, a.tier);
  cell(row, when(a.flaggedHighRateAt));
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'clear-flag';
  button.textContent = 'Clear flag';
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      await api('DELETE', '/accounts/' + encodeURIComponent(a.id) + '/high-rate-flag');
      await refresh();
    } catch (err) {
      showStatus(err.message);
      button.disabled = false;
    }
  });
  cell(row, '').append(button);
}

function renderAccount(row, a) {
  row.dataset.id = a.id;
  const name = cell(row, a.name + ' ');
  if (a.flaggedHighRateAt) {
    name.append(badge('high rate', 'bad'));
  }
  cell(row, a.tier);
  cell(row, a.enabled ? 'yes' : 'no');
  cell(row, a.networks ? a.networks.join(', ') : 'all');
  const keys = cell(row, '');
  for (const k of a.keys || []) {
    const code = document.createElement('code');
    code.textContent = k.prefix + '…' + (k.label ? ' ' + k.label : '');
    keys.append(code, ' ');
  }
  const usage = document.createElement('button');
  usage.type = 'button';
  usage.className = 'show-usage';
  usage.textContent = 'Usage';
  usage.addEventListener('click', () => showUsage(a).catch((err) => showStatus(err.message)));
  const newKey = document.createElement('button');
  newKey.type = 'button';
  newKey.className = 'new-key';
  newKey.textContent = 'New key';
  newKey.addEventListener('click', () => createKey(a, newKey));
  cell(row, '').append(usage, ' ', newKey);
}

async function createAccount(event) {
  event.preventDefault();
  try {
    await api('POST', '/accounts', { name: $('account-name').value, tier: $('account-tier').value });
    $('account-name').value = '';
    $('account-form-error').textContent = '';
    await refresh();
  } catch (err) {
    if (err.message !== 'unauthorized') {
      $('account-form-error').textContent = err.message;
    }
  }
}

async function createKey(a, button) {
  button.disabled = true;
  try {
    const created = await api('POST', '/accounts/' + encodeURIComponent(a.id) + '/keys', {});
    $('new-key-account').textContent = a.name;
    $('new-key-value').textContent = created.key;
    $('new-key').hidden = false;
    await refresh();
  } catch (err) {
    showStatus(err.message);
  } finally {
    button.disabled = false;
  }
}

const DAY_SECONDS = 86400;

// 30 days of an account's usage (every instance's, from the database) and its top methods.
async function showUsage(a) {
  const id = encodeURIComponent(a.id);
  const [days, methods] = await Promise.all([
    api('GET', '/usage?account=' + id + '&by=day'),
    api('GET', '/usage?account=' + id + '&by=method'),
  ]);
  $('account-usage').hidden = false;
  $('account-usage').dataset.id = a.id;
  $('account-usage-name').textContent = a.name;
  const today = Math.floor(Date.now() / 1000 / DAY_SECONDS) * DAY_SECONDS;
  const x = Array.from({ length: 30 }, (_, i) => today - (29 - i) * DAY_SECONDS);
  const byDay = new Map(days.map((d) => [Date.parse(d.day + 'T00:00:00Z') / 1000, d]));
  const column = (field) => x.map((t) => (byDay.has(t) ? byDay.get(t)[field] : 0));
  chart('chart-account-requests', 'Requests per day', x, [
    { label: 'requests', values: column('requests') },
    { label: 'refusals', values: column('refusals') },
    { label: 'errors', values: column('errors') },
  ], count);
  chart('chart-account-cu', 'Compute units per day', x,
    [{ label: 'compute units', values: column('computeUnits') }], count);
  const top = methods.sort((p, q) => q.computeUnits - p.computeUnits || q.requests - p.requests)
    .slice(0, 10);
  fill('account-methods', top, (row, m) => {
    row.dataset.method = m.method;
    cell(row, m.method);
    cell(row, m.requests, 'num');
    cell(row, m.computeUnits, 'num');
    cell(row, m.refusals, 'num');
    cell(row, m.errors, 'num');
  }, 'No calls in the last 30 days.');
}

const LISTS = ['origins', 'cidrs', 'userAgents', 'methods', 'contracts'];

function renderKey(row, k) {
  row.dataset.id = k.id;
  cell(row, '').append(Object.assign(document.createElement('code'), {
    textContent: k.prefix + '…' + (k.label ? ' ' + k.label : ''),
  }));
  cell(row, k.accountName);
  const lists = cell(row, '', 'lists');
  for (const name of LISTS) {
    const n = ((k.allowlists || {})[name] || []).length;
    if (n > 0) {
      lists.append(badge(name + ' ' + n, 'warn'), ' ');
    }
  }
  if (lists.childNodes.length === 0) {
    lists.textContent = 'none';
  }
  cell(row, k.hasSecret ? (k.secretRequired ? 'required' : 'yes') : 'no');
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'edit-key';
  button.textContent = 'Edit allowlists';
  button.addEventListener('click', () => editKey(k));
  cell(row, '').append(button);
}

function editKey(k) {
  $('key-editor').hidden = false;
  $('key-editor').dataset.id = k.id;
  $('key-editor-title').textContent = k.prefix + '…' + (k.label ? ' ' + k.label : '');
  for (const name of LISTS) {
    $('edit-' + name).value = ((k.allowlists || {})[name] || []).join('\n');
  }
  $('edit-secretRequired').checked = !!k.secretRequired;
  $('edit-secretRequired').disabled = !k.hasSecret;
  $('key-editor-error').textContent = '';
}

async function saveKey(event) {
  event.preventDefault();
  const allowlists = {};
  for (const name of LISTS) {
    allowlists[name] = $('edit-' + name).value.split('\n').map((e) => e.trim()).filter((e) => e);
  }
  const change = { allowlists };
  if (!$('edit-secretRequired').disabled) {
    change.secretRequired = $('edit-secretRequired').checked;
  }
  try {
    await api('PATCH', '/keys/' + encodeURIComponent($('key-editor').dataset.id), change);
    $('key-editor').hidden = true;
    await refresh();
  } catch (err) {
    if (err.message !== 'unauthorized') {
      $('key-editor-error').textContent = err.message;
    }
  }
}

function renderBlocked(row, b) {
  cell(row, b.cidr);
  cell(row, b.reason);
  cell(row, b.expiresAt ? when(b.expiresAt) : 'never');
}

function showStatus(text) {
  $('status').textContent = text;
}

function configLine(c) {
  let line = 'Configuration version ' + c.version + ', applied ' + when(c.appliedAt) + '.';
  if (c.lastReload.outcome && c.lastReload.outcome !== 'applied') {
    line += ' Last change ' + c.lastReload.outcome.replace('_', ' ') + ': ' + c.lastReload.detail + '.';
  }
  if (c.needsRestart.length > 0) {
    line += ' Waiting for a restart: ' + c.needsRestart.join(', ') + '.';
  }
  return line;
}

async function refresh() {
  try {
    const [traffic, networks, upstreams, cache, episodes, flagged, accounts, blocklist, config] = await Promise.all([
      api('GET', '/traffic'),
      api('GET', '/networks'),
      api('GET', '/upstreams'),
      api('GET', '/cache'),
      api('GET', '/ratewatch/episodes'),
      api('GET', '/accounts?flagged=true'),
      api('GET', '/accounts?keys=true'),
      api('GET', '/blocklist'),
      api('GET', '/config'),
    ]);
    fill('networks', networks, renderNetwork, 'No networks configured.');
    fill('upstreams', upstreams, renderUpstream, 'No upstreams configured.');
    $('cache-ratio').textContent = cacheLine(cache);
    $('config-line').textContent = configLine(config);
    fill('episodes', episodes, renderEpisode, 'Nobody has been throttled in the last hour.');
    fill('flagged', flagged, renderFlagged, 'No account is flagged.');
    fill('accounts', accounts, renderAccount, 'No accounts yet.');
    const keys = accounts.flatMap((a) => (a.keys || []).map((k) => ({ ...k, accountName: a.name })));
    fill('keys', keys, renderKey, 'No active keys.');
    fill('blocklist', blocklist, renderBlocked, 'Nothing is blocked.');
    renderTraffic(traffic);
    showStatus('Updated ' + new Date().toLocaleTimeString());
  } catch (err) {
    if (err.message !== 'unauthorized') {
      showStatus('Refresh failed: ' + err.message);
    }
  }
}

function showConsole() {
  $('sign-in-form').hidden = true;
  $('console').hidden = false;
  $('sign-out').hidden = false;
  refresh();
  clearInterval(timer);
  timer = setInterval(refresh, REFRESH_MS);
}

function signOut(reason) {
  sessionStorage.removeItem(TOKEN);
  $('new-key').hidden = true;
  $('new-key-value').textContent = '';
  $('account-usage').hidden = true;
  clearInterval(timer);
  $('console').hidden = true;
  $('sign-out').hidden = true;
  $('sign-in-form').hidden = false;
  $('sign-in-error').textContent = reason || '';
  showStatus('');
}

document.addEventListener('DOMContentLoaded', () => {
  $('sign-in-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    sessionStorage.setItem(TOKEN, $('token').value);
    $('token').value = '';
    try {
      await api('GET', '/upstreams');
      $('sign-in-error').textContent = '';
      showConsole();
    } catch (err) {
      if (err.message !== 'unauthorized') {
        signOut('The gateway did not answer: ' + err.message);
      }
    }
  });
  $('sign-out').addEventListener('click', () => signOut(''));
  $('key-editor').addEventListener('submit', saveKey);
  $('account-form').addEventListener('submit', createAccount);
  $('new-key-done').addEventListener('click', () => {
    $('new-key').hidden = true;
    $('new-key-value').textContent = '';
  });
  $('cancel-key').addEventListener('click', () => {
    $('key-editor').hidden = true;
  });
  if (token()) {
    showConsole();
  } else {
    signOut('');
  }
});

'use strict';
// Spotbridge admin page: a thin client of the admin REST API (/api/...), HTTP Basic per request.
(function () {
  const views = ['login', 'overview', 'records', 'record', 'dead-letters'];
  const $ = (id) => document.getElementById(id);
  let auth = sessionStorage.getItem('spotbridge.auth');

  function show(view) {
    views.forEach((v) => { $(v + '-view').hidden = v !== view; });
    $('nav').hidden = view === 'login';
  }

  function say(text) { $('message').textContent = text || ''; }

  async function api(method, path, body) {
    // X-Requested-With: the API answers 401 without a Basic challenge, so no browser dialog
    const headers = {
      Accept: 'application/json', Authorization: 'Basic ' + auth, 'X-Requested-With': 'spotbridge-admin',
    };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch('/api/' + path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await response.json().catch(() => ({}));
    if (response.status === 401) {
      sessionStorage.removeItem('spotbridge.auth');
      auth = null;
      show('login');
      throw new Error(json.message || 'log in again');
    }
    if (!response.ok) throw new Error(json.message || ('HTTP ' + response.status));
    return json;
  }

  function cell(row, text) {
    const td = document.createElement('td');
    td.textContent = text == null ? '' : text;
    row.appendChild(td);
    return td;
  }

  function age(iso) {
    const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
    if (s < 120) return s + ' s';
    if (s < 7200) return Math.round(s / 60) + ' min';
    if (s < 172800) return Math.round(s / 3600) + ' h';
    return Math.round(s / 86400) + ' d';
  }

  function pairs(table, object, label) {
    const body = $(table).tBodies[0];
    body.replaceChildren();
    Object.entries(object).forEach(([k, v]) => {
      const row = body.insertRow();
      const th = document.createElement('th');
      th.scope = 'row'; th.textContent = k; row.appendChild(th);
      cell(row, label ? label(v) : v).id = table + '-' + k;
    });
  }

  async function overview() {
    show('overview');
    const o = await api('GET', 'overview');
    pairs('status-table', o.statuses);
    pairs('queue-table', o.queues, (q) => q.messages + (q.capped ? '+' : '') + ' waiting'
      + (q.consumers === undefined ? '' : ', ' + q.consumers + ' consumers'));
    pairs('circuit-table', o.circuits, (c) => c.state + Object.entries(c.calls)
      .filter(([, state]) => state !== 'closed').map(([call, state]) => ' (' + call + ': ' + state + ')').join(''));
    pairs('run-table', o.lastRuns, (r) => r.outcome + ', ' + age(r.finishedAt) + ' ago on ' + r.node
      + (r.outcome === 'Failed' && r.detail ? ': ' + r.detail : ''));
    pairs('feed-table', o.backsyncWatermarks);
  }

  let searches = 0;

  async function records() {
    show('records');
    const mine = ++searches;
    const params = new URLSearchParams();
    if ($('q').value) params.set('q', $('q').value);
    if ($('status').value) params.set('status', $('status').value);
    const hits = await api('GET', 'records?' + params);
    if (mine !== searches) return; // a later search has been asked for: its answer counts
    const body = $('records-table').tBodies[0];
    body.replaceChildren();
    hits.forEach((h) => {
      const row = body.insertRow();
      const link = document.createElement('a');
      link.href = '#record/' + h.entity + '/' + h.id;
      link.textContent = h.entity + ' ' + h.id;
      cell(row, '').appendChild(link);
      cell(row, h.name); cell(row, h.email);
      cell(row, h.status).className = 'status';
      cell(row, h.lastSyncedAt);
    });
    say(hits.length ? '' : 'No records found.');
  }

  async function record(entity, id) {
    show('record');
    const r = await api('GET', 'records/' + entity + '/' + id);
    $('record-title').textContent = entity + ' ' + id;
    $('record-status').textContent = r.status;
    $('record-synced').textContent = r.lastSyncedAt || 'never';
    $('record-error').textContent = r.lastError || '—';
    $('resync').onclick = async () => {
      await api('POST', 'records/' + entity + '/' + id + '/resync');
      say('Resync queued.');
    };
    const list = $('timeline');
    list.replaceChildren();
    r.history.forEach((h) => {
      const li = document.createElement('li');
      const when = document.createElement('time');
      when.dateTime = h.at; when.textContent = h.at;
      const what = document.createElement('span');
      what.className = 'outcome-' + String(h.outcome).toLowerCase().replace(/[^a-z]+/g, '-');
      what.textContent = ' ' + h.operation + ' — ' + h.outcome + ' ';
      li.append(when, what, document.createTextNode(h.detail || ''));
      list.appendChild(li);
    });
  }

  async function deadLetters() {
    show('dead-letters');
    const letters = await api('GET', 'dead-letters');
    const body = $('dead-letters-table').tBodies[0];
    body.replaceChildren();
    letters.forEach((d) => {
      const row = body.insertRow();
      const box = document.createElement('input');
      box.type = 'checkbox'; box.value = d.messageId;
      box.setAttribute('aria-label', 'select ' + d.entity + ' ' + d.recordId);
      cell(row, '').appendChild(box);
      const link = document.createElement('a');
      link.href = '#record/' + d.entity + '/' + d.recordId;
      link.textContent = d.entity + ' ' + d.recordId;
      cell(row, '').appendChild(link);
      cell(row, d.reason);
      cell(row, age(d.enqueuedAt));
    });
    say(letters.length + ' dead letter(s).');
  }

  const selected = () => Array.from(document.querySelectorAll('#dead-letters-table input:checked'))
    .map((b) => b.value);

  async function act(fn) {
    try { await fn(); } catch (e) { say(e.message); }
  }

  async function route() {
    if (!auth) { show('login'); return; }
    const [view, a, b] = location.hash.replace(/^#/, '').split('/');
    if (view === 'record') return record(a, b);
    if (view === 'dead-letters') return deadLetters();
    if (view === 'overview') return overview();
    return records();
  }

  $('login-form').addEventListener('submit', (e) => {
    e.preventDefault();
    auth = btoa(unescape(encodeURIComponent($('user').value + ':' + $('password').value)));
    act(async () => {
      await api('GET', 'dead-letters');
      sessionStorage.setItem('spotbridge.auth', auth);
      say('');
      await route();
    });
  });
  $('logout').addEventListener('click', () => {
    sessionStorage.removeItem('spotbridge.auth'); auth = null; show('login');
  });
  $('search-form').addEventListener('submit', (e) => {
    e.preventDefault();
    if (location.hash !== '#records') location.hash = '#records'; else act(records);
  });
  $('replay-selected').addEventListener('click', () => act(async () => {
    const r = await api('POST', 'dead-letters/replay', { ids: selected() });
    await deadLetters(); say('Replayed ' + r.replayed + '.');
  }));
  $('replay-all').addEventListener('click', () => act(async () => {
    const r = await api('POST', 'dead-letters/replay', { all: true });
    await deadLetters(); say('Replayed ' + r.replayed + '.');
  }));
  $('discard-selected').addEventListener('click', () => act(async () => {
    const r = await api('POST', 'dead-letters/discard',
      { ids: selected(), reason: $('discard-reason').value });
    await deadLetters(); say('Discarded ' + r.discarded + '.');
  }));
  window.addEventListener('hashchange', () => act(route));
  act(route);
})();

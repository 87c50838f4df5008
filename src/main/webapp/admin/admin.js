'use strict';
// Spotbridge admin page: a thin client of the admin REST API (/api/...), HTTP Basic per request.
(function () {
  const views = ['login', 'overview', 'records', 'record', 'dead-letters', 'mapping', 'setup'];
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
    // a string is sent as it is (a mapping file), anything else as JSON
    const payload = body === undefined || typeof body === 'string' ? body : JSON.stringify(body);
    const response = await fetch('/api/' + path, { method, headers, body: payload });
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

  /** The scheduled jobs of the overview, with the setting of each one's schedule. */
  const SCHEDULES = {
    backsync: 'spotbridge.backsync.schedule',
    reconcile: 'spotbridge.reconcile.schedule',
    retention: 'spotbridge.retention.schedule'
  };

  /** An ISO time as the operator reads it: relative ("3 min ago") and in their own time zone. */
  function when(iso) {
    if (!iso) return 'never';
    const t = Date.parse(iso);
    if (Number.isNaN(t)) return iso;
    const local = new Date(t).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
    return (t > Date.now() + 1000 ? 'in ' + age(new Date(2 * Date.now() - t).toISOString())
      : age(iso) + ' ago') + ' (' + local + ')';
  }

  /** A <time> element: the relative and local text, the exact instant as its datetime and tooltip. */
  function timeElement(iso) {
    const t = document.createElement('time');
    t.dateTime = iso || ''; t.title = iso || ''; t.textContent = when(iso);
    return t;
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

  /** What a partly succeeded run skipped or could not read, from its result. */
  function partly(detail) {
    try {
      const d = JSON.parse(detail);
      const feeds = Object.entries(d.failedFeeds || {}).map(([f, why]) => f + ' (' + why + ')');
      return (d.itemFailures || 0) + ' item(s) skipped (see /api/backsync/failures)'
        + (feeds.length ? '; feeds to be repeated by the next run: ' + feeds.join(', ') : '');
    } catch (e) {
      return detail;
    }
  }

  const KINDS = {
    backfill: 'Backfill', 'list-sync': 'List sync', 'campaign-job': 'Campaign job', backsync: 'Back-sync',
    reconcile: 'Reconciliation', replay: 'Replay', retention: 'Retention',
  };

  function runName(r) { return (KINDS[r.kind] || r.kind) + ' ' + r.id + (r.subject ? ' (' + r.subject + ')' : ''); }

  function duration(seconds) {
    if (seconds < 90) return Math.round(seconds) + ' s';
    if (seconds < 5400) return Math.round(seconds / 60) + ' min';
    return (seconds / 3600).toFixed(1) + ' h';
  }

  /** One active run: its bar (a <progress>, indeterminate without a total) and what it does. */
  function activeRun(r) {
    const box = document.createElement('div');
    box.className = 'run'; box.id = 'run-' + r.id;
    const title = document.createElement('p');
    const name = document.createElement('strong');
    name.textContent = runName(r);
    const state = document.createElement('span');
    state.className = 'run-state-' + r.state.toLowerCase();
    state.textContent = ' ' + r.state + (r.pauseRequested ? ' (pausing after its current step)' : '');
    title.append(name, state);
    const bar = document.createElement('progress');
    bar.id = 'run-progress-' + r.id; bar.max = 100;
    if (r.percent !== undefined) bar.value = r.percent;
    bar.setAttribute('aria-label', runName(r) + ' progress');
    const facts = document.createElement('p');
    const total = r.total === undefined ? '' : ' of ' + (r.totalEstimated ? 'about ' : '') + r.total;
    facts.textContent = r.done + total + ' done' + (r.percent === undefined ? '' : ' (' + r.percent + ' %)')
      + (r.failed ? ', ' + r.failed + ' failed' : '')
      + (r.ratePerSecond ? ', ' + r.ratePerSecond + '/s' : '')
      + (r.etaSeconds !== undefined ? ', about ' + duration(r.etaSeconds) + ' left' : '')
      + (r.phase ? ' — ' + r.phase : '');
    const who = document.createElement('p');
    who.append('Started by ' + r.startedBy + ' on ' + r.node + ' ', timeElement(r.startedAt));
    box.append(title, bar, facts, who);
    if (r.pausable) {
      const button = document.createElement('button');
      button.type = 'button';
      const resume = r.state !== 'Running';
      button.textContent = resume ? 'Resume' : 'Pause';
      button.id = (resume ? 'resume-' : 'pause-') + r.id;
      button.disabled = !!r.pauseRequested;
      button.addEventListener('click', () => act(async () => {
        await api('POST', 'runs/' + r.id + (resume ? '/resume' : '/pause'));
        await refreshRuns();
      }));
      box.append(button);
    }
    return box;
  }

  let runsTimer = null;

  /** The runs: active ones as bars, refreshed every 2 s while the overview is shown; the latest finished. */
  async function refreshRuns() {
    if ($('overview-view').hidden) { clearInterval(runsTimer); runsTimer = null; return; }
    const all = (await api('GET', 'runs?limit=30')).runs;
    const active = all.filter((r) => ['Running', 'Paused', 'Interrupted'].includes(r.state));
    const box = $('runs-active');
    // a focused button keeps its place: the boxes are replaced only when not in use
    if (!box.contains(document.activeElement)) {
      box.replaceChildren(...active.map(activeRun));
      if (!active.length) {
        const p = document.createElement('p');
        p.textContent = 'Nothing is running. Backfills, list syncs, campaign jobs, back-sync runs, '
          + 'reconciliations and replays show here while they run.';
        box.append(p);
      }
    }
    const body = $('runs-table').tBodies[0];
    body.replaceChildren();
    const finished = all.filter((r) => !active.includes(r)).slice(0, 15);
    finished.forEach((r) => {
      const row = body.insertRow();
      cell(row, runName(r));
      const outcome = cell(row, r.state + (r.detail ? ': ' + r.detail.substring(0, 200) : ''));
      outcome.className = 'outcome-' + r.state.toLowerCase();
      cell(row, r.done); cell(row, r.failed);
      cell(row, '').appendChild(timeElement(r.finishedAt));
      cell(row, r.startedBy + ' on ' + r.node);
    });
    if (!finished.length) {
      cell(body.insertRow(), 'No run has finished yet.').colSpan = 6;
    }
  }

  // the charts of GET /api/charts: one figure per chart, drawn here as SVG (no library, no CDN)
  const CHARTS = [
    { id: 'traffic', title: 'Webhooks in and changes written per minute', lines: [
      ['webhooksIn', 'webhooks in', '#12355b'], ['changesWritten', 'changes written', '#1d6b2a']] },
    { id: 'failures', title: 'Failures per minute, by kind', lines: [
      ['failedTransient', 'outside failure (retried)', '#8a5a00'], ['failedRejected', 'rejected', '#a40000'],
      ['deadLettered', 'dead-lettered', '#5b1263'], ['pullItemsFailed', 'back-sync item skipped', '#444']] },
    { id: 'latency', title: 'End-to-end latency (ms)', gauge: true, lines: [
      ['e2eP50Ms', 'p50', '#12355b'], ['e2eP99Ms', 'p99', '#a40000']] },
    { id: 'queue', title: 'Changes waiting in the sync queue', gauge: true, lines: [['queueDepth', 'waiting', '#12355b']] },
    { id: 'dataverse', title: 'Dataverse requests per minute and the budget', lines: [
      ['dataverseRequests', 'requests', '#12355b'], ['dataverseLimit', 'budget per minute', '#a40000', true],
      ['dataverseThrottled', 'throttled (429)', '#8a5a00']] },
    { id: 'spotler', title: 'Spotler requests per minute and the limit', lines: [
      ['spotlerRequests', 'requests', '#12355b'], ['spotlerLimit', 'limit per minute', '#a40000', true],
      ['spotlerThrottled', 'throttled (429)', '#8a5a00']] },
    { id: 'lag', title: 'Back-sync lag (minutes)', gauge: true, scale: 1 / 60, lines: [
      ['backsyncLagSeconds', 'furthest feed behind', '#12355b']] },
  ];
  const SVG = 'http://www.w3.org/2000/svg';

  function svgEl(name, attrs) {
    const e = document.createElementNS(SVG, name);
    Object.entries(attrs).forEach(([k, v]) => e.setAttribute(k, v));
    return e;
  }

  function clock(t) { return new Date(t * 1000).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' }); }

  /** One chart: its lines over [from, to], counts as 0 where a minute has none, gauges as measured. */
  function drawChart(spec, data, from, to) {
    const W = 600; const H = 170; const L = 48; const B = 22; const T = 8; const R = 8;
    const figure = document.createElement('figure');
    figure.className = 'chart'; figure.id = 'chart-' + spec.id;
    const caption = document.createElement('figcaption');
    caption.textContent = spec.title;
    const lines = spec.lines.map(([key, label, color, dashed]) => {
      let points = (data[key] || []).map(([t, v]) => [t, v * (spec.scale || 1)]);
      if (!spec.gauge && !dashed && points.length) {
        const byMinute = new Map(points);
        points = [];
        for (let t = from; t <= to; t += 60) points.push([t, byMinute.get(t) || 0]);
      }
      return { key, label, color, dashed, points };
    });
    const all = lines.flatMap((l) => l.points.map((p) => p[1]));
    const top = Math.max(1, ...all) * 1.1;
    const x = (t) => L + (W - L - R) * (t - from) / Math.max(1, to - from);
    const y = (v) => T + (H - T - B) * (1 - v / top);
    const svg = svgEl('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img' });
    [0, 0.5, 1].forEach((f) => {
      svg.append(svgEl('line', { x1: L, x2: W - R, y1: y(top * f / 1.1), y2: y(top * f / 1.1), class: 'grid' }));
      const label = svgEl('text', { x: L - 4, y: y(top * f / 1.1) + 4, 'text-anchor': 'end', class: 'axis' });
      label.textContent = Number((top * f / 1.1).toPrecision(3)).toLocaleString();
      svg.append(label);
    });
    [[from, 'start'], [to, 'end']].forEach(([t, anchor]) => {
      const label = svgEl('text', { x: x(t), y: H - 6, 'text-anchor': anchor, class: 'axis' });
      label.textContent = clock(t);
      svg.append(label);
    });
    lines.forEach((l) => {
      if (!l.points.length) return;
      const path = l.points.map(([t, v]) => x(t).toFixed(1) + ',' + y(v).toFixed(1)).join(' ');
      svg.append(svgEl('polyline', { points: path, fill: 'none', stroke: l.color, 'stroke-width': 1.5,
        'stroke-dasharray': l.dashed ? '6 4' : 'none', class: 'line', 'data-series': l.key }));
    });
    const withData = lines.filter((l) => l.points.some((p) => p[1] > 0) || (spec.gauge && l.points.length));
    const summary = withData.map((l) => {
      const peak = l.points.reduce((a, b) => (b[1] > a[1] ? b : a));
      const last = l.points[l.points.length - 1];
      return l.label + ': now ' + Number(last[1].toPrecision(3)) + ', peak ' + Number(peak[1].toPrecision(3))
        + ' at ' + clock(peak[0]);
    }).join('; ');
    svg.setAttribute('aria-label', spec.title + '. ' + (summary || 'No figures in this period.'));
    const legend = document.createElement('ul');
    legend.className = 'legend';
    lines.forEach((l) => {
      const item = document.createElement('li');
      const swatch = document.createElement('span');
      swatch.style.background = l.color;
      item.append(swatch, l.label + (l.dashed ? ' (dashed)' : ''));
      legend.append(item);
    });
    const text = document.createElement('p');
    text.className = 'summary';
    text.textContent = summary || 'No figures in this period.';
    figure.append(caption, svg, legend, text);
    return figure;
  }

  async function charts() {
    const c = await api('GET', 'charts?hours=24');
    const from = Date.parse(c.from) / 1000; const to = Date.parse(c.to) / 1000;
    const any = Object.values(c.series).some((s) => s.length);
    $('charts-note').textContent = any ? 'Per minute, all nodes together; updated every minute.'
      : 'No figures yet: each node writes the minute that ended at the start of the next one.';
    $('charts').replaceChildren(...CHARTS.map((spec) => drawChart(spec, c.series, from, to)));
  }

  let chartsTimer = null;

  async function overview() {
    show('overview');
    await refreshRuns();
    await charts();
    if (!chartsTimer) {
      chartsTimer = setInterval(() => {
        if ($('overview-view').hidden) { clearInterval(chartsTimer); chartsTimer = null; return; }
        act(charts);
      }, 60000);
    }
    if (!runsTimer) runsTimer = setInterval(() => act(refreshRuns), 2000);
    const o = await api('GET', 'overview');
    pairs('status-table', o.statuses);
    pairs('queue-table', o.queues, (q) => q.messages + (q.capped ? '+' : '') + ' waiting'
      + (q.consumers === undefined ? '' : ', ' + q.consumers + ' consumers'));
    pairs('circuit-table', o.circuits, (c) => c.state + Object.entries(c.calls)
      .filter(([, state]) => state !== 'closed').map(([call, state]) => ' (' + call + ': ' + state + ')').join(''));
    const runs = {};
    Object.entries(o.lastRuns).forEach(([job, r]) => {
      runs[job] = 'last: ' + r.outcome + ', ' + age(r.finishedAt) + ' ago on ' + r.node
        + (r.outcome === 'Failed' && r.detail ? ': ' + r.detail : '')
        + (r.outcome === 'PartlySucceeded' && r.detail ? ': ' + partly(r.detail) : '');
    });
    Object.entries(o.runningRuns || {}).forEach(([job, r]) => {
      const now = r.lapsed
        ? 'lock lapsed: ' + r.node + ' stopped during a run; the next firing on any node takes the job over'
        : 'running on ' + r.node;
      runs[job] = now + (runs[job] ? '; ' + runs[job] : '');
    });
    // every scheduled job has a row: its last run, or why there is none, and when it runs next
    const next = o.nextRuns || {};
    Object.entries(SCHEDULES).forEach(([job, setting]) => {
      const plan = next[job] ? 'next run ' + when(next[job])
        : 'its schedule is off on this node (' + setting + ')';
      runs[job] = (runs[job] ? runs[job] + '; ' : 'no run yet; ') + plan;
    });
    pairs('run-table', runs);
    const feeds = o.backsyncWatermarks || {};
    pairs('feed-table', Object.keys(feeds).length ? feeds
      : { none: 'no back-sync has read anything yet: the first run reads back from its first look-back' }, (v) => (
      /^\d{4}-\d{2}-\d{2}T/.test(String(v)) ? when(v) : v));
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
    // names and emails live in D365: a text search brings them; the latest records come without
    const named = hits.some((h) => h.name || h.email);
    $('records-name').hidden = !named; $('records-email').hidden = !named;
    hits.forEach((h) => {
      const row = body.insertRow();
      const link = document.createElement('a');
      link.href = '#record/' + h.entity + '/' + h.id;
      link.textContent = h.entity + ' ' + h.id;
      cell(row, '').appendChild(link);
      if (named) { cell(row, h.name); cell(row, h.email); }
      cell(row, h.status).className = 'status';
      cell(row, '').appendChild(timeElement(h.lastSyncedAt));
    });
    say(hits.length ? '' : 'No records found.');
  }

  async function record(entity, id) {
    show('record');
    const r = await api('GET', 'records/' + entity + '/' + id);
    $('record-title').textContent = entity + ' ' + id;
    $('record-status').textContent = r.status;
    $('record-synced').replaceChildren(timeElement(r.lastSyncedAt));
    $('record-error').textContent = r.lastError || '—';
    $('resync').onclick = async () => {
      await api('POST', 'records/' + entity + '/' + id + '/resync');
      say('Resync queued.');
    };
    const list = $('timeline');
    list.replaceChildren();
    r.history.forEach((h) => {
      const li = document.createElement('li');
      const at = timeElement(h.at);
      const what = document.createElement('span');
      what.className = 'outcome-' + String(h.outcome).toLowerCase().replace(/[^a-z]+/g, '-');
      what.textContent = ' ' + h.operation + ' — ' + h.outcome + ' ';
      li.append(at, what, document.createTextNode(h.detail || ''));
      if (h.mappingVersion !== undefined) {
        li.append(document.createTextNode(' (mapping version ' + h.mappingVersion + ')'));
      }
      if (h.changes && Object.keys(h.changes).length) li.appendChild(changeList(h.changes));
      if (h.traceId) li.appendChild(traceLinks(h));
      list.appendChild(li);
    });
  }

  /** A history entry's trace: the operator's tracing UI (SPOTBRIDGE_TRACE_URL) and this node's spans. */
  function traceLinks(h) {
    const p = document.createElement('p');
    p.className = 'trace';
    p.append('Trace ');
    const code = document.createElement('code');
    code.textContent = h.traceId;
    p.append(code, ' ');
    if (h.traceUrl) {
      const open = document.createElement('a');
      open.href = h.traceUrl; open.rel = 'noopener'; open.target = '_blank';
      open.textContent = 'open in tracing';
      p.append(open, ' · ');
    }
    const spans = document.createElement('button');
    spans.type = 'button'; spans.textContent = 'Show spans';
    spans.addEventListener('click', () => act(async () => {
      const t = await api('GET', 'traces/' + h.traceId);
      const ol = document.createElement('ol');
      ol.className = 'spans';
      t.spans.forEach((s) => {
        const item = document.createElement('li');
        item.textContent = s.name + ' — ' + s.millis + ' ms' + (s.status === 'ERROR' ? ' (error)' : '')
          + (s.attributes['http.response.status_code'] ? ' → ' + s.attributes['http.response.status_code'] : '');
        ol.append(item);
      });
      spans.replaceWith(ol);
    }));
    p.append(spans);
    return p;
  }

  const shown = (v) => (v === null || v === undefined ? '(empty)' : JSON.stringify(v));

  /** {property: {before, after}} as a list: "city: "Utrecht" → "Delft"". */
  function changeList(changes) {
    const ul = document.createElement('ul');
    ul.className = 'changes';
    Object.entries(changes).forEach(([property, c]) => {
      const li = document.createElement('li');
      li.textContent = c.erased ? property + ': changed (value erased)'
        : property + ': ' + shown(c.before) + ' → ' + shown(c.after);
      ul.appendChild(li);
    });
    return ul;
  }

  async function mapping() {
    show('mapping');
    const [current, versions] = await Promise.all([api('GET', 'mapping'), api('GET', 'mapping/versions')]);
    $('mapping-current').textContent = 'In force: version ' + current.version + ' (' + current.source
      + '), applied ' + when(current.appliedAt) + (current.appliedBy ? ' by ' + current.appliedBy : '') + '.';
    if (!$('mapping-text').value) $('mapping-text').value = JSON.stringify(current.mapping, null, 2);
    const body = $('versions-table').tBodies[0];
    body.replaceChildren();
    versions.versions.forEach((v) => {
      const row = body.insertRow();
      cell(row, v.version); cell(row, v.origin + ': ' + v.source); cell(row, when(v.appliedAt));
      cell(row, v.appliedBy); cell(row, v.note);
    });
  }

  async function dryRun() {
    const params = new URLSearchParams();
    $('dry-records').value.split(/[\s,]+/).filter((k) => k).forEach((k) => params.append('record', k));
    const r = await api('POST', 'mapping/dry-run?' + params, $('mapping-text').value);
    const body = $('dry-run-table').tBodies[0];
    body.replaceChildren();
    r.records.forEach((d) => {
      const row = body.insertRow();
      cell(row, d.record); cell(row, d.outcome + (d.reason ? ': ' + d.reason : ''));
      const td = cell(row, '');
      if (d.changes && Object.keys(d.changes).length) td.appendChild(changeList(d.changes));
    });
    $('dry-run-summary').textContent = 'Dry run against version ' + r.comparedWithVersion + ': '
      + r.recordsWithChanges + ' of ' + r.records.length + ' record(s) would change; nothing was written.'
      + (r.unknownSpotlerProperties.length
        ? ' Unknown Spotler properties: ' + r.unknownSpotlerProperties.join(', ') + '.' : '');
  }

  function rangeOf() {
    const from = $('range-from').value; const to = $('range-to').value;
    if (!from || !to) throw new Error('choose both ends of the range');
    return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
  }

  async function deadLetters() {
    show('dead-letters');
    const page = 200;
    const letters = await api('GET', 'dead-letters?limit=' + page);
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
    say(letters.length < page ? letters.length + ' dead letter(s).'
      : 'The oldest ' + page + ' dead letters; replay or discard them to see the next.');
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
    if (view === 'mapping') return mapping();
    if (view === 'setup') return setup();
    return records();
  }

  // the setup checklist: every item of GET /api/setup/check, not OK ones first
  function checklist(check) {
    const items = check.items.slice().sort((a, b) => (a.status === 'OK') - (b.status === 'OK'));
    const body = $('setup-table').tBodies[0];
    body.replaceChildren();
    items.forEach((i) => {
      const row = body.insertRow();
      row.className = 'setup-' + i.status.toLowerCase();
      cell(row, i.status === 'OK' ? '\u2713 OK' : '\u2717 ' + i.status);
      cell(row, i.area); cell(row, i.name); cell(row, i.detail); cell(row, i.fix);
    });
    const open = items.filter((i) => i.status !== 'OK').length;
    $('setup-summary').textContent = open === 0
      ? 'All ' + items.length + ' items OK.'
      : open + ' of ' + items.length + ' items need attention.';
    $('setup-summary').className = open === 0 ? 'setup-ok' : 'setup-missing';
  }

  function done(list) {
    $('setup-done').replaceChildren(...list.map((d) => {
      const li = document.createElement('li'); li.textContent = d; return li;
    }));
  }

  async function setup() {
    show('setup');
    done([]);
    checklist(await api('GET', 'setup/check'));
  }

  async function runSetup(dryRun) {
    say(dryRun ? 'Working out what setup would do…' : 'Setting up Dynamics 365…');
    const r = await api('POST', 'setup/dataverse' + (dryRun ? '?dryRun=true' : ''));
    done(dryRun
      ? (r.items || []).map((i) => 'would fix: ' + i.area + ' ' + i.name + ' (' + i.detail + ')')
      : r.done || []);
    checklist(await api('GET', 'setup/check'));
    say(dryRun ? 'Dry run: ' + r.message + '; nothing was written.' : 'Setup: ' + r.message + '.');
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
  $('replay-range').addEventListener('click', () => act(async () => {
    const r = await api('POST', 'dead-letters/replay', Object.assign({ all: true }, rangeOf()));
    await deadLetters(); say('Replayed ' + r.replayed + '.');
  }));
  $('resync-range').addEventListener('click', () => act(async () => {
    const r = await api('POST', 'records/resync', rangeOf());
    say('Resync queued for ' + r.queued + ' record(s)' + (r.truncated ? ' (more matched; run again)' : '') + '.');
  }));
  $('mapping-file').addEventListener('change', () => act(async () => {
    const file = $('mapping-file').files[0];
    if (file) $('mapping-text').value = await file.text();
  }));
  $('mapping-form').addEventListener('submit', (e) => {
    e.preventDefault();
    act(dryRun);
  });
  $('apply-mapping').addEventListener('click', () => act(async () => {
    const note = $('apply-note').value;
    const v = await api('POST', 'mapping' + (note ? '?note=' + encodeURIComponent(note) : ''),
      $('mapping-text').value);
    await mapping(); say('Version ' + v.version + ' is in force.');
  }));
  $('setup-check').addEventListener('click', () => act(setup));
  $('setup-dry-run').addEventListener('click', () => act(() => runSetup(true)));
  $('setup-run').addEventListener('click', () => act(() => runSetup(false)));
  window.addEventListener('hashchange', () => act(route));
  act(route);
})();

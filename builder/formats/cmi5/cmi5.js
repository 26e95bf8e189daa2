/* The cmi5 side of the player: launch parameters, auth token, LMS.LaunchData, xAPI statements, bookmark.
   It offers player.js the interface lms.js offers (window.LMS): the player writes a small SCORM-2004-like
   data model and calls save(); save() turns what changed into cmi5 statements and a State API document.
   Startup reads synchronously because player.js reads the bookmark right after start(), as with SCORM. */
(function () {
  'use strict';
  var XAPI = '1.0.3';
  var VERBS = 'http://adlnet.gov/expapi/verbs/';
  var CMI5 = 'https://w3id.org/xapi/cmi5/context/';
  var CATEGORY = CMI5 + 'categories/cmi5', MOVEON = CMI5 + 'categories/moveon';
  var SESSION = CMI5 + 'extensions/sessionid', MASTERY = CMI5 + 'extensions/masteryscore';
  var INTERACTION = 'http://adlnet.gov/expapi/activities/cmi.interaction';
  var BOOKMARK = 'coursepack.bookmark';  // our own State API document; LMS.LaunchData is the LMS's
  var LAUNCH_PARAMS = ['endpoint', 'fetch', 'actor', 'registration', 'activityId'];

  function pad(n, width) { n = String(n); while (n.length < width) n = '0' + n; return n; }
  function duration(ms) {  // ISO 8601, hundredths of a second, as xAPI durations are compared
    var cs = Math.round(ms / 10), s = Math.floor(cs / 100);
    return 'PT' + Math.floor(s / 3600) + 'H' + (Math.floor(s / 60) % 60) + 'M' + (s % 60) + '.' + pad(cs % 100, 2) + 'S';
  }
  function uuid() {  // version 4; crypto.randomUUID exists only in secure contexts
    var b = crypto.getRandomValues(new Uint8Array(16)), h = '';
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    for (var i = 0; i < 16; i++) h += (i === 4 || i === 6 || i === 8 || i === 10 ? '-' : '') + pad(b[i].toString(16), 2);
    return h;
  }
  function copy(x) { return JSON.parse(JSON.stringify(x)); }
  function text(html) { return new DOMParser().parseFromString(html, 'text/html').body.textContent.trim(); }
  function query(params) {
    return Object.keys(params).map(function (k) { return k + '=' + encodeURIComponent(params[k]); }).join('&');
  }

  // SCORM 2004's formats are xAPI's interaction formats, so the player's reporting code works unchanged.
  function formats(self) {
    return {
      location: 'cmi.location', score: 'cmi.score.', response: 'learner_response',
      list: '[,]', pair: '[.]', wrong: 'incorrect', stampField: 'timestamp',
      duration: duration,
      stamp: function (d) { return d.toISOString(); },
      tf: function (key) { return key; },
      source: function (key) { return key; },
      fill: function (t, lang) { return (t.charAt(0) === '{' ? '{lang=' + lang + '}' : '') + t; },
      fillPattern: function (answer, cs) { return '{case_matters=' + (cs ? 'true' : 'false') + '}' + answer; },
      passMark: function () {
        var m = self.mastery();
        return m === null ? null : Math.round(m * 10000) / 100;
      },
      result: function (lms, pct, passed) { lms.judge(pct, passed); },
      // cmi5 has no run-time objectives: outcomes are objectives in cmi5.xml, answers carry the item
      objective: function () {}
    };
  }

  function LMS(version, onSaveState) {
    var content = JSON.parse(document.getElementById('content').textContent);
    this.items = {};
    for (var i = 0; i < content.items.length; i++) this.items[content.items[i].id] = content.items[i];
    this.lang = content.lang;
    this.onSaveState = onSaveState;
    this.launchData = {};
    this.v = formats(this);
    this.data = {};  // the player's data model, for this session only
    this.reported = 0;  // interactions already sent as "answered"
    this.verdict = null;
    this.judgedThisSession = false;
    this.queue = [];  // statements not yet accepted by the LRS, oldest first
    this.sending = null;
    this.stateDirty = false;
    this.failed = false;
    this.retries = 0;
    this.timer = null;
    this.live = false;
    this.ended = false;
    this.mode = 'normal';  // the player's view of launchMode: 'normal', 'browse' or 'review'
    this.keepsAttempts = false;  // cmi5 has no LMS attempts: a retake inside the AU is a new try
    this.beforeCommit = function () {};
  }

  // ---------------------------------------------------------------- transport
  LMS.prototype.headers = function (xhr, type) {
    xhr.setRequestHeader('Authorization', 'Basic ' + this.token);
    xhr.setRequestHeader('X-Experience-API-Version', XAPI);
    if (type) xhr.setRequestHeader('Content-Type', type);
  };
  // Synchronous: only at startup. Returns {status, body} with body parsed as JSON when possible.
  LMS.prototype.syncRequest = function (method, url, body, auth) {
    var xhr = new XMLHttpRequest();
    try {
      xhr.open(method, url, false);
      if (auth) this.headers(xhr, body === undefined ? null : 'application/json');
      xhr.send(body === undefined ? null : body);
    } catch (e) {
      return { status: 0, body: null };
    }
    var parsed = null;
    try { parsed = xhr.responseText ? JSON.parse(xhr.responseText) : null; } catch (e) { /* not JSON */ }
    return { status: xhr.status, body: parsed };
  };
  LMS.prototype.request = function (method, url, body, done) {
    var xhr = new XMLHttpRequest();
    xhr.open(method, url, true);
    this.headers(xhr, 'application/json');
    xhr.onloadend = function () { done(xhr.status); };
    xhr.send(JSON.stringify(body));
  };
  LMS.prototype.stateUrl = function (stateId) {
    return this.endpoint + 'activities/state?' + query({
      stateId: stateId, activityId: this.activityId, agent: JSON.stringify(this.actor), registration: this.registration
    });
  };

  // The fetch URL answers once per launch. A reload gets an error and runs as a preview, which is right:
  // pagehide has sent "terminated", so the LMS accepts nothing more for this session.
  LMS.prototype.authToken = function (fetchUrl) {
    var got = this.syncRequest('POST', fetchUrl);
    return (got.status === 200 && got.body && got.body['auth-token']) || null;
  };
  // The LMS's pass mark, a decimal 0-1, or null when it gave none.
  LMS.prototype.mastery = function () {
    var m = parseFloat(this.launchData.masteryScore);
    return isNaN(m) ? null : m;
  };

  // ---------------------------------------------------------------- session
  LMS.prototype.start = function () {
    var params = new URLSearchParams(window.location.search), missing = false;
    LAUNCH_PARAMS.forEach(function (name) { if (!params.get(name)) missing = true; });
    if (missing) return false;  // opened outside an LMS: the player runs as a preview
    try { this.actor = JSON.parse(params.get('actor')); } catch (e) { return false; }
    this.endpoint = params.get('endpoint').replace(/\/?$/, '/');
    this.registration = params.get('registration');
    this.activityId = params.get('activityId');
    this.token = this.authToken(params.get('fetch'));
    if (!this.token) return false;
    var launch = this.syncRequest('GET', this.stateUrl('LMS.LaunchData'), undefined, true);
    if (launch.status !== 200 || !launch.body || !launch.body.contextTemplate) return false;
    this.launchData = launch.body;
    this.normal = (launch.body.launchMode || 'Normal') === 'Normal';
    var mode = String(launch.body.launchMode || 'Normal').toLowerCase();
    this.mode = mode === 'browse' || mode === 'review' ? mode : 'normal';
    // cmi5 asks for the learner's preferences at startup; the content has one language, so they change nothing
    this.syncRequest('GET', this.endpoint + 'agents/profile?' + query({
      agent: JSON.stringify(this.actor), profileId: 'cmi5LearnerPreferences' }), undefined, true);
    var saved = this.syncRequest('GET', this.stateUrl(BOOKMARK), undefined, true);
    this.bookmark = saved.status === 200 && saved.body ? saved.body : {};
    this.data['cmi.location'] = this.bookmark.location || '';
    this.data['cmi.suspend_data'] = this.bookmark.suspend || '';
    this.live = true;
    this.startedAt = Date.now();
    this.send(this.statement('initialized', { defined: true }));
    // a verdict reached after this registration's earlier verdict in the same session waits for this one
    if (this.normal && this.bookmark.pending) {
      var p = this.bookmark.pending;
      delete this.bookmark.pending;
      this.stateDirty = true;
      this.report(p.pct, p.passed, p.ms);
    }
    this.flush();
    return true;
  };

  // A statement with the cmi5 context template; `defined` ones carry the cmi5 category (and moveon with a
  // success or completion result), "allowed" ones only the template.
  LMS.prototype.statement = function (verb, opts) {
    var ctx = copy(this.launchData.contextTemplate), acts = ctx.contextActivities = ctx.contextActivities || {};
    ctx.registration = ctx.registration || this.registration;
    ctx.extensions = ctx.extensions || {};
    if (opts.defined) {
      acts.category = (acts.category || []).concat({ id: CATEGORY });
      if (opts.result && ('success' in opts.result || 'completion' in opts.result)) acts.category.push({ id: MOVEON });
    }
    if (opts.mastery !== undefined) ctx.extensions[MASTERY] = opts.mastery;
    if (opts.parent) acts.parent = (acts.parent || []).concat({ id: this.activityId });
    var st = {
      id: uuid(),
      timestamp: opts.timestamp || new Date().toISOString(),
      actor: this.actor,
      verb: { id: VERBS + verb, display: { 'en-US': verb } },
      object: opts.object || { objectType: 'Activity', id: this.activityId },
      context: ctx
    };
    if (opts.result) st.result = opts.result;
    return st;
  };
  LMS.prototype.send = function (st) {
    if (!this.live || this.ended) return;
    this.queue.push(st);
  };

  // One request at a time keeps the statements in order; a refused batch is retried with growing pauses.
  LMS.prototype.flush = function () {
    if (!this.live || this.ended || this.sending) return;
    var self = this;
    if (this.queue.length) {
      var batch = this.sending = this.queue.slice();
      this.request('POST', this.endpoint + 'statements', batch, function (status) {
        self.sending = null;
        // 409: the LRS has statements with these ids already, from a try that seemed to fail
        if ((status >= 200 && status < 300) || status === 409) {
          self.queue.splice(0, batch.length);
          self.succeeded();
        } else {
          self.retry();
        }
      });
    } else if (this.stateDirty) {
      this.stateDirty = false;
      var doc = this.sending = this.stateDoc();
      this.request('PUT', this.stateUrl(BOOKMARK), doc, function (status) {
        self.sending = null;
        if (status >= 200 && status < 300) {
          self.succeeded();
        } else {
          self.stateDirty = true;
          self.retry();
        }
      });
    }
  };
  LMS.prototype.succeeded = function () {
    if (this.failed) this.onSaveState(true);
    this.failed = false;
    this.retries = 0;
    this.flush();
  };
  LMS.prototype.retry = function () {
    if (!this.failed) this.onSaveState(false);
    this.failed = true;
    var self = this;
    clearTimeout(this.timer);
    this.timer = setTimeout(function () { self.flush(); }, Math.min(500 * Math.pow(2, this.retries++), 30000));
  };
  LMS.prototype.stateDoc = function () {
    var doc = copy(this.bookmark);
    doc.location = this.data['cmi.location'] || '';
    doc.suspend = this.data['cmi.suspend_data'] || '';
    return doc;
  };

  // ---------------------------------------------------------------- the data model player.js writes
  LMS.prototype.get = function (el) { return this.data[el] === undefined ? '' : this.data[el]; };
  LMS.prototype.set = function (el, value) { this.data[el] = String(value); return true; };
  LMS.prototype.setScore = function (prefix, pct) {
    this.set(prefix + 'min', '0');
    this.set(prefix + 'max', '100');
    this.set(prefix + 'raw', String(pct));
  };
  LMS.prototype.count = function (el) {
    var n = 0;
    while (this.data[el + '.' + n + '.id'] !== undefined) n++;
    return n;
  };
  LMS.prototype.judge = function (pct, passed) { this.verdict = { pct: pct, passed: passed }; };

  // Every interaction the player finished since the last save, as a cmi5 "allowed" statement.
  LMS.prototype.reportAnswers = function () {
    for (var n = this.reported; n < this.count('cmi.interactions'); n++) {
      var p = 'cmi.interactions.' + n + '.', it = this.items[this.get(p + 'id')];
      if (!this.get(p + 'result')) break;  // still being written
      this.reported = n + 1;
      if (!it || !this.normal) continue;
      var patterns = [];
      for (var k = 0; this.data[p + 'correct_responses.' + k + '.pattern'] !== undefined; k++) {
        patterns.push(this.get(p + 'correct_responses.' + k + '.pattern'));
      }
      this.send(this.statement('answered', {
        parent: true,
        timestamp: this.get(p + 'timestamp') || undefined,
        object: { objectType: 'Activity', id: this.activityId + '/' + encodeURIComponent(it.id), definition: this.definition(it, this.get(p + 'type'), patterns) },
        result: { response: this.get(p + 'learner_response'), success: this.get(p + 'result') === 'correct',
          duration: this.get(p + 'latency') }
      }));
    }
  };
  LMS.prototype.definition = function (it, type, patterns) {
    var lang = this.lang;
    function map(s) { var m = {}; m[lang] = s; return m; }
    function components(list) {
      return list.map(function (o) { return { id: o.key, description: map(o.text || text(o.html)) }; });
    }
    var def = { type: INTERACTION, name: map(it.id), description: map(text(it.prompt)), interactionType: type,
      correctResponsesPattern: patterns };
    if (type === 'choice' || type === 'sequencing') def.choices = components(it.options);
    if (type === 'matching') {
      def.source = components(it.sources);
      def.target = components(it.options);
    }
    return def;
  };

  // The attempt's verdict as passed/failed (score against masteryScore) and, once per registration, completed.
  LMS.prototype.report = function (pct, passed, ms) {
    var b = this.bookmark, mastery = this.mastery(), scaled = Math.round(pct * 100) / 10000;
    if (mastery !== null) passed = scaled >= mastery;  // the LMS's mark rules, not the package's
    if (!b.passed) {
      if (this.judgedThisSession) {  // cmi5 allows one of passed/failed per session: the next one reports it
        b.pending = { pct: pct, passed: passed, ms: ms };
      } else {
        this.judgedThisSession = true;
        b.passed = passed;
        // cmi5 wants an integer raw score; rounding down never shows a pass mark the scaled score missed
        this.send(this.statement(passed ? 'passed' : 'failed', {
          defined: true, mastery: mastery === null ? undefined : mastery,
          result: { score: { scaled: scaled, raw: Math.floor(pct + 1e-9), min: 0, max: 100 }, success: passed,
            duration: duration(ms) }
        }));
      }
    }
    if (!b.completed) {
      b.completed = true;
      this.send(this.statement('completed', { defined: true, result: { completion: true, duration: duration(ms) } }));
    }
    this.stateDirty = true;
  };

  // The player's commit: what changed becomes statements, then the bookmark; the LRS gets them in order.
  LMS.prototype.save = function () {
    if (!this.live || this.ended) return true;
    this.beforeCommit();
    this.reportAnswers();
    if (this.verdict && this.normal) this.report(this.verdict.pct, this.verdict.passed, Date.now() - this.startedAt);
    this.verdict = null;
    if (this.normal) this.stateDirty = true;
    this.flush();
    return !this.failed;
  };

  // From pagehide: the rest of the queue, the bookmark and "terminated" go out with keepalive, which
  // survives the page; XHRs still in flight do not, so their batch is sent again (same ids, no duplicates).
  LMS.prototype.end = function () {
    if (!this.live || this.ended) return;
    this.beforeCommit();
    this.reportAnswers();
    if (this.verdict && this.normal) this.report(this.verdict.pct, this.verdict.passed, Date.now() - this.startedAt);
    this.send(this.statement('terminated', { defined: true, result: { duration: duration(Date.now() - this.startedAt) } }));
    this.ended = true;
    clearTimeout(this.timer);
    var headers = { Authorization: 'Basic ' + this.token, 'X-Experience-API-Version': XAPI, 'Content-Type': 'application/json' };
    if (this.normal) {
      fetch(this.stateUrl(BOOKMARK), { method: 'PUT', headers: headers, body: JSON.stringify(this.stateDoc()), keepalive: true })
        .catch(function () { /* the page is gone; nothing to tell */ });
    }
    fetch(this.endpoint + 'statements', { method: 'POST', headers: headers, body: JSON.stringify(this.queue), keepalive: true })
      .catch(function () { /* the page is gone; nothing to tell */ });
  };

  // The SCORM packages never load this file; the check keeps it harmless if a theme ships both adapters.
  if (JSON.parse(document.getElementById('content').textContent).scorm === 'cmi5') window.LMS = LMS;
})();

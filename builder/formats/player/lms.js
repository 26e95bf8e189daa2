/* The LMS side of the player: API discovery, the SCORM 1.2 / 2004 differences, commits with retry.
   player.js talks only to window.LMS, never to the API object directly. */
(function () {
  'use strict';

  function pad(n, width) { n = String(n); while (n.length < width) n = '0' + n; return n; }
  function hundredths(ms) { return Math.round(ms / 10); }
  function scaled(pct) { return String(Math.round(pct * 100) / 10000); }  // 66.67 → "0.6667", no float noise

  // Everything that differs between the two versions lives in these two objects.
  var VERSIONS = {
    '1.2': {
      api: 'API', prefix: 'LMS', finish: 'Finish',
      location: 'cmi.core.lesson_location', exit: 'cmi.core.exit', session: 'cmi.core.session_time',
      score: 'cmi.core.score.', response: 'student_response',
      list: ',', pair: '.', wrong: 'wrong', stampField: 'time', suspendExit: 'suspend', normalExit: '',
      duration: function (ms) {  // CMITimespan HHHH:MM:SS.SS
        var cs = hundredths(ms), s = Math.floor(cs / 100), h = Math.floor(s / 3600);
        return pad(Math.min(h, 9999), 4) + ':' + pad(Math.floor(s / 60) % 60, 2) + ':' +
          pad(s % 60, 2) + '.' + pad(cs % 100, 2);
      },
      stamp: function (d) {  // CMITime: time of day, no date
        return pad(d.getHours(), 2) + ':' + pad(d.getMinutes(), 2) + ':' + pad(d.getSeconds(), 2);
      },
      tf: function (key) { return key.charAt(0); },
      // 1.2 identifiers are single characters: sources 10-26 of a matching item become a-q
      source: function (key, k) { return k < 9 ? key : 'abcdefghijklmnopq'.charAt(k - 9); },
      fill: function (text) { return text.slice(0, 255); },
      fillPattern: function (answer) { return answer; },
      passMark: function (get) { var m = parseFloat(get('cmi.student_data.mastery_score')); return isNaN(m) ? null : m; },
      mode: 'cmi.core.lesson_mode', credit: 'cmi.core.credit',
      start: function (lms) {
        var s = lms.get('cmi.core.lesson_status');
        if (s === '' || s === 'not attempted' || s === 'browsed') lms.set('cmi.core.lesson_status', 'incomplete');
      },
      // 1.2's own status for a browse session; without it Moodle turns "not attempted" into "completed"
      browse: function (lms) {
        var s = lms.get('cmi.core.lesson_status');
        if (s === '' || s === 'not attempted') lms.call('SetValue', 'cmi.core.lesson_status', 'browsed');
      },
      result: function (lms, pct, passed) {
        lms.set('cmi.core.lesson_status', passed ? 'passed' : 'failed');
      },
      objective: function (lms, p, o) {
        lms.setScore(p + 'score.', o.pct);
        lms.set(p + 'status', o.done ? (o.passed ? 'passed' : 'failed') : 'incomplete');
      }
    },
    '2004': {
      api: 'API_1484_11', prefix: '', finish: 'Terminate',
      location: 'cmi.location', exit: 'cmi.exit', session: 'cmi.session_time',
      score: 'cmi.score.', response: 'learner_response',
      // A finished attempt exits with "suspend" too: an LMS hands a relaunch the attempt's data only after a
      // suspend (RTE 4.2.8; Moodle 4.5 follows it, review mode included), and a review must show the answers.
      // Completion and success status, not exit, say the attempt is over.
      list: '[,]', pair: '[.]', wrong: 'incorrect', stampField: 'timestamp', suspendExit: 'suspend', normalExit: 'suspend',
      duration: function (ms) {  // ISO 8601 duration, 0.01 s precision
        var cs = hundredths(ms), s = Math.floor(cs / 100);
        return 'PT' + Math.floor(s / 3600) + 'H' + (Math.floor(s / 60) % 60) + 'M' + (s % 60) + '.' + pad(cs % 100, 2) + 'S';
      },
      stamp: function (d) { return d.toISOString().slice(0, 22) + 'Z'; },  // hundredths, UTC
      tf: function (key) { return key; },
      source: function (key) { return key; },
      // a response starting with "{" would read as a delimiter unless a language tag comes first
      fill: function (text, lang) { return (text.charAt(0) === '{' ? '{lang=' + lang + '}' : '') + text.slice(0, 250); },
      fillPattern: function (answer, cs) { return '{case_matters=' + (cs ? 'true' : 'false') + '}' + answer; },
      passMark: function (get) { var m = parseFloat(get('cmi.scaled_passing_score')); return isNaN(m) ? null : Math.round(m * 10000) / 100; },
      mode: 'cmi.mode', credit: 'cmi.credit',
      start: function (lms) {
        if (lms.get('cmi.completion_status') !== 'completed') lms.set('cmi.completion_status', 'incomplete');
      },
      result: function (lms, pct, passed) {
        lms.set('cmi.score.scaled', scaled(pct));
        lms.set('cmi.completion_status', 'completed');
        lms.set('cmi.success_status', passed ? 'passed' : 'failed');
      },
      objective: function (lms, p, o) {
        lms.set(p + 'score.scaled', scaled(o.pct));
        lms.setScore(p + 'score.', o.pct);
        lms.set(p + 'completion_status', o.done ? 'completed' : 'incomplete');
        lms.set(p + 'success_status', o.done ? (o.passed ? 'passed' : 'failed') : 'unknown');
      }
    }
  };

  // Walk parent frames, then the opener's, as the run-time specs describe (at most ~10 levels each).
  function find(name) {
    function climb(w) {
      for (var depth = 0; w && depth < 10; depth++) {
        try { if (w[name]) return w[name]; } catch (e) { /* another origin: keep climbing */ }
        if (!w.parent || w.parent === w) break;
        w = w.parent;
      }
      return null;
    }
    var found = climb(window);
    try { if (!found && window.top && window.top.opener) found = climb(window.top.opener); } catch (e) { /* closed */ }
    return found;
  }

  // The web export's LMS is the learner's own browser: a 2004-shaped API over localStorage that keeps
  // the bookmark and state (not interactions: nobody reads them). null where storage is refused.
  function localApi(key) {
    var data;
    try { data = JSON.parse(localStorage.getItem(key) || '{}') || {}; } catch (e) { return null; }
    return {
      Initialize: function () { return 'true'; },
      GetValue: function (el) { return data[el] || (/\._count$/.test(el) ? '0' : ''); },
      SetValue: function (el, v) { if (!/^cmi\.(interactions|objectives)\./.test(el)) data[el] = String(v); return 'true'; },
      Commit: function () {
        try { localStorage.setItem(key, JSON.stringify(data)); return 'true'; } catch (e) { return 'false'; }
      },
      Terminate: function () { return this.Commit(); },
      GetLastError: function () { return '0'; },
      reset: function () { data = {}; try { localStorage.removeItem(key); } catch (e) { /* gone already */ } }
    };
  }

  // version "none" (the plain web export): never look for an API, even inside an LMS's frame; keep
  // progress in this browser under `storeKey`. onSaveState(true) after a refused save went through,
  // (false) when the LMS refused one, ('lost') when the API object itself stopped answering.
  function LMS(version, onSaveState, storeKey) {
    this.local = version === 'none';
    this.v = VERSIONS[this.local ? '2004' : version] || VERSIONS['1.2'];
    this.api = this.local ? localApi(storeKey) : VERSIONS[version] ? find(this.v.api) : null;
    this.onSaveState = onSaveState;
    this.refused = false;  // an API was there but would not start this session
    this.failed = false;
    this.lost = false;
    this.pending = {};  // element → value of writes the API threw on, replayed in order before the next commit
    this.retries = 0;
    this.timer = null;
    this.ended = false;
    this.mode = 'normal';  // or 'browse' / 'review', as the LMS launched this session
    this.credit = true;
    // SCORM LMSs keep attempts of their own: the player then never starts another one inside a session
    this.keepsAttempts = false;
    this.started = Date.now();
    this.beforeCommit = function () { return true; };
  }

  LMS.prototype.call = function (name, a, b) {
    var fn = this.api && this.api[this.v.prefix + name];
    if (!fn) return '';
    try { return String(fn.call(this.api, a, b)); } catch (e) { this.lost = true; return null; }
  };
  // After a refused Initialize nothing else is called: writes to a session the LMS did not open
  // could land in another learner's or attempt's record.
  LMS.prototype.start = function () {
    if (!this.api) return false;
    if (this.call('Initialize', '') !== 'true') { this.api = null; this.refused = true; return false; }
    this.keepsAttempts = !this.local;
    var mode = this.get(this.v.mode);
    if (mode === 'browse' || mode === 'review') this.mode = mode;  // '' from an LMS without modes: normal
    this.credit = this.get(this.v.credit) !== 'no-credit';
    if (this.mode === 'normal') this.v.start(this);
    else if (this.mode === 'browse' && this.v.browse) this.v.browse(this);
    return true;
  };
  // Review and browse sessions are shown, never recorded (RTE: "without the intent of recording"): only
  // Initialize, GetValue and the final Terminate reach the LMS, so a review cannot change the attempt
  // it shows, nor add its time to the total.
  LMS.prototype.records = function () { return !!this.api && this.mode === 'normal'; };
  LMS.prototype.get = function (el) {
    var got = this.api ? this.call('GetValue', el) : '';
    return got === null ? '' : got;
  };
  LMS.prototype.set = function (el, value) {
    if (!this.records()) return true;
    value = String(value);
    var got = this.call('SetValue', el, value);
    if (got === null) { delete this.pending[el]; this.pending[el] = value; return false; }  // keep it for later
    delete this.pending[el];  // a newer value reached the LMS: the older one must not be replayed over it
    return got === 'true';
  };
  // Writes the API threw on, in their first order (an interaction's id before its other fields).
  LMS.prototype.replay = function () {
    var pending = this.pending, self = this;
    this.pending = {};
    Object.keys(pending).forEach(function (el) { self.set(el, pending[el]); });
  };
  LMS.prototype.setScore = function (prefix, pct) {
    // Moodle grades from raw: always raw with its min and max, on a 0-100 scale
    this.set(prefix + 'min', '0');
    this.set(prefix + 'max', '100');
    this.set(prefix + 'raw', String(pct));
  };
  LMS.prototype.count = function (el) { return parseInt(this.get(el + '._count'), 10) || 0; };

  // Commit now; when the LMS refuses, keep everything and try again with growing pauses.
  // A save counts only if the state itself was accepted too: a commit of stale suspend_data loses answers.
  LMS.prototype.save = function () {
    if (!this.records() || this.ended) return true;
    clearTimeout(this.timer);
    this.lost = false;
    this.replay();
    var state = this.beforeCommit() !== false;
    this.set(this.v.session, this.v.duration(Date.now() - this.started));
    var ok = this.call('Commit', '') === 'true' && state && !this.lost;
    if (ok) {
      if (this.failed) this.onSaveState(true);
      this.failed = false;
      this.retries = 0;
    } else {
      this.failed = true;
      this.onSaveState(this.lost ? 'lost' : false);
      var self = this;
      this.timer = setTimeout(function () { self.save(); }, Math.min(500 * Math.pow(2, this.retries++), 30000));
    }
    return ok;
  };

  // Called from pagehide/unload; the guard makes LMSFinish/Terminate happen exactly once.
  LMS.prototype.end = function (finished) {
    if (!this.api || this.ended) return;
    if (this.records()) {
      this.set(this.v.exit, finished ? this.v.normalExit : this.v.suspendExit);
      this.save();
    }
    this.ended = true;
    clearTimeout(this.timer);
    this.call(this.v.finish, '');
  };

  window.LMS = LMS;
})();

/* The LMS side of the player: API discovery, the SCORM 1.2 / 2004 differences, commits with retry.
   player.js talks only to window.LMS, never to the API object directly. */
(function () {
  'use strict';

  function pad(n, width) { return ('000' + n).slice(-width); }
  function hundredths(ms) { return Math.round(ms / 10); }
  function scaled(pct) { return String(Math.round(pct * 100) / 10000); }  // 66.67 → "0.6667", no float noise
  function percent(text, scale) { var m = parseFloat(text); return isNaN(m) ? null : Math.round(m * scale * 100) / 100; }

  // Everything that differs between the two versions.
  var VERSIONS = {
    '1.2': {
      api: 'API', prefix: 'LMS', finish: 'Finish',
      location: 'cmi.core.lesson_location', exit: 'cmi.core.exit', session: 'cmi.core.session_time',
      score: 'cmi.core.score.', response: 'student_response',
      list: ',', pair: '.', wrong: 'wrong', stampField: 'time', normalExit: '',
      duration: ms => {  // CMITimespan HHHH:MM:SS.SS
        var cs = hundredths(ms), s = Math.floor(cs / 100), h = Math.floor(s / 3600);
        return pad(Math.min(h, 9999), 4) + ':' + pad(Math.floor(s / 60) % 60, 2) + ':' +
          pad(s % 60, 2) + '.' + pad(cs % 100, 2);
      },
      stamp: d => {  // CMITime: time of day, no date
        return pad(d.getHours(), 2) + ':' + pad(d.getMinutes(), 2) + ':' + pad(d.getSeconds(), 2);
      },
      tf: key => key === 'true' ? 't' : 'f',
      // 1.2 identifiers are single characters: sources 10-26 of a matching item become a-q
      source: (key, k) => k < 9 ? key : 'abcdefghijklmnopq'.charAt(k - 9),
      fill: text => text.slice(0, 255),
      fillPattern: answer => answer,
      passMark: get => percent(get('cmi.student_data.mastery_score'), 1),
      mode: 'cmi.core.lesson_mode', credit: 'cmi.core.credit',
      start: lms => {
        var s = lms.get('cmi.core.lesson_status');
        if (s === '' || s === 'not attempted' || s === 'browsed') lms.set('cmi.core.lesson_status', 'incomplete');
      },
      // 1.2's own status for a browse session; without it Moodle turns "not attempted" into "completed"
      browse: lms => {
        var s = lms.get('cmi.core.lesson_status');
        if (s === '' || s === 'not attempted') lms.call('SetValue', 'cmi.core.lesson_status', 'browsed');
      },
      result: (lms, pct, passed) => {
        lms.set('cmi.core.lesson_status', passed ? 'passed' : 'failed');
      },
      objective: (lms, p, o) => {
        lms.setScore(p + 'score.', o.pct);
        lms.set(p + 'status', o.done ? (o.passed ? 'passed' : 'failed') : 'incomplete');
      }
    },
    '2004': {
      api: 'API_1484_11', prefix: '', finish: 'Terminate',
      location: 'cmi.location', exit: 'cmi.exit', session: 'cmi.session_time',
      score: 'cmi.score.', response: 'learner_response',
      // A finished attempt exits with "suspend" too: an LMS hands a relaunch (a review) the attempt's data only
      // after a suspend (RTE 4.2.8; so does Moodle 4.5); completion and success status say it is over.
      list: '[,]', pair: '[.]', wrong: 'incorrect', stampField: 'timestamp', normalExit: 'suspend',
      duration: ms => {  // ISO 8601 duration, 0.01 s precision
        var cs = hundredths(ms), s = Math.floor(cs / 100);
        return 'PT' + Math.floor(s / 3600) + 'H' + (Math.floor(s / 60) % 60) + 'M' + (s % 60) + '.' + pad(cs % 100, 2) + 'S';
      },
      stamp: d => d.toISOString().slice(0, 22) + 'Z',  // hundredths, UTC
      tf: key => key,
      source: key => key,
      // a response starting with "{" would read as a delimiter unless a language tag comes first
      fill: (text, lang) => (text.charAt(0) === '{' ? '{lang=' + lang + '}' : '') + text.slice(0, 250),
      fillPattern: (answer, cs) => '{case_matters=' + (cs ? 'true' : 'false') + '}' + answer,
      passMark: get => percent(get('cmi.scaled_passing_score'), 100),
      mode: 'cmi.mode', credit: 'cmi.credit',
      start: lms => {
        if (lms.get('cmi.completion_status') !== 'completed') lms.set('cmi.completion_status', 'incomplete');
      },
      result: (lms, pct, passed) => {
        lms.set('cmi.score.scaled', scaled(pct));
        lms.set('cmi.completion_status', 'completed');
        lms.set('cmi.success_status', passed ? 'passed' : 'failed');
      },
      objective: (lms, p, o) => {
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

  // The web export's LMS: a 2004-shaped API over localStorage keeping the bookmark and state (not
  // interactions: nobody reads them); null where storage is refused.
  function localApi(key) {
    var data;
    try { data = JSON.parse(localStorage.getItem(key) || '{}') || {}; } catch (e) { return null; }
    return {
      Initialize: () => 'true',
      GetValue: el => data[el] || (/\._count$/.test(el) ? '0' : ''),
      SetValue: (el, v) => { if (!/^cmi\.(interactions|objectives)\./.test(el)) data[el] = String(v); return 'true'; },
      Commit: () => {
        try { localStorage.setItem(key, JSON.stringify(data)); return 'true'; } catch (e) { return 'false'; }
      },
      Terminate: function () { return this.Commit(); },
      reset: () => { data = {}; try { localStorage.removeItem(key); } catch (e) { /* gone already */ } }
    };
  }

  // version "none" (web export): no API search, even in an LMS's frame; progress kept under `storeKey`.
  // onSaveState(true): a save went through after a failure; (false): refused; ('lost'): the API died.
  function LMS(version, onSaveState, storeKey) {
    this.local = version === 'none';
    this.v = VERSIONS[this.local ? '2004' : version] || VERSIONS['1.2'];
    this.api = this.local ? localApi(storeKey) : VERSIONS[version] ? find(this.v.api) : null;
    this.onSaveState = onSaveState;
    // refused: an API would not start this session; keepsAttempts: a SCORM LMS's own, so no retry inside one
    this.refused = this.failed = this.lost = this.ended = this.keepsAttempts = false;
    this.pending = {};  // element → value of writes the API threw on, replayed before the next commit
    this.retries = 0;
    this.mode = 'normal';  // or 'browse' / 'review', as the LMS launched this session
    this.credit = true;
    this.started = Date.now();
    this.beforeCommit = () => true;
  }

  var P = LMS.prototype;
  P.call = function (name, a, b) {
    var fn = this.api && this.api[this.v.prefix + name];
    if (!fn) return '';
    try { return String(fn.call(this.api, a, b)); } catch (e) { this.lost = true; return null; }
  };
  // After a refused Initialize nothing else is called: writes could land in another learner's record.
  P.start = function () {
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
  // Review and browse are never recorded (RTE: "without the intent of recording"): only Initialize,
  // GetValue and Terminate reach the LMS, so a review changes nothing, not even the total time.
  P.records = function () { return !!this.api && this.mode === 'normal'; };
  P.get = function (el) {
    var got = this.api ? this.call('GetValue', el) : '';
    return got === null ? '' : got;
  };
  P.set = function (el, value) {
    if (!this.records()) return true;
    value = String(value);
    var got = this.call('SetValue', el, value);
    if (got === null) { delete this.pending[el]; this.pending[el] = value; return false; }  // keep it for later
    delete this.pending[el];  // a newer value got through: never replay the older one over it
    return got === 'true';
  };
  // Writes the API threw on, in their first order (an interaction's id before its other fields).
  P.replay = function () {
    var pending = this.pending, self = this;
    this.pending = {};
    Object.keys(pending).forEach(el => { self.set(el, pending[el]); });
  };
  P.setScore = function (prefix, pct) {
    // Moodle grades from raw: always raw with its min and max, on a 0-100 scale
    this.set(prefix + 'min', '0');
    this.set(prefix + 'max', '100');
    this.set(prefix + 'raw', String(pct));
  };
  P.count = function (el) { return parseInt(this.get(el + '._count'), 10) || 0; };

  // Commit now; when refused, keep everything and retry with growing pauses. A save counts only if the
  // state was accepted too: a commit of stale suspend_data loses answers.
  P.save = function () {
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
      this.timer = setTimeout(() => { self.save(); }, Math.min(500 * Math.pow(2, this.retries++), 30000));
    }
    return ok;
  };

  // Called from pagehide/unload; the guard makes LMSFinish/Terminate happen exactly once.
  P.end = function (finished) {
    if (!this.api || this.ended) return;
    if (this.records()) {
      this.set(this.v.exit, finished ? this.v.normalExit : 'suspend');
      this.save();
    }
    this.ended = true;
    clearTimeout(this.timer);
    this.call(this.v.finish, '');
  };

  window.LMS = LMS;
})();

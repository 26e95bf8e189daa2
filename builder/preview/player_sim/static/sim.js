/* The LMS side of the simulator: scorm-again as window.API (SCORM 1.2) for the package in the iframe.
   The CMI is kept in sessionStorage after every commit, so a live reload resumes the attempt the way
   an LMS would (entry=resume); "Reset attempt" forgets it. The panel lists what the package sent. */
(function () {
  'use strict';
  var config = JSON.parse(document.getElementById('sim-config').textContent);
  var key = 'coursepack-sim:' + config.code;
  var resetting = false;
  var $ = function (id) { return document.getElementById(id); };
  var rows = {};

  function stored() {
    try { return JSON.parse(sessionStorage.getItem(key) || 'null'); } catch (e) { return null; }
  }
  // What an LMS hands a returning learner: the stored CMI, resumed only after a suspend.
  function resumed(cmi) {
    cmi.core.entry = cmi.core.exit === 'suspend' ? 'resume' : '';
    cmi.core.exit = '';
    delete cmi.core.session_time;
    return cmi;
  }
  function fresh() {
    return {
      core: { student_id: 'preview', student_name: 'Learner, Preview' },
      student_data: { mastery_score: config.mastery }
    };
  }

  var api = new window.Scorm12API({ autocommit: false, lmsCommitUrl: false, logLevel: 5 });
  var saved = stored();
  api.loadFromJSON(saved ? resumed(saved) : fresh(), '');
  $('attempt').textContent = saved
    ? 'Resumed from the last commit (cmi.core.entry = "' + saved.core.entry + '").'
    : 'New attempt.';

  function keep() {
    if (resetting) return;
    try { sessionStorage.setItem(key, JSON.stringify(api.renderCMIToJSONObject().cmi)); } catch (e) { /* full: keep going */ }
  }
  function call(name, detail) {
    var li = document.createElement('li');
    li.textContent = name + (detail ? ' ' + detail : '');
    var list = $('calls');
    list.insertBefore(li, list.firstChild);
    while (list.children.length > 40) list.removeChild(list.lastChild);
  }
  function record(element, value) {
    var row = rows[element];
    if (!row) {
      row = document.createElement('tr');
      var th = document.createElement('th');
      th.scope = 'row';
      element.split('.').forEach(function (part, k, parts) {  // a line may break after any dot, not inside a name
        th.appendChild(document.createTextNode(part + (k < parts.length - 1 ? '.' : '')));
        if (k < parts.length - 1) th.appendChild(document.createElement('wbr'));
      });
      row.appendChild(th);
      row.appendChild(document.createElement('td'));
      $('cmi').tBodies[0].appendChild(row);
      rows[element] = row;
    }
    row.cells[1].textContent = String(value);
    row.setAttribute('data-element', element);
  }

  api.on('LMSInitialize', function () { call('LMSInitialize'); });
  api.on('LMSSetValue.cmi.*', function (element, value) { record(element, value); });
  api.on('LMSCommit', function () {
    keep();
    call('LMSCommit');
    $('commit').textContent = 'Committed at ' + new Date().toLocaleTimeString() + '.';
  });
  api.on('LMSFinish', function () { keep(); call('LMSFinish'); });
  window.API = api;

  $('reset').addEventListener('click', function () {
    resetting = true;  // the SCO's pagehide commit must not store the attempt again
    sessionStorage.removeItem(key);
    location.reload();
  });
  // Only now: the package looks for window.API as soon as it loads.
  var frame = $('sco');
  frame.src = frame.getAttribute('data-src');
})();

/* The learner's side of the player: screens, questions, scoring, and the state kept in suspend_data.
   Content comes from the JSON in index.html (sanitised by the builder); the LMS from lms.js. */
(function () {
  'use strict';
  var C = JSON.parse(document.getElementById('content').textContent);
  var items = C.items;
  var TYPES = { single_choice: 'choice', multiple_choice: 'choice', true_false: 'true-false',
    fill_in: 'fill-in', matching: 'matching', ordering: 'sequencing' };
  var lms, mastery, screens, attempt, cur = 0, shownAt = 0, nextInteraction = 0;
  var objectiveIndex = {}, objectiveCount = 0;
  // 'review': the LMS shows a finished attempt, nothing can change; 'browse': a look around, nothing recorded
  var mode = 'normal';
  // answers[i] is item i's response: choice keys "ac", "t"/"f", typed text, matched targets per source, step keys
  var st = { seed: 0, attempt: 1, finished: false, answers: [] };

  function $(id) { return document.getElementById(id); }
  function t(key, values) {
    return (C.strings[key] || key).replace(/\{(\w+)\}/g, function (m, k) {
      return values && k in values ? values[k] : m;
    });
  }
  function el(tag, attrs, kids) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k === 'html') node.innerHTML = v;  // only ever content the builder sanitised
      else if (k === 'text') node.textContent = v;
      else if (k.slice(0, 2) === 'on') node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? '' : v);
    });
    (kids || []).forEach(function (c) {
      if (c) node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return node;
  }
  function round2(x) { return Math.round(x * 100) / 100; }
  function num(x) { return String(x).replace('.', C.decimal); }  // the catalogue's decimal mark, not the browser's
  // Whole percentages, rounded down so that a shown 80 % never hides a 79.6 % that did not pass
  function whole(x) { return String(Math.floor(x + 1e-9)); }
  var visited = {};  // screens seen in this session, for the contents' ticks

  // ---------------------------------------------------------------- seeded order
  function random(seed) {  // mulberry32: tiny and good enough to shuffle questions
    return function () {
      seed = (seed + 0x6D2B79F5) | 0;
      var x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
      return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
    };
  }
  function shuffled(list, rand) {
    var a = list.slice();
    for (var i = a.length - 1; i > 0; i--) {
      var j = Math.floor(rand() * (i + 1)), x = a[i];
      a[i] = a[j];
      a[j] = x;
    }
    return a;
  }
  function itemRandom(i) { return random(st.seed ^ Math.imul(i + 1, 0x9E3779B1)); }

  // The attempt's questions: every unpooled item plus each pool's draw, in one seeded order.
  function draw() {
    var rand = random(st.seed), pooled = {}, chosen = {};
    C.pools.forEach(function (p) {
      p.items.forEach(function (i) { pooled[i] = true; });
      shuffled(p.items, rand).slice(0, p.draw).forEach(function (i) { chosen[i] = true; });
    });
    var list = items.map(function (_, i) { return i; }).filter(function (i) { return !pooled[i] || chosen[i]; });
    return C.shuffle ? shuffled(list, rand) : list;
  }

  // ---------------------------------------------------------------- suspend_data
  // "c1|seed|attempt|finished|answer,answer,…": short, and free of quotes and backslashes,
  // which some LMSs escape. Orders are not stored: the seed recreates them.
  function esc(s) {
    return s.replace(/[%|,'"\\\u0000-\u001f]/g, function (c) {
      return '%' + (c.charCodeAt(0) < 16 ? '0' : '') + c.charCodeAt(0).toString(16).toUpperCase();
    });
  }
  function pack() {
    var answers = [];
    for (var i = 0; i < items.length; i++) answers.push(st.answers[i] === undefined ? '' : esc(st.answers[i]));
    return ['c1', st.seed.toString(36), st.attempt, st.finished ? 1 : 0, answers.join(',')].join('|');
  }
  function unpack(s) {
    var p = (s || '').split('|');
    if (p[0] !== 'c1' || p.length !== 5) return false;
    st.seed = parseInt(p[1], 36) || 1;
    st.attempt = parseInt(p[2], 10) || 1;
    st.finished = p[3] === '1';
    st.answers = [];
    try {
      p[4].split(',').forEach(function (a, i) {
        if (a !== '' && i < items.length) st.answers[i] = decodeURIComponent(a);
      });
    } catch (e) {  // mangled by someone else: a fresh start beats a broken page
      st.answers = [];
      return false;
    }
    return true;
  }

  // ---------------------------------------------------------------- scoring
  function norm(s, caseSensitive) {
    s = s.trim().replace(/\s+/g, ' ');
    return caseSensitive ? s : s.toLowerCase();
  }
  function isCorrect(it, r) {
    if (it.type === 'fill_in') {
      return it.answers.some(function (a) { return norm(a, it.caseSensitive) === norm(r, it.caseSensitive); });
    }
    return r === it.correct.map(function (k) { return k.charAt(0); }).join('');
  }
  function scores() {
    var total = 0, got = 0, per = {};
    attempt.forEach(function (i) {
      var it = items[i], r = st.answers[i], ok = r !== undefined && isCorrect(it, r);
      total += it.points;
      if (ok) got += it.points;
      it.outcomes.forEach(function (o) {
        var x = per[o] || (per[o] = { max: 0, got: 0, open: 0 });
        x.max += it.points;
        if (ok) x.got += it.points;
        if (r === undefined) x.open++;
      });
    });
    Object.keys(per).forEach(function (o) {
      var x = per[o];
      x.pct = round2(100 * x.got / x.max);
      x.done = !x.open;
      x.passed = x.pct >= mastery;
    });
    var pct = total ? round2(100 * got / total) : 0;
    return { pct: pct, passed: pct >= mastery, per: per };
  }
  // Where the LMS keeps attempts (SCORM), one LMS attempt is one try: a second counter inside it would
  // disagree with the LMS's. Elsewhere (web export, cmi5) the set's `attempts` limits retakes here.
  function canRetry() { return !lms.keepsAttempts && mode === 'normal' && (!C.attempts || st.attempt < C.attempts); }

  // ---------------------------------------------------------------- reporting
  function response(it, r) {
    var v = lms.v;
    if (it.type === 'true_false') return v.tf(r === 't' ? 'true' : 'false');
    if (it.type === 'fill_in') return v.fill(r, C.lang);
    if (it.type === 'matching') {
      return it.sources.map(function (s, k) { return r.charAt(k) === '-' ? '' : v.source(s.key, k) + v.pair + r.charAt(k); })
        .filter(Boolean).join(v.list);
    }
    return r.split('').join(v.list);
  }
  function patterns(it) {
    var v = lms.v;
    if (it.type === 'true_false') return [v.tf(it.correct[0])];
    if (it.type === 'fill_in') return it.answers.map(function (a) { return v.fillPattern(a, it.caseSensitive); });
    if (it.type === 'matching') {
      return [it.sources.map(function (s, k) { return v.source(s.key, k) + v.pair + it.correct[k]; }).join(v.list)];
    }
    return [it.correct.join(v.list)];
  }
  function reportInteraction(i, r, ok, latency) {
    var it = items[i], v = lms.v, p = 'cmi.interactions.' + nextInteraction++ + '.';
    lms.set(p + 'id', it.id);
    lms.set(p + 'type', TYPES[it.type]);
    it.outcomes.forEach(function (o, k) { lms.set(p + 'objectives.' + k + '.id', o); });
    lms.set(p + v.stampField, v.stamp(new Date()));
    lms.set(p + 'weighting', it.points);
    patterns(it).forEach(function (pattern, k) { lms.set(p + 'correct_responses.' + k + '.pattern', pattern); });
    lms.set(p + v.response, response(it, r));
    lms.set(p + 'result', ok ? 'correct' : v.wrong);
    lms.set(p + 'latency', v.duration(latency));
  }
  function reportObjectives(ids, sc) {
    ids.forEach(function (id) {
      if (!(id in objectiveIndex)) {
        objectiveIndex[id] = objectiveCount++;
        lms.set('cmi.objectives.' + objectiveIndex[id] + '.id', id);
      }
      if (sc.per[id]) lms.v.objective(lms, 'cmi.objectives.' + objectiveIndex[id] + '.', sc.per[id]);
    });
  }
  function answer(i, r) {
    st.answers[i] = r;
    reportInteraction(i, r, isCorrect(items[i], r), Date.now() - shownAt);
    var sc = scores();
    reportObjectives(items[i].outcomes, sc);
    if (attempt.every(function (j) { return st.answers[j] !== undefined; })) {
      st.finished = true;
      lms.setScore(lms.v.score, sc.pct);
      lms.v.result(lms, sc.pct, sc.passed);
    }
    lms.save();
  }

  // ---------------------------------------------------------------- screens
  function buildScreens() {
    attempt = draw();
    screens = [{ id: 'i', kind: 'intro' }];
    C.lessons.forEach(function (l, k) { screens.push({ id: 'l' + k, kind: 'lesson', n: k }); });
    screens.push({ id: 'a', kind: 'assessment' });
    attempt.forEach(function (i, k) { screens.push({ id: 'q' + i, kind: 'question', item: i, n: k }); });
    screens.push({ id: 'r', kind: 'results' });
  }
  function find(id) {
    for (var k = 0; k < screens.length; k++) if (screens[k].id === id) return k;
    return -1;
  }
  function heading(text) { return el('h2', { tabindex: '-1', text: text }); }
  function firstOpen() {
    for (var k = 0; k < attempt.length; k++) if (st.answers[attempt[k]] === undefined) return find('q' + attempt[k]);
    return find('q' + attempt[0]);
  }

  var RENDER = {
    intro: function () {
      return [heading(t('intro')), el('div', { html: C.summary }), el('h3', { text: t('outcomes') }),
        el('ul', {}, C.outcomes.map(function (o) { return el('li', { text: o.text }); }))];
    },
    lesson: function (s) {
      var l = C.lessons[s.n];
      var out = [heading(l.title), el('p', { class: 'meta', text: t('minutes', { n: l.minutes }) }),
        el('div', { class: 'body', html: l.html })];
      if (l.more) out.push(el('div', { class: 'more', html: l.more }));  // activities, discussion, further reading
      return out;
    },
    assessment: function () {
      var tries = lms.keepsAttempts ? t('attempt_lms')
        : C.attempts ? t('attempt', { n: st.attempt, max: C.attempts }) : t('attempt_unlimited', { n: st.attempt });
      var info = [heading(t('assessment')),
        el('p', { text: t('assessment_info', { count: attempt.length, mastery: num(mastery) }) }),
        el('p', { text: tries })];
      var started = attempt.some(function (i) { return st.answers[i] !== undefined; });
      var label = st.finished ? t('review_answers') : t(started ? 'continue' : 'start');
      info.push(el('button', { type: 'button', class: 'primary', text: label,
        onclick: function () { if (st.finished) reviewAnswers(); else show(firstOpen(), true); } }));
      return info;
    },
    question: renderQuestion,
    results: function () {
      var out = [heading(t('results'))];
      if (!st.finished) return out.concat(el('p', { text: t('not_finished') }));
      var sc = scores();
      out.push(el('p', { class: 'score', text: t('score', { score: whole(sc.pct) }) }),
        el('p', { class: 'verdict ' + (sc.passed ? 'ok' : 'ko'), text: t(sc.passed ? 'passed' : 'failed', { mastery: num(mastery) }) }));
      // what to do next sits under the verdict, before the outcome table, which can be long
      if (!sc.passed && canRetry()) {
        out.push(el('button', { type: 'button', class: 'primary', text: t('retry'), onclick: retry }));
      } else if (!sc.passed && lms.keepsAttempts) {
        out.push(el('p', { text: t('retry_lms') }));
      } else if (!sc.passed && mode === 'normal') {
        out.push(el('p', { text: t('no_attempts', { max: C.attempts }) }));
      }
      out.push(el('button', { type: 'button', class: 'secondary', text: t('review_answers'), onclick: reviewAnswers }));
      var rows = C.outcomes.map(function (o) {
        var x = sc.per[o.id];
        return el('tr', {}, [el('td', { text: o.text }), el('td', { text: x ? t('percent', { n: whole(x.pct) }) : '–' }),
          el('td', { text: !x ? t('not_assessed') : t(x.passed ? 'met' : 'not_met') })]);
      });
      out.push(el('p', { class: 'meta', text: t('outcome_rule', { mastery: num(mastery) }) }));
      out.push(el('table', { class: 'outcomes' }, [el('thead', {}, [el('tr', {}, ['outcome', 'outcome_score', 'outcome_status'].map(
        function (k) { return el('th', { scope: 'col', text: t(k) }); }))]), el('tbody', {}, rows)]));
      return out;
    }
  };

  function reviewAnswers() { show(find('q' + attempt[0]), true); }
  function retry() {
    if (!canRetry()) return;
    st.attempt++;
    st.seed = newSeed();
    st.answers = [];
    st.finished = false;
    buildScreens();
    lms.save();
    show(find('a'), true);
  }

  // ---------------------------------------------------------------- questions
  function renderQuestion(s) {
    var it = items[s.item], r = st.answers[s.item], done = r !== undefined, rand = itemRandom(s.item);
    var fb = el('div', { class: 'feedback', role: 'status' });
    var controls = CONTROLS[it.type === 'multiple_choice' || it.type === 'true_false' ? 'single_choice' : it.type](it, r, rand);
    // The submit button is #check in the pager, which stays in view however long the question is.
    var form = el('form', { novalidate: true, id: 'answer-form', 'data-item': it.id }, [controls.node, fb]);
    if (done) {
      controls.lock(r);
      showFeedback(fb, it, r);
    } else if (mode === 'review') {
      controls.lock();
      fb.appendChild(el('p', { class: 'verdict ko', text: t('not_answered') }));
    }
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      if (st.answers[s.item] !== undefined || mode === 'review') return;
      var value = controls.read();
      if (!value) { fb.textContent = t('answer_first'); return; }
      answer(s.item, value);
      controls.lock(value);
      fb.textContent = '';
      showFeedback(fb, it, value);
      updateChrome();
      (($('next').disabled ? null : $('next')) || $('screen')).focus();
      fb.scrollIntoView({ block: 'nearest' });  // the verdict, not the pager, is what the learner reads next
    });
    return [heading(t('question', { n: s.n + 1, total: attempt.length })),
      el('div', { class: 'prompt', id: 'prompt', html: it.prompt }), form];
  }

  function group(legend, kids) {
    return el('fieldset', { 'aria-describedby': 'prompt' }, [el('legend', { text: legend })].concat(kids));
  }
  function lockable(node, read, mark) {
    // lock() without a value: a question the attempt under review left unanswered
    return { node: node, read: read, lock: function (value) { node.disabled = true; if (mark && value !== undefined) mark(value); } };
  }

  var CONTROLS = {
    single_choice: function (it, r, rand) {
      var multi = it.type === 'multiple_choice';
      var order = C.shuffle && it.type !== 'true_false' ? shuffled(it.options, rand) : it.options;
      var rows = order.map(function (o) {
        var code = o.key.charAt(0);
        return el('div', { class: 'option' }, [
          el('input', { type: multi ? 'checkbox' : 'radio', name: 'answer', id: 'o-' + code, value: code,
            checked: r !== undefined && r.indexOf(code) >= 0 }),
          el('label', { for: 'o-' + code, html: o.html })]);
      });
      var node = group(t(multi ? 'choose_many' : 'choose_one'), rows);
      return lockable(node, function () {
        return it.options.map(function (o) { return o.key.charAt(0); })
          .filter(function (code) { return node.querySelector('#o-' + code).checked; }).join('');
      }, function (value) {  // disabled inputs look alike: say in words what was chosen and what was right
        it.options.forEach(function (o) {
          var code = o.key.charAt(0), tags = [];
          if (value.indexOf(code) >= 0) tags.push(t('yours'));
          if (it.correct.indexOf(o.key) >= 0) tags.push(t('right_answer'));
          if (tags.length) node.querySelector('#o-' + code).nextSibling.appendChild(el('span', { class: 'tag', text: tags.join(' · ') }));
        });
      });
    },
    fill_in: function (it, r) {
      var input = el('input', { type: 'text', id: 'answer', maxlength: C.fillInMax, autocomplete: 'off',
        spellcheck: 'false', 'aria-describedby': 'prompt' });
      if (r !== undefined) input.value = r;
      var node = el('div', { class: 'fill' }, [el('label', { for: 'answer', text: t('type_answer') }), input]);
      // stored and reported as scored: trimmed, inner spaces collapsed
      return { node: node, read: function () { return input.value.trim().replace(/\s+/g, ' '); },
        lock: function () { input.disabled = true; } };
    },
    matching: function (it, r, rand) {
      // the targets in full, lettered, above the rows: a <select> cuts long text off at any width
      var targets = shuffled(it.options, rand), letter = function (n) { return String.fromCharCode(65 + n); };
      var list = el('ol', { class: 'targets' }, targets.map(function (o) { return el('li', { text: o.text }); }));
      var rows = it.sources.map(function (src, k) {
        var select = el('select', { id: 'm-' + k }, [el('option', { value: '', text: t('match_choose') })].concat(
          targets.map(function (o, n) { return el('option', { value: o.key, text: letter(n) + '. ' + o.text }); })));
        if (r !== undefined && r.charAt(k) !== '-') select.value = r.charAt(k);
        return el('div', { class: 'pair' }, [el('label', { for: 'm-' + k, html: src.html }), select]);
      });
      return lockable(group(t('match'), [list].concat(rows)), function () {
        var value = it.sources.map(function (_, k) { return $('m-' + k).value || '-'; }).join('');
        return value.indexOf('-') >= 0 ? '' : value;
      }, function (value) {  // next to each wrong match, the right one
        it.sources.forEach(function (_, k) {
          var right = it.correct[k], text = it.options.filter(function (o) { return o.key === right; })[0].text;
          if (value.charAt(k) !== right) rows[k].firstChild.appendChild(el('span', { class: 'tag', text: t('right_is', { answer: text }) }));
        });
      });
    },
    ordering: function (it, r, rand) {
      var byKey = {};
      it.options.forEach(function (o) { byKey[o.key] = o; });
      var seq = r !== undefined ? r.split('') : shuffled(it.correct, rand);
      if (r === undefined && seq.join('') === it.correct.join('')) seq.push(seq.shift());  // never start solved
      var list = el('ol', { class: 'order' }), said = el('p', { class: 'sr-only', 'aria-live': 'polite' });
      function paint(focusKey, dir) {
        list.textContent = '';
        seq.forEach(function (key, k) {
          var o = byKey[key];
          var up = el('button', { type: 'button', 'aria-label': t('move_up', { step: o.text }), text: t('up'),
            onclick: function () { move(k, -1); } });
          var down = el('button', { type: 'button', 'aria-label': t('move_down', { step: o.text }), text: t('down'),
            onclick: function () { move(k, 1); } });
          list.appendChild(el('li', { 'data-key': key }, [el('span', { class: 'step', html: o.html }),
            el('span', { class: 'moves' }, [up, down])]));
          if (key === focusKey) (dir < 0 ? up : down).focus();
        });
      }
      function move(k, d) {
        var j = k + d, key = seq[k];
        if (j >= 0 && j < seq.length) {
          seq[k] = seq[j];
          seq[j] = key;
        } else {
          j = k;
        }
        paint(key, d);
        said.textContent = t('moved', { step: byKey[key].text, n: j + 1, total: seq.length });
      }
      paint();
      return lockable(group(t('order'), [list, said]), function () { return seq.join(''); }, function () {
        seq.forEach(function (key, k) {  // each step out of place says where it belongs
          var at = it.correct.indexOf(key);
          if (at !== k) list.children[k].firstChild.appendChild(el('span', { class: 'tag', text: t('right_position', { n: at + 1 }) }));
        });
      });
    }
  };

  function showFeedback(fb, it, r) {  // the box takes the verdict's colours
    fb.appendChild(feedback(it, r));
    fb.classList.add(isCorrect(it, r) ? 'ok' : 'ko');
  }
  function feedback(it, r) {
    var ok = isCorrect(it, r);
    var parts = [el('p', { class: 'verdict ' + (ok ? 'ok' : 'ko') }, [el('strong', { text: t(ok ? 'correct' : 'incorrect') })])];
    if (it.type === 'single_choice' || it.type === 'multiple_choice' || it.type === 'true_false') {
      it.options.forEach(function (o) {  // what was chosen, then each right answer that was missed
        var chosen = r.indexOf(o.key.charAt(0)) >= 0, missed = !chosen && it.correct.indexOf(o.key) >= 0;
        if (chosen && o.feedback) {
          parts.push(el('p', {}, [t('your_choice', { choice: o.text }) + ' ', el('span', { html: o.feedback })]));
        } else if (missed) {
          parts.push(el('p', {}, [t('missed_choice', { choice: o.text }) + ' ', el('span', { html: o.feedback || '' })]));
        }
      });
    } else if (ok ? it.right : it.wrong) {
      parts.push(el('p', { html: ok ? it.right : it.wrong }));
    }
    if (it.feedback) parts.push(el('div', { html: it.feedback }));
    return el('div', {}, parts);
  }

  // ---------------------------------------------------------------- navigation
  function show(k, focus) {
    cur = k;
    var s = screens[k], main = $('screen');
    main.textContent = '';
    RENDER[s.kind](s).forEach(function (node) { main.appendChild(node); });
    main.querySelectorAll('a[href^="http"]').forEach(function (a) { a.target = '_blank'; });  // keep the SCO open
    shownAt = Date.now();
    visited[s.id] = true;
    updateChrome();
    if (focus) main.querySelector('h2').focus();
    window.scrollTo(0, 0);
    // every move is committed: a crash or a closed tab resumes on this screen, not on the last answer's
    if (lms.get(lms.v.location) !== s.id) lms.save();
  }
  function updateChrome() {
    var s = screens[cur], last = screens.length - 1;
    $('prev').disabled = cur === 0;
    var open = s.kind === 'question' && st.answers[s.item] === undefined && mode !== 'review';
    $('check').hidden = !open;
    $('next').hidden = open;
    $('next').disabled = cur === last || open || (cur === last - 1 && !st.finished);
    // progress is work done: lessons seen and questions answered, not screens
    var seen = C.lessons.filter(function (l, k) { return visited['l' + k]; }).length;
    var answered = attempt.filter(function (i) { return st.answers[i] !== undefined; }).length;
    $('progress').max = C.lessons.length + attempt.length;
    $('progress').value = seen + answered;
    $('progress-text').textContent = s.kind === 'lesson' ? t('progress_lesson', { n: s.n + 1, total: C.lessons.length })
      : s.kind === 'question' ? t('question', { n: s.n + 1, total: attempt.length })
      : t('progress_done', { lessons: seen, lessons_total: C.lessons.length, answered: answered, total: attempt.length });
    var toc = $('toc'), entries = [['i', t('intro')]].concat(
      C.lessons.map(function (l, k) { return ['l' + k, l.title]; }), [['a', t('assessment')], ['r', t('results')]]);
    toc.textContent = '';
    entries.forEach(function (e) {
      var here = s.id === e[0] || (e[0] === 'a' && s.kind === 'question');
      var done = e[0] === 'a' ? st.finished : visited[e[0]];
      toc.appendChild(el('li', { class: done ? 'done' : null }, [el('button', { type: 'button', 'aria-current': here ? 'step' : null,
        disabled: e[0] === 'r' && !st.finished, onclick: function () { toggleToc(false); show(find(e[0]), true); } },
      [e[1], done ? el('span', { class: 'sr-only', text: ' ' + t('done') }) : null])]));
    });
  }
  // On a phone or in an LMS's frame the contents fold away behind a button, so the screen comes first.
  function toggleToc(open) {
    document.body.classList.toggle('toc-open', open);
    $('toc-toggle').setAttribute('aria-expanded', open ? 'true' : 'false');
  }
  function newSeed() { return 1 + Math.floor(Math.random() * 2147483646); }

  // ---------------------------------------------------------------- start
  // true: saved again after a failure; false: the LMS refused; 'lost': the LMS stopped answering at all
  lms = new window.LMS(C.scorm, function (state) {
    $('save').textContent = t(state === 'lost' ? 'lms_lost' : state ? 'saved' : 'save_failed');
  }, 'coursepack:' + C.program + ':' + C.code + ':' + C.version);
  var live = lms.start();
  $('preview').hidden = live && !lms.local;
  if (live && lms.local) {  // the web export: practice kept in this browser, a fresh start, the way back
    $('preview').textContent = t('practice') + ' ';
    $('preview').appendChild(el('button', { type: 'button', class: 'link', text: t('start_over'),
      onclick: function () { lms.api.reset(); lms.ended = true; window.location.reload(); } }));
    $('preview').appendChild(el('a', { href: '../index.html', text: t('all_sets') }));
  }
  if (lms.refused) $('preview').textContent = t('lms_refused');  // an LMS is there, so "not found" would mislead
  if (live) mode = lms.mode;
  if (mode !== 'normal' || lms.credit === false) {  // credit: recorded, but the LMS will not count it
    $('mode').hidden = false;
    $('mode').textContent = t(mode === 'review' ? 'mode_review' : mode === 'browse' ? 'mode_browse' : 'no_credit');
  }
  var fromLms = live ? lms.v.passMark(function (el) { return lms.get(el); }) : null;
  mastery = fromLms === null ? C.mastery : fromLms;
  // browse starts afresh: a look around must not show (or seem to continue) the recorded attempt
  if (!(live && mode !== 'browse' && unpack(lms.get('cmi.suspend_data')))) st.seed = newSeed();
  nextInteraction = lms.count('cmi.interactions');
  objectiveCount = lms.count('cmi.objectives');
  for (var n = 0; n < objectiveCount; n++) objectiveIndex[lms.get('cmi.objectives.' + n + '.id')] = n;
  buildScreens();
  lms.beforeCommit = function () {
    lms.set(lms.v.location, screens[cur].id);
    return lms.set('cmi.suspend_data', pack());
  };
  $('prev').addEventListener('click', function () { show(cur - 1, true); });
  $('toc-toggle').addEventListener('click', function () { toggleToc(!document.body.classList.contains('toc-open')); });
  $('next').addEventListener('click', function () {
    show(screens[cur].kind === 'assessment' && !st.finished ? firstOpen() : cur + 1, true);
  });
  window.addEventListener('pagehide', function () {
    lms.end(st.finished && (scores().passed || !canRetry()));
  });
  // a phone may discard a hidden tab without pagehide: save the page the learner was on while we still can
  document.addEventListener('visibilitychange', function () { if (document.visibilityState === 'hidden') lms.save(); });
  // In an LMS page that puts its own header above the frame (Moodle: the frame's lower edge, and the
  // pager with it, starts below the window), bring the whole frame into view once.
  try { if (window.frameElement) window.frameElement.scrollIntoView({ block: 'nearest' }); } catch (e) { /* other origin */ }
  var resumeAt = live && mode !== 'browse' ? lms.get(lms.v.location) : '';
  if (mode === 'review' && st.finished) resumeAt = 'r';  // a review opens on the attempt's result
  show(Math.max(0, find(resumeAt)), false);
})();

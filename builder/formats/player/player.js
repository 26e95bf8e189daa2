/* The learner's side of the player: screens, questions, scoring, and the state kept in suspend_data.
   Content comes from the JSON in index.html (sanitised by the builder); the LMS from lms.js. */
(function () {
  'use strict';
  var C = JSON.parse(document.getElementById('content').textContent);
  var items = C.items;
  var lms, mastery, screens, attempt, cur = 0, shownAt = 0, nextInteraction = 0;
  var objectiveIndex = {}, objectiveCount = 0, visited = {};  // visited: screens seen, for the contents
  var mode = 'normal';  // 'review' a finished attempt, unchangeable; 'browse' a look around, nothing recorded
  // answers[i]: item i's response, typed text or one code per chosen option, matched target (in source
  // order) or step; a code is the option's position in CODES, as keys are opaque strings
  var st = { seed: 0, attempt: 1, finished: false, answers: [] };
  var CODES = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

  function $(id) { return document.getElementById(id); }
  function t(key, values) {
    return (C.strings[key] || key).replace(/\{(\w+)\}/g, (m, k) => values && k in values ? values[k] : m);
  }
  function el(tag, attrs, kids) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(k => {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k === 'html') node.innerHTML = v;  // only ever content the builder sanitised
      else if (k === 'text') node.textContent = v;
      else if (k.slice(0, 2) === 'on') node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? '' : v);
    });
    (kids || []).forEach(c => {
      if (c) node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return node;
  }
  function button(text, onclick, cls) { return el('button', { type: 'button', class: cls, text: text, onclick: onclick }); }
  function tag(text) { return el('span', { class: 'tag', text: text }); }
  function round2(x) { return Math.round(x * 100) / 100; }
  function num(x) { return String(x).replace('.', C.decimal); }  // the catalogue's decimal mark, not the browser's
  // Whole percentages, rounded down so that a shown 80 % never hides a 79.6 % that did not pass
  function whole(x) { return String(Math.floor(x + 1e-9)); }

  // seeded order --------
  function random(seed) {  // mulberry32: tiny and good enough to shuffle questions
    return () => {
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
  function newSeed() { return 1 + Math.floor(Math.random() * 2147483646); }

  // The attempt's questions: every unpooled item plus each pool's draw, in one seeded order.
  function draw() {
    var rand = random(st.seed), pooled = {}, chosen = {};
    C.pools.forEach(p => {
      p.items.forEach(i => { pooled[i] = true; });
      shuffled(p.items, rand).slice(0, p.draw).forEach(i => { chosen[i] = true; });
    });
    var list = items.map((_, i) => i).filter(i => !pooled[i] || chosen[i]);
    return C.shuffle ? shuffled(list, rand) : list;
  }

  // item types --------
  function code(it, key) { return CODES.charAt(it.options.map(o => o.key).indexOf(key)); }
  function codes(it, keys) { return keys.map(k => code(it, k)).join(''); }
  function option(it, c) { return it.options[CODES.indexOf(c)]; }
  function keys(it, r) { return r.split('').map(c => option(it, c).key); }
  function norm(s, caseSensitive) {
    s = s.trim().replace(/\s+/g, ' ');
    return caseSensitive ? s : s.toLowerCase();
  }
  function group(legend, kids) {
    return el('fieldset', { 'aria-describedby': 'prompt' }, [el('legend', { text: legend })].concat(kids));
  }
  // controls: node, read() ('' when incomplete), lock(r) shows r answered; lock(): left unanswered (review)
  function lockable(node, read, mark) {
    return { node: node, read: read, lock: r => { node.disabled = true; if (r !== undefined) mark(r); } };
  }

  // The one place that looks at an item's type: interaction type, controls, scoring, reporting, feedback.
  // kind() holds the defaults of the types whose responses are codes.
  function kind(own) {
    var k = {
      correct: (it, r) => r === codes(it, it.correct),
      valid: (it, r) => r.split('').every(c => option(it, c)),
      response: (it, r, v) => keys(it, r).join(v.list),
      patterns: function (it, v) { return [this.response(it, codes(it, it.correct), v)]; },
      explain: (it, r, ok) => { var h = ok ? it.right : it.wrong; return [h && el('p', { html: h })]; }
    };
    Object.keys(own).forEach(n => { k[n] = own[n]; });
    return k;
  }
  function choice(type, multi) {
    var tf = type === 'true-false';
    function has(it, r, o) { return !!r && r.indexOf(code(it, o.key)) >= 0; }
    return kind({
      type: type,
      response: (it, r, v) => { var s = keys(it, r).join(v.list); return tf ? v.tf(s) : s; },
      controls: (it, r, rand) => {
        var boxes = {};
        var node = group(t(multi ? 'choose_many' : 'choose_one'), (C.shuffle && !tf ? shuffled(it.options, rand) : it.options)
          .map(o => el('div', { class: 'option' }, [
              boxes[o.key] = el('input', { type: multi ? 'checkbox' : 'radio', name: 'answer', id: 'o-' + o.key, value: o.key,
                checked: has(it, r, o) }),
              el('label', { for: 'o-' + o.key, html: o.html })])));
        // locked: disabled inputs look alike, so say in words what was chosen and what was right
        return lockable(node, () => codes(it, it.options.filter(o => boxes[o.key].checked).map(o => o.key)), r => {
          it.options.forEach(o => {
            var tags = [has(it, r, o) && t('yours'), it.correct.indexOf(o.key) >= 0 && t('right_answer')].filter(Boolean);
            if (tags.length) boxes[o.key].nextSibling.appendChild(tag(tags.join(' · ')));
          });
        });
      },
      explain: (it, r) => {  // what was chosen, then each right answer that was missed
        return it.options.map(o => {
          var chosen = has(it, r, o);
          if (chosen ? o.feedback : it.correct.indexOf(o.key) >= 0) {
            return el('p', {}, [t(chosen ? 'your_choice' : 'missed_choice', { choice: o.text }) + ' ', el('span', { html: o.feedback || '' })]);
          }
        });
      }
    });
  }
  // a matched target in full under its <select> when the box cuts it off
  function echo(select) {
    var o = select.selectedOptions[0], cs = getComputedStyle(select);
    var ctx = echo.ctx || (echo.ctx = document.createElement('canvas').getContext('2d'));
    ctx.font = cs.fontSize + ' ' + cs.fontFamily;
    select.nextSibling.textContent = select.value && ctx.measureText(o.text).width > select.clientWidth - 40 ? o.text : '';
  }
  var TYPES = {
    single_choice: choice('choice'),
    multiple_choice: choice('choice', true),
    true_false: choice('true-false'),
    fill_in: kind({
      type: 'fill-in',
      correct: (it, r) => it.answers.some(a => norm(a, it.caseSensitive) === norm(r, it.caseSensitive)),
      valid: () => true,
      response: (it, r, v) => v.fill(r, C.lang),
      patterns: (it, v) => it.answers.map(a => v.fillPattern(a, it.caseSensitive)),
      controls: (it, r) => {
        var input = el('input', { type: 'text', id: 'answer', maxlength: C.fillInMax, autocomplete: 'off',
          spellcheck: 'false', 'aria-describedby': 'prompt' });
        if (r !== undefined) input.value = r;
        // stored and reported as scored: trimmed, inner spaces collapsed
        return { node: el('div', { class: 'fill' }, [el('label', { for: 'answer', text: t('type_answer') }), input]),
          read: () => norm(input.value, true), lock: () => { input.disabled = true; } };
      }
    }),
    matching: kind({
      type: 'matching',
      response: (it, r, v) => it.sources.map((s, k) => v.source(s.key, k) + v.pair + option(it, r.charAt(k)).key).join(v.list),
      controls: (it, r, rand) => {
        var targets = shuffled(it.options, rand);
        var selects = it.sources.map((_, k) => {
          var select = el('select', { id: 'm-' + k, onchange: () => echo(select) }, [el('option', { value: '', text: t('match_choose') })]
            .concat(targets.map((o, n) => el('option', { value: o.key, text: String.fromCharCode(65 + n) + '. ' + o.text }))));
          if (r) select.value = option(it, r.charAt(k)).key;
          return select;
        });
        var cards = it.sources.map((src, k) => el('div', { class: 'pair' }, [el('label', { for: 'm-' + k, html: src.html }), selects[k],
            el('p', { class: 'chosen', 'aria-hidden': 'true' })]));
        return lockable(group(t('match'), [el('ol', { class: 'targets' }, targets.map(o => el('li', { text: o.text })))]
          .concat(cards)), () => selects.every(s => s.value) ? codes(it, selects.map(s => s.value)) : '', r => {
          it.correct.forEach((key, k) => {
            if (r.charAt(k) !== code(it, key)) cards[k].appendChild(tag(t('right_is', { answer: option(it, code(it, key)).text })));
          });
        });
      }
    }),
    ordering: kind({
      type: 'sequencing',
      controls: (it, r, rand) => {
        var seq = r ? keys(it, r) : shuffled(it.correct, rand);
        if (!r && seq.join() === it.correct.join()) seq.push(seq.shift());  // never start solved
        var list = el('ol', { class: 'order' }), said = el('p', { class: 'sr-only', 'aria-live': 'polite' });
        function text(key) { return option(it, code(it, key)).text; }
        function paint(focusKey, dir) {
          list.textContent = '';
          seq.forEach((key, k) => {
            var moves = [-1, 1].map(d => {
              return el('button', { type: 'button', 'aria-label': t(d < 0 ? 'move_up' : 'move_down', { step: text(key) }),
                text: t(d < 0 ? 'up' : 'down'), onclick: () => move(k, d) });
            });
            list.appendChild(el('li', { 'data-key': key }, [el('span', { class: 'step', html: option(it, code(it, key)).html }),
              el('span', { class: 'moves' }, moves)]));
            if (key === focusKey) moves[dir < 0 ? 0 : 1].focus();
          });
        }
        function move(k, d) {
          var j = k + d, key = seq[k];
          if (j < 0 || j >= seq.length) j = k;
          seq[k] = seq[j];
          seq[j] = key;
          paint(key, d);
          said.textContent = t('moved', { step: text(key), n: j + 1, total: seq.length });
        }
        paint();
        return lockable(group(t('order'), [list, said]), () => codes(it, seq), () => {
          seq.forEach((key, k) => {  // each step out of place says where it belongs
            var at = it.correct.indexOf(key);
            if (at !== k) list.children[k].firstChild.appendChild(tag(t('right_position', { n: at + 1 })));
          });
        });
      }
    })
  };
  function H(it) { return TYPES[it.type]; }
  function given(i) { return st.answers[i] !== undefined; }
  function isCorrect(it, r) { return H(it).correct(it, r); }

  // suspend_data --------
  // "c1|seed|attempt|finished|answer,answer,…", free of the quotes and backslashes some LMSs escape;
  // the seed recreates every order
  function esc(s) { return s.replace(/[%|,'"\\\u0000-\u001f]/g, escape); }  // "%7C": decodeURIComponent reads it
  function pack() {
    return ['c1', st.seed.toString(36), st.attempt, st.finished ? 1 : 0,
      items.map((_, i) => given(i) ? esc(st.answers[i]) : '').join(',')].join('|');
  }
  function unpack(s) {
    var p = (s || '').split('|');
    if (p[0] !== 'c1' || p.length !== 5) return false;
    st.seed = parseInt(p[1], 36) || 1;
    st.attempt = parseInt(p[2], 10) || 1;
    st.finished = p[3] === '1';
    try {
      p[4].split(',').forEach((a, i) => {
        var it = items[i];
        a = decodeURIComponent(a);
        if (a && it && H(it).valid(it, a)) st.answers[i] = a;  // anything else: not answered
      });
    } catch (e) {  // mangled by someone else: a fresh start beats a broken page
      st.answers = [];
      return false;
    }
    return true;
  }

  // scoring --------
  function scores() {
    var total = 0, got = 0, per = {};
    attempt.forEach(i => {
      var it = items[i], r = st.answers[i], ok = r !== undefined && isCorrect(it, r);
      total += it.points;
      if (ok) got += it.points;
      it.outcomes.forEach(o => {
        var x = per[o] || (per[o] = { max: 0, got: 0, open: 0 });
        x.max += it.points;
        if (ok) x.got += it.points;
        if (r === undefined) x.open++;
      });
    });
    Object.keys(per).forEach(o => {
      var x = per[o];
      x.pct = round2(100 * x.got / x.max);
      x.done = !x.open;
      x.passed = x.pct >= mastery;
    });
    var pct = total ? round2(100 * got / total) : 0;
    return { pct: pct, passed: pct >= mastery, per: per };
  }
  // a SCORM LMS counts attempts itself; the web export and cmi5 count them here
  function canRetry() { return !lms.keepsAttempts && mode === 'normal' && (!C.attempts || st.attempt < C.attempts); }

  // reporting --------
  function reportInteraction(i, r, ok, latency) {
    var it = items[i], h = H(it), v = lms.v, p = 'cmi.interactions.' + nextInteraction++ + '.';
    lms.set(p + 'id', it.id);
    lms.set(p + 'type', h.type);
    it.outcomes.forEach((o, k) => { lms.set(p + 'objectives.' + k + '.id', o); });
    lms.set(p + v.stampField, v.stamp(new Date()));
    lms.set(p + 'weighting', it.points);
    h.patterns(it, v).forEach((pattern, k) => { lms.set(p + 'correct_responses.' + k + '.pattern', pattern); });
    lms.set(p + v.response, h.response(it, r, v));
    lms.set(p + 'result', ok ? 'correct' : v.wrong);
    lms.set(p + 'latency', v.duration(latency));
  }
  function answer(i, r) {
    st.answers[i] = r;
    reportInteraction(i, r, isCorrect(items[i], r), Date.now() - shownAt);
    var sc = scores();
    items[i].outcomes.forEach(id => {
      if (!(id in objectiveIndex)) {
        objectiveIndex[id] = objectiveCount++;
        lms.set('cmi.objectives.' + objectiveIndex[id] + '.id', id);
      }
      if (sc.per[id]) lms.v.objective(lms, 'cmi.objectives.' + objectiveIndex[id] + '.', sc.per[id]);
    });
    if (attempt.every(given)) {
      st.finished = true;
      lms.setScore(lms.v.score, sc.pct);
      lms.v.result(lms, sc.pct, sc.passed);
    }
    lms.save();
  }

  // screens --------
  function buildScreens() {
    attempt = draw();
    screens = [{ id: 'i', kind: 'intro' }];
    C.lessons.forEach((l, k) => { screens.push({ id: 'l' + k, kind: 'lesson', n: k }); });
    screens.push({ id: 'a', kind: 'assessment' });
    attempt.forEach((i, k) => { screens.push({ id: 'q' + i, kind: 'question', item: i, n: k }); });
    screens.push({ id: 'r', kind: 'results' });
  }
  function find(id) {
    for (var k = 0; k < screens.length; k++) if (screens[k].id === id) return k;
    return -1;
  }
  function heading(text) { return el('h2', { tabindex: '-1', text: text }); }
  function firstOpen() {
    var open = attempt.filter(i => !given(i));
    return find('q' + (open.length ? open : attempt)[0]);
  }
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

  var RENDER = {
    intro: () => {
      return [heading(t('intro')), el('div', { html: C.summary }), el('h3', { text: t('outcomes') }),
        el('ul', {}, C.outcomes.map(o => el('li', { text: o.text })))];
    },
    lesson: s => {
      var l = C.lessons[s.n];
      var out = [heading(l.title), el('p', { class: 'meta', text: t('minutes', { n: l.minutes }) }),
        el('div', { class: 'body', html: l.html })];
      if (l.more) out.push(el('div', { class: 'more', html: l.more }));  // activities, discussion, further reading
      return out;
    },
    assessment: () => {
      var started = attempt.some(given);
      return [heading(t('assessment')),
        el('p', { text: t('assessment_info', { count: attempt.length, mastery: num(mastery) }) }),
        el('p', { text: lms.keepsAttempts ? t('attempt_lms')
          : C.attempts ? t('attempt', { n: st.attempt, max: C.attempts }) : t('attempt_unlimited', { n: st.attempt }) }),
        button(t(st.finished ? 'review_answers' : started ? 'continue' : 'start'),
          () => { if (st.finished) reviewAnswers(); else show(firstOpen(), true); }, 'primary')];
    },
    question: s => {
      var it = items[s.item], r = st.answers[s.item], fb = el('div', { class: 'feedback', role: 'status' });
      var controls = H(it).controls(it, r, random(st.seed ^ Math.imul(s.item + 1, 0x9E3779B1)));
      // submitted by #check in the pager, which stays in view
      var form = el('form', { novalidate: true, id: 'answer-form', 'data-item': it.id, onsubmit: e => {
        e.preventDefault();
        if (given(s.item) || mode === 'review') return;
        var value = controls.read();
        if (!value) { fb.textContent = t('answer_first'); return; }
        answer(s.item, value);
        controls.lock(value);
        showFeedback(fb, it, value);
        updateChrome();
        (($('next').disabled ? null : $('next')) || $('screen')).focus();
        fb.scrollIntoView({ block: 'nearest' });  // the verdict is what the learner reads next
      } }, [controls.node, fb]);
      if (r !== undefined) {
        controls.lock(r);
        showFeedback(fb, it, r);
      } else if (mode === 'review') {
        controls.lock();
        fb.appendChild(el('p', { class: 'verdict ko', text: t('not_answered') }));
      }
      return [heading(t('question', { n: s.n + 1, total: attempt.length })),
        el('div', { class: 'prompt', id: 'prompt', html: it.prompt }), form];
    },
    results: () => {
      var out = [heading(t('results'))];
      if (!st.finished) return out.concat(el('p', { text: t('not_finished') }));
      var sc = scores(), failed = !sc.passed;
      // what to do next sits under the verdict, before the outcome table, which can be long
      return out.concat(el('p', { class: 'score', text: t('score', { score: whole(sc.pct) }) }),
        el('p', { class: 'verdict ' + (failed ? 'ko' : 'ok'), text: t(failed ? 'failed' : 'passed', { mastery: num(mastery) }) }),
        failed && canRetry() ? button(t('retry'), retry, 'primary')
          : failed && lms.keepsAttempts ? el('p', { text: t('retry_lms') })
            : failed && mode === 'normal' ? el('p', { text: t('no_attempts', { max: C.attempts }) }) : [],
        button(t('review_answers'), reviewAnswers, 'secondary'),
        el('p', { class: 'meta', text: t('outcome_rule', { mastery: num(mastery) }) }),
        el('table', { class: 'outcomes' }, [
          el('thead', {}, [el('tr', {}, ['outcome', 'outcome_score', 'outcome_status'].map(k => el('th', { scope: 'col', text: t(k) })))]),
          el('tbody', {}, C.outcomes.map(o => {
            var x = sc.per[o.id];
            return el('tr', {}, [o.text, x ? t('percent', { n: whole(x.pct) }) : '–', !x ? t('not_assessed') : t(x.passed ? 'met' : 'not_met')]
              .map(text => el('td', { text: text })));
          }))]));
    }
  };

  function showFeedback(fb, it, r) {  // the box takes the verdict's colours
    var ok = isCorrect(it, r), v = ok ? 'ok' : 'ko';
    fb.textContent = '';
    fb.className = 'feedback ' + v;
    fb.appendChild(el('div', {}, [el('p', { class: 'verdict ' + v }, [el('strong', { text: t(ok ? 'correct' : 'incorrect') })])]
      .concat(H(it).explain(it, r, ok), [it.feedback && el('div', { html: it.feedback })])));
  }

  // navigation --------
  function show(k, focus) {
    cur = k;
    var s = screens[k], main = $('screen');
    main.textContent = '';
    RENDER[s.kind](s).forEach(node => main.appendChild(node));
    main.querySelectorAll('a[href^="http"]').forEach(a => { a.target = '_blank'; });  // keep the SCO open
    main.querySelectorAll('select').forEach(echo);
    shownAt = Date.now();
    visited[s.id] = true;
    updateChrome();
    if (focus) main.querySelector('h2').focus();
    window.scrollTo(0, 0);
    // every move is committed: a crash resumes on this screen
    if (lms.get(lms.v.location) !== s.id) lms.save();
  }
  function updateChrome() {
    var s = screens[cur], last = screens.length - 1, next = $('next'), bar = $('progress');
    var open = s.kind === 'question' && !given(s.item) && mode !== 'review';
    $('prev').disabled = cur === 0;
    $('check').hidden = !open;
    next.hidden = open;
    next.disabled = cur === last || open || (cur === last - 1 && !st.finished);
    // progress is work done: lessons seen and questions answered, not screens
    var seen = C.lessons.filter((l, k) => visited['l' + k]).length;
    var answered = attempt.filter(given).length;
    bar.max = C.lessons.length + attempt.length;
    bar.value = seen + answered;
    $('progress-text').textContent = s.kind === 'lesson' ? t('progress_lesson', { n: s.n + 1, total: C.lessons.length })
      : s.kind === 'question' ? t('question', { n: s.n + 1, total: attempt.length })
        : t('progress_done', { lessons: seen, lessons_total: C.lessons.length, answered: answered, total: attempt.length });
    var toc = $('toc');
    toc.textContent = '';
    [['i', t('intro')]].concat(C.lessons.map((l, k) => ['l' + k, l.title]), [['a', t('assessment')], ['r', t('results')]])
      .forEach(e => {
        var done = e[0] === 'a' ? st.finished : visited[e[0]];
        toc.appendChild(el('li', { class: done ? 'done' : null }, [el('button', { type: 'button',
          'aria-current': s.id === e[0] || (e[0] === 'a' && s.kind === 'question') ? 'step' : null,
          disabled: e[0] === 'r' && !st.finished, onclick: () => { toggleToc(false); show(find(e[0]), true); } },
        [e[1], done && el('span', { class: 'sr-only', text: ' ' + t('done') })])]));
      });
  }
  // one-column layouts fold the contents behind a button, so the screen comes first
  function toggleToc(open) {
    document.body.classList.toggle('toc-open', open);
    $('toc-toggle').setAttribute('aria-expanded', open);
  }

  // start --------
  // state true: saved after a failure; false: refused; 'lost': the LMS stopped answering
  lms = new window.LMS(C.scorm, state => {
    $('save').textContent = t(state === 'lost' ? 'lms_lost' : state ? 'saved' : 'save_failed');
  }, 'coursepack:' + C.program + ':' + C.code + ':' + C.version);
  var live = lms.start(), preview = $('preview');
  preview.hidden = live && !lms.local;
  if (live && lms.local) {  // the web export: practice kept in this browser, a fresh start, the way back
    preview.textContent = t('practice') + ' ';
    preview.appendChild(button(t('start_over'), () => { lms.api.reset(); lms.ended = true; window.location.reload(); }, 'link'));
    preview.appendChild(el('a', { href: '../index.html', text: t('all_sets') }));
  }
  if (lms.refused) preview.textContent = t('lms_refused');  // an LMS is there, so "not found" would mislead
  if (live) mode = lms.mode;
  if (mode !== 'normal' || lms.credit === false) {  // credit: recorded, but the LMS will not count it
    $('mode').hidden = false;
    $('mode').textContent = t(mode === 'review' ? 'mode_review' : mode === 'browse' ? 'mode_browse' : 'no_credit');
  }
  var fromLms = live ? lms.v.passMark(e => lms.get(e)) : null;
  mastery = fromLms === null ? C.mastery : fromLms;
  // browse starts afresh: a look around must not show the recorded attempt
  if (!(live && mode !== 'browse' && unpack(lms.get('cmi.suspend_data')))) st.seed = newSeed();
  nextInteraction = lms.count('cmi.interactions');
  objectiveCount = lms.count('cmi.objectives');
  for (var n = 0; n < objectiveCount; n++) objectiveIndex[lms.get('cmi.objectives.' + n + '.id')] = n;
  buildScreens();
  lms.beforeCommit = () => {
    lms.set(lms.v.location, screens[cur].id);
    return lms.set('cmi.suspend_data', pack());
  };
  $('prev').addEventListener('click', () => show(cur - 1, true));
  $('toc-toggle').addEventListener('click', () => toggleToc(!document.body.classList.contains('toc-open')));
  $('next').addEventListener('click', () => {
    show(screens[cur].kind === 'assessment' && !st.finished ? firstOpen() : cur + 1, true);
  });
  window.addEventListener('resize', () => { $('screen').querySelectorAll('select').forEach(echo); });
  window.addEventListener('pagehide', () => {
    lms.end(st.finished && (scores().passed || !canRetry()));
  });
  // a phone may discard a hidden tab without pagehide
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'hidden') lms.save(); });
  // an LMS header above the frame (Moodle) pushes its lower edge, and the pager, below the window
  try { if (window.frameElement) window.frameElement.scrollIntoView({ block: 'nearest' }); } catch (e) { /* other origin */ }
  var resumeAt = live && mode !== 'browse' ? lms.get(lms.v.location) : '';
  if (mode === 'review' && st.finished) resumeAt = 'r';  // a review opens on the attempt's result
  show(Math.max(0, find(resumeAt)), false);
})();

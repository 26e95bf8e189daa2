/* Live reload for the preview pages: a new good build reloads the page; a failed one shows its errors
   over the page until a later build succeeds. Messages are curriculum text: set as text, never as HTML. */
(function () {
  'use strict';
  var version = document.documentElement.getAttribute('data-version');
  var overlay = null;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  function show(status) {
    hide();
    var errors = status.diagnostics;
    overlay = el('div', 'overlay');
    overlay.id = 'build-errors';
    overlay.setAttribute('role', 'alert');
    var box = el('section', 'overlay-box');
    box.setAttribute('aria-labelledby', 'build-errors-title');
    var title = el('h2', '', 'The curriculum has ' + errors.length + ' error' + (errors.length === 1 ? '' : 's'));
    title.id = 'build-errors-title';
    box.appendChild(title);
    box.appendChild(el('p', '', 'Save a fix and this page reloads by itself. Until then it shows the last good build.'));
    var list = el('ul', 'diagnostics');
    errors.forEach(function (d) {
      var li = el('li');
      li.appendChild(el('code', 'where', d.where));
      li.appendChild(document.createTextNode(' ' + d.severity + '[' + d.code + ']: ' + d.message));
      if (d.hint) li.appendChild(el('span', 'hint', d.hint));
      list.appendChild(li);
    });
    box.appendChild(list);
    overlay.appendChild(box);
    document.body.appendChild(overlay);
  }

  function hide() {
    if (overlay) overlay.remove();
    overlay = null;
  }

  function handle(status) {
    if (!status.ok) show(status);
    else if (status.version !== version) location.reload();
    else hide();
  }

  if (!window.EventSource) return;
  var source = new EventSource('/__events');
  source.addEventListener('status', function (e) { handle(JSON.parse(e.data)); });
  window.addEventListener('pagehide', function () { source.close(); });
})();

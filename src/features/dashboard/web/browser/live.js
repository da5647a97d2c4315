/**
 * The live-updates script, on every signed-in page, served by the app (web/assets.ts; the
 * Content-Security-Policy allows scripts from here only, never inline). It opens the live stream
 * and, on a new case, lists it at the top of the page (urgent ones marked, with a short tone) and
 * counts it in the tab's title; on a change, updates the status of that case where the list shows
 * it, or says so on that case's page. Everything is written with textContent: whatever a case's
 * words hold can never become markup. Its words come from the page (`#live` data attributes).
 */
(function () {
  'use strict';
  var live = document.getElementById('live');
  if (!live || !window.EventSource) return;
  var words = live.dataset;
  var lang = new URLSearchParams(location.search).get('lang');
  var suffix = lang === 'vi' || lang === 'en' ? '?lang=' + lang : '';
  var stream = new EventSource('/dashboard/events' + suffix);
  var fresh = 0;
  // Events are sent at least once (a worker's retry publishes a new case again): each case counts once.
  var seenNew = {};
  var title = document.title;
  var items = live.querySelector('ul');
  function tone() {
    try {
      var Audio = window.AudioContext || window.webkitAudioContext;
      if (!Audio) return;
      var ctx = new Audio();
      var osc = ctx.createOscillator();
      var gain = ctx.createGain();
      osc.frequency.value = 880;
      gain.gain.value = 0.1;
      osc.connect(gain);
      gain.connect(ctx.destination);
      osc.start();
      osc.stop(ctx.currentTime + 0.3);
    } catch (e) {
      // A browser that allows no sound before the reader has clicked: the mark and the title still show it.
    }
  }
  function show(e, lead) {
    var li = document.createElement('li');
    if (e.urgent) li.className = 'urgent';
    var a = document.createElement('a');
    a.href = '/dashboard/cases/' + encodeURIComponent(e.ref) + suffix;
    a.textContent = e.ref;
    li.appendChild(document.createTextNode(lead + ' '));
    li.appendChild(a);
    li.appendChild(document.createTextNode(' · ' + e.category + ' · ' + e.area + ' · ' + e.statusLabel));
    items.insertBefore(li, items.firstChild);
    while (items.children.length > 10) items.removeChild(items.lastChild);
  }
  stream.addEventListener('case', function (m) {
    var e = JSON.parse(m.data);
    var badge = null;
    var rows = document.querySelectorAll('li.case[data-ref]');
    for (var i = 0; i < rows.length; i++) if (rows[i].getAttribute('data-ref') === e.ref) badge = rows[i].querySelector('.badge');
    if (badge) {
      badge.textContent = e.statusLabel;
      badge.className = 'badge status-' + e.status;
    }
    var page = document.querySelector('[data-case-ref]');
    if (page && page.getAttribute('data-case-ref') === e.ref) return show(e, words.changed);
    if (e.type === 'new') {
      if (seenNew[e.ref]) return;
      seenNew[e.ref] = true;
      fresh++;
      document.title = '(' + fresh + ') ' + title;
      show(e, e.urgent ? words.urgent : words.fresh);
      if (e.urgent) tone();
    } else if (badge) show(e, words.changed);
  });
  // The server ends the stream when the session is over or the officer lost access: the reload says which.
  stream.addEventListener('end', function () {
    stream.close();
    location.reload();
  });
})();

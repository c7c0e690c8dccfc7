/* essay-kg essay page: the text with every quoted span marked; hover names the facts a span
   supports, click lists them with a link to the node in the overview. Text only, no innerHTML. */
(function () {
  'use strict';
  var P = window.kgPage;
  var el = P.el;
  var data = P.readData();
  var container = document.getElementById('essay');
  var panel = document.getElementById('panel');
  var marksBySpan = {};   // "textIndex:spanId" -> [mark]
  var spanCount = 0;
  var state = { ready: false, active: [] };

  P.navLinks(document.getElementById('links'), data.links || {}, 'essay');

  function factNames(ids) {
    return ids.map(function (id) {
      var f = data.facts[id];
      return f.label + ' (' + f.cls + ')';
    });
  }

  data.texts.forEach(function (t, ti) {
    var box = el('div', { class: 'essay-text' });
    if (data.texts.length > 1) box.appendChild(el('h2', null, t.label));
    var pos = 0;
    var text = t.text;
    t.segments.forEach(function (seg) {
      var from = seg[0], to = seg[1], spanIds = seg[2];
      if (from > pos) box.appendChild(document.createTextNode(text.slice(pos, from)));
      var ids = {};
      spanIds.forEach(function (s) { t.spans[s].facts.forEach(function (f) { ids[f] = true; }); });
      var factIds = Object.keys(ids);
      var depth = Math.min(factIds.length, 3);
      var mark = el('mark', { class: 'ev d' + depth, tabindex: '0' });
      mark.textContent = text.slice(from, to);
      mark.title = 'Supports ' + P.plural(factIds.length, 'fact') + ':\n' + factNames(factIds).join('\n');
      mark.dataset.text = String(ti);
      mark.dataset.spans = spanIds.join(' ');
      spanIds.forEach(function (s) {
        var key = ti + ':' + s;
        if (!marksBySpan[key]) marksBySpan[key] = [];
        marksBySpan[key].push(mark);
      });
      box.appendChild(mark);
      pos = to;
    });
    if (pos < text.length) box.appendChild(document.createTextNode(text.slice(pos)));
    container.appendChild(box);
    spanCount += t.spans.length;
  });

  document.getElementById('counts').textContent =
    P.plural(spanCount, 'quoted span') + ' · ' + P.plural(Object.keys(data.facts).length, 'fact');

  function marksOf(mark) {
    var out = [];
    mark.dataset.spans.split(' ').forEach(function (s) {
      (marksBySpan[mark.dataset.text + ':' + s] || []).forEach(function (m) { out.push(m); });
    });
    return out;
  }

  container.addEventListener('mouseover', function (e) {
    var mark = e.target.closest('mark.ev');
    if (mark) marksOf(mark).forEach(function (m) { m.classList.add('hover'); });
  });
  container.addEventListener('mouseout', function (e) {
    var mark = e.target.closest('mark.ev');
    if (mark) marksOf(mark).forEach(function (m) { m.classList.remove('hover'); });
  });
  container.addEventListener('click', function (e) {
    var mark = e.target.closest('mark.ev');
    if (mark) show(mark);
  });
  container.addEventListener('keydown', function (e) {
    var mark = e.target.closest('mark.ev');
    if (mark && (e.key === 'Enter' || e.key === ' ')) { e.preventDefault(); show(mark); }
  });

  function show(mark) {
    state.active.forEach(function (m) { m.classList.remove('active'); });
    state.active = marksOf(mark);
    state.active.forEach(function (m) { m.classList.add('active'); });
    var t = data.texts[Number(mark.dataset.text)];
    var spanIds = mark.dataset.spans.split(' ').map(Number);
    var ids = [];
    spanIds.forEach(function (s) { t.spans[s].facts.forEach(function (f) { if (ids.indexOf(f) < 0) ids.push(f); }); });
    P.clear(panel);
    panel.appendChild(el('h2', { class: 'node-label' }, 'This passage supports ' + P.plural(ids.length, 'fact')));
    spanIds.forEach(function (s) {
      var span = t.spans[s];
      panel.appendChild(el('figure', { class: 'quote' },
        el('blockquote', null, t.text.slice(span.from, span.to)),
        el('figcaption', { class: 'muted' }, 'characters ' + span.start + '–' + span.end)));
    });
    ids.forEach(function (id) {
      var f = data.facts[id];
      var box = el('section', { class: 'fact' },
        el('h3', null, f.label),
        el('p', { class: 'node-class' }, P.swatch(f.shape, f.colour), f.cls, ' · ', el('code', null, f.curie)));
      if (f.definition) box.appendChild(el('p', { class: 'definition' }, f.definition));
      if (f.relations.length) {
        var dl = el('dl', { class: 'facts' });
        f.relations.forEach(function (r) { dl.appendChild(el('dt', null, r[0])); dl.appendChild(el('dd', null, r[1])); });
        box.appendChild(dl);
      }
      if (f.overview && data.links && data.links.overview) {
        box.appendChild(el('a', { class: 'to-graph', href: data.links.overview + '#node=' + encodeURIComponent(id) }, 'Show it in the overview →'));
      }
      panel.appendChild(box);
    });
    state.shown = ids;
  }

  function applyHash() {
    // #span-START-END (code points, as the graph pages link), in the first text that has it
    var match = /^#span-(\d+)-(\d+)$/.exec(window.location.hash);
    if (!match) return;
    var start = Number(match[1]), end = Number(match[2]), mark = null;
    data.texts.some(function (t, ti) {
      return t.spans.some(function (span, s) {
        if (span.start !== start || span.end !== end) return false;
        mark = marksBySpan[ti + ':' + s][0];
        return true;
      });
    });
    if (!mark) return;
    mark.scrollIntoView({ block: 'center' });
    show(mark);
  }
  window.addEventListener('hashchange', applyHash);
  applyHash();

  window.kg = { data: data, state: state, show: show, spanCount: spanCount };
  state.ready = true;
  document.body.setAttribute('data-ready', 'true');
})();

/* essay-kg graph page: vis-network, search, class filter, neighbourhood highlight, details panel.
   Every label, definition and quote is set as text (textContent, plain-string tooltips). */
(function () {
  'use strict';
  var P = window.kgPage;
  var el = P.el;
  var data = P.readData();
  var byId = {};
  data.nodes.forEach(function (n) { byId[n.id] = n; });
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var network = new vis.Network(document.getElementById('graph'), { nodes: nodes, edges: edges }, data.options);
  var state = { ready: false, selected: null, hidden: {}, dimmed: false, readyAt: null };
  var DIM_NODE = { background: '#eceef1', border: '#d9dde2', highlight: { background: '#eceef1', border: '#d9dde2' }, hover: { background: '#eceef1', border: '#d9dde2' } };
  var DIM_FONT_COLOUR = '#b9c0c8';
  var DIM_EDGE = { color: '#eceef1', highlight: '#eceef1', hover: '#eceef1' };

  window.kg = {
    network: network, nodes: nodes, edges: edges, data: data, state: state,
    select: selectNode, search: search, setGroupVisible: setGroupVisible, clearSelection: clearSelection,
    visibleCount: function () { return nodes.get({ filter: function (n) { return !n.hidden; } }).length; }
  };

  // ---- ready: drawn, and (with physics) stabilised and stopped ----------------------------------
  function markReady() {
    if (state.ready) return;
    state.ready = true;
    state.readyAt = performance.now();
    document.getElementById('progress').hidden = true;
    document.body.setAttribute('data-ready', 'true');
    if (!applyHash() && data.centre && byId[data.centre]) selectNode(data.centre, false);
  }

  if (data.mode === 'physics' && data.nodes.length > 0) {
    var progress = document.getElementById('progress');
    var bar = document.getElementById('progress-bar');
    progress.hidden = false;
    network.on('stabilizationProgress', function (p) {
      bar.style.width = Math.round(100 * p.iterations / Math.max(p.total, 1)) + '%';
    });
    network.once('stabilizationIterationsDone', function () {
      network.setOptions({ physics: { enabled: false } });  // settled: stop moving
      network.fit({ animation: false });
      network.once('afterDrawing', markReady);
      network.redraw();
    });
    // A graph that never reports done still stops, after 20 s.
    setTimeout(function () {
      if (!state.ready) { network.stopSimulation(); network.setOptions({ physics: { enabled: false } }); markReady(); }
    }, 20000);
  } else {
    network.once('afterDrawing', function () {
      network.fit({ animation: false });
      network.once('afterDrawing', markReady);
      network.redraw();
    });
    if (data.nodes.length === 0) markReady();
  }

  // ---- header, counts, legend --------------------------------------------------------------------
  P.navLinks(document.getElementById('links'), data.links || {}, data.view);

  function updateCounts() {
    var shown = window.kg.visibleCount();
    var text = P.plural(data.nodes.length, 'node') + ' · ' + P.plural(data.edges.length, 'link');
    if (shown !== data.nodes.length) text += ' · ' + shown.toLocaleString('en') + ' shown';
    document.getElementById('counts').textContent = text;
  }

  var legendList = document.getElementById('legend');
  var boxes = {};
  data.legend.forEach(function (entry) {
    var box = el('input', { type: 'checkbox', checked: true, 'data-group': entry.key });
    box.addEventListener('change', function () { setGroupVisible(entry.key, box.checked); });
    boxes[entry.key] = box;
    legendList.appendChild(el('li', null,
      el('label', { title: entry.label }, box, P.swatch(entry.shape, entry.colour),
        el('span', { class: 'legend-label' }, entry.label),
        el('span', { class: 'legend-count' }, entry.count.toLocaleString('en')))));
  });
  document.getElementById('show-all').addEventListener('click', function () {
    data.legend.forEach(function (e) { setGroupVisible(e.key, true); });
  });
  document.getElementById('show-none').addEventListener('click', function () {
    data.legend.forEach(function (e) { setGroupVisible(e.key, false); });
  });
  document.getElementById('fit').addEventListener('click', function () { network.fit({ animation: { duration: 400 } }); });

  function setGroupVisible(key, visible) {
    state.hidden[key] = !visible;
    if (boxes[key]) boxes[key].checked = visible;
    var changes = [];
    data.nodes.forEach(function (n) {
      if (n.group === key) changes.push({ id: n.id, hidden: !visible });
    });
    nodes.update(changes);
    if (!visible && state.selected && byId[state.selected].group === key) clearSelection();
    updateCounts();
  }
  updateCounts();

  // ---- search --------------------------------------------------------------------------------------
  var input = document.getElementById('search');
  var status = document.getElementById('search-status');
  var datalist = document.getElementById('labels');
  var seen = {};
  data.nodes.forEach(function (n) {
    var label = data.details[n.id].label;
    if (seen[label]) return;
    seen[label] = true;
    var option = document.createElement('option');
    option.value = label;
    datalist.appendChild(option);
  });

  function search(text) {
    var q = String(text || '').trim().toLowerCase();
    if (!q) { status.textContent = ''; return null; }
    var best = null, bestRank = 9;
    data.nodes.forEach(function (n) {
      var d = data.details[n.id];
      var label = d.label.toLowerCase();
      var rank = 9;
      if (label === q || d.curie.toLowerCase() === q || n.id.toLowerCase() === q) rank = 0;
      else if (d.alt.some(function (a) { return a.toLowerCase() === q; })) rank = 1;
      else if (label.indexOf(q) === 0) rank = 2;
      else if (label.indexOf(q) > 0) rank = 3;
      else if (d.alt.some(function (a) { return a.toLowerCase().indexOf(q) >= 0; })) rank = 4;
      if (rank < bestRank) { bestRank = rank; best = n.id; }
    });
    if (best === null) {
      status.textContent = 'Nothing here is called “' + String(text).trim() + '”.';
      return null;
    }
    status.textContent = '';
    selectNode(best, true);
    return best;
  }
  input.addEventListener('keydown', function (e) { if (e.key === 'Enter') { e.preventDefault(); search(input.value); } });
  input.addEventListener('change', function () { search(input.value); });

  // ---- selection: highlight the neighbourhood, fill the panel ---------------------------------------
  function selectNode(id, zoom) {
    var node = byId[id];
    if (!node) return false;
    if (state.hidden[node.group]) setGroupVisible(node.group, true);
    state.selected = id;
    network.selectNodes([id]);
    highlight(id);
    showDetails(id);
    if (zoom) {
      network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: { duration: 450, easingFunction: 'easeInOutQuad' } });
    }
    return true;
  }

  var NODE_FONT = data.options.nodes.font.color;
  var EDGE_COLOUR = data.options.edges.color;
  var EDGE_FONT = { color: data.options.edges.font.color, strokeWidth: data.options.edges.font.strokeWidth };

  function nodeLook(n) {
    return { id: n.id, color: n.color, font: Object.assign({ color: NODE_FONT }, n.font || {}) };
  }
  function edgeLook(e) {
    return { id: e.id, color: e.color || EDGE_COLOUR, font: EDGE_FONT };
  }

  function highlight(id) {
    var near = {};
    near[id] = true;
    network.getConnectedNodes(id).forEach(function (n) { near[n] = true; });
    var incident = {};
    network.getConnectedEdges(id).forEach(function (e) { incident[e] = true; });
    nodes.update(data.nodes.map(function (n) {
      if (near[n.id]) return nodeLook(n);
      return { id: n.id, color: DIM_NODE, font: Object.assign({}, n.font || {}, { color: DIM_FONT_COLOUR }) };
    }));
    edges.update(data.edges.map(function (e) {
      if (incident[e.id]) return { id: e.id, color: e.color || EDGE_COLOUR, font: { color: '#26313c', strokeWidth: 3 } };
      return { id: e.id, color: DIM_EDGE, font: { color: 'rgba(0,0,0,0)', strokeWidth: 0 } };
    }));
    state.dimmed = true;
  }

  function clearSelection() {
    state.selected = null;
    network.unselectAll();
    if (state.dimmed) {
      nodes.update(data.nodes.map(nodeLook));
      edges.update(data.edges.map(edgeLook));
      state.dimmed = false;
    }
    showHint();
  }

  network.on('click', function (params) {
    if (params.nodes.length) selectNode(params.nodes[0], false);
    else if (!params.edges.length) clearSelection();
  });

  var panel = document.getElementById('panel');
  var hint = panel.firstElementChild.cloneNode(true);
  function showHint() { P.clear(panel); panel.appendChild(hint.cloneNode(true)); }

  function showDetails(id) {
    var d = data.details[id];
    var node = byId[id];
    P.clear(panel);
    panel.appendChild(el('h2', { class: 'node-label' }, d.label));
    panel.appendChild(el('p', { class: 'node-class' }, P.swatch(node.shape, node.color.background), d.cls));
    panel.appendChild(el('p', { class: 'node-id' }, el('code', null, d.curie)));
    if (d.definition) panel.appendChild(el('p', { class: 'definition' }, d.definition));
    if (d.alt.length) panel.appendChild(el('p', { class: 'alt' }, el('span', { class: 'muted' }, 'Also called: '), d.alt.join(', ')));
    if (d.facts.length) {
      var dl = el('dl', { class: 'facts' });
      d.facts.forEach(function (f) { dl.appendChild(el('dt', null, f[0])); dl.appendChild(el('dd', null, f[1])); });
      panel.appendChild(dl);
    }
    if (d.quotes.length) {
      panel.appendChild(el('h3', null, 'In the essay’s words'));
      d.quotes.forEach(function (q) {
        var where = null;
        if (q.start !== null && q.end !== null && data.links && data.links.essay) {
          where = el('a', { class: 'quote-link', href: data.links.essay + '#span-' + q.start + '-' + q.end }, 'read it in the essay (characters ' + q.start + '–' + q.end + ')');
        }
        panel.appendChild(el('figure', { class: 'quote' }, el('blockquote', null, q.exact), where ? el('figcaption', null, where) : null));
      });
    }
    var rows = [];
    network.getConnectedEdges(id).forEach(function (eid) {
      var e = edges.get(eid);
      var out = e.from === id;
      var other = out ? e.to : e.from;
      if (!data.details[other]) return;
      rows.push({ out: out, label: e.label || '', other: other, name: data.details[other].label });
    });
    if (rows.length) {
      rows.sort(function (a, b) { return (b.out - a.out) || a.label.localeCompare(b.label) || a.name.localeCompare(b.name); });
      panel.appendChild(el('h3', null, 'Links (' + rows.length + ')'));
      var ul = el('ul', { class: 'relations' });
      rows.forEach(function (r) {
        var button = el('button', { type: 'button', class: 'relation', title: 'Go to ' + r.name },
          el('span', { class: 'direction' }, r.out ? '→' : '←'),
          el('span', { class: 'property' }, r.label),
          el('span', { class: 'other' }, r.name));
        button.addEventListener('click', function () { selectNode(r.other, true); });
        ul.appendChild(el('li', null, button));
      });
      panel.appendChild(ul);
    }
  }

  // ---- #node=IRI selects a node (the essay page links here) ------------------------------------------
  function applyHash() {
    var match = /^#node=(.+)$/.exec(window.location.hash);
    if (!match) return false;
    var id;
    try { id = decodeURIComponent(match[1]); } catch (e) { return false; }
    return selectNode(id, true);
  }
  window.addEventListener('hashchange', function () { if (state.ready) applyHash(); });
})();

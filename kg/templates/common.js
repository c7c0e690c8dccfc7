/* essay-kg: helpers shared by the pages. Data reaches the document only through these:
   as text nodes, textContent and attributes, never as HTML (no innerHTML anywhere). */
(function () {
  'use strict';

  function el(tag, attrs) {
    var node = document.createElement(tag);
    var key;
    attrs = attrs || {};
    for (key in attrs) {
      if (!Object.prototype.hasOwnProperty.call(attrs, key)) continue;
      var value = attrs[key];
      if (value === undefined || value === null || value === false) continue;
      if (key === 'class') node.className = value;
      else if (key === 'text') node.textContent = value;
      else if (key === 'onclick') node.addEventListener('click', value);
      else if (key === 'href' && /^\s*(javascript|data|vbscript):/i.test(String(value))) continue;
      else node.setAttribute(key, value === true ? '' : String(value));
    }
    for (var i = 2; i < arguments.length; i++) append(node, arguments[i]);
    return node;
  }

  function append(node, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) { child.forEach(function (c) { append(node, c); }); return; }
    node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function readData() {
    return JSON.parse(document.getElementById('kg-data').textContent);
  }

  // A small coloured shape, as the graph draws the class.
  function swatch(shape, colour) {
    var s = el('span', { class: 'swatch shape-' + shape, 'aria-hidden': 'true' });
    s.style.backgroundColor = colour;
    return s;
  }

  // Links to the sibling pages (kg build writes them into one folder).
  function navLinks(container, links, current) {
    var names = { index: 'Index', overview: 'Overview', essay: 'Essay' };
    Object.keys(names).forEach(function (key) {
      if (!links[key] || key === current) return;
      container.appendChild(el('a', { href: links[key] }, names[key]));
    });
  }

  function plural(n, word) {
    return n.toLocaleString('en') + ' ' + word + (n === 1 ? '' : 's');
  }

  window.kgPage = { el: el, append: append, clear: clear, readData: readData, swatch: swatch, navLinks: navLinks, plural: plural };
})();

// kg docs: the filter box. Hides the terms whose text does not hold what is typed; reads text only
// (textContent), writes nothing but the hidden flag and a count. The page reads the same without it.
(function () {
  'use strict';
  var input = document.getElementById('filter');
  var status = document.getElementById('filter-status');
  var terms = Array.prototype.slice.call(document.querySelectorAll('[data-term]'));
  var haystacks = terms.map(function (el) { return el.textContent.toLowerCase(); });
  if (input) {
    input.hidden = false;
    input.addEventListener('input', function () {
      var wanted = input.value.trim().toLowerCase();
      var shown = 0;
      terms.forEach(function (el, i) {
        var hit = !wanted || haystacks[i].indexOf(wanted) !== -1;
        el.hidden = !hit;
        if (hit) { shown += 1; }
      });
      status.textContent = wanted ? shown + ' of ' + terms.length + ' entries match' : '';
    });
  }
  document.body.setAttribute('data-ready', 'true');
}());

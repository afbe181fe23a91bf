(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("pw-data").textContent);
  var spans = data.spans, techniques = data.techniques;
  var article = document.getElementById("article");
  var marks = Array.prototype.slice.call(article.querySelectorAll("mark.hl"));
  var labels = Array.prototype.slice.call(article.querySelectorAll(".lab[data-span]"));
  var boxes = Array.prototype.slice.call(document.querySelectorAll("input[data-filter]"));
  var panel = document.getElementById("pw-panel");
  var panelTitle = document.getElementById("pw-panel-title");
  var panelBody = panel.querySelector(".panel-body");
  var status = document.querySelector(".filters .status");
  var conf = document.getElementById("opt-conf");
  var confOut = document.getElementById("opt-conf-out");
  var shown = {}, minimum = 0, current = null, pinned = false, hideTimer = 0;
  Object.keys(techniques).forEach(function (t) { shown[t] = true; });

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;  // never innerHTML: data is article text
    return node;
  }
  function percent(p) {  // "4.2%" for small values, "83%" for large ones
    return (p < 0.1 && p > 0 ? (100 * p).toFixed(1) : Math.round(100 * p)) + "%";
  }
  function spanIds(mark) { return mark.getAttribute("data-spans").split(" ").map(Number); }
  function visible(i) {
    return shown[spans[i].technique] && spans[i].confidence >= minimum;
  }
  function visibleIds(mark) {  // most confident first, as the page lists them
    return spanIds(mark).filter(visible);
  }

  function paint(mark) {
    var ids = visibleIds(mark);
    Array.prototype.slice.call(mark.classList).forEach(function (c) {
      if (c.indexOf("t-") === 0) mark.classList.remove(c);
    });
    mark.classList.toggle("off", ids.length === 0);
    mark.classList.toggle("multi", ids.length > 1);
    if (ids.length) mark.classList.add("t-" + spans[ids[0]].technique);
    mark.setAttribute("tabindex", ids.length ? "0" : "-1");
    mark.setAttribute("aria-hidden", ids.length ? "false" : "true");
  }

  function applyFilters() {
    boxes.forEach(function (box) { shown[box.value] = box.checked; });
    minimum = conf ? Number(conf.value) / 1000 : 0;
    if (confOut) confOut.textContent = percent(minimum);
    marks.forEach(paint);
    labels.forEach(function (lab) {
      lab.hidden = !visible(Number(lab.getAttribute("data-span")));
    });
    if (current && current.classList.contains("off")) close(false);
    var count = spans.filter(function (s, i) { return visible(i); }).length;
    if (status) status.textContent = count === spans.length ? "" :
      "Showing " + count + " of " + spans.length + " spans.";
  }

  function item(i) {
    var span = spans[i], technique = techniques[span.technique];
    var box = el("div", "item"), head = el("div", "item-head");
    var swatch = el("span", "sw t-" + span.technique);
    swatch.setAttribute("aria-hidden", "true");
    head.appendChild(swatch);
    head.appendChild(el("span", "item-name", technique.name));
    head.appendChild(el("span", "conf", percent(span.confidence) + " confident"));
    box.appendChild(head);
    box.appendChild(el("blockquote", "quote", "\u201c" + span.text + "\u201d"));
    box.appendChild(el("p", "def", technique.definition));
    if (span.examples && span.examples.length) {
      box.appendChild(el("p", "ex-head", "Annotators marked these as " + technique.name +
        " in the training articles:"));
      var examples = el("ul", "examples");
      span.examples.forEach(function (example) {
        examples.appendChild(el("li", "", "\u201c" + example + "\u201d"));
      });
      box.appendChild(examples);
    }
    if (span.runner_up && techniques[span.runner_up]) {
      box.appendChild(el("p", "runner-up", "It could also be " +
        techniques[span.runner_up].name + ": the model found that nearly as likely."));
    }
    var facts = el("dl", "facts");
    facts.appendChild(el("dt", "", "Voice"));
    facts.appendChild(el("dd", "", data.voices[span.voice] || span.voice));
    facts.appendChild(el("dt", "", "Source"));
    facts.appendChild(el("dd", "", span.source ||
      (span.voice === "reported" ? "not named" : "the outlet")));
    box.appendChild(facts);
    return box;
  }

  function fill(mark) {
    var ids = visibleIds(mark);
    panelTitle.textContent = ids.length > 1 ? ids.length + " techniques overlap here" :
      "Technique found";
    panelBody.textContent = "";
    ids.forEach(function (i) { panelBody.appendChild(item(i)); });
    return ids;
  }

  function place(mark) {
    var small = window.innerWidth < 720;
    panel.classList.toggle("sheet", small);
    if (small) return;
    var rect = mark.getClientRects()[0] || mark.getBoundingClientRect();
    var width = panel.offsetWidth, height = panel.offsetHeight;
    var view = document.documentElement.clientWidth;
    var left = Math.max(8, Math.min(rect.left, view - width - 8));
    var top = rect.bottom + 8;
    if (top + height > window.innerHeight - 8 && rect.top - height - 8 > 8) {
      top = rect.top - height - 8;
    }
    panel.style.left = left + window.pageXOffset + "px";
    panel.style.top = top + window.pageYOffset + "px";
  }

  function setActive(mark, on) {
    var ids = visibleIds(mark);
    marks.forEach(function (m) {
      var hit = on && spanIds(m).some(function (i) { return ids.indexOf(i) >= 0; });
      m.classList.toggle("active", hit && !m.classList.contains("off"));
    });
  }

  function open(mark, pin) {
    clearTimeout(hideTimer);
    if (current && current !== mark) current.setAttribute("aria-expanded", "false");
    current = mark;
    pinned = pin;
    fill(mark);
    panel.hidden = false;
    place(mark);
    mark.setAttribute("aria-expanded", "true");
    setActive(mark, pin);
  }

  function close(refocus) {
    clearTimeout(hideTimer);
    panel.hidden = true;
    if (current) {
      setActive(current, false);
      current.setAttribute("aria-expanded", "false");
      if (refocus) current.focus();
    }
    current = null;
    pinned = false;
  }

  function markOf(target) {
    var mark = target && target.closest ? target.closest("mark.hl") : null;
    return mark && !mark.classList.contains("off") ? mark : null;
  }
  function toggle(mark) {
    if (current === mark && pinned) close(false); else open(mark, true);
  }

  article.addEventListener("mouseover", function (event) {
    var mark = markOf(event.target);
    if (mark && !pinned && mark !== current) open(mark, false);
    else if (mark) clearTimeout(hideTimer);
  });
  article.addEventListener("mouseout", function (event) {
    if (pinned || !markOf(event.target)) return;
    var to = event.relatedTarget;
    if (to && (panel.contains(to) || markOf(to) === current)) return;
    hideTimer = setTimeout(function () { close(false); }, 300);
  });
  panel.addEventListener("mouseenter", function () { clearTimeout(hideTimer); });
  panel.addEventListener("mouseleave", function () {
    if (!pinned) hideTimer = setTimeout(function () { close(false); }, 300);
  });
  article.addEventListener("click", function (event) {
    var mark = markOf(event.target);
    if (mark) toggle(mark);
  });
  article.addEventListener("keydown", function (event) {
    var mark = markOf(event.target);
    if (mark && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();  // Space would scroll the page
      toggle(mark);
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && current) close(pinned);  // focus goes back if it was there
  });
  document.addEventListener("click", function (event) {
    if (pinned && !panel.contains(event.target) && !markOf(event.target)) close(false);
  });
  panel.querySelector(".close").addEventListener("click", function () { close(true); });
  window.addEventListener("resize", function () { if (current) place(current); });

  boxes.forEach(function (box) { box.addEventListener("change", applyFilters); });
  if (conf) conf.addEventListener("input", applyFilters);
  Array.prototype.slice.call(document.querySelectorAll("button[data-all]")).forEach(
    function (button) {
      button.addEventListener("click", function () {
        var on = button.getAttribute("data-all") === "1";
        boxes.forEach(function (box) { box.checked = on; });
        applyFilters();
      });
    });
  function option(id, cls) {
    var box = document.getElementById(id);
    if (!box) return;
    var apply = function () { document.body.classList.toggle(cls, !box.checked); };
    box.addEventListener("change", apply);
    apply();  // as the page starts: reported speech is underlined only on request
  }
  option("opt-labels", "no-labels");
  option("opt-voice", "no-voice");
})();

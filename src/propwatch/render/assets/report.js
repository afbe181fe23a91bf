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
    box.appendChild(quote(span));
    if (weighed(span)) {
      box.appendChild(el("p", "key-head", "In bold: the words that weighed most for " +
        technique.name + "."));
    }
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

  // The key words pick out part of the span; a span of only those words needs no bold
  function weighed(span) {
    var words = span.text.split(/\s+/).filter(Boolean).length;
    return span.key_words && span.key_words.length && span.key_words.length < words;
  }

  // The span's text with its key words in bold, built from text nodes (never innerHTML)
  function quote(span) {
    var box = el("blockquote", "quote"), at = 0;
    box.appendChild(document.createTextNode("\u201c"));
    (weighed(span) ? span.key_words : []).forEach(function (word) {
      box.appendChild(document.createTextNode(span.text.slice(at, word[0])));
      box.appendChild(el("strong", "kw", span.text.slice(word[0], word[1])));
      at = word[1];
    });
    box.appendChild(document.createTextNode(span.text.slice(at) + "\u201d"));
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

  // Where the pop-up goes: never over the text after the highlight, which the reader is about
  // to read. Above the highlight's first line (scrolling inside itself when taller than the room
  // there); when the highlight is at the very top of the window, beside the article if the
  // margin has room, else below its last line. On a phone it is a sheet at the bottom, and the
  // page scrolls so that the highlight stays above it.
  var GAP = 10, EDGE = 8, MIN_ROOM = 160;
  function place(mark) {
    var small = window.innerWidth < 720;
    panel.classList.toggle("sheet", small);
    panel.style.maxHeight = "";
    if (small) return keepAboveSheet(mark);
    var rects = mark.getClientRects();
    var first = rects[0] || mark.getBoundingClientRect();
    var last = rects[rects.length - 1] || first;
    var width = panel.offsetWidth, height = panel.offsetHeight;
    var view = document.documentElement.clientWidth;
    var margin = article.getBoundingClientRect().right + GAP;
    var above = first.top - GAP - EDGE;
    var left = Math.max(EDGE, Math.min(first.left, view - width - EDGE)), top;
    if (above >= Math.min(height, MIN_ROOM)) {
      height = Math.min(height, above);
      panel.style.maxHeight = height + "px";
      top = first.top - GAP - height;
    } else if (view - margin - EDGE >= width) {
      left = margin;
      top = Math.max(EDGE, Math.min(first.top, window.innerHeight - height - EDGE));
    } else {
      top = last.bottom + GAP;
    }
    panel.style.left = left + window.pageXOffset + "px";
    panel.style.top = top + window.pageYOffset + "px";
  }

  function keepAboveSheet(mark) {
    var hidden = mark.getBoundingClientRect().bottom + GAP - panel.getBoundingClientRect().top;
    if (hidden > 0) window.scrollBy(0, hidden);
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

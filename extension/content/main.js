// One analysis of the page: find the article, build its text and map, have the background send
// it to the server, draw the spans, and wire the marks to the pop-up. `run` is what the
// toolbar button and the context menu call; it resolves to a short account for the caller.
"use strict";
(function (ns) {
  ns.api = globalThis.browser || globalThis.chrome;
  const UNKNOWN = { display_name: "Unknown technique", color: "#bbbbbb", definition: "" };

  // The marks of one analysis and which of them the confidence control shows.
  class Highlights {
    constructor(analysis, techniques, marks, placed, notPlaced) {
      Object.assign(this, { analysis, marks, placed, notPlaced, minimum: 0 });
      this.techniques = new Map(techniques.map((t) => [t.name, t]));
      this.placedSpans = new Set(marks.flatMap((mark) => spansOf(mark)));
      marks.forEach((mark) => this.paint(mark));
    }
    technique(name) { return this.techniques.get(name) || { ...UNKNOWN, name }; }
    shown(spanIndex) { return this.analysis.spans[spanIndex].confidence >= this.minimum; }
    visibleSpans(mark) { return spansOf(mark).filter((i) => this.shown(i)); }
    paint(mark) {
      const visible = this.visibleSpans(mark);
      mark.toggleAttribute("data-pw-off", visible.length === 0);
      mark.toggleAttribute("data-pw-multi", visible.length > 1);
      mark.tabIndex = visible.length ? 0 : -1;
      if (!visible.length) {
        mark.removeAttribute("role");
        mark.removeAttribute("aria-label");
        return;
      }
      const top = this.analysis.spans[visible[0]], technique = this.technique(top.technique);
      mark.style.setProperty("background-color", technique.color, "important");
      mark.style.setProperty("color", ns.panel.inkOn(technique.color), "important");
      mark.setAttribute("role", "button");
      mark.setAttribute("aria-label", `${technique.display_name}, ` +
        `${ns.panel.percent(top.confidence)} confident: open the explanation`);
    }
    setMinimum(minimum) {
      this.minimum = minimum;
      this.marks.forEach((mark) => this.paint(mark));
    }
    visibleCounts() {
      const counts = new Map();
      for (const i of this.placedSpans) {
        if (!this.shown(i)) continue;
        const name = this.analysis.spans[i].technique;
        counts.set(name, (counts.get(name) || 0) + 1);
      }
      return new Map([...counts].sort((a, b) => b[1] - a[1]));
    }
  }

  function spansOf(mark) { return mark.getAttribute("data-pw-spans").split(" ").map(Number); }

  let session = null;  // {ui, highlights} of the analysis on the page now

  function clear() {
    if (!session) return;
    session.ui.destroy();
    ns.highlight.removeMarks(document);
    session = null;
  }

  function markOf(event) {
    const mark = event.target instanceof Element && event.target.closest(ns.highlight.MARK);
    return mark && session && session.highlights && !mark.hasAttribute("data-pw-off")
      ? mark : null;
  }

  function open(mark, byKeyboard) {
    session.ui.openPopup(mark, session.highlights.visibleSpans(mark), byKeyboard);
  }

  function onClick(event) {
    const mark = markOf(event);
    if (mark) {
      event.preventDefault();  // a highlight inside a link opens its pop-up, not the link
      open(mark, false);
    } else if (session && !event.composedPath().includes(session.ui.host)) {
      session.ui.closePopup();
    }
  }

  function onKey(event) {
    if (!session) return;
    const mark = markOf(event);
    if (mark && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      open(mark, true);
    } else if (event.key === "Escape" && !session.ui.pop.hidden) {
      session.ui.closePopup(true);
    }
  }

  function listenOnce() {
    if (ns.listening) return;
    ns.listening = true;
    document.addEventListener("click", onClick, true);
    document.addEventListener("keydown", onKey, true);
    addEventListener("scroll", () => session && session.ui.closePopup(), { passive: true });
  }

  async function run(scope) {
    const started = performance.now();
    clear();
    listenOnce();
    const ui = new ns.panel.Ui(document);
    session = { ui, highlights: null };
    ui.onRemove = clear;
    const found = ns.article.findArticle(document, scope);
    const map = ns.textmap.buildTextMap(found.root, found);
    if (!map.text.trim()) {
      const message = "No article text found on this page: select the article's text and " +
        "choose “Analyse the selection” from the context menu.";
      ui.showError(message);
      return { error: message };
    }
    ui.showBusy();
    const answer = await ns.api.runtime.sendMessage({ type: "propwatch/analyse", text: map.text });
    if (session === null || session.ui !== ui) return { error: "replaced by a newer analysis" };
    if (!answer.ok) {
      ui.showError(answer.message);
      return { error: answer.message };
    }
    const same = answer.analysis.text === map.text;
    const result = same ? ns.highlight.place(answer.analysis, map)
      : { marks: [], placed: 0, notPlaced: answer.analysis.spans.length };
    session.highlights = new Highlights(answer.analysis, answer.techniques, result.marks,
      result.placed, result.notPlaced);
    ui.showResult(session.highlights, answer.report);
    return { spans: answer.analysis.spans.length, placed: result.placed,
      notPlaced: result.notPlaced, milliseconds: Math.round(performance.now() - started) };
  }

  ns.run = run;
})(globalThis.propwatchExt = globalThis.propwatchExt || {});

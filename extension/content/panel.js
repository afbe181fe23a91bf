// What the reader sees besides the highlights: a small panel (counts by technique, the
// confidence control, "Remove highlights", the full report) and the pop-up of a highlight
// (technique, confidence, the words that weighed, evidence, voice). Both live in a shadow root,
// so the page's styles do not reach them and theirs do not reach the page. Built from text
// nodes only: the article's words never become markup.
"use strict";
(function (ns) {
  const VOICES = { outlet: "Outlet's own voice", reported: "Reported speech" };
  const STYLE = `
:host { all: initial; }
.card { position: fixed; z-index: 2147483647; box-sizing: border-box; background: #fff;
  color: #1d2126; border: 1px solid #e3e0d8; border-radius: 10px;
  box-shadow: 0 6px 24px rgba(0,0,0,.18); font: 14px/1.45 system-ui, sans-serif; }
.panel { right: 16px; bottom: 16px; width: 300px; max-height: calc(100vh - 32px); overflow: auto;
  padding: 12px 14px; }
.pop { width: 340px; max-height: 60vh; overflow: auto; padding: 12px 14px; }
h2 { font-size: 15px; margin: 0 0 6px; display: flex; justify-content: space-between; }
.close { border: 0; background: none; font-size: 18px; line-height: 1; cursor: pointer;
  color: #565d66; padding: 0 4px; }
p { margin: 0 0 8px; }
.muted { color: #565d66; }
.alert { color: #8a1c1c; }
ul { list-style: none; margin: 0 0 10px; padding: 0; }
li { display: flex; align-items: center; gap: 8px; padding: 2px 0; }
.sw { width: 12px; height: 12px; border-radius: 3px; flex: none; }
.n { margin-left: auto; font-variant-numeric: tabular-nums; }
label { display: block; margin: 4px 0 10px; }
input[type=range] { width: 100%; }
.actions { display: flex; gap: 8px; flex-wrap: wrap; }
button.act, a.act { font: inherit; padding: 4px 10px; border: 1px solid #b8b3a7;
  border-radius: 6px; background: #fff; color: #1f5b99; cursor: pointer; text-decoration: none; }
:focus-visible { outline: 3px solid #1f5b99; outline-offset: 2px; }
.item + .item { border-top: 1px solid #efece5; margin-top: 10px; padding-top: 10px; }
.head { display: flex; gap: 8px; align-items: center; font-weight: 600; }
.conf { margin-left: auto; font-weight: 400; color: #565d66; }
blockquote { margin: 6px 0; padding-left: 10px; border-left: 3px solid #e3e0d8; }
dl { display: grid; grid-template-columns: auto 1fr; gap: 2px 10px; margin: 6px 0 0; }
dt { color: #565d66; } dd { margin: 0; }
.examples li { display: list-item; list-style: disc; margin-left: 18px; }
@media (prefers-color-scheme: dark) {
  .card { background: #1d2127; color: #e4e6ea; border-color: #353b44; }
  .muted, .close, .conf, dt { color: #a5adb8; } .alert { color: #f0a0a0; }
  button.act, a.act { background: #262b32; color: #8cbcf0; border-color: #4a515b; }
}`;

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function percent(p) { return (p < 0.1 && p > 0 ? (100 * p).toFixed(1) : Math.round(100 * p)) + "%"; }

  // Black or white, whichever reads better on `hex` (WCAG relative luminance).
  function inkOn(hex) {
    const channels = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
      .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    const lum = 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2];
    return (lum + 0.05) / 0.05 > 1.05 / (lum + 0.05) ? "#000" : "#fff";
  }

  class Ui {
    constructor(doc) {
      this.doc = doc;
      this.host = doc.createElement("pw-root");
      this.root = this.host.attachShadow({ mode: "open" });
      this.root.appendChild(el("style", "", STYLE));
      this.panel = el("section", "card panel");
      this.panel.setAttribute("aria-label", "propwatch");
      this.pop = el("div", "card pop");
      this.pop.setAttribute("role", "dialog");
      this.pop.tabIndex = -1;
      this.pop.hidden = true;
      this.root.append(this.panel, this.pop);
      doc.documentElement.appendChild(this.host);
      this.onRemove = () => {};
    }

    destroy() { this.host.remove(); }

    heading(title) {
      const head = el("h2", "", title);
      const close = el("button", "close", "×");
      close.setAttribute("aria-label", "Close the panel (the highlights stay)");
      close.addEventListener("click", () => { this.panel.hidden = true; });
      head.appendChild(close);
      return head;
    }

    showBusy() {
      this.panel.hidden = false;
      this.panel.replaceChildren(this.heading("propwatch"),
        el("p", "muted", "Finding techniques…"));
      this.panel.lastChild.setAttribute("role", "status");
    }

    showError(message) {
      this.panel.hidden = false;
      const text = el("p", "alert", message);
      text.setAttribute("role", "alert");
      const options = el("button", "act", "Options");
      options.addEventListener("click", () =>
        ns.api.runtime.sendMessage({ type: "propwatch/options" }));
      const actions = el("div", "actions");
      actions.appendChild(options);
      this.panel.replaceChildren(this.heading("propwatch"), text, actions);
    }

    // The panel of a finished analysis; `state` is the Highlights it controls.
    showResult(state, report) {
      this.state = state;
      this.panel.hidden = false;
      this.status = el("p", "", "");
      this.status.setAttribute("role", "status");
      this.counts = el("ul");
      const floor = Math.round(100 * (state.analysis.min_confidence || 0));
      const label = el("label", "", "Minimum confidence ");
      const out = el("output", "", floor + "%");
      const range = el("input");
      Object.assign(range, { type: "range", min: String(floor), max: "100", value: String(floor) });
      range.addEventListener("input", () => {
        out.textContent = range.value + "%";
        state.setMinimum(Number(range.value) / 100);
        this.refresh();
      });
      label.append(out, range);
      const remove = el("button", "act", "Remove highlights");
      remove.addEventListener("click", () => this.onRemove());
      const actions = el("div", "actions");
      actions.appendChild(remove);
      if (report) {
        const link = el("a", "act", "Full report");
        Object.assign(link, { href: report, target: "_blank", rel: "noreferrer noopener",
          title: "The server's report of this analysis (it opens once, within a minute)" });
        actions.appendChild(link);
      }
      this.panel.replaceChildren(this.heading("propwatch"), this.status, this.counts, label,
        actions);
      this.refresh();
    }

    refresh() {
      const { placed, notPlaced, analysis } = this.state;
      const shown = this.state.visibleCounts();
      const total = analysis.spans.length;
      let line = total === 0 ? "No techniques found in this text."
        : `${total} span${total === 1 ? "" : "s"} found; ` +
          (notPlaced ? `${placed} placed, ${notPlaced} not placed (the page changed, or its ` +
            "text differs from what was analysed)." : "all placed on the page.");
      const visible = [...shown.values()].reduce((a, b) => a + b, 0);
      if (visible < placed) line += ` Showing ${visible}.`;
      this.status.textContent = line;
      this.counts.replaceChildren(...[...shown].map(([name, count]) => {
        const technique = this.state.technique(name);
        const row = el("li");
        const swatch = el("span", "sw");
        swatch.style.background = technique.color;
        row.append(swatch, el("span", "", technique.display_name), el("span", "n", String(count)));
        return row;
      }));
    }

    // The pop-up of `mark`, listing its visible spans, most confident first.
    openPopup(mark, spanIndexes, byKeyboard) {
      this.closePopup();
      this.activeMark = mark;
      mark.setAttribute("data-pw-active", "");
      const title = spanIndexes.length > 1 ? `${spanIndexes.length} techniques overlap here`
        : this.state.technique(this.state.analysis.spans[spanIndexes[0]].technique).display_name;
      this.pop.setAttribute("aria-label", title);
      const head = el("h2", "", title);
      const close = el("button", "close", "×");
      close.setAttribute("aria-label", "Close");
      close.addEventListener("click", () => this.closePopup(true));
      head.appendChild(close);
      this.pop.replaceChildren(head, ...spanIndexes.map((i) => this.item(i)));
      this.pop.hidden = false;
      this.position(mark);
      if (byKeyboard) this.pop.focus();
    }

    position(mark) {
      const box = mark.getBoundingClientRect(), width = 340, margin = 8;
      const left = Math.min(Math.max(margin, box.left), innerWidth - width - margin);
      const below = box.bottom + margin, above = innerHeight - box.top + margin;
      this.pop.style.left = `${left}px`;
      if (below < innerHeight * 0.55) {
        this.pop.style.top = `${below}px`; this.pop.style.bottom = "auto";
      } else {
        this.pop.style.bottom = `${above}px`; this.pop.style.top = "auto";
      }
    }

    closePopup(returnFocus = false) {
      if (this.pop.hidden) return;
      this.pop.hidden = true;
      const mark = this.activeMark;
      this.activeMark = null;
      if (mark) {
        mark.removeAttribute("data-pw-active");
        if (returnFocus) mark.focus();
      }
    }

    item(spanIndex) {
      const span = this.state.analysis.spans[spanIndex];
      const technique = this.state.technique(span.technique);
      const box = el("div", "item"), head = el("div", "head");
      const swatch = el("span", "sw");
      swatch.style.background = technique.color;
      head.append(swatch, el("span", "", technique.display_name),
        el("span", "conf", `${percent(span.confidence)} confident`));
      box.append(head, quote(span), el("p", "muted", technique.definition));
      if (span.examples && span.examples.length) {
        box.appendChild(el("p", "", `Annotators marked these as ${technique.display_name} ` +
          "in the training articles:"));
        const examples = el("ul", "examples");
        for (const example of span.examples) examples.appendChild(el("li", "", `“${example}”`));
        box.appendChild(examples);
      }
      if (span.runner_up) {
        box.appendChild(el("p", "muted", `It could also be ${this.state.technique(span.runner_up)
          .display_name}: the model found that nearly as likely.`));
      }
      const facts = el("dl");
      facts.append(el("dt", "", "Voice"), el("dd", "", VOICES[span.voice] || span.voice),
        el("dt", "", "Source"), el("dd", "", span.source ||
          (span.voice === "reported" ? "not named" : "the outlet")));
      box.appendChild(facts);
      return box;
    }
  }

  // The span's words, with the words that weighed most in bold (when they are not all of it).
  function quote(span) {
    const box = el("blockquote"), points = Array.from(span.text);
    const words = (span.key_words || []).filter((w) => w.start >= span.start && w.end <= span.end);
    const weighed = words.length && words.length < span.text.split(/\s+/).filter(Boolean).length;
    let at = 0;
    box.appendChild(document.createTextNode("“"));
    for (const word of weighed ? words : []) {
      const from = word.start - span.start, to = word.end - span.start;
      box.appendChild(document.createTextNode(points.slice(at, from).join("")));
      box.appendChild(el("strong", "", points.slice(from, to).join("")));
      at = to;
    }
    box.appendChild(document.createTextNode(points.slice(at).join("") + "”"));
    return box;
  }

  ns.panel = { Ui, inkOn, percent };
})(globalThis.propwatchExt = globalThis.propwatchExt || {});

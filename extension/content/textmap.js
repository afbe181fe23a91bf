// The one definition of the text the extension sends, and the map from every character of it
// back to the page. The text is built from the DOM's text nodes in document order:
//   - elements that are not prose (scripts, forms, hidden ones; with `strict`, also navigation,
//     sidebars and footers) are left out, with all they contain;
//   - a run of spaces, tabs and newlines is one space, as a browser shows it (but pre-formatted
//     text keeps its spaces and newlines); no space starts or ends a line;
//   - a block element (a paragraph, a heading, a list item, a quote) starts and ends with a
//     blank line ("\n\n"), a <br> ends a line ("\n").
// `unit[k]` is the k-th UTF-16 unit of the text; `node[k]` is the index into `nodes` of the text
// node it came from and `at[k]` its offset there, or -1 for a line break the walk added.
"use strict";
(function (ns) {
  const SKIP = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "IFRAME", "OBJECT", "EMBED",
    "SVG", "MATH", "CANVAS", "VIDEO", "AUDIO", "SELECT", "OPTION", "TEXTAREA", "INPUT", "BUTTON",
    "HEAD", "PW-ROOT"]);
  const NOT_ARTICLE = new Set(["NAV", "ASIDE", "FOOTER", "FORM", "DIALOG", "MENU"]);
  const NOT_ARTICLE_ROLES = new Set(["navigation", "complementary", "contentinfo", "banner",
    "search", "dialog", "menu", "menubar", "toolbar"]);
  const COLLAPSIBLE = /[ \t\n\r\f]/;
  const PARAGRAPH = 2, LINE = 1;

  function isBlock(style) {
    return !style.display.startsWith("inline") && style.display !== "contents" &&
      style.display !== "ruby";
  }

  function leftOut(element, style, strict) {
    if (SKIP.has(element.tagName.toUpperCase()) || element.hidden) return true;
    if (element.getAttribute("aria-hidden") === "true") return true;
    if (style.display === "none" || style.visibility === "hidden") return true;
    if (!strict) return false;
    return NOT_ARTICLE.has(element.tagName) ||
      NOT_ARTICLE_ROLES.has((element.getAttribute("role") || "").toLowerCase());
  }

  class Builder {
    constructor() {
      this.units = [];
      this.node = [];
      this.at = [];
      this.nodes = [];
      this.pending = 0;  // the line break owed before the next character
    }
    get last() { return this.units.length ? this.units[this.units.length - 1] : "\n"; }
    push(unit, node, at) { this.units.push(unit); this.node.push(node); this.at.push(at); }
    owe(kind) {
      this.pending = Math.max(this.pending, kind);
      while (this.last === " ") { this.units.pop(); this.node.pop(); this.at.pop(); }
    }
    payDebt() {
      if (this.pending && this.units.length) {
        const breaks = this.pending === PARAGRAPH ? "\n\n" : "\n";
        for (const unit of breaks) this.push(unit, -1, -1);
      }
      this.pending = 0;
    }
    addText(textNode, from, to, whiteSpace) {
      const keepSpaces = /^(pre|pre-wrap|break-spaces)$/.test(whiteSpace);
      const keepNewlines = keepSpaces || whiteSpace === "pre-line";
      const data = textNode.data;
      let index = -1;
      for (let i = from; i < to; i++) {
        const unit = data[i];
        if (keepNewlines && unit === "\n") { this.owe(LINE); continue; }
        if (!keepSpaces && COLLAPSIBLE.test(unit)) {
          if (this.pending || this.last === " " || this.last === "\n") continue;
          if (index < 0) index = this.register(textNode);
          this.push(" ", index, i);
          continue;
        }
        this.payDebt();
        if (index < 0) index = this.register(textNode);
        this.push(unit, index, i);
      }
    }
    register(textNode) { this.nodes.push(textNode); return this.nodes.length - 1; }
    finish() {
      this.owe(0);
      return { text: this.units.join(""), node: Int32Array.from(this.node),
        at: Int32Array.from(this.at), nodes: this.nodes };
    }
  }

  // The text of `root` (or of the part of it inside `range`), with its map.
  function buildTextMap(root, { strict = true, range = null } = {}) {
    const builder = new Builder();
    const visit = (element) => {
      for (let child = element.firstChild; child; child = child.nextSibling) {
        if (range && !range.intersectsNode(child)) continue;
        if (child.nodeType === Node.TEXT_NODE) {
          const from = range && child === range.startContainer ? range.startOffset : 0;
          const to = range && child === range.endContainer ? range.endOffset : child.data.length;
          builder.addText(child, from, to, getComputedStyle(element).whiteSpace);
        } else if (child.nodeType === Node.ELEMENT_NODE) {
          visitElement(child);
        }
      }
    };
    const visitElement = (element) => {
      const style = getComputedStyle(element);
      if (leftOut(element, style, strict)) return;
      if (element.tagName === "BR") { builder.owe(LINE); return; }
      const block = isBlock(style);
      if (block) builder.owe(PARAGRAPH);
      visit(element);
      if (block) builder.owe(PARAGRAPH);
    };
    if (root.nodeType === Node.TEXT_NODE) {
      builder.addText(root, range ? range.startOffset : 0,
        range ? range.endOffset : root.data.length, getComputedStyle(root.parentElement).whiteSpace);
    } else {
      visit(root);
    }
    return builder.finish();
  }

  // UTF-16 index of every code point of `text` (and of its end): the server counts code points.
  function codePointUnits(text) {
    const units = [];
    let i = 0;
    for (const point of text) { units.push(i); i += point.length; }
    units.push(i);
    return units;
  }

  ns.textmap = { buildTextMap, codePointUnits };
})(globalThis.propwatchExt = globalThis.propwatchExt || {});

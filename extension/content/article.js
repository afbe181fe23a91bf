// Where the article is on the page: the reader's selection, or the element that holds the
// article's paragraphs (an <article>, the main content, or the parent of the most prose).
"use strict";
(function (ns) {
  const CANDIDATES = "article, [itemprop='articleBody'], main, [role='main']";

  function proseLength(element) {
    let length = 0;
    for (const paragraph of element.querySelectorAll("p")) {
      if (!paragraph.closest("nav, aside, footer, form")) length += paragraph.textContent.length;
    }
    return length;
  }

  // The parent element that holds the most paragraph text directly: for pages with no landmark.
  function densestParent(body) {
    const totals = new Map();
    for (const paragraph of body.querySelectorAll("p")) {
      if (paragraph.closest("nav, aside, footer, form")) continue;
      const parent = paragraph.parentElement;
      totals.set(parent, (totals.get(parent) || 0) + paragraph.textContent.length);
    }
    let best = body, most = 0;
    for (const [parent, total] of totals) if (total > most) { best = parent; most = total; }
    return best;
  }

  function articleRoot(doc) {
    const candidates = [...doc.querySelectorAll(CANDIDATES)]
      .filter((element) => !element.closest("aside, nav, footer"));
    let best = null, most = 0;
    for (const candidate of candidates) {
      const length = proseLength(candidate);
      if (length > most) { best = candidate; most = length; }
    }
    return best || densestParent(doc.body);
  }

  // What to analyse: {root, range, strict} for buildTextMap.
  function findArticle(doc, scope) {
    const selection = doc.getSelection();
    if (scope === "selection" && selection && selection.rangeCount && !selection.isCollapsed) {
      const range = selection.getRangeAt(0);
      return { root: range.commonAncestorContainer, range, strict: false };
    }
    return { root: articleRoot(doc), range: null, strict: true };
  }

  ns.article = { findArticle };
})(globalThis.propwatchExt = globalThis.propwatchExt || {});

// Spans onto the page: each span of the analysis is drawn on exactly the characters it covers,
// through the text map, or counted as not placed (when the page changed under it). A span may
// cross links, emphasis and line breaks: it is drawn as one <pw-mark> per piece of text node.
// Overlapping spans share pieces; a piece lists every span over it (most confident first).
"use strict";
(function (ns) {
  const MARK = "pw-mark";
  const WHITESPACE = /\s/;

  // Where span `span` lies in the page: [{nodeIndex, from, to}], or null when it cannot be placed.
  function locate(span, map, units) {
    if (!(span.start >= 0 && span.start < span.end && span.end < units.length)) return null;
    const first = units[span.start], last = units[span.end];
    if (map.text.slice(first, last) !== span.text) return null;
    const pieces = new Map();  // node index -> [from, to)
    for (let k = first; k < last; k++) {
      const nodeIndex = map.node[k];
      if (nodeIndex < 0) continue;  // a line break the walk added: nothing to draw
      const node = map.nodes[nodeIndex], at = map.at[k];
      if (!node.isConnected || !sameCharacter(node.data[at], map.text[k])) return null;
      const piece = pieces.get(nodeIndex);
      if (piece) piece[1] = at + 1; else pieces.set(nodeIndex, [at, at + 1]);
    }
    return [...pieces].map(([nodeIndex, [from, to]]) => ({ nodeIndex, from, to }));
  }

  function sameCharacter(onPage, sent) {
    return onPage === sent || (sent === " " && onPage !== undefined && WHITESPACE.test(onPage));
  }

  // Cut each text node at the span boundaries inside it and wrap the covered pieces.
  function draw(placements, map, spans) {
    const byNode = new Map();
    placements.forEach((pieces, spanIndex) => {
      for (const piece of pieces || []) {
        if (!byNode.has(piece.nodeIndex)) byNode.set(piece.nodeIndex, []);
        byNode.get(piece.nodeIndex).push({ ...piece, spanIndex });
      }
    });
    const marks = [];
    for (const [nodeIndex, pieces] of byNode) {
      marks.push(...wrapNode(map.nodes[nodeIndex], pieces, spans));
    }
    return marks;
  }

  function wrapNode(node, pieces, spans) {
    const cuts = [...new Set(pieces.flatMap((p) => [p.from, p.to]))].sort((a, b) => a - b);
    const marks = [];
    for (let i = cuts.length - 2; i >= 0; i--) {  // from the end: earlier offsets stay valid
      const from = cuts[i], to = cuts[i + 1];
      const over = pieces.filter((p) => p.from <= from && p.to >= to).map((p) => p.spanIndex);
      if (!over.length) continue;
      if (to < node.data.length) node.splitText(to);
      const text = from > 0 ? node.splitText(from) : node;
      over.sort((a, b) => spans[b].confidence - spans[a].confidence);
      const mark = document.createElement(MARK);
      mark.setAttribute("data-pw-spans", over.join(" "));
      text.parentNode.replaceChild(mark, text);
      mark.appendChild(text);
      marks.unshift(mark);
    }
    return marks;
  }

  // Put the page back as it was: the marks' text returns to single text nodes.
  function removeMarks(doc) {
    const parents = new Set();
    for (const mark of doc.querySelectorAll(MARK)) {
      parents.add(mark.parentNode);
      mark.replaceWith(...mark.childNodes);
    }
    for (const parent of parents) parent.normalize();
  }

  function place(analysis, map) {
    const units = ns.textmap.codePointUnits(map.text);
    const placements = analysis.spans.map((span) => locate(span, map, units));
    const marks = draw(placements, map, analysis.spans);
    const notPlaced = placements.filter((p) => p === null).length;
    return { marks, placed: placements.length - notPlaced, notPlaced };
  }

  ns.highlight = { place, removeMarks, MARK };
})(globalThis.propwatchExt = globalThis.propwatchExt || {});

// Drill-down: a click on a bar, a heatmap cell or a name lists the articles behind it, most
// propagandistic first, each linked to its report, in a dialog over the page: the page does not
// move, so Close leaves the reader where they were. Titles and names go in as text, never HTML.
// Theme: the charts follow the system's light or dark mode, as the page's CSS does.
(() => {
  const index = JSON.parse(document.getElementById("articles").textContent);
  const config = JSON.parse(document.getElementById("drill-config").textContent);
  const panel = document.getElementById("drill");
  const COLUMN = { outlet: 2, month: 3, topic: 4, language: 8 };
  const SHOWN = 100;

  const matches = (article, filter) =>
    Object.entries(filter).every(([field, value]) =>
      field === "technique" ? (article[7][value] || 0) > 0 : article[COLUMN[field]] === value);
  const rate = (article, filter) => {
    const spans = filter.technique ? article[7][filter.technique] || 0 : article[6];
    return article[5] ? (1000 * spans) / article[5] : 0;
  };
  const describe = (filter) =>
    Object.entries(filter)
      .map(([field, value]) => `${field} ${field === "technique" ? config.names[value] : value}`)
      .join(" · ") || "all articles";

  function item(article, filter) {
    const li = document.createElement("li");
    const title = article[1] || `article ${article[0]}`;
    let link = document.createElement("span");
    if (config.report) {
      link = document.createElement("a");
      link.href = config.report.replace("{id}", String(article[0]));
    }
    link.textContent = title;
    const facts = document.createElement("small");
    const what = filter.technique ? config.names[filter.technique] : "all techniques";
    facts.textContent = ` ${article[2]} · ${article[3]} · ${rate(article, filter).toFixed(2)} per 1,000 words (${what})`;
    li.append(link, facts);
    return li;
  }

  function open(filter) {
    const found = index.filter((a) => matches(a, filter)).sort((a, b) => rate(b, filter) - rate(a, filter));
    panel.querySelector("h2").textContent = `Articles: ${describe(filter)}`;
    const more = found.length > SHOWN ? `; the first ${SHOWN} shown` : "";
    const reports = config.report ? "" : " (reports were not written: leave out --no-reports)";
    panel.querySelector("p").textContent = `${found.length} articles, most propagandistic first${more}${reports}.`;
    panel.querySelector("ol").replaceChildren(...found.slice(0, SHOWN).map((a) => item(a, filter)));
    if (!panel.open) panel.showModal();
    panel.scrollTop = 0;
  }

  const dark = window.matchMedia("(prefers-color-scheme: dark)");
  const COLOURED = ["marker.color", "error_x.color", "line.color", "fillcolor"];
  function paint(chart) {
    const theme = config.themes[dark.matches ? "dark" : "light"];
    Plotly.relayout(chart, theme.layout);
    chart.data.forEach((trace, i) => {
      const update = {};
      for (const key of COLOURED) {
        const value = key.split(".").reduce((part, name) => part && part[name], trace);
        if (typeof value === "string" && theme.colours[value]) update[key] = [theme.colours[value]];
      }
      if (trace.type === "heatmap") update.colorscale = [theme.heat];
      if (Object.keys(update).length) Plotly.restyle(chart, update, [i]);
    });
  }

  window.addEventListener("load", () => {
    const charts = document.querySelectorAll(".plotly-graph-div");
    if (dark.matches) charts.forEach(paint);
    dark.addEventListener("change", () => charts.forEach(paint));
    charts.forEach((chart) => {
      chart.on("plotly_click", (event) => {
        const data = event.points[0] && event.points[0].customdata;
        if (Array.isArray(data) && typeof data[0] === "string") open(JSON.parse(data[0]));
      });
    });
  });
  document.addEventListener("click", (event) => {
    const button = event.target.closest("button.drill");
    if (button) open(JSON.parse(button.dataset.drill));
  });
  panel.querySelector(".close").addEventListener("click", () => panel.close());
})();

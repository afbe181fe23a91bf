"""The corpus dashboard: one HTML page of Plotly charts, tables and a drill-down to the articles.

Written as a file, it inlines Plotly's script (once, in the head) and opens offline; each article
links to its report written beside it (`static_links`). Served by `propwatch serve`, it loads
Plotly from `/corpus/plotly.js` and links to `/corpus/articles/{id}` (`served_links`). User-given
strings (outlets, titles, topics) reach the page through escaped JSON or `html.escape`.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import json
import re
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

from propwatch.render import charts, ratio_text
from propwatch.statistics.correction import ALL
from propwatch.statistics.drill import article_index
from propwatch.statistics.estimates import Comparison, Rates, against_rest
from propwatch.statistics.intervals import MIN_ARTICLES, REPLICATES, Estimate
from propwatch.statistics.stats import DISPLAY, TECHNIQUE_IDS, Group
from propwatch.statistics.summary import CorpusStats
from propwatch.store.database import Store


@dataclass(frozen=True)
class Links:
    """Where the page gets Plotly and where an article's report is ({id} in `report`)."""

    plotly_src: str | None  # None: inlined
    report: str | None  # None: no reports to open


def static_links(reports: str | None) -> Links:
    """A file: Plotly inlined; reports in the folder `reports` beside it, if written."""
    return Links(None, f"{reports}{{id}}.html" if reports else None)


def served_links() -> Links:
    return Links("/corpus/plotly.js", "/corpus/articles/{id}")


# Plotly's cartesian bundle (bar, heatmap, scatter: all the dashboard draws), 1.5 MB against the
# full bundle's 4.8 MB; from npm's plotly.js-cartesian-dist-min (MIT, plotly-LICENSE.txt).
PLOTLY_BUNDLE = "plotly-cartesian.min.js"
PLOTLY_VERSION = "4.1.1"


def _asset(name: str) -> str:
    return (files("propwatch.render") / "assets" / name).read_text("utf-8")


def plotly_script() -> str:
    """Plotly's JavaScript: the cartesian bundle when it is the version the Python package
    writes figures for, else the Python package's full bundle."""
    from plotly.offline import get_plotlyjs, get_plotlyjs_version

    if get_plotlyjs_version() == PLOTLY_VERSION:
        return _asset(PLOTLY_BUNDLE)
    return str(get_plotlyjs())


def _json(data: Any) -> str:
    """JSON that cannot end a <script> element or open a comment in it."""
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")


# What the dashboard can group its rate charts and first table by: (the grouping's name in
# CorpusStats.rates, the table's title)
GROUPINGS = {"outlet": "Outlets", "month": "Months", "topic": "Topics"}


def render_dashboard(store: Store, stats: CorpusStats, links: Links, by: str = "outlet") -> str:
    """The dashboard of one model's statistics, as a whole HTML page; its rate charts and first
    table compare the groups of `by` (a key of GROUPINGS)."""
    groups, rates = _groups(stats, by), stats.rates[by]
    tables = _group_tables(stats, by)
    sections = [
        _chart(f"Techniques per 1,000 words, by {by}", charts.rate_bars(groups, rates, by)),
        _chart(f"Share of propagandistic sentences, by {by}", charts.share_bars(groups, rates, by)),
        _chart(
            f"Each technique per 1,000 words, by {by}",
            charts.technique_heatmap(groups, rates, by),
            wide=True,
        ),
        _chart(
            "Techniques per 1,000 words, by month",
            charts.trend(stats.months, stats.rates["month"], stats.outlet_months, stats.outlets),
        ),
        _chart(
            "The techniques found in the corpus",
            charts.technique_bars(
                stats.overall, {t.technique_id: t.spans for t in stats.techniques}
            ),
        ),
        tables[0],
        _table("Techniques", _technique_table(stats)),
        *tables[1:],
    ]
    if stats.topics:
        sections += [
            _chart(
                "Techniques per 1,000 words, by topic",
                charts.topic_stacks(_groups(stats, "topic"), stats.rates["topic"]),
                wide=True,  # its legend of 14 techniques would cover the bars on a phone
            ),
            _chart(
                "Outlets within each topic",
                charts.topic_outlet_heatmap(stats.topic_outlets, stats.rates["topic_outlet"]),
                wide=True,
            ),
        ]
    index = article_index(store, stats.model, stats.table)
    return with_policy(_page(stats, links, "".join(sections), index))


def _groups(stats: CorpusStats, by: str) -> list[Group]:
    """The groups of `by`: months in time order, outlets and topics from the highest rate."""
    if by == "month":
        return stats.months
    found = stats.outlets if by == "outlet" else stats.topics
    return sorted(found, key=lambda g: -g.spans_per_1000_words)


def _group_tables(stats: CorpusStats, by: str) -> list[str]:
    """The table of `by` first, then those of the outlets and topics when they are not it."""
    shown = [by, *(g for g in ("outlet", "topic") if g != by)]
    return [
        _table(
            GROUPINGS[g],
            _group_table(_groups(stats, g), stats.rates[g], g, against_rest(stats.table, g)),
        )
        for g in shown
        if g != "topic" or stats.topics
    ]


# A script element's attributes and text; JSON data blocks and src= scripts are not inline code.
_SCRIPT = re.compile(r"<script(?P<attributes>[^>]*)>(?P<code>.*?)</script>", re.DOTALL)


def policy(page: str) -> str:
    """The page's Content-Security-Policy: only its own inline scripts run (by hash), besides
    Plotly from the server that serves it; injected markup could not run even if it got in."""
    hashes = sorted(
        f"'sha256-{base64.b64encode(hashlib.sha256(code.encode()).digest()).decode()}'"
        for attributes, code in _SCRIPT.findall(page)
        if "src=" not in attributes and "application/json" not in attributes
    )
    return (
        f"default-src 'none'; script-src 'self' {' '.join(dict.fromkeys(hashes))}; "
        "style-src 'unsafe-inline'; img-src data: blob:; base-uri 'none'; form-action 'none'"
    )


def with_policy(page: str) -> str:
    """The page with its policy in a meta element, so that the file keeps it off the server."""
    meta = f'<meta http-equiv=Content-Security-Policy content="{policy(page)}">'
    return page.replace("<meta charset=utf-8>", f"<meta charset=utf-8>\n{meta}", 1)


def _chart(title: str, body: str, wide: bool = False) -> str:
    inner = f"<div class=wide>{body}</div>" if wide else body
    heading = f"<h2>{html.escape(title)}</h2>"
    return f"<section class=chart>{heading}<div class=scroll>{inner}</div></section>"


def _table(title: str, body: str) -> str:
    return f"<section><h2>{html.escape(title)}</h2><div class=scroll>{body}</div></section>"


def _number(value: float, percent: bool) -> str:
    return f"{value:.1%}" if percent else f"{value:.2f}"


def _ci(estimate: Estimate | None, percent: bool = False) -> str:
    if estimate is None or estimate.value != estimate.value:  # NaN: nothing to show
        return "<span class=na>n/a</span>"
    interval = f"{_number(estimate.low, percent)}\u2013{_number(estimate.high, percent)}"
    return f"{_number(estimate.value, percent)} <small>({interval})</small>"


def _ratio(comparison: Comparison | None) -> str:
    if comparison is None:
        return ""
    r = comparison.ratio
    mark = " class=clear" if comparison.clear and not comparison.few else ""
    interval = f"{ratio_text(r.low)}\u2013{ratio_text(r.high)}"
    return f"<span{mark}>{ratio_text(r.value)}</span> <small>({interval})</small>"


def _drill_button(label: str, **keys: str) -> str:
    return (
        f"<button type=button class=drill data-drill='{html.escape(charts.drill(**keys))}'>"
        f"{html.escape(label)}</button>"
    )


def _group_table(
    groups: list[Group], rates: dict[tuple[str, ...], Rates], field: str, rest: list[Comparison]
) -> str:
    against = {c.a: c for c in rest}
    head = "".join(
        f"<th>{h}</th>"
        for h in (
            field,
            "articles",
            "per 1,000 words (95% CI)",
            "corrected (95% CI)",
            "propagandistic sentences",
            "vs the rest: ratio (95% CI)",
            "top techniques",
        )
    )
    rows = []
    for g in groups:
        r = rates[g.key]
        few = " <abbr class=few title='too few articles to conclude'>*</abbr>" if r.few else ""
        rows.append(
            f"<tr><td>{_drill_button(g.key[0], **{field: g.key[0]})}{few}</td>"
            f"<td>{g.articles:,}</td><td>{_ci(r.raw[ALL])}</td><td>{_ci(r.corrected.get(ALL))}</td>"
            f"<td>{_ci(r.sentence_share, percent=True)}</td>"
            f"<td>{_ratio(against.get(g.key[0]))}</td>"
            f"<td>{html.escape(', '.join(DISPLAY[t] for t in g.top_techniques()))}</td></tr>"
        )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _technique_table(stats: CorpusStats) -> str:
    head = "".join(
        f"<th>{h}</th>"
        for h in (
            "technique",
            "spans",
            "per 1,000 words (95% CI)",
            "corrected (95% CI)",
            "model precision",
            "model recall",
        )
    )
    error = stats.error
    rows = []
    for total in sorted(stats.techniques, key=lambda t: -t.spans):
        t = total.technique_id
        accuracy = error.accuracy.get(t) if error else None
        scores = (
            f"<td>{accuracy.precision:.2f}</td><td>{accuracy.recall:.2f}</td>"
            if accuracy
            else "<td></td><td></td>"
        )
        rows.append(
            f"<tr><td><span class='swatch t-{t}'></span>"
            f"{_drill_button(DISPLAY[t], technique=t)}</td>"
            f"<td>{total.spans:,}</td><td>{_ci(stats.overall.raw[t])}</td>"
            f"<td>{_ci(stats.overall.corrected.get(t))}</td>{scores}</tr>"
        )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _swatches() -> str:
    from propwatch.techniques import by_id

    return "".join(f".t-{t}{{background:{by_id(t).color}}}" for t in TECHNIQUE_IDS)


def _correction_note(stats: CorpusStats) -> str:
    if stats.error is None:
        return (
            "Corrected rates: not available, as the store's model has no out-of-fold precision "
            "and recall here (give its folder with --model)."
        )
    return (
        "Corrected rates estimate what annotators would mark: the model's spans &times; "
        f"precision &divide; recall, with {html.escape(stats.error.describe())}; their intervals "
        "hold the model's error too. A technique the model never got right has none."
    )


def _page(stats: CorpusStats, links: Links, sections: str, index: list[list[Any]]) -> str:
    articles = sum(g.articles for g in stats.outlets)
    if links.plotly_src is None:
        plotly = f"<script>{plotly_script()}</script>"
    else:
        plotly = f"<script src='{html.escape(links.plotly_src)}'></script>"
    config = {"report": links.report, "names": DISPLAY, "themes": charts.THEMES}
    return f"""<!doctype html>
<html lang=en>
<head>
<meta charset=utf-8>
<meta name=viewport content="width=device-width, initial-scale=1">
<title>propwatch corpus dashboard</title>
<style>{_asset("dashboard.css")}{_swatches()}</style>
{plotly}
</head>
<body>
<header>
<h1>Propaganda techniques in the corpus</h1>
<p class=facts>{articles:,} articles · {len(stats.outlets):,} outlets · {stats.words:,} words ·
{stats.spans:,} technique spans · {stats.rate:.2f} per 1,000 words</p>
<p class=note>Model {html.escape(stats.model)}, generated {dt.date.today().isoformat()} by
propwatch. Rates pool all words of a group: spans per 1,000 words = 1000 &times; spans &divide;
words. 95% intervals: bootstrap over the group's articles ({REPLICATES:,} replicates).
<abbr class=few>*</abbr> fewer than {MIN_ARTICLES} articles: too few to conclude from.
{_correction_note(stats)} Click a bar, a cell or a name to list its articles.</p>
</header>
<main>
<dialog id=drill aria-labelledby=drill-title><h2 id=drill-title></h2><p class=note></p><ol></ol>
<button type=button class=close>Close</button></dialog>
{sections}
</main>
<script type=application/json id=articles>{_json(index)}</script>
<script type=application/json id=drill-config>{_json(config)}</script>
<script>{_asset("dashboard.js")}</script>
</body>
</html>
"""

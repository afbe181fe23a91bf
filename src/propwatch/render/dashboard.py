"""The corpus dashboard: one self-contained HTML file of Plotly charts that opens offline.

Plotly's JavaScript and the page's CSS (`assets/dashboard.css`) are inlined in the page head, so
the file needs no network (and no server): mail it, open it from disk. Every user-given string
(outlet names) reaches the page through Plotly's escaped JSON or `html.escape`.
"""

from __future__ import annotations

import datetime as dt
import html
from importlib.resources import files
from typing import Any

from propwatch.article import per_1000_words
from propwatch.store.stats import (
    DISPLAY,
    NO_DATE,
    TECHNIQUE_IDS,
    CorpusStats,
    Group,
    TechniqueTotal,
)

TREND_OUTLETS = 8  # lines in the trend chart: the outlets with most articles, and all together
PLOT_CONFIG = {"displaylogo": False, "responsive": True}


def render_dashboard(stats: CorpusStats) -> str:
    """The dashboard of one model's statistics, as a whole HTML page."""
    outlets = sorted(stats.outlets, key=lambda g: -g.spans_per_1000_words)
    charts = [
        ("Techniques per 1,000 words, by outlet", _rate_bars(outlets)),
        ("Share of propagandistic sentences, by outlet", _sentence_bars(outlets)),
        ("Each technique per 1,000 words, by outlet", _heatmap(outlets)),
        ("Techniques per 1,000 words, by month", _trend(stats, outlets)),
        ("The techniques found in the corpus", _technique_bars(stats.techniques)),
    ]
    return _page(stats.model, outlets, charts)


def _figure_html(figure: Any, height: int) -> str:
    figure.update_layout(height=height, margin={"l": 10, "r": 10, "t": 10, "b": 10})
    return str(figure.to_html(full_html=False, include_plotlyjs=False, config=PLOT_CONFIG))


def _rate_bars(outlets: list[Group]) -> str:
    import plotly.graph_objects as go

    bars = go.Bar(
        x=[g.spans_per_1000_words for g in outlets],
        y=[g.key[0] for g in outlets],
        orientation="h",
        customdata=[[g.articles, g.words, g.spans] for g in outlets],
        hovertemplate="%{y}: %{x:.2f} per 1,000 words<br>%{customdata[0]} articles, "
        "%{customdata[1]:,} words, %{customdata[2]:,} spans<extra></extra>",
    )
    figure = go.Figure(bars)
    figure.update_yaxes(autorange="reversed", automargin=True)
    figure.update_xaxes(title="technique spans per 1,000 words")
    return _figure_html(figure, _bar_height(len(outlets)))


def _sentence_bars(outlets: list[Group]) -> str:
    import plotly.graph_objects as go

    ordered = sorted(outlets, key=lambda g: -g.propaganda_sentence_share)
    figure = go.Figure(
        go.Bar(
            x=[g.propaganda_sentence_share for g in ordered],
            y=[g.key[0] for g in ordered],
            orientation="h",
            hovertemplate="%{y}: %{x:.1%} of sentences hold a technique<extra></extra>",
        )
    )
    figure.update_yaxes(autorange="reversed", automargin=True)
    figure.update_xaxes(title="sentences holding a technique", tickformat=".0%")
    return _figure_html(figure, _bar_height(len(ordered)))


def _bar_height(rows: int) -> int:
    return 120 + 28 * max(rows, 3)


def _heatmap(outlets: list[Group]) -> str:
    import plotly.graph_objects as go

    figure = go.Figure(
        go.Heatmap(
            z=[[g.rate(t) for t in TECHNIQUE_IDS] for g in outlets],
            x=[DISPLAY[t] for t in TECHNIQUE_IDS],
            y=[g.key[0] for g in outlets],
            colorscale="Reds",
            colorbar={"title": {"text": "per 1,000 words"}},
            hovertemplate="%{y}<br>%{x}: %{z:.2f} per 1,000 words<extra></extra>",
        )
    )
    figure.update_yaxes(autorange="reversed", automargin=True)
    figure.update_xaxes(tickangle=-35, automargin=True)
    return _figure_html(figure, 260 + 28 * max(len(outlets), 3))


def _trend(stats: CorpusStats, outlets: list[Group]) -> str:
    import plotly.graph_objects as go

    months = [g for g in stats.months if g.key[0] != NO_DATE]
    if not months:
        return "<p class=note>No article has a date: give dates in the input to see trends.</p>"
    figure = go.Figure()
    figure.add_trace(_trend_line("all outlets", months, width=4))
    busiest = sorted(outlets, key=lambda g: -g.articles)[:TREND_OUTLETS]
    for outlet in sorted(g.key[0] for g in busiest):
        points = [g for g in stats.outlet_months if g.key[0] == outlet and g.key[1] != NO_DATE]
        if points:
            figure.add_trace(_trend_line(outlet, [_month_only(g) for g in points], width=2))
    figure.update_xaxes(type="category", title="month")
    figure.update_yaxes(title="technique spans per 1,000 words", rangemode="tozero")
    return _figure_html(figure, 420)


def _month_only(group: Group) -> Group:
    return Group(
        group.key[1:],
        group.articles,
        group.words,
        group.spans,
        group.sentences,
        group.propaganda_sentences,
        group.by_technique,
    )


def _trend_line(name: str, months: list[Group], width: int) -> Any:
    import plotly.graph_objects as go

    return go.Scatter(
        x=[g.key[0] for g in months],
        y=[g.spans_per_1000_words for g in months],
        name=name,
        mode="lines+markers",
        line={"width": width},
        customdata=[[g.articles] for g in months],
        hovertemplate="%{fullData.name}<br>%{x}: %{y:.2f} per 1,000 words, "
        "%{customdata[0]} articles<extra></extra>",
    )


def _technique_bars(techniques: list[TechniqueTotal]) -> str:
    import plotly.graph_objects as go

    totals = sorted(techniques, key=lambda t: -t.spans)
    figure = go.Figure(
        go.Bar(
            x=[t.spans for t in totals],
            y=[DISPLAY[t.technique_id] for t in totals],
            orientation="h",
            customdata=[[t.articles] for t in totals],
            hovertemplate="%{y}: %{x:,} spans in %{customdata[0]:,} articles<extra></extra>",
        )
    )
    figure.update_yaxes(autorange="reversed", automargin=True)
    figure.update_xaxes(title="spans")
    return _figure_html(figure, _bar_height(len(totals)))


def _outlet_table(outlets: list[Group]) -> str:
    head = "".join(
        f"<th>{h}</th>"
        for h in (
            "outlet",
            "articles",
            "words",
            "spans",
            "per 1,000 words",
            "propagandistic sentences",
            "top techniques",
        )
    )
    rows = "".join(
        "<tr>"
        f"<td>{html.escape(g.key[0])}</td><td>{g.articles:,}</td><td>{g.words:,}</td>"
        f"<td>{g.spans:,}</td><td>{g.spans_per_1000_words:.2f}</td>"
        f"<td>{g.propaganda_sentence_share:.1%}</td>"
        f"<td>{html.escape(', '.join(DISPLAY[t] for t in g.top_techniques()))}</td>"
        "</tr>"
        for g in outlets
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _page(model: str, outlets: list[Group], charts: list[tuple[str, str]]) -> str:
    from plotly.offline import get_plotlyjs

    articles = sum(g.articles for g in outlets)
    words = sum(g.words for g in outlets)
    spans = sum(g.spans for g in outlets)
    sections = "".join(
        f"<section class=chart><h2>{html.escape(title)}</h2>{body}</section>"
        for title, body in charts
    )
    return f"""<!doctype html>
<html lang=en>
<head>
<meta charset=utf-8>
<meta name=viewport content="width=device-width, initial-scale=1">
<title>propwatch corpus dashboard</title>
<style>{(files("propwatch.render") / "assets" / "dashboard.css").read_text("utf-8")}</style>
<script>{get_plotlyjs()}</script>
</head>
<body>
<header>
<h1>Propaganda techniques in the corpus</h1>
<p class=facts>{articles:,} articles · {len(outlets):,} outlets · {words:,} words ·
{spans:,} technique spans · {per_1000_words(spans, words):.2f} per 1,000 words</p>
<p class=note>Model {html.escape(model)}, generated {dt.date.today().isoformat()} by propwatch.
Rates pool all words of an outlet: spans per 1,000 words = 1000 &times; spans &divide; words.</p>
</header>
<main>
{sections}
<section><h2>Outlets</h2>{_outlet_table(outlets)}</section>
</main>
</body>
</html>
"""

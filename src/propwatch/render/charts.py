"""The dashboard's Plotly charts: rates with their 95% intervals, in the taxonomy's colours.

Every clickable point carries its drill-down filter as JSON in `customdata[0]` ({"outlet": ...,
"technique": ...}); the page's script opens the list of those articles on a click.
"""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

from propwatch.statistics.correction import ALL
from propwatch.statistics.estimates import Rates
from propwatch.statistics.intervals import MIN_ARTICLES, Estimate
from propwatch.statistics.stats import DISPLAY, NO_DATE, TECHNIQUE_IDS, Group
from propwatch.techniques import by_id

PLOT_CONFIG = {"displaylogo": False, "responsive": True}
RAW = "#444444"  # all techniques together: no technique's colour
CORRECTED = "#999999"
TREND_OUTLETS = 8  # lines in the trend chart: the outlets with most articles, and all together
EDGE = {"color": "#333333", "width": 1}  # the palette's pale colours need an edge on white
CI = " (95% CI %{customdata[1]:.2f}\u2013%{customdata[2]:.2f})"  # hover: the interval
BAND = "rgba(68,68,68,.15)"
FEW_NOTE = f"fewer than {MIN_ARTICLES} articles: too few to conclude from"
# The charts' light look is Plotly's default made explicit, so that the page's script can switch
# a chart to the dark one and back as the reader's system does (prefers-color-scheme). Colours
# that only read on white (the greys of all techniques together) swap with the theme.
LIGHT_LAYOUT = {
    "paper_bgcolor": "#ffffff",
    "plot_bgcolor": "#e5ecf6",
    "font.color": "#2a3f5f",
    "xaxis.gridcolor": "#ffffff",
    "yaxis.gridcolor": "#ffffff",
    "xaxis.zerolinecolor": "#ffffff",
    "yaxis.zerolinecolor": "#ffffff",
}
DARK_LAYOUT = {
    "paper_bgcolor": "#16191d",
    "plot_bgcolor": "#22272e",
    "font.color": "#d8dde3",
    "xaxis.gridcolor": "#39414b",
    "yaxis.gridcolor": "#39414b",
    "xaxis.zerolinecolor": "#39414b",
    "yaxis.zerolinecolor": "#39414b",
}
DARK_COLOURS = {
    RAW: "#c9ced4",
    CORRECTED: "#7c848e",
    "#111111": "#e8ebee",
    BAND: "rgba(201,206,212,.2)",
}
HEAT = "Reds"  # white at zero: on a dark page, from the plot's dark up to a bright red instead
DARK_HEAT = [[0, "#22272e"], [0.5, "#b3261e"], [1, "#ffb4a2"]]
THEMES = {
    "light": {
        "layout": LIGHT_LAYOUT,
        "colours": {v: k for k, v in DARK_COLOURS.items()},
        "heat": HEAT,
    },
    "dark": {"layout": DARK_LAYOUT, "colours": DARK_COLOURS, "heat": DARK_HEAT},
}


def name(technique: str) -> str:
    """The display name on two lines where it has two parts, so that it fits a phone."""
    return DISPLAY[technique].replace(" / ", " /<br>")


def drill(**keys: str) -> str:
    return json.dumps({k: v for k, v in keys.items() if v}, ensure_ascii=False)


# above the plot: below it, the legend runs into the axis title on a phone
ABOVE = {"orientation": "h", "x": 0, "y": 1.01, "yanchor": "bottom"}
# beside it, one technique a line: fourteen of them above would cover the bars
BESIDE = {
    "orientation": "v",
    "traceorder": "normal",  # top to bottom as the stacks run left to right
    "x": 1.02,
    "y": 1,
    "yanchor": "top",
    "font": {"size": 11},
}


def figure_html(figure: Any, height: int, legend: dict[str, Any] = ABOVE) -> Markup:
    """The figure as Plotly writes it: a <div> and the inline script that draws it."""
    figure.update_layout({key.replace(".", "_"): value for key, value in LIGHT_LAYOUT.items()})
    figure.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        legend=legend,
        hoverlabel={"align": "left"},
    )
    return Markup(figure.to_html(full_html=False, include_plotlyjs=False, config=PLOT_CONFIG))


def bar_height(rows: int, series: int = 1) -> int:
    return 140 + 24 * series * max(rows, 3)


def _errors(estimates: list[Estimate]) -> dict[str, Any]:
    return {
        "type": "data",
        "symmetric": False,
        "array": [max(e.high - e.value, 0) for e in estimates],
        "arrayminus": [max(e.value - e.low, 0) for e in estimates],
        "color": "#111111",
        "thickness": 1.2,
    }


def _few(few: bool) -> str:
    return f" ({FEW_NOTE})" if few else ""


def _label(group: Group, rates: Rates) -> str:
    return " / ".join(group.key) + (" *" if rates.few else "")


def rate_bars(groups: list[Group], rates: dict[tuple[str, ...], Rates], field: str) -> Markup:
    """All techniques per 1,000 words of each group, raw and corrected, with intervals."""
    import plotly.graph_objects as go

    labels = [_label(g, rates[g.key]) for g in groups]
    keys = [drill(**{field: g.key[0]}) for g in groups]
    figure = go.Figure()
    series = [("found by the model", RAW, {g.key: rates[g.key].raw[ALL] for g in groups})]
    if all(rates[g.key].corrected for g in groups):
        corrected = {g.key: rates[g.key].corrected[ALL] for g in groups}
        series.append(("corrected for its error", CORRECTED, corrected))
    for label, colour, values in series:
        shown = [values[g.key] for g in groups]
        figure.add_trace(
            go.Bar(
                name=label,
                x=[e.value for e in shown],
                y=labels,
                orientation="h",
                marker={"color": colour},
                error_x=_errors(shown),
                customdata=[
                    [k, e.low, e.high, rates[g.key].articles]
                    for k, e, g in zip(keys, shown, groups, strict=True)
                ],
                hovertemplate="%{y}: %{x:.2f} per 1,000 words"
                + CI
                + ", %{customdata[3]} articles<extra>"
                + label
                + "</extra>",
            )
        )
    figure.update_layout(barmode="group")
    figure.update_yaxes(autorange="reversed", automargin=True)
    figure.update_xaxes(title="technique spans per 1,000 words", rangemode="tozero")
    return figure_html(figure, bar_height(len(groups), len(series)))


def share_bars(groups: list[Group], rates: dict[tuple[str, ...], Rates], field: str) -> Markup:
    import plotly.graph_objects as go

    ordered = sorted(groups, key=lambda g: -rates[g.key].sentence_share.value)
    shown = [rates[g.key].sentence_share for g in ordered]
    figure = go.Figure(
        go.Bar(
            x=[e.value for e in shown],
            y=[_label(g, rates[g.key]) for g in ordered],
            orientation="h",
            marker={"color": RAW},
            error_x=_errors(shown),
            customdata=[
                [drill(**{field: g.key[0]}), e.low, e.high]
                for g, e in zip(ordered, shown, strict=True)
            ],
            hovertemplate="%{y}: %{x:.1%} of sentences hold a technique (95% CI "
            "%{customdata[1]:.1%}\u2013%{customdata[2]:.1%})<extra></extra>",
        )
    )
    figure.update_yaxes(autorange="reversed", automargin=True)
    figure.update_xaxes(title="sentences holding a technique", tickformat=".0%", rangemode="tozero")
    return figure_html(figure, bar_height(len(ordered)))


def technique_heatmap(
    groups: list[Group], rates: dict[tuple[str, ...], Rates], field: str
) -> Markup:
    """Each technique's rate in each group; a click lists the group's articles holding it."""
    import plotly.graph_objects as go

    cells = [[rates[g.key].raw[t] for t in TECHNIQUE_IDS] for g in groups]
    figure = go.Figure(
        go.Heatmap(
            z=[[e.value for e in row] for row in cells],
            x=[name(t) for t in TECHNIQUE_IDS],
            y=[_label(g, rates[g.key]) for g in groups],
            colorscale=HEAT,
            zmin=0,  # a rate near the lowest is not near zero
            colorbar={"title": {"text": "per 1,000 words", "side": "right"}, "thickness": 12},
            customdata=[
                [
                    [drill(**{field: g.key[0]}, technique=t), e.low, e.high]
                    for t, e in zip(TECHNIQUE_IDS, row, strict=True)
                ]
                for g, row in zip(groups, cells, strict=True)
            ],
            hovertemplate="%{y}<br>%{x}: %{z:.2f} per 1,000 words" + CI + "<extra></extra>",
        )
    )
    figure.update_yaxes(autorange="reversed", automargin=True)
    figure.update_xaxes(tickangle=-40, automargin=True)
    return figure_html(figure, 280 + 26 * max(len(groups), 3))


def trend(
    months: list[Group],
    rates: dict[tuple[str, ...], Rates],
    outlet_months: list[Group],
    outlets: list[Group],
) -> Markup | None:
    """All outlets' rate by month with its interval as a band, and the busiest outlets' lines;
    None when no article has a date."""
    import plotly.graph_objects as go

    dated = [g for g in months if g.key[0] != NO_DATE]
    if not dated:
        return None
    x = [g.key[0] for g in dated]
    shown = [rates[g.key].raw[ALL] for g in dated]
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=x + x[::-1],
            y=[e.high for e in shown] + [e.low for e in shown][::-1],
            fill="toself",
            fillcolor=BAND,
            line={"width": 0},
            hoverinfo="skip",
            name="95% interval",
        )
    )
    figure.add_trace(
        go.Scatter(
            x=x,
            y=[e.value for e in shown],
            name="all outlets",
            mode="lines+markers",
            line={"width": 4, "color": RAW},
            # a hollow point: a month of too few articles to conclude from
            marker={
                "size": 9,
                "symbol": ["circle-open" if rates[g.key].few else "circle" for g in dated],
            },
            customdata=[
                [drill(), e.low, e.high, rates[g.key].articles, _few(rates[g.key].few)]
                for g, e in zip(dated, shown, strict=True)
            ],
            hovertemplate="%{x}: %{y:.2f} per 1,000 words"
            + CI
            + ", %{customdata[3]} articles%{customdata[4]}<extra>all outlets</extra>",
        )
    )
    busiest = sorted(outlets, key=lambda g: -g.articles)[:TREND_OUTLETS]
    few = {g.key[0]: g.articles < MIN_ARTICLES for g in busiest}
    for outlet in sorted(g.key[0] for g in busiest):
        points = [g for g in outlet_months if g.key[0] == outlet and g.key[1] != NO_DATE]
        if points:
            figure.add_trace(
                go.Scatter(
                    x=[g.key[1] for g in points],
                    y=[g.spans_per_1000_words for g in points],
                    name=outlet + (" *" if few[outlet] else ""),
                    mode="lines+markers",
                    line={"width": 1.5},
                    customdata=[[drill(outlet=outlet), g.articles] for g in points],
                    hovertemplate="%{x}: %{y:.2f} per 1,000 words, %{customdata[1]} articles"
                    "<extra>%{fullData.name}</extra>",
                )
            )
    figure.update_xaxes(type="category", title="month")
    figure.update_yaxes(title="technique spans per 1,000 words", rangemode="tozero")
    return figure_html(figure, 440)


def technique_bars(overall: Rates, spans: dict[str, int]) -> Markup:
    """Each technique's rate in the corpus, in its own colour; corrected beside it, hatched."""
    import plotly.graph_objects as go

    order = sorted(TECHNIQUE_IDS, key=lambda t: -overall.raw[t].value)
    colours = [by_id(t).color for t in order]
    figure = go.Figure()
    series = [("found by the model", overall.raw, "")]
    if overall.corrected:
        series.append(("corrected for its error", overall.corrected, "/"))
    for label, values, pattern in series:
        shown = [values[t] for t in order]
        figure.add_trace(
            go.Bar(
                name=label,
                x=[e.value for e in shown],
                y=[name(t) for t in order],
                orientation="h",
                error_x=_errors(shown),
                marker={
                    "color": colours,
                    "line": EDGE,
                    "pattern": {"shape": pattern, "fgcolor": "#333333"},
                },
                customdata=[
                    [drill(technique=t), e.low, e.high, spans.get(t, 0)]
                    for t, e in zip(order, shown, strict=True)
                ],
                hovertemplate="%{y}: %{x:.2f} per 1,000 words"
                + CI
                + "; %{customdata[3]:,} spans found<extra>"
                + label
                + "</extra>",
            )
        )
    figure.update_layout(barmode="group")
    figure.update_yaxes(autorange="reversed", automargin=True)
    figure.update_xaxes(title="spans per 1,000 words", rangemode="tozero")
    return figure_html(figure, bar_height(len(order), len(series)))


def topic_stacks(topics: list[Group], rates: dict[tuple[str, ...], Rates]) -> Markup:
    """Each topic's rate, stacked by technique in the taxonomy's colours."""
    import plotly.graph_objects as go

    labels = [_label(g, rates[g.key]) for g in topics]
    figure = go.Figure()
    for t in TECHNIQUE_IDS:
        shown = [rates[g.key].raw[t] for g in topics]
        figure.add_trace(
            go.Bar(
                name=DISPLAY[t],
                x=[e.value for e in shown],
                y=labels,
                orientation="h",
                marker={"color": by_id(t).color, "line": EDGE},
                customdata=[
                    [drill(topic=g.key[0], technique=t), e.low, e.high]
                    for g, e in zip(topics, shown, strict=True)
                ],
                hovertemplate="%{y}<br>"
                + DISPLAY[t]
                + ": %{x:.2f} per 1,000 words"
                + CI
                + "<extra></extra>",
            )
        )
    figure.update_layout(barmode="stack")
    figure.update_yaxes(autorange="reversed", automargin=True)
    figure.update_xaxes(title="technique spans per 1,000 words")
    return figure_html(figure, max(bar_height(len(topics)), 20 * len(TECHNIQUE_IDS) + 80), BESIDE)


def topic_outlet_heatmap(cells: list[Group], rates: dict[tuple[str, ...], Rates]) -> Markup:
    """All techniques per 1,000 words of each outlet within each topic."""
    import plotly.graph_objects as go

    topics = list(dict.fromkeys(g.key[0] for g in cells))
    outlets = sorted({g.key[1] for g in cells})
    found = {g.key: rates[g.key] for g in cells}
    empty = Estimate(float("nan"), float("nan"), float("nan"))
    z, custom, marks = [], [], []
    for topic in topics:
        row = [found[(topic, o)].raw[ALL] if (topic, o) in found else empty for o in outlets]
        z.append([None if e is empty else e.value for e in row])
        counts = [found[(topic, o)].articles if (topic, o) in found else 0 for o in outlets]
        marks.append(["*" if 0 < n < MIN_ARTICLES else "" for n in counts])
        custom.append(
            [
                [drill(topic=topic, outlet=o), e.low, e.high, n]
                for o, e, n in zip(outlets, row, counts, strict=True)
            ]
        )
    figure = go.Figure(
        go.Heatmap(
            z=z,
            x=outlets,
            y=topics,
            colorscale=HEAT,
            zmin=0,  # a rate near the lowest is not near zero
            text=marks,
            texttemplate="%{text}",
            customdata=custom,
            hoverongaps=False,
            colorbar={"title": {"text": "per 1,000 words", "side": "right"}, "thickness": 12},
            hovertemplate="%{y}<br>%{x}: %{z:.2f} per 1,000 words"
            + CI
            + ", %{customdata[3]} articles %{text}<extra></extra>",
        )
    )
    figure.update_yaxes(autorange="reversed", automargin=True)
    figure.update_xaxes(tickangle=-40, automargin=True)
    return figure_html(figure, 260 + 26 * max(len(topics), 3))

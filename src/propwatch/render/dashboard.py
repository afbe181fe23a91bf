"""The corpus dashboard: one HTML page of Plotly charts, tables and a drill-down to the articles.

Written as a file, it inlines Plotly's script (once, in the head) and opens offline; each article
links to its report written beside it (`static_links`). Served by `propwatch serve`, it loads
Plotly from `/corpus/plotly.js` and links to `/corpus/articles/{id}` (`served_links`). User-given
strings (outlets, titles, topics) reach the page through the template `templates/dashboard.html`,
which escapes them (`render.templating`). A corpus in more than one language gets a table and a
chart by language too (languages by their English names: the store keeps the codes).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
from dataclasses import dataclass, replace
from importlib.resources import files

from markupsafe import Markup

from propwatch.language import language_name
from propwatch.render import charts, ratio_text
from propwatch.render.templating import render_template
from propwatch.statistics.correction import ALL, Accuracy
from propwatch.statistics.drill import article_index
from propwatch.statistics.estimates import Comparison, Rates, against_rest
from propwatch.statistics.intervals import MIN_ARTICLES, REPLICATES, Estimate
from propwatch.statistics.stats import DISPLAY, NO_LANGUAGE, TECHNIQUE_IDS, Group
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


# What the dashboard can group its rate charts and first table by: (the grouping's name in
# CorpusStats.rates, the table's title)
GROUPINGS = {"outlet": "Outlets", "month": "Months", "topic": "Topics", "language": "Languages"}


def render_dashboard(store: Store, stats: CorpusStats, links: Links, by: str = "outlet") -> str:
    """The dashboard of the counted analyses' statistics, as a whole HTML page; its rate charts
    and first table compare the groups of `by` (a key of GROUPINGS)."""
    context = {
        "stats": stats,
        "by": by,
        "languages": _languages(stats),
        "figures": _figures(stats, by),
        "group_tables": _group_tables(stats, by),
        "technique_rows": _technique_rows(stats),
        "articles": sum(g.articles for g in stats.outlets),
        "today": dt.date.today().isoformat(),
        "replicates": REPLICATES,
        "min_articles": MIN_ARTICLES,
        "ratio_text": ratio_text,
        "css": Markup(_asset("dashboard.css") + _swatches()),
        "plotly_src": links.plotly_src,
        "plotly": Markup(plotly_script()) if links.plotly_src is None else None,
        "script": Markup(_asset("dashboard.js")),
        "index": _index(store, stats),
        "config": {"report": links.report, "names": DISPLAY, "themes": charts.THEMES},
    }
    # The policy holds the hashes of the page's inline scripts, which the page without it shows.
    page = render_template("propwatch.render", "dashboard.html", csp=None, **context)
    return render_template("propwatch.render", "dashboard.html", csp=policy(page), **context)


def _languages(stats: CorpusStats) -> int:
    """How many languages the corpus holds (those of texts too short to tell left out)."""
    return sum(g.key != (NO_LANGUAGE,) for g in stats.languages)


def _language_label(code: str) -> str:
    return code if code == NO_LANGUAGE else language_name(code)


def _index(store: Store, stats: CorpusStats) -> list[list[object]]:
    """The drill-down's articles, each with its language's name last (as the groups show it)."""
    languages = stats.table.keys["language"]
    index = article_index(store, stats.counted, stats.table)
    return [[*row, _language_label(key[0])] for row, key in zip(index, languages, strict=True)]


def _figures(stats: CorpusStats, by: str) -> dict[str, Markup | None]:
    """The Plotly charts, each by its name in the template; `trend` is None without dates,
    `languages` without a second language or when the main charts are by language."""
    groups, rates = _grouped(stats, by)
    figures = {
        "rates": charts.rate_bars(groups, rates, by),
        "shares": charts.share_bars(groups, rates, by),
        "heatmap": charts.technique_heatmap(groups, rates, by),
        "trend": charts.trend(
            stats.months, stats.rates["month"], stats.outlet_months, stats.outlets
        ),
        "techniques": charts.technique_bars(
            stats.overall, {t.technique_id: t.spans for t in stats.techniques}
        ),
        "topics": None,
        "topic_outlets": None,
        "languages": None,
    }
    if by != "language" and _languages(stats) > 1:
        figures["languages"] = charts.rate_bars(*_grouped(stats, "language"), "language")
    if stats.topics:
        topics = _groups(stats, "topic")
        figures["topics"] = charts.topic_stacks(topics, stats.rates["topic"])
        figures["topic_outlets"] = charts.topic_outlet_heatmap(
            stats.topic_outlets, stats.rates["topic_outlet"]
        )
    return figures


def _groups(stats: CorpusStats, by: str) -> list[Group]:
    """The groups of `by`: months in time order, outlets, topics and languages from the highest
    rate."""
    if by == "month":
        return stats.months
    found = {"outlet": stats.outlets, "topic": stats.topics, "language": stats.languages}[by]
    return sorted(found, key=lambda g: -g.spans_per_1000_words)


def _grouped(stats: CorpusStats, by: str) -> tuple[list[Group], dict[tuple[str, ...], Rates]]:
    """The groups of `by` and their rates, each language under its name."""
    groups, rates = _groups(stats, by), stats.rates[by]
    if by != "language":
        return groups, rates
    named = [replace(g, key=(_language_label(g.key[0]),)) for g in groups]
    return named, {n.key: rates[g.key] for n, g in zip(named, groups, strict=True)}


@dataclass(frozen=True)
class _GroupRow:
    """A group's row in its table: each cell's value, formatted by the template."""

    name: str
    drill: str  # the filter of its articles, as JSON
    few: bool
    articles: int
    raw: Estimate
    corrected: Estimate | None
    share: Estimate
    against: Comparison | None  # its rate against the rest's
    top: str  # its top techniques' names


@dataclass(frozen=True)
class _GroupTable:
    title: str
    field: str  # the first column's heading
    rows: list[_GroupRow]


def _group_tables(stats: CorpusStats, by: str) -> list[_GroupTable]:
    """The table of `by` first, then those of the outlets, the topics and the languages when
    they are not it (topics when found, languages when there are two or more)."""
    shown = [by, *(g for g in ("outlet", "topic", "language") if g != by)]
    wanted = {"outlet": True, "month": True, "topic": bool(stats.topics)}
    wanted["language"] = by == "language" or _languages(stats) > 1
    return [_group_table(stats, g) for g in shown if wanted[g]]


def _group_table(stats: CorpusStats, field: str) -> _GroupTable:
    against = {c.a: c for c in against_rest(stats.table, field)}
    named, rates = _grouped(stats, field)
    rows = []
    for g, stored in zip(named, _groups(stats, field), strict=True):  # stored: the store's key
        r, name = rates[g.key], g.key[0]
        rows.append(
            _GroupRow(
                name=name,
                drill=charts.drill(**{field: name}),
                few=r.few,
                articles=g.articles,
                raw=r.raw[ALL],
                corrected=r.corrected.get(ALL),
                share=r.sentence_share,
                against=against.get(stored.key[0]),
                top=", ".join(DISPLAY[t] for t in g.top_techniques()),
            )
        )
    return _GroupTable(GROUPINGS[field], field, rows)


@dataclass(frozen=True)
class _TechniqueRow:
    technique: str
    name: str
    drill: str
    spans: int
    raw: Estimate
    corrected: Estimate | None
    accuracy: Accuracy | None  # the model's out-of-fold precision and recall, when known


def _technique_rows(stats: CorpusStats) -> list[_TechniqueRow]:
    """The techniques' rows, most spans first."""
    ranked = sorted(stats.techniques, key=lambda total: -total.spans)
    return [_technique_row(stats, total.technique_id, total.spans) for total in ranked]


def _technique_row(stats: CorpusStats, technique: str, spans: int) -> _TechniqueRow:
    return _TechniqueRow(
        technique=technique,
        name=DISPLAY[technique],
        drill=charts.drill(technique=technique),
        spans=spans,
        raw=stats.overall.raw[technique],
        corrected=stats.overall.corrected.get(technique),
        accuracy=stats.error.accuracy.get(technique) if stats.error else None,
    )


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


def _swatches() -> str:
    from propwatch.techniques import by_id

    return "".join(f".t-{t}{{background:{by_id(t).color}}}" for t in TECHNIQUE_IDS)

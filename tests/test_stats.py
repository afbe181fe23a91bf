"""Corpus statistics over a store of known analyses: rates, shares, top techniques, months, every
output format, the same answers on PostgreSQL (slow), and the dashboard in Chromium (slow).

Intervals and corrected rates have their own tests in test_estimates.py; topics and the
drill-down in Chromium are in this file."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from conftest import ARTIFACTS
from propwatch.cli import app
from propwatch.errors import PropwatchError
from propwatch.render.dashboard import render_dashboard, served_links, static_links
from propwatch.statistics.summary import corpus_stats, stats_table
from propwatch.store import Store, open_store
from propwatch.store.models import AnalysisRow, ArticleRow, ArticleTopicRow, SpanRow, TopicRow
from test_store import postgres_server, postgres_url  # noqa: F401  (fixtures)

MODEL, OLD_MODEL = "model-b", "model-a"
EVIL = "</script><script>window.pwned = 1</script>"
# outlet, published, words, sentences, propagandistic sentences, technique of each span
ARTICLES = [
    ("Daily", dt.date(2024, 1, 10), 1000, 10, 3, ["loaded_language"] * 3 + ["name_calling"]),
    ("Daily", dt.date(2024, 2, 3), 500, 5, 1, ["loaded_language"]),
    ("Weekly", None, 2000, 20, 0, ["doubt", "doubt"]),
    (None, dt.date(2024, 1, 20), 1000, 10, 2, ["flag_waving", "flag_waving"]),
    (EVIL, dt.date(2024, 2, 1), 100, 2, 1, ["slogans"]),
]
LANGUAGES = ["en", "en", "fr", "de", None]  # of each article, as stored
# two themes, so that the articles fall into two topics
TEXTS = [
    "The striker scored a late goal and the league title race is open again for the club.",
    "Parliament passed the budget vote after the minister defended taxes and the election pledge.",
    "The club signed a striker before the league match; the goal came in the second half.",
    "The election campaign turned on taxes, the budget and the minister's vote in parliament.",
    "A league goal for the club's striker settled the match.",
]


def stats_rows(store: Store, by: str, model: str | None = None) -> tuple[str, list[dict]]:
    table = stats_table(store, by, [model] if model else [])
    return table.model, table.rows


def analysis(model: str, words: int, sentences: int, propaganda: int, spans: list[str]):
    summary = {"words": words, "spans": len(spans), "sentences": sentences,
               "propaganda_sentences": propaganda, "spans_per_1000_words": 0.0,
               "by_technique": {}, "by_voice": {}, "by_source": {}}  # fmt: skip
    details = {"model": model, "min_confidence": 0.0, "title": None, "url": None,
               "sections": [], "sentences": [], "attributions": [], "summary": summary}  # fmt: skip
    return AnalysisRow(
        model=model,
        schema_version="1.1",
        words=words,
        sentences=sentences,
        propaganda_sentences=propaganda,
        span_count=len(spans),
        spans_per_1000_words=0.0,
        details=details,
        spans=[
            SpanRow(start=i, end=i + 1, text="x", technique=t, technique_id=t, confidence=0.9)
            for i, t in enumerate(spans)
        ],
    )


def fill(store: Store) -> None:
    with store.session() as session, session.begin():
        for number, (outlet, published, words, sentences, propaganda, spans) in enumerate(ARTICLES):
            article = ArticleRow(content_hash=f"{number:064d}", record_id=str(number),
                              location=f"in.jsonl:{number}", outlet=outlet, published=published,
                              text=TEXTS[number], words=words,
                              language=LANGUAGES[number])  # fmt: skip
            # an older model's analysis of the same article, which must not be counted
            article.analyses.append(analysis(OLD_MODEL, words, sentences, 0, ["repetition"] * 9))
            session.add(article)
            session.flush()
            article.analyses.append(analysis(MODEL, words, sentences, propaganda, spans))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'stats.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    opened = open_store(url)
    fill(opened)
    yield opened
    opened.close()


def test_outlet_rates_pool_the_words_of_the_latest_model(store: Store):
    model, rows = stats_rows(store, "outlet")
    assert model == MODEL
    daily = next(row for row in rows if row["outlet"] == "Daily")
    assert (daily["articles"], daily["words"], daily["spans"]) == (2, 1500, 5)
    assert daily["spans_per_1000_words"] == pytest.approx(3.333, abs=1e-3)
    assert daily["propaganda_sentence_share"] == pytest.approx(4 / 15, abs=1e-4)
    assert daily["top_techniques"] == "loaded_language, name_calling"
    assert daily["loaded_language_per_1000_words"] == pytest.approx(2.667, abs=1e-3)
    assert daily["doubt_per_1000_words"] == 0.0
    weekly = next(row for row in rows if row["outlet"] == "Weekly")
    assert (weekly["spans_per_1000_words"], weekly["propaganda_sentence_share"]) == (1.0, 0.0)
    assert [row["outlet"] for row in rows] == [EVIL, "Daily", "Weekly", "(no outlet)"]


def test_months_are_chronological_with_undated_articles_last(store: Store):
    _, rows = stats_rows(store, "month")
    assert [row["month"] for row in rows] == ["2024-01", "2024-02", "(no date)"]
    january = next(row for row in rows if row["month"] == "2024-01")
    assert (january["articles"], january["words"], january["spans"]) == (2, 2000, 6)
    assert january["spans_per_1000_words"] == 3.0


def test_techniques_are_ranked_with_their_reach(store: Store):
    _, rows = stats_rows(store, "technique")
    assert len(rows) == 14 and rows[0]["technique"] == "loaded_language"
    top = rows[0]
    assert (top["spans"], top["articles"], top["name"]) == (4, 2, "Loaded language")
    assert top["spans_per_1000_words"] == pytest.approx(4 / 4600 * 1000, abs=1e-3)
    assert top["article_share"] == 0.4 and top["span_share"] == 0.4
    assert next(r for r in rows if r["technique"] == "repetition")["spans"] == 0  # old model


def test_another_model_can_be_chosen_and_an_unknown_one_is_refused(store: Store):
    model, rows = stats_rows(store, "outlet", model=OLD_MODEL)
    assert model == OLD_MODEL and {row["top_techniques"] for row in rows} == {"repetition"}
    with pytest.raises(PropwatchError, match=r"no analyses by model 'nope'.*latest model is"):
        stats_rows(store, "outlet", model="nope")


def test_an_empty_store_says_to_run_a_batch_first(tmp_path: Path):
    empty = open_store(str(tmp_path / "empty.db"))
    with pytest.raises(PropwatchError, match="no analyses yet; run `propwatch batch` first"):
        stats_rows(empty, "outlet")
    empty.close()


# --- the command: every format ------------------------------------------------------------------


def test_language_rates_pool_each_languages_articles(store: Store):
    _, rows = stats_rows(store, "language")
    assert [row["language"] for row in rows] == ["de", "en", "fr", "(no language)"]
    english = rows[1]
    assert (english["articles"], english["words"], english["spans"]) == (2, 1500, 5)
    assert english["spans_per_1000_words"] == pytest.approx(3.333, abs=1e-3)
    assert rows[2]["top_techniques"] == "doubt"


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = str(tmp_path / "stats.db")
    fill(store := open_store(url))
    store.close()
    return url


def invoke(*args: str):
    return CliRunner().invoke(app, ["stats", *args])


def test_csv_goes_to_stdout_with_a_column_per_technique_rate(db: str):
    result = invoke("--db", db, "--format", "csv", "--by", "outlet")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 4 and len(rows[0]) == 13 + 6 * 14
    assert next(r for r in rows if r["outlet"] == "Daily")["spans"] == "5"


def test_the_out_extension_names_the_format(db: str, tmp_path: Path):
    out = tmp_path / "by-outlet.csv"
    result = invoke("--db", db, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert len(list(csv.DictReader(out.open(encoding="utf-8")))) == 4
    table = invoke("--db", db, "--format", "table", "--out", str(out))
    assert "--out needs --format csv, parquet or html" in str(table.exception)


def test_parquet_round_trips_the_rows_and_names_the_model(db: str, tmp_path: Path):
    import pyarrow.parquet as pq

    out = tmp_path / "by-month.parquet"
    assert (
        invoke("--db", db, "--format", "parquet", "--by", "month", "--out", str(out)).exit_code == 0
    )
    table = pq.read_table(out)
    assert table.schema.metadata[b"propwatch_model"] == MODEL.encode()
    store = open_store(db)
    assert table.to_pylist() == stats_rows(store, "month")[1]
    store.close()


def test_the_table_names_the_outlets_and_the_model(db: str):
    result = invoke("--db", db, "--by", "outlet")
    assert result.exit_code == 0, result.output
    assert "(model model-b)" in result.stdout
    assert all(outlet in result.stdout for outlet in ("Daily", "Weekly", "</script>"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "parquet"], "--format parquet writes a file; add --out FILE"),
        (["--format", "xlsx"], "unknown format 'xlsx'"),
        (["--by", "weekday"], "cannot group by 'weekday'"),
    ],
)
def test_bad_options_are_one_line_errors(db: str, args: list[str], message: str):
    result = invoke("--db", db, *args)
    assert isinstance(result.exception, PropwatchError) and message in str(result.exception)


# --- intervals, comparisons, corrections, topics and drill-down from the command ---------------


def test_rates_come_with_intervals_and_a_too_few_articles_flag(store: Store):
    _, rows = stats_rows(store, "outlet")
    daily = next(row for row in rows if row["outlet"] == "Daily")
    # two articles at 4.0 and 2.0 per 1,000 words: the interval runs from one to the other
    assert (daily["spans_per_1000_words_low"], daily["spans_per_1000_words_high"]) == (2.0, 4.0)
    assert daily["too_few_articles"] is True
    assert daily["corrected_per_1000_words"] is None  # model-b has no error table


def test_the_comparison_gives_a_ratio_with_its_interval(db: str):
    result = invoke("--db", db, "--compare", "Daily", "--compare", "Weekly")
    assert result.exit_code == 0, result.output
    line = " ".join(result.stdout.split())
    assert "Daily vs Weekly (all techniques): 3.33 vs 1.00 per 1,000 words" in line
    # Weekly is one article: every replicate is 1.0, Daily's run 2.0 to 4.0
    assert "ratio 3.33 (95% CI 2.00–4.00)" in line and "too few to conclude" in line


def test_comparing_an_unknown_group_names_the_known_ones(db: str):
    result = invoke("--db", db, "--compare", "Daily", "--compare", "Nope")
    assert isinstance(result.exception, PropwatchError)
    assert "no outlet 'Nope' in the store; there are: " in str(result.exception)


def test_topics_are_stored_and_grouped(db: str):
    result = invoke("--db", db, "--by", "topic", "--topics", "2", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 2 and sum(int(r["articles"]) for r in rows) == 5
    store = open_store(db)
    with store.session() as session:
        topics = dict(
            session.execute(
                select(ArticleRow.record_id, TopicRow.label)
                .join(ArticleTopicRow, ArticleTopicRow.article_id == ArticleRow.id)
                .join(TopicRow)
            ).all()
        )
    store.close()
    football, politics = {topics[n] for n in "024"}, {topics[n] for n in "13"}
    assert len(football) == 1 and len(politics) == 1 and football != politics
    assert any(word in football.pop() for word in ("league", "striker", "club", "goal"))
    result = invoke("--db", db, "--by", "topic_outlet", "--format", "csv")
    assert {r["outlet"] for r in csv.DictReader(io.StringIO(result.stdout))} >= {"Daily"}


def test_drill_down_lists_the_articles_of_an_outlet_and_technique(db: str):
    result = invoke("--db", db, "--outlet", "Daily", "--technique", "loaded_language", "-f", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["id"], r["technique_spans"]) for r in rows] == [("0", "3"), ("1", "1")]
    nothing = invoke("--db", db, "--outlet", "Weekly", "--technique", "slogans")
    assert "no article of outlet Weekly, technique Slogans" in str(nothing.exception)


# --- the dashboard --------------------------------------------------------------------------


def test_the_dashboard_is_one_file_with_plotly_once_and_writes_the_reports(db: str, tmp_path: Path):
    out = tmp_path / "dashboard.html"
    result = invoke("--db", db, "--format", "html", "--out", str(out))
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    # 5 corpus charts, 2 topic charts, 1 by language (the store holds de, en and fr)
    assert page.count('class="plotly-graph-div"') == 8
    assert page.count("* plotly.js") == 1  # Plotly's script, once: the cartesian bundle
    assert len(page) < 2_000_000  # the full bundle alone is 4.8 MB
    assert "<script src" not in page and "<link" not in page  # the JS is inlined
    assert EVIL not in page  # the outlet name is escaped everywhere
    assert sorted(p.name for p in (tmp_path / "dashboard-reports").iterdir()) == [
        f"{n}.html" for n in range(1, 6)
    ]


def test_served_the_dashboard_loads_plotly_by_url(db: str):
    store = open_store(db)
    page = render_dashboard(store, corpus_stats(store), served_links())
    store.close()
    assert "<script src='/corpus/plotly.js'></script>" in page and "* plotly.js" not in page
    assert len(page) < 200_000


def _open(browser, url: str, width: int):
    problems: list[str] = []
    requests: list[str] = []
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.on("request", lambda request: requests.append(request.url))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(url)
    # every chart drawn (a locator: wait_for_function would eval, which the page's CSP forbids)
    page.locator(".plotly-graph-div .main-svg").nth(6).wait_for()
    return page, problems, requests


@pytest.mark.slow
def test_the_dashboard_draws_its_charts_offline_in_chromium(db: str, tmp_path: Path, browser):
    out = tmp_path / "dashboard.html"
    store = open_store(db)
    out.write_text(render_dashboard(store, corpus_stats(store), static_links(None)), "utf-8")
    store.close()
    page, problems, requests = _open(browser, out.as_uri(), 1200)
    bars = page.locator(".plotly-graph-div").first.locator("g.point").count()
    ticks = page.locator(".plotly-graph-div").first.locator(".ytick text").all_text_contents()
    heat = page.locator(".plotly-graph-div").nth(2).locator("image, .hm").count()
    pwned = page.evaluate("window.pwned === undefined")
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
    page.close()
    assert problems == []
    assert [url for url in requests if not url.startswith("file:")] == []
    assert bars == 4 and {t.rstrip(" *") for t in ticks} == {"Daily", "Weekly", "(no outlet)", EVIL}
    assert heat >= 1 and pwned


@pytest.mark.slow
def test_the_dashboard_fits_a_phone(db: str, tmp_path: Path, browser):
    out = tmp_path / "dashboard.html"
    store = open_store(db)
    out.write_text(render_dashboard(store, corpus_stats(store), static_links(None)), "utf-8")
    store.close()
    page, problems, _ = _open(browser, out.as_uri(), 390)
    width = page.evaluate("document.documentElement.scrollWidth")
    # every chart outside a sideways-scrolling box is drawn within the screen
    overflow = page.evaluate(
        "[...document.querySelectorAll('.plotly-graph-div')].filter(d => !d.closest('.wide'))"
        ".map(d => d.getBoundingClientRect().right).filter(r => r > 391).length"
    )
    page.screenshot(path=str(ARTIFACTS / "dashboard-390.png"), full_page=True)
    page.close()
    assert problems == [] and width <= 390 and overflow == 0


@pytest.mark.slow
def test_drill_down_from_a_bar_and_a_name_to_the_article_report(db: str, tmp_path: Path, browser):
    out = tmp_path / "dashboard.html"
    assert invoke("--db", db, "--format", "html", "--out", str(out)).exit_code == 0
    page, problems, _ = _open(browser, out.as_uri(), 1200)
    # a click on the technique chart's first bar (loaded language) lists its two articles
    point = page.locator(".plotly-graph-div").nth(4).locator("g.point path").first
    point.scroll_into_view_if_needed()
    bar = point.bounding_box()
    assert bar is not None
    # Plotly's drag layer lies over the bars and takes the click, as it does for a person; a
    # click reports the point hovered last, so the pointer rests on the bar first
    x, y = bar["x"] + bar["width"] / 2, bar["y"] + bar["height"] / 2
    page.mouse.move(x - 2, y)
    page.mouse.move(x, y)
    page.wait_for_selector(".hoverlayer .hovertext")
    page.mouse.click(x, y)
    page.wait_for_selector("#drill[open]")
    heading = page.locator("#drill h2").text_content()
    links = page.locator("#drill li a").all_text_contents()
    page.locator("#drill .close").click()
    # a click on an outlet's name lists its articles; the first link opens its report
    page.locator("button.drill", has_text="Daily").click()
    daily = page.locator("#drill li").count()
    page.locator("#drill li a").first.click()
    page.wait_for_load_state()
    report_title = page.title()
    page.close()
    assert problems == []
    assert heading == "Articles: technique Loaded language" and len(links) == 2
    assert daily == 2 and report_title.endswith("propwatch report")


def _dashboard(db: str, tmp_path: Path, *args: str) -> Path:
    out = tmp_path / "dashboard.html"
    result = invoke("--db", db, "--format", "html", "--out", str(out), "--no-reports", *args)
    assert result.exit_code == 0, result.output
    return out


def test_the_heatmaps_colour_scale_starts_at_zero(db: str, tmp_path: Path):
    page = _dashboard(db, tmp_path).read_text(encoding="utf-8")
    assert page.count('"zmin":0') == 2  # both heatmaps: by outlet, outlets within topics


def test_the_dashboard_compares_the_groups_of_by(db: str, tmp_path: Path):
    page = _dashboard(db, tmp_path, "--by", "month").read_text(encoding="utf-8")
    titles = re.findall(r"<h2>([^<]+)</h2>", page)
    assert titles[:3] == [
        "Techniques per 1,000 words, by month",
        "Share of propagandistic sentences, by month",
        "Each technique per 1,000 words, by month",
    ]
    assert titles.index("Months") < titles.index("Techniques") < titles.index("Outlets")
    technique = invoke("--db", db, "--format", "html", "--out", str(tmp_path / "t.html"),
                       "--by", "technique")  # fmt: skip
    assert "the dashboard compares outlets, months, topics or languages" in str(technique.exception)


def test_groups_of_too_few_articles_are_marked_in_every_chart(db: str, tmp_path: Path):
    page = _dashboard(db, tmp_path).read_text(encoding="utf-8")  # every group is under 10
    assert '"name":"Daily *"' in page  # the trend's outlet lines
    assert '"symbol":["circle-open","circle-open"]' in page  # its months
    assert '"text":[["*"' in page  # the cells of outlets within topics


def _theme_of(browser, url: str, scheme: str, name: str) -> tuple[str, str]:
    page = browser.new_page(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    page.goto(url)
    page.locator(".plotly-graph-div .main-svg").nth(6).wait_for()
    body = page.evaluate("getComputedStyle(document.body).backgroundColor")
    chart = page.locator(".plotly-graph-div .main-svg").first.get_attribute("style") or ""
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)
    page.close()
    return body, chart


@pytest.mark.slow
def test_the_dashboard_follows_the_systems_dark_mode(db: str, tmp_path: Path, browser):
    url = _dashboard(db, tmp_path).as_uri()
    light = _theme_of(browser, url, "light", "dashboard-light.png")
    dark = _theme_of(browser, url, "dark", "dashboard-dark.png")
    assert light == ("rgb(255, 255, 255)", light[1]) and "rgb(255, 255, 255)" in light[1]
    assert dark[0] == "rgb(22, 25, 29)" and "rgb(22, 25, 29)" in dark[1]


@pytest.mark.slow
def test_on_a_phone_tables_scroll_with_their_first_column_in_view(db: str, tmp_path: Path, browser):
    page, problems, _ = _open(browser, _dashboard(db, tmp_path).as_uri(), 390)
    tables = page.evaluate(
        """[...document.querySelectorAll('.scroll > table')].map(table => {
             const box = table.parentElement;
             box.scrollLeft = box.scrollWidth;
             const last = table.querySelector('th:last-child').getBoundingClientRect();
             const first = table.querySelector('td:first-child').getBoundingClientRect();
             return [box.scrollWidth > box.clientWidth, last.right, first.left];
           })"""
    )
    page.close()
    assert problems == [] and len(tables) >= 2
    for overflows, last_right, first_left in tables:
        # wider than the phone, scrolled to its end: the last column shows, the first stays
        assert overflows and last_right <= 390 and first_left >= 0


@pytest.mark.slow
def test_on_a_phone_no_legend_covers_its_chart(db: str, tmp_path: Path, browser):
    page, problems, _ = _open(browser, _dashboard(db, tmp_path).as_uri(), 390)
    overlaps = page.evaluate(
        """[...document.querySelectorAll('.plotly-graph-div')].filter(chart => {
             const legend = chart.querySelector('.legend'), plot = chart.querySelector('.nsewdrag');
             if (!legend || !plot) return false;
             const a = legend.getBoundingClientRect(), b = plot.getBoundingClientRect();
             return a.bottom > b.top + 1 && a.top < b.bottom
               && a.right > b.left && a.left < b.right;
           }).map(chart => chart.closest('section').querySelector('h2').textContent)"""
    )
    page.close()
    assert problems == [] and overlaps == []


@pytest.mark.slow
def test_a_heatmap_cell_and_close_keep_the_readers_place(db: str, tmp_path: Path, browser):
    page, problems, _ = _open(browser, _dashboard(db, tmp_path).as_uri(), 1200)
    cells = page.locator(".plotly-graph-div").nth(2).locator(".nsewdrag")
    cells.scroll_into_view_if_needed()
    box = cells.bounding_box()
    assert box is not None
    x, y = box["x"] + 5, box["y"] + 5  # the top left cell: the first outlet, the first technique
    before = page.evaluate("window.scrollY")
    page.mouse.move(x - 2, y)
    page.mouse.move(x, y)
    page.wait_for_selector(".hoverlayer .hovertext")
    page.mouse.click(x, y)
    page.wait_for_selector("#drill[open]")
    opened = page.evaluate("window.scrollY")
    heading = page.locator("#drill h2").text_content()
    page.locator("#drill .close").click()
    closed = page.evaluate("[window.scrollY, document.querySelector('#drill').open]")
    page.close()
    assert problems == []
    assert heading is not None and heading.startswith("Articles: outlet")
    assert before == opened == closed[0] > 0 and closed[1] is False


# --- served by `propwatch serve` ----------------------------------------------------------------


def test_serve_answers_the_dashboard_the_script_and_each_report(db: str):
    from types import SimpleNamespace

    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from propwatch.web import reports
    from propwatch.web.settings import Settings

    app = FastAPI()
    app.include_router(reports.router)
    store = open_store(db)
    # what the routes use of the running app
    app.state.web = SimpleNamespace(store=store, settings=Settings())
    client = TestClient(app)
    dashboard = client.get("/corpus")
    script = client.get("/corpus/plotly.js")
    report = client.get("/corpus/articles/1")
    missing = client.get("/corpus/articles/999")
    store.close()
    assert dashboard.status_code == 200 and "/corpus/articles/{id}" in dashboard.text
    assert "script-src 'self'" in dashboard.headers["content-security-policy"]
    assert script.status_code == 200 and "* plotly.js" in script.text[:200]
    assert report.status_code == 200 and "propwatch report" in report.text
    assert missing.status_code == 404


def test_the_cartesian_bundle_is_the_version_plotly_writes_figures_for():
    from plotly.offline import get_plotlyjs_version

    from propwatch.render.dashboard import PLOTLY_VERSION, plotly_script

    script = plotly_script()
    assert f"v{get_plotlyjs_version()}" in script[:200]
    # a newer Python plotly falls back to its own full bundle instead of a mismatched one
    assert ("cartesian" in script[:200]) == (get_plotlyjs_version() == PLOTLY_VERSION)


def test_topics_are_made_again_for_new_articles_or_another_number(db: str):
    from propwatch.statistics.topics import cluster, needs_clustering, topic_count

    store = open_store(db)
    cluster(store, 2)
    assert not needs_clustering(store, None) and not needs_clustering(store, 2)
    assert needs_clustering(store, 3)  # another number of topics asked for
    with store.session() as session, session.begin():
        session.add(
            ArticleRow(
                content_hash="f" * 64, record_id="new", location="new", text=TEXTS[1], words=9
            )
        )
    assert needs_clustering(store, None)  # an article without a topic came in
    cluster(store, 3)
    assert topic_count(store) == 3 and not needs_clustering(store, None)
    store.close()


def test_the_table_by_language_and_a_comparison_of_two(db: str):
    result = invoke("--db", db, "--by", "language")
    assert result.exit_code == 0, result.output
    assert "propwatch statistics by language" in result.output
    assert "(no language)" in result.output
    compared = invoke("--db", db, "--by", "language", "--compare", "en", "--compare", "fr")
    assert compared.exit_code == 0, compared.output
    assert compared.output.strip()

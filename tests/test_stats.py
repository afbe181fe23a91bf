"""Corpus statistics over a store of known analyses: rates, shares, top techniques, months, every
output format, the same answers on PostgreSQL (slow), and the dashboard in Chromium (slow)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import ARTIFACTS
from propwatch.cli import app
from propwatch.errors import PropwatchError
from propwatch.render.dashboard import render_dashboard
from propwatch.store import Store, open_store
from propwatch.store.models import AnalysisRow, ArticleRow, SpanRow
from propwatch.store.stats import corpus_stats, stats_rows
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


def analysis(model: str, words: int, sentences: int, propaganda: int, spans: list[str]):
    return AnalysisRow(
        model=model,
        schema_version="1.1",
        words=words,
        sentences=sentences,
        propaganda_sentences=propaganda,
        span_count=len(spans),
        spans_per_1000_words=0.0,
        details={},
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
                              text="x", words=words)  # fmt: skip
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
    assert len(rows) == 4 and len(rows[0]) == 7 + 14
    assert next(r for r in rows if r["outlet"] == "Daily")["spans"] == "5"


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


# --- the dashboard --------------------------------------------------------------------------


def test_the_dashboard_is_one_file_that_needs_no_network(db: str, tmp_path: Path):
    out = tmp_path / "dashboard.html"
    assert invoke("--db", db, "--format", "html", "--out", str(out)).exit_code == 0
    page = out.read_text(encoding="utf-8")
    assert page.count('class="plotly-graph-div"') == 5
    assert "<script src" not in page and "<link" not in page  # the JS is inlined
    assert len(page) > 3_000_000  # plotly.js itself
    assert EVIL not in page  # the outlet name is escaped everywhere


@pytest.mark.slow
def test_the_dashboard_draws_its_charts_offline_in_chromium(db: str, tmp_path: Path, browser):
    out = tmp_path / "dashboard.html"
    store = open_store(db)
    out.write_text(render_dashboard(corpus_stats(store)), encoding="utf-8")
    store.close()
    requests: list[str] = []
    problems: list[str] = []
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.on("request", lambda request: requests.append(request.url))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(out.as_uri())
    page.wait_for_function("document.querySelectorAll('.plotly-graph-div .main-svg').length >= 5")
    bars = page.locator(".plotly-graph-div").first.locator("g.point").count()
    ticks = page.locator(".plotly-graph-div").first.locator(".ytick text").all_text_contents()
    heat = page.locator(".plotly-graph-div").nth(2).locator("image, .hm").count()
    pwned = page.evaluate("window.pwned === undefined")
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
    page.close()
    assert problems == []
    assert [url for url in requests if not url.startswith("file:")] == []
    assert bars == 4 and set(ticks) == {"Daily", "Weekly", "(no outlet)", EVIL}
    assert heat >= 1 and pwned

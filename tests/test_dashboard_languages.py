"""The dashboard of a corpus in several languages: a table and a chart by language, languages by
their names, `--by language`, and a drill-down to one language's articles (in Chromium, slow);
a corpus in one language shows none of it. Topics of articles in other languages than English
are named by words, not by that language's stop words."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from propwatch.cli import app
from propwatch.render.dashboard import render_dashboard, static_links
from propwatch.statistics.summary import corpus_stats
from propwatch.statistics.topics import cluster, stop_words
from propwatch.store import Store, open_store
from propwatch.store.models import ArticleRow, TopicRow
from test_stats import analysis

# language, words, spans' techniques (one outlet, so that only the languages differ)
ARTICLES = [
    ("en", 1000, ["loaded_language"] * 2),
    ("en", 500, ["doubt"]),
    ("de", 800, ["name_calling"] * 4),
    ("de", 400, ["loaded_language"]),
    ("ru", 600, ["flag_waving"] * 3),
    (None, 20, []),  # too short to tell
]
runner = CliRunner()


def fill(store: Store, languages: list[str | None]) -> None:
    with store.session() as session, session.begin():
        for number, ((_, words, spans), language) in enumerate(
            zip(ARTICLES, languages, strict=True)
        ):
            article = ArticleRow(
                content_hash=f"{number:064d}", record_id=str(number), location=f"in:{number}",
                outlet="Daily", title=f"Article {number}", text="x", words=words,
                language=language,
            )  # fmt: skip
            article.analyses.append(analysis("model-x", words, 10, 1, spans))
            session.add(article)


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'languages.db'}"
    store = open_store(url)
    fill(store, [language for language, _, _ in ARTICLES])
    store.close()
    return url


def dashboard(url: str) -> str:
    store = open_store(url)
    try:
        return render_dashboard(store, corpus_stats(store), static_links(None))
    finally:
        store.close()


def table(page: str, title: str) -> list[str]:
    """The names in the first column of the table headed `title`, in order."""
    section = page.split(f"<h2>{title}</h2>", 1)[1].split("</table>", 1)[0]
    return re.findall(r"<button[^>]*class=drill[^>]*>([^<]*)</button>", section)


def test_a_corpus_in_three_languages_has_a_table_and_a_chart_by_language(db: str):
    page = dashboard(db)
    assert "6 articles · 1 outlet · 3 languages · 3,320 words" in page
    # by rate: German 5 spans in 1,200 words, Russian 3 in 600, English 3 in 1,500
    assert table(page, "Languages") == ["Russian", "German", "English", "(no language)"]
    assert "<h2>Techniques per 1,000 words, by language</h2>" in page
    index = json.loads(page.split("id=articles>", 1)[1].split("</script>", 1)[0])
    assert [row[-1] for row in index] == [
        "English", "English", "German", "German", "Russian", "(no language)"
    ]  # fmt: skip


def test_a_corpus_in_one_language_shows_no_languages(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'english.db'}"
    store = open_store(url)
    fill(store, ["en"] * 5 + [None])
    store.close()
    page = dashboard(url)
    assert "<h2>Languages</h2>" not in page and "by language" not in page
    assert "languages ·" not in page


def test_the_dashboard_by_language(db: str, tmp_path: Path):
    out = tmp_path / "by-language.html"
    args = ["stats", "--db", db, "--by", "language", "-f", "html", "-o", str(out), "--no-reports"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "<h2>Techniques per 1,000 words, by language</h2>" in page
    # the languages' table comes first, and once: the charts are by language already
    assert page.index("<h2>Languages</h2>") < page.index("<h2>Outlets</h2>")
    assert page.count("<h2>Languages</h2>") == 1


@pytest.mark.slow
def test_a_click_on_a_language_lists_its_articles(db: str, tmp_path: Path, browser):
    out = tmp_path / "dashboard.html"
    out.write_text(dashboard(db), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(out.as_uri())
    page.locator("button.drill", has_text="German").click()
    page.wait_for_selector("#drill[open]")
    heading = page.locator("#drill h2").text_content()
    titles = page.locator("#drill li span").all_text_contents()
    page.close()
    assert problems == []
    assert heading == "Articles: language German"
    assert sorted(titles) == ["Article 2", "Article 3"]


GERMAN = [
    "Der Stürmer schoss das Tor, und die Mannschaft gewann das Spiel in der Liga.",
    "Die Regierung verlor die Wahl, und der Kanzler sprach im Parlament über die Steuern.",
    "Die Mannschaft spielte in der Liga, und der Stürmer schoss ein spätes Tor.",
    "Der Kanzler verteidigte im Parlament die Steuern, die Wahl war verloren.",
]


def test_topics_of_german_articles_are_named_by_words_not_stop_words(tmp_path: Path):
    assert {"und", "der", "the"} <= set(stop_words({"de", "en", None, "xx"}))
    store = open_store(f"sqlite:///{tmp_path / 'german.db'}")
    with store.session() as session, session.begin():
        for number, text in enumerate(GERMAN):
            article = ArticleRow(
                content_hash=f"{number:064d}", record_id=str(number), location=f"in:{number}",
                text=text, words=15, language="de",
            )  # fmt: skip
            article.analyses.append(analysis("model-x", 15, 1, 0, []))
            session.add(article)
    try:
        cluster(store, 2)
        with store.session() as session:
            terms = {term for row in session.scalars(select(TopicRow)) for term in row.terms}
    finally:
        store.close()
    assert terms and not terms & {"der", "die", "das", "und", "in", "im"}
    assert {"stürmer", "kanzler"} <= terms

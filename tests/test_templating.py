"""HTML through one engine: every template ships with the package, the web app's bar goes into
the report under its Content-Security-Policy, and what people type stays text."""

from __future__ import annotations

import base64
import hashlib
import re
import tomllib
from fnmatch import fnmatch
from pathlib import Path

from propwatch.render.dashboard import render_dashboard, static_links
from propwatch.render.html import CSP, render_html
from propwatch.render.templating import templates
from propwatch.statistics.summary import corpus_stats
from propwatch.store import open_store
from propwatch.store.models import ArticleRow
from propwatch.web.pages import held_page, kept_page
from test_render import hand_analysis, hostile_analysis
from test_stats import analysis

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "propwatch"
HOSTILE_KEY = "\"><script>window.__xss=1</script>'"


def template_files() -> list[Path]:
    return sorted(p for p in PACKAGE.glob("*/templates/*") if p.is_file())


def test_every_template_is_package_data_and_compiles():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    shipped = config["tool"]["setuptools"]["package-data"]["propwatch"]
    found = template_files()
    assert {p.parent.parent.name for p in found} >= {"render", "web"}
    for path in found:
        relative = path.relative_to(PACKAGE).as_posix()
        assert any(fnmatch(relative, pattern) for pattern in shipped), f"{relative} not shipped"
        if path.suffix == ".html":  # loads from the package, as an installed wheel would
            templates(f"propwatch.{path.parent.parent.name}").get_template(path.name)


def inline_script(page: str) -> str:
    (script,) = re.findall(r"<script>(.*?)</script>", page, re.S)
    return script


def test_the_bar_sits_after_the_skip_link_and_the_report_script_keeps_its_hash():
    analysis = hand_analysis()
    page = kept_page(analysis, "abc", "http://localhost/a/abc", 3, None)
    digest = base64.b64encode(hashlib.sha256(inline_script(page).encode()).digest()).decode()
    assert f"'sha256-{digest}'" in CSP
    body = page[page.index("<body>") :]
    assert re.match(r"<body><a class='skip'[^<]*</a>\s*<nav class=\"pw-bar\"", body)
    head = page[: page.index("</head>")]
    assert head.count("<style>") == 2 and ".pw-bar" in head  # the bar's CSS in the head


def test_a_hostile_key_stays_text_in_the_bar():
    permalink = f"http://localhost/a/{HOSTILE_KEY}"
    page = kept_page(hostile_analysis(), HOSTILE_KEY, permalink, None, None)
    assert HOSTILE_KEY not in page and "window.__xss=1</script>" not in page
    assert "&#34;&gt;&lt;script&gt;window.__xss=1&lt;/script&gt;&#39;" in page
    assert len(re.findall(r"<script>", page)) == 1  # the report's own, nothing injected


def test_a_report_not_kept_downloads_as_the_report_without_the_bar():
    analysis = hand_analysis()
    page = held_page(analysis, None)  # the shipped model
    (encoded,) = re.findall(r"data:text/html;base64,([A-Za-z0-9+/=]+)", page)
    assert base64.b64decode(encoded).decode() == render_html(analysis)
    assert "pw-bar" in page and "pw-bar" not in render_html(analysis)


def test_a_corpus_without_dates_says_so_instead_of_a_trend(tmp_path: Path):
    store = open_store(f"sqlite:///{tmp_path / 'undated.db'}")
    with store.session() as session, session.begin():
        for number in range(3):
            article = ArticleRow(content_hash=f"{number:064d}", record_id=str(number),
                                 location=f"in.jsonl:{number}", outlet="Daily", published=None,
                                 text=f"Article {number} text.", words=100)  # fmt: skip
            session.add(article)
            session.flush()
            article.analyses.append(analysis("model", 100, 5, 1, ["doubt"]))
    page = render_dashboard(store, corpus_stats(store), static_links(None))
    store.close()
    trend = re.search(r"<h2>Techniques per 1,000 words, by month</h2>(.*?)</section>", page, re.S)
    assert trend and "No article has a date: give dates in the input" in trend.group(1)
    assert "plotly-graph-div" not in trend.group(1)

"""Ingest: files, stdin, bytes and URLs (a local HTTP server on 127.0.0.1) -> the analysed text."""

from __future__ import annotations

import io
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from propwatch.errors import PropwatchError
from propwatch.ingest import Decoding, IngestedText, ingest, ingest_bytes, sources
from propwatch.ingest.boilerplate import clean
from propwatch.ingest.checks import check_text, long_runs
from propwatch.ingest.decode import decode, normalize_newlines
from propwatch.ingest.html import looks_like_html

EXAMPLE = Path(__file__).resolve().parents[2] / "shared" / "examples" / "syria-at-tanf.txt"

# A realistic news page: cookie banner, navigation, share widget, related links, comment form
# with a reader's comment, footer. Only the article (and its headline) should come through.
NEWS_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Ministry accuses rivals of “betrayal” over border deal | The Daily Ledger</title>
<meta property="og:title" content="Ministry accuses rivals of “betrayal” over border deal">
<meta name="author" content="Jane Roe">
</head><body>
<div id="cookie-banner">This website uses cookies to improve your experience. <a>Accept</a></div>
<header><a href="/" class="logo">The Daily Ledger</a>
<nav><ul><li><a href="/politics">Politics</a></li><li><a href="/world">World</a></li>
<li><a href="/opinion">Opinion</a></li></ul></nav></header>
<main><article class="post">
<h1 class="entry-title">Ministry accuses rivals of “betrayal” over border deal</h1>
<div class="byline">By <span class="author">Jane Roe</span> · <time>March 5, 2024</time></div>
<div class="entry-content">
<p>The interior ministry on Tuesday accused opposition leaders of “betraying the nation” by
backing a border agreement that officials say leaves the country defenceless.</p>
<p>“Only traitors would sign away our future like this,” the minister told reporters in the
capital, adding that the deal was “a shameful surrender dressed up as diplomacy”.</p>
<p>Opposition spokesperson Ana Lima rejected the accusation, saying the agreement had been
negotiated over two years and was approved by a parliamentary committee.</p>
<p>Analysts said the dispute reflected a wider struggle ahead of next year’s elections.</p>
<p>Source: Reuters</p>
<div class="sharedaddy"><h3>Share this:</h3><ul><li><a>Twitter</a></li><li><a>Facebook</a></li>
</ul></div>
</div></article>
<aside class="related"><h2>Related posts</h2><ul><li><a href="/a">Parliament debates law</a></li>
<li><a href="/b">Opposition rallies thousands in capital</a></li></ul></aside>
<section id="comments"><h3>Leave a Reply</h3>
<form><p>Your email address will not be published. Required fields are marked *</p>
<textarea name="comment"></textarea><input type="submit" value="Post Comment"></form>
<div class="comment"><p>Great article, the minister is right about these traitors!</p></div>
</section></main>
<footer><p>© 2024 The Daily Ledger. All rights reserved.</p><p>Subscribe to our newsletter</p>
</footer></body></html>
"""
TITLE = "Ministry accuses rivals of “betrayal” over border deal"

ENGLISH = (
    "The minister called the plan a “disaster” — and said the café owners’ protest was naïve. "
    "“We will not surrender,” he added.\n"
) * 3
FRENCH = (
    "Le ministre a déclaré que la réforme était déjà un échec. "
    "Les électeurs français ont réagi avec colère à Montréal et à Québec.\n"
) * 2


def error_of(action: Callable[[], object]) -> str:
    """The message of the PropwatchError `action` raises; it must be one line."""
    with pytest.raises(PropwatchError) as caught:
        action()
    message = str(caught.value)
    assert "\n" not in message and message.strip() == message
    assert "Traceback" not in message
    return message


# --- the example article and plain text ------------------------------------------------------


def test_example_article_loses_only_leave_a_reply() -> None:
    original = EXAMPLE.read_text(encoding="utf-8")
    result = ingest(str(EXAMPLE))
    assert result.source_kind == "text"
    assert result.title is None and result.url is None
    assert result.removed == ("Leave a Reply",)
    assert original.endswith("\n\nLeave a Reply")
    assert result.text == original.removesuffix("\n\nLeave a Reply")  # the rest byte-identical
    assert [result.text[a:b] for a, b in result.credits] == ["Source: Rossa Primavera News Agency"]


def test_plain_text_file_is_kept_exactly(tmp_path: Path) -> None:
    text = "Headline here\n\nFirst paragraph, with emoji 🙂 and e\u0301.\n  Indented line.\n"
    path = tmp_path / "a.txt"
    path.write_text(text, encoding="utf-8")
    result = ingest(str(path))
    assert result == IngestedText(text, None, None, "text", (), (), Decoding("utf-8"))


def test_file_without_known_extension_is_sniffed(tmp_path: Path) -> None:
    path = tmp_path / "article"
    path.write_bytes(ENGLISH.encode("utf-8"))
    assert ingest(str(path)).text == ENGLISH


def test_stdin_bytes() -> None:
    result = ingest("-", stdin=io.BytesIO(ENGLISH.encode("utf-8")))
    assert (result.text, result.source_kind) == (ENGLISH, "stdin")


def test_stdin_html_is_extracted() -> None:
    result = ingest("-", stdin=io.BytesIO(NEWS_PAGE.encode("utf-8")))
    assert result.source_kind == "stdin" and result.title == TITLE
    assert "defenceless" in result.text and "<p>" not in result.text


def test_stdin_terminal_is_refused_instead_of_waiting() -> None:
    class Terminal(io.BytesIO):
        def isatty(self) -> bool:
            return True

    assert "nothing was piped to stdin" in error_of(lambda: ingest("-", stdin=Terminal()))


def test_ingest_bytes_defaults() -> None:
    result = ingest_bytes(b"Plain words.\n")
    assert (result.text, result.source_kind, result.title) == ("Plain words.\n", "text", None)


# --- HTML ------------------------------------------------------------------------------------


def check_news_page(result: IngestedText) -> None:
    assert result.title == TITLE
    lines = result.text.split("\n")
    assert lines[:2] == [TITLE, ""]  # the headline, as propwatch.article reads one
    assert lines[2].startswith("The interior ministry on Tuesday accused")
    assert "“a shameful surrender dressed up as diplomacy”" in result.text
    assert "next year’s elections." in result.text
    for junk in ("cookies", "Politics", "Leave a Reply", "Great article", "Subscribe", "©"):
        assert junk not in result.text
    assert [result.text[a:b] for a, b in result.credits] == ["Source: Reuters"]


def test_html_file(tmp_path: Path) -> None:
    path = tmp_path / "story.html"
    path.write_text(NEWS_PAGE, encoding="utf-8")
    result = ingest(str(path))
    assert result.source_kind == "html"
    check_news_page(result)


@pytest.mark.parametrize("suffix", [".txt", ".htm", ""])
def test_html_is_sniffed_whatever_the_extension(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"saved{suffix}"
    path.write_text(NEWS_PAGE, encoding="utf-8")
    result = ingest(str(path))
    assert result.source_kind == "html"
    check_news_page(result)


def test_html_with_windows_1252_meta_charset() -> None:
    page = NEWS_PAGE.replace('<meta charset="utf-8">', '<meta charset="windows-1252">')
    result = ingest_bytes(page.encode("cp1252"), content_type="text/html")
    check_news_page(result)


def test_malformed_html_still_yields_its_text() -> None:
    page = (
        "<html><head><title>Broken page</title><body><div><p>The council voted on Monday "
        "to close the library, a decision residents called a betrayal of the whole town."
        "<p>Protesters gathered outside the building until late in the evening, chanting "
        "slogans and waving banners against what they described as cultural vandalism.<div>"
        "<b><i>unclosed tags everywhere</b></p></table></span>"
    )
    result = ingest_bytes(page.encode("utf-8"), content_type="text/html")
    assert "close the library" in result.text and "<" not in result.text


def test_html_fragment_served_as_html() -> None:
    fragment = "<p>The council voted on Monday to close the library, residents said.</p>"
    result = ingest_bytes(fragment.encode(), content_type="text/html; charset=utf-8")
    assert (result.text, result.source_kind) == (
        "The council voted on Monday to close the library, residents said.",
        "html",
    )


def test_angle_brackets_in_text_served_as_html_without_tags() -> None:
    data = b"Prices rose 3% in March (forecast: <5%), the statistics office said."
    result = ingest_bytes(data, content_type="text/html")
    assert result.source_kind == "html" and "forecast: <5%" in result.text


@pytest.mark.parametrize(
    "page",
    [
        "<html><head><title>Menu</title></head><body><nav><a href='/'>Home</a></nav></body></html>",
        "<!DOCTYPE html><html></html>",
        "<html><body><<<>>></ <p <div",
    ],
)
def test_page_without_article_text(page: str) -> None:
    message = error_of(lambda: ingest_bytes(page.encode(), name="page.html"))
    assert "no article text found in page.html; is this a news article page?" in message


def test_text_mentioning_tags_is_not_html() -> None:
    assert not looks_like_html("Use the <body> tag, the article said.\nMore text.")
    assert looks_like_html("  <!-- saved -->\n<!doctype html><html><body>x</body></html>")
    assert looks_like_html("<div>\n<head></head><body>x</body>")


# --- encodings and newlines ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (ENGLISH, "cp1252"),
        (FRENCH, "latin-1"),
        (ENGLISH, "utf-16"),  # with a BOM, in the machine's byte order
        (FRENCH, "utf-16-be"),
        (ENGLISH, "utf-8-sig"),
        (ENGLISH, "utf-32"),
        ("Министерство обороны России обвинило американских чиновников.\n" * 3, "cp1251"),
    ],
)
def test_encodings(text: str, encoding: str) -> None:
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    assert ingest_bytes(data).text == text


def test_declared_charset_is_used_when_utf8_fails() -> None:
    data = "Ça coûte très cher, dit-il.\n".encode("cp1252")
    assert ingest_bytes(data, content_type="text/plain; charset=ISO-8859-1").text == (
        "Ça coûte très cher, dit-il.\n"
    )


def test_utf8_wins_over_a_wrong_declaration() -> None:
    text = "Zürich “quotes” — dash\n"
    assert ingest_bytes(text.encode(), content_type="text/plain; charset=latin-1").text == text


def test_newlines_are_normalised() -> None:
    assert normalize_newlines("a\r\nb\rc\n\r\n") == "a\nb\nc\n\n"
    assert ingest_bytes(b"One.\r\n\r\nTwo.\rThree.\r\n").text == "One.\n\nTwo.\nThree.\n"


def test_bad_utf16_after_bom() -> None:
    assert "UTF-16-LE byte-order mark" in error_of(lambda: decode(b"\xff\xfeA", name="x"))


# --- file errors -----------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    assert error_of(lambda: ingest(str(missing))) == (
        f"no such file: {missing}; check the path, or give an http(s) URL or - for stdin"
    )


def test_missing_file_that_looks_like_a_web_address() -> None:
    message = error_of(lambda: ingest("www.example.com/news/story"))
    assert "give the full URL, starting with https://" in message


@pytest.mark.parametrize("source", ["bad\x00name.txt", "~no-such-user-xyz/a.txt"])
def test_unusable_paths(source: str) -> None:
    message = error_of(lambda: ingest(source))
    assert "is not a usable file path" in message or "no such file" in message


def test_directory(tmp_path: Path) -> None:
    assert "is a folder, not an article file" in error_of(lambda: ingest(str(tmp_path)))


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert error_of(lambda: ingest(str(path))) == (
        f"{path} is empty; give a file that holds the article text"
    )


def test_whitespace_only_file(tmp_path: Path) -> None:
    path = tmp_path / "blank.txt"
    path.write_bytes(b" \n\r\n\t \n")
    assert "holds only whitespace" in error_of(lambda: ingest(str(path)))


def test_only_boilerplate() -> None:
    message = error_of(lambda: ingest_bytes(b"Leave a Reply\n\nShare this:\n", name="x.txt"))
    assert message == "x.txt holds no article text, only page boilerplate"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "is a PDF document, not text"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is a PNG image, not text"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "is a JPEG image, not text"),
        (b"PK\x03\x04\x14\x00\x06\x00", "is a ZIP archive"),
        (b"some text\x00with a NUL byte", "looks like a binary file"),
        (bytes(range(1, 9)) * 20 + b"abc", "looks like a binary file"),  # control characters
        (bytes(range(256)) * 8, "looks like a binary file"),
    ],
)
def test_binary_files_are_refused(tmp_path: Path, data: bytes, expected: str) -> None:
    path = tmp_path / "article.txt"
    path.write_bytes(data)
    assert expected in error_of(lambda: ingest(str(path)))


def test_undecidable_bytes_are_refused_as_binary() -> None:
    noise = bytes((i * 7919 + 13) % 255 + 1 for i in range(3000))  # no NUL, no known encoding
    assert "looks like a binary file" in error_of(lambda: ingest_bytes(noise))


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(sources.MAX_BYTES + 1)  # sparse: cheap to make, NUL bytes if read
    message = error_of(lambda: ingest(str(path)))
    assert "larger than the 10 MB limit for one article" in message


def test_oversized_bytes_and_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources, "MAX_BYTES", 100)
    assert "larger than" in error_of(lambda: ingest_bytes(b"x" * 101))
    assert "stdin is larger than" in error_of(lambda: ingest("-", stdin=io.BytesIO(b"y" * 500)))


@pytest.mark.parametrize("source", ["", "   "])
def test_no_source(source: str) -> None:
    assert "no input given" in error_of(lambda: ingest(source))


def test_unsupported_scheme() -> None:
    message = error_of(lambda: ingest("ftp://example.com/story.txt"))
    assert "ftp:// URLs are not supported" in message


def test_not_bytes() -> None:
    assert "expected bytes, got str" in error_of(lambda: ingest_bytes("text"))  # type: ignore[arg-type]


# --- boilerplate -----------------------------------------------------------------------------


def test_cookie_sentence_in_the_body_stays() -> None:
    text = (
        "Regulators said the site uses cookies to follow readers across the web.\n"
        "We use cookies, the spokesperson admitted, but only for security.\n"
        "This website uses cookies to improve your experience. Accept\n"
        "We use cookies\n"
    )
    cleaned = clean(text)
    assert cleaned.text == (
        "Regulators said the site uses cookies to follow readers across the web.\n"
        "We use cookies, the spokesperson admitted, but only for security.\n"
    )
    assert cleaned.removed == (
        "This website uses cookies to improve your experience. Accept",
        "We use cookies",
    )


def test_sentences_mentioning_sharing_stay() -> None:
    text = "Share this: the plan was leaked.\nHe said he would tweet about it.\nRelated posts\n"
    assert (
        clean(text).text == "Share this: the plan was leaked.\nHe said he would tweet about it.\n"
    )


def test_removal_in_the_middle_keeps_paragraph_spacing() -> None:
    text = "First.\n\nShare this:\nTwitter\nFacebook\n\nLike this:\nLike Loading...\n\nSecond.\n"
    cleaned = clean(text)
    assert cleaned.text == "First.\n\nSecond.\n"
    assert cleaned.removed == (
        "Share this:",
        "Twitter",
        "Facebook",
        "Like this:",
        "Like Loading...",
    )


def test_network_names_outside_a_share_widget_stay() -> None:
    text = "Which network is worst?\nTwitter\n\nNobody knows.\n"
    assert clean(text).text == text


@pytest.mark.parametrize(
    "line",
    [
        "Leave a comment",
        "Leave a Reply Cancel reply",
        "Tweet",
        "Share on Facebook",
        "Click to share on Twitter (Opens in new window)",
        "Subscribe to our newsletter",
        "Sign up for our daily newsletter",
        "Loading...",
        "Related articles:",
        "You must be logged in to post a comment.",
        "Read also: The great betrayal of the heartland",
        "ADVERTISEMENT",
    ],
)
def test_boilerplate_lines(line: str) -> None:
    cleaned = clean(f"Body text.\n\n{line}\n")
    assert (cleaned.text, cleaned.removed) == ("Body text.\n", (line,))


def test_credit_lines_are_marked_not_removed() -> None:
    text = (
        "Headline\n\nBody.\nPhoto: Reuters/John Smith\n  Via: Example Wire  \n"
        "Source: officials who spoke on condition of anonymity said the army had been told to "
        "prepare for a long campaign, one that could last well into next year and beyond, and that "
        "it would be costly for everyone involved in it.\n"
        "Image: AP\n"
    )
    cleaned = clean(text)
    assert cleaned.text == text
    marked = [text[a:b] for a, b in cleaned.credits]
    assert marked == ["Photo: Reuters/John Smith", "Via: Example Wire", "Image: AP"]


def test_credit_offsets_refer_to_the_cleaned_text() -> None:
    cleaned = clean("Tweet\nBody.\n\nLeave a Reply\n\nSource: TASS\n")
    assert cleaned.text == "Body.\n\nSource: TASS\n"
    assert [cleaned.text[a:b] for a, b in cleaned.credits] == ["Source: TASS"]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "",
                "  ",
                "Body line.",
                "Tweet",
                "Share this:",
                "Twitter",
                "Source: TASS",
                "Leave a Reply",
                "x\u2028y",
                "We use cookies",
            ]
        ),
        max_size=12,
    ),
    st.booleans(),
)
def test_clean_only_drops_whole_lines(lines: list[str], trailing_newline: bool) -> None:
    text = "\n".join(lines) + ("\n" if trailing_newline else "")
    cleaned = clean(text)
    kept = iter(text.split("\n"))
    result = cleaned.text.split("\n") if cleaned.text else []
    assert all(line in kept for line in result)  # an ordered subsequence of the input lines
    assert all(cleaned.text[a:b].startswith("Source:") for a, b in cleaned.credits)
    assert all(
        line.strip() in {"Tweet", "Share this:", "Twitter", "Leave a Reply", "We use cookies"}
        for line in cleaned.removed
    )


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400) | st.text(max_size=200).map(str.encode))
def test_any_bytes_give_text_or_one_line_error(data: bytes) -> None:
    try:
        result = ingest_bytes(data)
    except PropwatchError as error:
        assert "\n" not in str(error)
    else:
        assert result.text.strip() and "\r" not in result.text


# --- URLs: a local server --------------------------------------------------------------------

BIG_BODY = b"<p>" + b"word " * 40_000 + b"</p>"  # 200 kB, over the cap the tests set


ROUTES: dict[str, tuple[int, dict[str, str], bytes]] = {
    "/article": (200, {"Content-Type": "text/html; charset=utf-8"}, NEWS_PAGE.encode()),
    "/plain": (
        200,
        {"Content-Type": "text/plain; charset=windows-1252"},
        ENGLISH.encode("cp1252"),
    ),
    "/untyped": (200, {}, ENGLISH.encode()),
    "/missing": (404, {"Content-Type": "text/html"}, b"<h1>Not here</h1>"),
    "/broken": (500, {"Content-Type": "text/plain"}, b"oops"),
    "/paper.pdf": (200, {"Content-Type": "application/pdf"}, b"%PDF-1.7\n"),
    "/photo": (200, {"Content-Type": "image/png"}, b"\x89PNG\r\n\x1a\n"),
    "/r1": (302, {"Location": "/r2"}, b""),
    "/r2": (301, {"Location": "r3"}, b""),
    "/r3": (307, {"Location": "/article"}, b""),
    "/loop": (302, {"Location": "/loop"}, b""),
    "/to-metadata": (302, {"Location": "http://169.254.169.254/latest/meta-data/"}, b""),
    "/declared-big": (200, {"Content-Type": "text/html", "Content-Length": "999999999"}, b""),
}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/slow":
            time.sleep(1.0)
        elif self.path == "/big":
            return self._stream([BIG_BODY], pause=0)
        elif self.path == "/drip":
            return self._stream([b"<p>drip</p>"] * 40, pause=0.05)
        status, headers, body = ROUTES.get(self.path, ROUTES["/missing"])
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _stream(self, chunks: list[bytes], pause: float) -> None:
        """A body without Content-Length, ended by closing the connection (HTTP/1.0)."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        for chunk in chunks:
            self.wfile.write(chunk)
            self.wfile.flush()
            time.sleep(pause)

    def log_message(self, format: str, *args: object) -> None:  # keep test output clean
        pass


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True  # a handler still sleeping must not hold up the test run

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients that give up early break the pipe: expected here


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = QuietServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def fetch_error(url: str, *, allow_private: bool = True) -> str:
    return error_of(lambda: ingest(url, allow_private=allow_private))


def test_url_news_page(server: str) -> None:
    result = ingest(f"{server}/article", allow_private=True)
    assert result.source_kind == "url" and result.url == f"{server}/article"
    check_news_page(result)


def test_url_plain_text_with_declared_charset(server: str) -> None:
    assert ingest(f"{server}/plain", allow_private=True).text == ENGLISH


def test_url_without_content_type_is_sniffed(server: str) -> None:
    assert ingest(f"{server}/untyped", allow_private=True).text == ENGLISH


def test_url_redirect_chain_is_followed(server: str) -> None:
    result = ingest(f"{server}/r1", allow_private=True)
    assert result.url == f"{server}/article"
    check_news_page(result)


def test_url_redirect_loop(server: str) -> None:
    assert "redirects more than 5 times" in fetch_error(f"{server}/loop")


def test_url_404(server: str) -> None:
    message = fetch_error(f"{server}/missing")
    assert message.startswith(f"the server answered 404 Not Found for {server}/missing;")


def test_url_500(server: str) -> None:
    message = fetch_error(f"{server}/broken")
    assert "500 Internal Server Error" in message and "try again later" in message


@pytest.mark.parametrize(
    ("path", "expected"),
    [("/paper.pdf", "application/pdf (a PDF document)"), ("/photo", "image/png (an image)")],
)
def test_url_wrong_content_type(server: str, path: str, expected: str) -> None:
    message = fetch_error(f"{server}{path}")
    assert f"is {expected}, not a web page or plain text" in message


def test_url_slow_server_times_out(server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources, "READ_TIMEOUT", 0.2)
    started = time.monotonic()
    assert f"timed out reading {server}/slow" in fetch_error(f"{server}/slow")
    assert time.monotonic() - started < 0.9


def test_url_dripping_server_hits_the_total_deadline(
    server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sources, "TOTAL_TIMEOUT", 0.3)
    assert "after 0.3 s; the site sends too slowly" in fetch_error(f"{server}/drip")


def test_url_oversized_body(server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources, "MAX_BYTES", 64 * 1024)
    assert "larger than the 0.0625 MB limit" in fetch_error(f"{server}/big")


def test_url_oversized_declared_length(server: str) -> None:
    message = fetch_error(f"{server}/declared-big")
    assert "larger than the 10 MB limit for one article (953.7 MB or more)" in message


def test_url_connection_refused() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert "connection refused" in fetch_error(f"http://127.0.0.1:{port}/story")


def test_url_dns_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_such_host(*args: object, **kwargs: object) -> list[object]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(sources.socket, "getaddrinfo", no_such_host)
    message = fetch_error("https://no-such-host.invalid/story")
    assert message.startswith("could not resolve the host name no-such-host.invalid")


@pytest.mark.parametrize("url", ["http://[::1", "http:///story", "https://exa mple.com/"])
def test_url_malformed(url: str) -> None:
    assert "is not a valid URL" in fetch_error(url) or "no host name" in fetch_error(url)


# --- SSRF guard ------------------------------------------------------------------------------


def test_loopback_url_is_refused_by_default(server: str) -> None:
    message = fetch_error(f"{server}/article", allow_private=False)
    assert message.startswith(f"refusing to fetch {server}/article: 127.0.0.1 is a loopback")
    assert "--allow-private" in message


def test_host_name_resolving_to_loopback_is_refused(server: str) -> None:
    port = server.rsplit(":", 1)[1]
    message = fetch_error(f"http://localhost:{port}/article", allow_private=False)
    assert "localhost resolves to" in message and "loopback address" in message


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),
        ("224.0.0.1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "non-public"),  # carrier-grade NAT
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fe80::1", "link-local"),
        ("fc00::1", "private"),
        ("ff02::1", "multicast"),
        ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped
        ("2002:a9fe:a9fe::1", "link-local"),  # 6to4 around 169.254.169.254
        ("64:ff9b::a9fe:a9fe", "link-local"),  # NAT64 around 169.254.169.254
        ("not-an-address", "unrecognised"),
    ],
)
def test_check_address_refuses(address: str, kind: str) -> None:
    assert sources.check_address(address) == kind


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])
def test_check_address_allows_public(address: str) -> None:
    assert sources.check_address(address) is None


def test_every_redirect_hop_is_checked(server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Let this test server stand in for a public site; its redirect to the cloud metadata
    # address must still be refused, before any connection to it.
    real = sources.check_address
    monkeypatch.setattr(sources, "check_address", lambda a: None if a == "127.0.0.1" else real(a))
    message = fetch_error(f"{server}/to-metadata", allow_private=False)
    assert message.startswith("refusing to fetch http://169.254.169.254/latest/meta-data/:")
    assert "169.254.169.254 is a link-local address" in message


def test_connected_address_is_checked_against_dns_rebinding(
    server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # DNS answered a public address when checked, then the connection went to loopback.
    monkeypatch.setattr(sources, "_check_host", lambda *args: None)
    message = fetch_error(f"{server}/article", allow_private=False)
    assert "127.0.0.1 is a loopback address" in message


# --- damaged UTF-8, and what every text must be ------------------------------------------------

DAMAGED = b"Caf\xc3\xa9 ok then \xff\xfe\xc3 broken bytes. The traitors destroy our nation.\n"


def test_utf8_with_a_few_bad_bytes_stays_utf8_and_counts_them() -> None:
    result = ingest_bytes(DAMAGED, name="b.txt")
    assert (
        result.text
        == "Café ok then \ufffd\ufffd\ufffd broken bytes. The traitors destroy our nation.\n"
    )
    assert result.decoding == Decoding("utf-8", 3)


def test_a_utf8_declaration_is_evidence_for_utf8() -> None:
    data = b"Plain ASCII words and one bad byte \xff here.\n"
    assert ingest_bytes(data).decoding == Decoding("cp1252")  # no UTF-8 evidence: a code page
    declared = ingest_bytes(data, content_type="text/plain; charset=utf-8")
    assert declared.decoding == Decoding("utf-8", 1) and "\ufffd here" in declared.text


def test_a_legacy_code_page_is_still_read_as_one() -> None:
    result = ingest_bytes(ENGLISH.encode("cp1252"))
    assert result.text == ENGLISH and result.decoding == Decoding("cp1252")


def test_text_that_is_data_not_prose_is_refused() -> None:
    message = error_of(lambda: ingest_bytes(b"Headline\n\n" + b"x" * 200_000, name="run.txt"))
    assert message.startswith("run.txt is not prose") and "200,000" in message


def test_scripts_written_without_spaces_are_prose() -> None:
    chinese = "这是关于叛徒的中文文本。他们是邪恶的敌人！" * 50
    assert check_text(chinese) == chinese and long_runs(chinese) == []
    assert long_runs("see " + "Zm9v" * 30 + " here") == [(4, 124)]

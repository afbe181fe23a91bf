"""HTML to article text: the main text and title of a news page, found by trafilatura."""

from __future__ import annotations

import re

import trafilatura

from propwatch.errors import EmptyInput

__all__ = ["extract", "looks_like_html"]

# A document, not text that merely mentions a tag: it opens with a doctype or an HTML element.
_HTML_START = re.compile(r"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S)
_HTML_TAGS = re.compile(r"<(?:html|head|body)\b[^>]*>", re.IGNORECASE)
_SNIFF_CHARS = 2048
_DOCUMENT_TAG = re.compile(r"<(?:html|body)\b", re.IGNORECASE)
# On a page without an article trafilatura falls back to whatever text there is (a menu, a
# footer); a line of prose needs a few words and some punctuation.
_MIN_SENTENCE_WORDS = 6
_PUNCTUATION = re.compile(r"[.!?,;:…]")


def looks_like_html(text: str) -> bool:
    """Whether `text` is an HTML document (so a .txt file holding a saved page is read as one)."""
    head = text[:_SNIFF_CHARS]
    if _HTML_START.match(head):
        return True
    return head.lstrip().startswith("<") and len(_HTML_TAGS.findall(head)) >= 2


def extract(html: str, *, name: str) -> tuple[str, str | None]:
    """The main text (one paragraph per line) and the title of the page in `html`."""
    try:  # lxml and trafilatura raise many types on broken markup: all mean "nothing usable"
        tree = trafilatura.load_html(_as_document(html))
        # extract() works on a copy of the tree; metadata (htmldate) may prune it, so goes last
        text = _main_text(tree) if tree is not None else None
        # extensive=False: a shallower date search (we only want the title), 3x faster
        title = trafilatura.extract_metadata(tree, extensive=False).title if text else None
    except Exception:
        title, text = None, None
    if not text or not _has_prose(text):
        raise EmptyInput(
            f"no article text found in {name}; is this a news article page? "
            "If it is, save the article text to a .txt file and pass that instead"
        )
    return text.strip(), _clean_title(title)


def _as_document(html: str) -> str:
    """`html`, wrapped in <html><body> if it is a fragment (trafilatura drops one-block ones)."""
    return html if _DOCUMENT_TAG.search(html) else f"<html><body>{html}</body></html>"


def _has_prose(text: str) -> bool:
    """Whether some line reads like a sentence, not a menu ("Home") or a footer ("© 2024 X")."""
    return any(
        len(line.split()) >= _MIN_SENTENCE_WORDS and _PUNCTUATION.search(line)
        for line in text.splitlines()
    )


def _main_text(tree: object) -> str | None:
    return trafilatura.extract(
        tree,
        output_format="txt",
        include_comments=False,  # readers' comments are not the outlet's article
        # Precision: menus, teasers and footers in the text would be analysed as the outlet's
        # prose. On our sample pages (tests/test_ingest.py) all modes keep the whole article.
        favor_precision=True,
    )


def _clean_title(title: str | None) -> str | None:
    """One line of title, or None when the page has none."""
    if not title:
        return None
    return " ".join(title.split()) or None

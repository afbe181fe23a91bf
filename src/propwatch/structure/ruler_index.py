"""The attribute ruler's one-token patterns found by lookup instead of by its Matcher.

spaCy's AttributeRuler (the coarse POS, morphology and some lemmas, from the tagger's tags) runs
one Matcher over every token with all of its patterns: 13 ms an article of the structure stage's
95 on the PTC dev articles. 157 of en_core_web_sm's 180 patterns are one token that needs only a
TAG, a LOWER or both, each a string or an IN list: `IndexedMatcher` finds those in dictionaries
and leaves the rest (several tokens, DEP, IS_SPACE, REGEX) to a Matcher of their own. The matches
are the same (the ruler sorts them before it applies them), so the annotations are too.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.matcher import Matcher
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

__all__ = ["IndexedMatcher", "index_attribute_ruler"]

_LOOKED_UP = ("TAG", "LOWER")  # in this order in the index's keys
Match = tuple[int, int, int]  # (match id, start token, end token)


def index_attribute_ruler(nlp: Language) -> None:
    """Give the pipeline's attribute ruler, if it has one, an `IndexedMatcher`."""
    if "attribute_ruler" not in nlp.pipe_names:
        return
    ruler: Any = nlp.get_pipe("attribute_ruler")
    # The ruler keys its patterns by their position, as strings ("0", "1", ...).
    keys = [nlp.vocab.strings.add(str(i)) for i in range(len(ruler.attrs))]
    ruler.matcher = IndexedMatcher(ruler.matcher, keys, nlp.vocab)


class IndexedMatcher:
    """What `matcher` finds for `keys` (called as the attribute ruler calls it), with the
    one-token TAG / LOWER patterns looked up by each token's tag and lower-case form."""

    def __init__(self, matcher: Matcher, keys: Iterable[int], vocab: Vocab) -> None:
        from spacy.matcher import Matcher  # spaCy is imported with the pipeline, not before

        self.original = matcher
        self.rest = Matcher(vocab)
        self.index: dict[tuple[int, int], set[int]] = {}  # (tag, lower), 0 for any: match ids
        for key in keys:
            _, patterns = matcher.get(key)
            others = [pattern for pattern in patterns if not self._indexed(key, pattern, vocab)]
            if others:
                self.rest.add(key, others)

    def _indexed(self, key: int, pattern: list[dict[str, Any]], vocab: Vocab) -> bool:
        """Add `pattern` to the index if it is one token with only string or IN tests of
        `_LOOKED_UP`; whether it was."""
        token = pattern[0]
        if len(pattern) != 1 or not set(token) <= set(_LOOKED_UP):
            return False
        values = [_values(token.get(attr)) for attr in _LOOKED_UP]
        if any(value is None for value in values):
            return False
        tags, lowers = ([vocab.strings.add(v) for v in value] if value else [0] for value in values)
        for tag in tags:
            for lower in lowers:
                self.index.setdefault((tag, lower), set()).add(key)
        return True

    def __call__(
        self, doc: Doc, *, allow_missing: bool = False, as_spans: bool = False
    ) -> list[Match]:
        if as_spans:
            raise ValueError("IndexedMatcher gives (match id, start, end) tuples only")
        found: list[Match] = self.rest(doc, allow_missing=allow_missing, as_spans=False)
        cells = doc.to_array(list(_LOOKED_UP)).tolist()
        found += (
            (key, i, i + 1)
            for i, (tag, lower) in enumerate(cells)
            for key in self._keys(tag, lower)
        )
        return list(dict.fromkeys(found))  # a Matcher gives a key's match once, however found

    def _keys(self, tag: int, lower: int) -> Iterator[int]:
        index = self.index
        for cell in ((tag, 0), (0, lower), (tag, lower)):
            yield from index.get(cell, ())

    def get(self, key: int | str, default: Any = None) -> Any:
        """(on_match, patterns) of `key`, as the ruler's own Matcher has them (its `patterns`
        reads them). Adding patterns afterwards is not supported: the index would miss them."""
        return self.original.get(key, default)


def _values(test: object) -> list[str] | None:
    """The strings a token test accepts: [] when there is no test, None when it is not a
    string or an IN list of strings."""
    if test is None:
        return []  # any value
    if isinstance(test, str):
        return [test]
    accepted = test.get("IN") if isinstance(test, dict) and set(test) == {"IN"} else None
    if isinstance(accepted, list) and accepted and all(isinstance(v, str) for v in accepted):
        return list(dict.fromkeys(accepted))
    return None

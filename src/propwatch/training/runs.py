"""An article through the encoder once, kept for the sweeps of selection and the chooser.

Its own module because both `selection` and `chooser` use it: neither may import the other.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from propwatch.model.detector import Detector, Judged, judge_proposals
from propwatch.model.encode import Segment
from propwatch.model.propose import Proposer
from propwatch.model.windows import TokenizedArticle


@dataclass(frozen=True)
class ArticleRun:
    """An article through the encoder once, by the model that scores it; sweeps reuse it, and
    the judged proposals of its segments (by segment number and proposer), which the sweeps
    over corrections and calibration do not change."""

    detector: Detector
    tokens: TokenizedArticle
    segments: list[Segment]
    judged_proposals: dict[tuple[int, Proposer], Judged] = field(default_factory=dict)

    def judged(self, number: int, proposer: Proposer) -> Judged:
        """Segment `number`'s proposals by `proposer`, judged once by this run's model."""
        key = (number, proposer)
        if key not in self.judged_proposals:
            segment = self.segments[number]
            self.judged_proposals[key] = judge_proposals(
                self.detector.judge, proposer, self.tokens, segment
            )
        return self.judged_proposals[key]


Runs = dict[str, ArticleRun]


def article_runs(articles: Mapping[str, str], detector_of: Callable[[str], Detector]) -> Runs:
    runs = {}
    for article_id, text in articles.items():
        detector = detector_of(article_id)
        tokens = detector.tokenizer.tokenize(text)
        segments = list(detector.segments(tokens)) if len(tokens) else []
        runs[article_id] = ArticleRun(detector, tokens, segments)
    return runs


def segments_of(runs: Runs) -> dict[str, list[Segment]]:
    return {article_id: run.segments for article_id, run in runs.items()}

"""Rates with 95% intervals, raw and corrected for the detector's error, and comparisons.

Each group's rates (all spans, and each technique) come with a bootstrap interval over its
articles (`intervals`). When the model's error table is known (`correction`), each replicate is
also multiplied by a draw of the detector's P / R, which gives the corrected rate's interval:
the articles' variation and the model's error together.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from propwatch.errors import BadInput
from propwatch.statistics.correction import ALL, DetectorError
from propwatch.statistics.intervals import (
    MIN_ARTICLES,
    REPLICATES,
    SEED,
    Estimate,
    bootstrap_sums,
    percentiles,
    pooled,
)
from propwatch.statistics.stats import TECHNIQUE_IDS, ArticleTable

COLUMNS = (ALL, *TECHNIQUE_IDS)  # the columns of ArticleTable.counts
NAN = float("nan")


@dataclass(frozen=True)
class Rates:
    """A group's rates per 1,000 words, by column (ALL or a technique id)."""

    articles: int
    raw: dict[str, Estimate]
    corrected: dict[str, Estimate]  # empty when the model's error is unknown
    sentence_share: Estimate  # of sentences holding a span

    @property
    def few(self) -> bool:
        """Too few articles to conclude anything from the group alone."""
        return self.articles < MIN_ARTICLES


def _estimates(values: np.ndarray, samples: np.ndarray) -> dict[str, Estimate]:
    low, high = percentiles(samples) if len(samples) else (values * NAN, values * NAN)
    return {
        column: Estimate(float(v), float(lo), float(hi))
        for column, v, lo, hi in zip(COLUMNS, values, low, high, strict=True)
    }


def rates_of(table: ArticleTable, rows: np.ndarray, error: DetectorError | None) -> Rates:
    """The rates of the articles at `rows` of `table`, all from one set of resamples."""
    words, counts, sentences = table.words[rows], table.counts[rows], table.sentences[rows]
    values = pooled(words, counts)
    share = float(sentences[:, 1].sum() / sentences[:, 0].sum()) if sentences.size else NAN
    if len(rows):
        sums = bootstrap_sums(np.column_stack([words, counts, sentences]))
        with np.errstate(invalid="ignore", divide="ignore"):
            samples = 1000 * sums[:, 1:-2] / sums[:, :1]
            shares = sums[:, -1:] / sums[:, -2:-1]
    else:
        samples = shares = np.empty((0, 1))
    raw = _estimates(values, samples)
    low, high = percentiles(shares) if len(shares) else ([NAN], [NAN])
    sentence_share = Estimate(share, float(low[0]), float(high[0]))
    if error is None:
        return Rates(len(rows), raw, {}, sentence_share)
    factors = error.factor_draws(COLUMNS, REPLICATES, SEED)
    corrected_samples = samples * factors if len(samples) else samples
    corrected = _estimates(values * error.factors(COLUMNS), corrected_samples)
    return Rates(len(rows), raw, corrected, sentence_share)


def group_rates(
    table: ArticleTable, grouping: str, error: DetectorError | None
) -> dict[tuple[str, ...], Rates]:
    """The rates of each group of `grouping` (outlet, month, topic, topic_outlet)."""
    return {key: rates_of(table, rows, error) for key, rows in table.rows_of(grouping).items()}


def overall_rates(table: ArticleTable, error: DetectorError | None) -> Rates:
    return rates_of(table, np.arange(len(table.words)), error)


@dataclass(frozen=True)
class Comparison:
    """Group `a`'s rate of `column` against group `b`'s: their ratio and its 95% interval."""

    a: str
    b: str
    column: str
    articles: tuple[int, int]
    values: tuple[float, float]
    ratio: Estimate

    @property
    def clear(self) -> bool:
        """Whether the interval of the ratio leaves out 1 (no difference)."""
        return not (self.ratio.low <= 1 <= self.ratio.high)

    @property
    def few(self) -> bool:
        return min(self.articles) < MIN_ARTICLES


def compare_rows(
    table: ArticleTable, rows: tuple[np.ndarray, np.ndarray], names: tuple[str, str], column: str
) -> Comparison:
    """The rate of `column` in the articles at `rows[0]` over that at `rows[1]`, each set
    resampled on its own. The detector's P / R multiplies both rates alike, so it cancels: the
    ratio of corrected rates is the ratio of raw ones."""
    index = COLUMNS.index(column)
    columns = np.column_stack([table.words, table.counts[:, index]])
    sums = [bootstrap_sums(columns[picked], seed=SEED + n) for n, picked in enumerate(rows)]
    totals = [columns[picked].sum(axis=0).astype(float) for picked in rows]
    return _comparison(names, column, (len(rows[0]), len(rows[1])), totals, sums)


def _rate(sums: np.ndarray) -> np.ndarray:
    """Rates per 1,000 words from (..., [words, spans]) sums; NaN where there are no words."""
    with np.errstate(invalid="ignore", divide="ignore"):
        rates: np.ndarray = 1000 * sums[..., 1] / sums[..., 0]
    return rates


def _comparison(
    names: tuple[str, str],
    column: str,
    articles: tuple[int, int],
    totals: list[np.ndarray],
    replicates: list[np.ndarray],
) -> Comparison:
    """A against B from each side's (words, spans) totals and their bootstrap replicates."""
    values = [float(_rate(total)) for total in totals]
    with np.errstate(invalid="ignore", divide="ignore"):
        ratios = _rate(replicates[0]) / _rate(replicates[1])
        value = values[0] / values[1] if values[1] else NAN
    low, high = percentiles(ratios[:, None])
    return Comparison(
        *names,
        column,
        articles,
        (values[0], values[1]),
        Estimate(value, float(low[0]), float(high[0])),
    )


def compare(
    table: ArticleTable, grouping: str, a: tuple[str, ...], b: tuple[str, ...], column: str = ALL
) -> Comparison:
    """Group `a` of `grouping` against group `b`."""
    groups = table.rows_of(grouping)
    for key in (a, b):
        if key not in groups:
            known = ", ".join(sorted(" / ".join(k) for k in groups))
            raise BadInput(f"no {grouping} {' / '.join(key)!r} in the store; there are: {known}")
    return compare_rows(table, (groups[a], groups[b]), (" / ".join(a), " / ".join(b)), column)


def against_rest(table: ArticleTable, grouping: str, column: str = ALL) -> list[Comparison]:
    """Each group of `grouping` against all the other articles.

    Each group is resampled within itself (a bootstrap stratified by group: the corpus fixes how
    many articles each group has), and the rest's replicate is the sum of the other groups'. One
    pass over the articles serves every comparison; resampling the rest anew for each group
    took seconds on 10,000 articles.
    """
    index = COLUMNS.index(column)
    groups = table.rows_of(grouping)
    if len(groups) < 2:
        return []
    columns = np.column_stack([table.words, table.counts[:, index]])
    replicates = {
        key: bootstrap_sums(columns[rows], seed=SEED + number)
        for number, (key, rows) in enumerate(groups.items())
    }
    everything = sum(replicates.values())
    grand = columns.sum(axis=0).astype(float)
    comparisons = []
    for key, rows in groups.items():
        own = columns[rows].sum(axis=0).astype(float)
        comparisons.append(
            _comparison(
                (" / ".join(key), "the rest"),
                column,
                (len(rows), len(table.words) - len(rows)),
                [own, grand - own],
                [replicates[key], everything - replicates[key]],
            )
        )
    return comparisons

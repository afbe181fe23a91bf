"""Bootstrap intervals over articles for pooled rates (events per 1,000 words).

A group's rate is 1000 x (its spans) / (its words). Its sampling error comes from which articles
happen to be in the corpus, so the bootstrap resamples whole articles, with replacement, within
the group, and recomputes the pooled rate; the 2.5th and 97.5th percentiles of the replicates
are the 95% interval. Spans in one article are not independent (one writer, one story), which a
resampling of articles respects and a Poisson interval on span counts would not.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import numpy as np

REPLICATES = 1000
LEVEL = 0.95
SEED = 14  # fixed, so that the same store always gives the same intervals
MIN_ARTICLES = 10  # below this a group's interval is too unreliable to conclude from
CHUNK_CELLS = 2_000_000  # replicate x article weights held in memory at once


@dataclass(frozen=True)
class Estimate:
    """A rate and its 95% interval; `low`/`high` are NaN when it cannot be estimated."""

    value: float
    low: float
    high: float

    def shown(self, digits: int = 2) -> str:
        if np.isnan(self.value):
            return "n/a"
        return f"{self.value:.{digits}f} ({self.low:.{digits}f}\u2013{self.high:.{digits}f})"


def resample_weights(
    articles: int, replicates: int, rng: np.random.Generator
) -> Iterator[np.ndarray]:
    """How often each article is drawn in each replicate: (replicates, articles) counts, in
    chunks that keep memory bounded."""
    rows = max(1, min(replicates, CHUNK_CELLS // max(articles, 1)))
    for start in range(0, replicates, rows):
        size = min(rows, replicates - start)
        drawn = rng.integers(0, articles, size=(size, articles))
        flat = (np.arange(size)[:, None] * articles + drawn).ravel()
        yield np.bincount(flat, minlength=size * articles).reshape(size, articles)


def bootstrap_sums(
    columns: np.ndarray, replicates: int = REPLICATES, seed: int = SEED
) -> np.ndarray:
    """Each column's sum over each replicate's resample of the rows: (replicates, columns).
    Numerators and denominators resampled together keep each article's words with its spans."""
    rng = np.random.default_rng(seed)
    values = columns.astype(float)
    return np.concatenate([w @ values for w in resample_weights(len(values), replicates, rng)])


def bootstrap_rates(
    words: np.ndarray, counts: np.ndarray, replicates: int = REPLICATES, seed: int = SEED
) -> np.ndarray:
    """Replicates of the pooled rates: (replicates, columns) per 1,000 words, for `counts` of
    shape (articles, columns) and `words` of shape (articles,)."""
    sums = bootstrap_sums(np.column_stack([words, counts]), replicates, seed)
    with np.errstate(invalid="ignore", divide="ignore"):
        rates: np.ndarray = 1000 * sums[:, 1:] / sums[:, :1]
    return rates


def percentiles(samples: np.ndarray, level: float = LEVEL) -> tuple[np.ndarray, np.ndarray]:
    """The equal-tailed percentile interval of each column of `samples`."""
    tail = 100 * (1 - level) / 2
    if not np.isnan(samples).any():  # the usual case, and many times faster than nanpercentile
        # Between two infinite replicates (a ratio over a zero rate) interpolation gives NaN;
        # the nearest replicate gives the infinite bound.
        method: Literal["linear", "nearest"] = "linear" if np.isfinite(samples).all() else "nearest"
        low, high = np.percentile(samples, [tail, 100 - tail], axis=0, method=method)
        return low, high
    with warnings.catch_warnings():  # a column of NaN (nothing to correct) stays NaN, quietly
        warnings.simplefilter("ignore", RuntimeWarning)
        low, high = np.nanpercentile(samples, [tail, 100 - tail], axis=0)
    return low, high


def pooled(words: np.ndarray, counts: np.ndarray) -> np.ndarray:
    total = float(words.sum())
    return 1000 * counts.sum(axis=0) / total if total else np.full(counts.shape[1], np.nan)


def estimates(
    words: np.ndarray, counts: np.ndarray, replicates: int = REPLICATES, seed: int = SEED
) -> list[Estimate]:
    """The pooled rate of each column of `counts` with its bootstrap interval."""
    values = pooled(words, counts)
    if len(words) == 0:
        return [Estimate(float("nan"), float("nan"), float("nan")) for _ in values]
    low, high = percentiles(bootstrap_rates(words, counts, replicates, seed))
    return [Estimate(*map(float, cells)) for cells in zip(values, low, high, strict=True)]

"""Classical test theory on plain numbers: pure functions, the standard library's `statistics` only.

Conventions (the documentation states the same): variances are population variances (divide by n), as in the
usual KR-20 and point-biserial formulas; a statistic that is undefined (no variance, too few values) is None.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence

GROUP_SHARE = 0.27


def mean(values: Sequence[float]) -> float | None:
    return statistics.fmean(values) if values else None


def median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def pvariance(values: Sequence[float]) -> float:
    return statistics.pvariance(values) if len(values) > 1 else 0.0


def correlation(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's r; None when either side has no variance or there are fewer than 3 pairs."""
    if len(xs) != len(ys) or len(xs) < 3:
        return None
    if pvariance(xs) == 0 or pvariance(ys) == 0:
        return None
    return statistics.correlation(xs, ys)


def corrected_point_biserial(item: Sequence[float], totals: Sequence[float]) -> float | None:
    """Item–rest correlation: the item's score against the total without the item (so it does not correlate with
    itself). With 0/1 item scores this is the corrected point-biserial; with partial scores, the corrected item–total r.
    """
    rest = [t - x for x, t in zip(item, totals, strict=True)]
    return correlation(item, rest)


def group_size(n: int, share: float = GROUP_SHARE) -> int:
    return max(1, round(n * share)) if n else 0


def upper_lower(item: Sequence[float], totals: Sequence[float], share: float = GROUP_SHARE) -> float | None:
    """Upper minus lower group mean of the item score. Groups: the `share` (27 %) of attempts with the highest and
    the lowest totals; among equal totals, earlier rows of the report come first in both groups (a stable sort)."""
    n = len(item)
    g = group_size(n, share)
    if n < 2 * g or g == 0:
        return None
    order = list(range(n))
    upper = sorted(order, key=lambda k: -totals[k])[:g]
    lower = sorted(order, key=lambda k: totals[k])[:g]
    return sum(item[k] for k in upper) / g - sum(item[k] for k in lower) / g


def upper_group(totals: Sequence[float], share: float = GROUP_SHARE) -> list[int]:
    g = group_size(len(totals), share)
    return sorted(range(len(totals)), key=lambda k: -totals[k])[:g]


def cronbach_alpha(matrix: Sequence[Sequence[float]]) -> float | None:
    """Cronbach's alpha of an attempts × items score matrix (complete rows). With 0/1 scores it equals KR-20."""
    if len(matrix) < 2 or not matrix[0] or len(matrix[0]) < 2:
        return None
    k = len(matrix[0])
    totals = [sum(row) for row in matrix]
    total_var = pvariance(totals)
    if total_var == 0:
        return None
    item_var = sum(pvariance([row[j] for row in matrix]) for j in range(k))
    return k / (k - 1) * (1 - item_var / total_var)


def kr20(matrix: Sequence[Sequence[float]]) -> float | None:
    """Kuder–Richardson 20 over 0/1 scores: k/(k−1)·(1 − Σpq / σ²)."""
    if len(matrix) < 2 or not matrix[0] or len(matrix[0]) < 2:
        return None
    k, n = len(matrix[0]), len(matrix)
    totals = [sum(row) for row in matrix]
    total_var = pvariance(totals)
    if total_var == 0:
        return None
    pq = 0.0
    for j in range(k):
        p = sum(row[j] for row in matrix) / n
        pq += p * (1 - p)
    return k / (k - 1) * (1 - pq / total_var)


def histogram(percents: Sequence[float], bins: int = 10) -> list[int]:
    """Counts of percent scores in equal bins over 0–100; 100 falls in the last bin."""
    counts = [0] * bins
    for p in percents:
        k = min(bins - 1, max(0, math.floor(p * bins / 100)))
        counts[k] += 1
    return counts

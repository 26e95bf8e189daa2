"""The statistics against independent computations: textbook formulas written out another way."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.analysis import stats

matrices = st.integers(3, 8).flatmap(
    lambda k: st.lists(st.lists(st.integers(0, 1), min_size=k, max_size=k), min_size=4, max_size=40))


def textbook_point_biserial(item: list[int], rest: list[float]) -> float | None:
    """(M1 − M0) / s · √(p q), s the population sd of the rest scores."""
    n = len(item)
    ones = [r for x, r in zip(item, rest, strict=True) if x == 1]
    zeros = [r for x, r in zip(item, rest, strict=True) if x == 0]
    if not ones or not zeros:
        return None
    m = sum(rest) / n
    s = math.sqrt(sum((r - m) ** 2 for r in rest) / n)
    if s == 0:
        return None
    p = len(ones) / n
    return (sum(ones) / len(ones) - sum(zeros) / len(zeros)) / s * math.sqrt(p * (1 - p))


@settings(max_examples=200, deadline=None)
@given(matrices, st.data())
def test_corrected_point_biserial_is_the_textbook_formula_on_rest_scores(
    matrix: list[list[int]], data: st.DataObject
) -> None:
    j = data.draw(st.integers(0, len(matrix[0]) - 1))
    item = [row[j] for row in matrix]
    totals = [float(sum(row)) for row in matrix]
    rest = [t - x for t, x in zip(totals, item, strict=True)]
    want = textbook_point_biserial(item, rest)
    got = stats.corrected_point_biserial([float(x) for x in item], totals)
    if want is None:
        assert got is None
    else:
        assert got == pytest.approx(want, abs=1e-9)


@settings(max_examples=200, deadline=None)
@given(matrices)
def test_kr20_equals_alpha_on_right_wrong_scores_and_the_variance_form(matrix: list[list[int]]) -> None:
    m = [[float(x) for x in row] for row in matrix]
    k, n = len(m[0]), len(m)
    totals = [sum(r) for r in m]
    mean = sum(totals) / n
    var = sum((t - mean) ** 2 for t in totals) / n
    alpha, kr = stats.cronbach_alpha(m), stats.kr20(m)
    if var == 0:
        assert alpha is None and kr is None
        return
    # KR-20 via the variance of the total as the sum of all item covariances
    p = [sum(r[j] for r in m) / n for j in range(k)]
    want = k / (k - 1) * (1 - sum(x * (1 - x) for x in p) / var)
    assert kr == pytest.approx(want, abs=1e-9)
    assert alpha == pytest.approx(want, abs=1e-9)


def test_alpha_on_a_hand_worked_example() -> None:
    # 5 respondents × 3 items, by hand: item variances 2.0, 0.56, 2.64; total variance 13.76; 1.5 · (1 − 5.2/13.76)
    m = [[4.0, 3.0, 5.0], [2.0, 2.0, 2.0], [5.0, 4.0, 5.0], [1.0, 2.0, 1.0], [3.0, 3.0, 4.0]]
    totals = [sum(r) for r in m]
    mean = sum(totals) / 5
    total_var = sum((t - mean) ** 2 for t in totals) / 5
    item_var = sum(sum((r[j] - sum(x[j] for x in m) / 5) ** 2 for r in m) / 5 for j in range(3))
    assert stats.cronbach_alpha(m) == pytest.approx(1.5 * (1 - item_var / total_var), abs=1e-12)
    assert stats.cronbach_alpha(m) == pytest.approx(0.93314, abs=1e-5)


def test_upper_lower_uses_27_percent_groups_with_earlier_rows_first_among_ties() -> None:
    totals = [10.0, 9.0, 9.0, 5.0, 5.0, 5.0, 1.0, 1.0, 0.0, 0.0, 0.0]  # n=11 → groups of round(2.97)=3
    item = [1.0, 1.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0]
    # upper: rows 0, 1, 2 → 2/3; lower (ascending, earlier first among ties): rows 8, 9, 10 → 1/3
    assert stats.upper_lower(item, totals) == pytest.approx(2 / 3 - 1 / 3)
    assert stats.group_size(36) == 10 and stats.group_size(4) == 1


def test_undefined_statistics_are_none() -> None:
    assert stats.correlation([1.0, 1.0, 1.0], [1.0, 2.0, 3.0]) is None
    assert stats.corrected_point_biserial([1.0, 0.0], [2.0, 1.0]) is None  # fewer than 3 pairs
    assert stats.cronbach_alpha([[1.0, 1.0], [1.0, 1.0]]) is None
    assert stats.median([]) is None and stats.mean([]) is None


def test_histogram_puts_100_in_the_last_band() -> None:
    assert stats.histogram([0, 9.99, 10, 55, 99.9, 100]) == [2, 1, 0, 0, 0, 1, 0, 0, 0, 2]

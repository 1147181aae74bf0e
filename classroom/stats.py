"""Item and test statistics for a teacher's report, as pure functions.

Every variance here is the population variance (sum of squared deviations
divided by N, not N - 1), for item scores and total scores alike, so KR-20 and
Cronbach's alpha agree exactly on 0/1 items.

A figure that is undefined for its input (too few students, zero variance,
fewer than two items, a pre-test already at 100%) comes back as None; nothing
here raises on awkward data or returns NaN. The functions compute whatever is
mathematically defined; hiding discrimination and reliability below
MIN_N_FOR_DISCRIMINATION students is the report's call (item_flags does it).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence

MIN_N_FOR_DISCRIMINATION = 15
MIN_N_FOR_FACILITY = 1

# Scores are stored rounded to 6 decimals; comparisons allow for float noise below that.
_EPS = 1e-9


def _finite(values: Sequence[float]) -> bool:
    """Whether every value is a finite number."""
    return all(isinstance(v, int | float) and math.isfinite(v) for v in values)


def _at_least(x: float, bound: float) -> bool:
    """x >= bound, forgiving float noise just below the bound."""
    return x >= bound - _EPS


def _mean(values: Sequence[float]) -> float:
    """Arithmetic mean of a non-empty sequence."""
    return math.fsum(values) / len(values)


def _pvariance(values: Sequence[float]) -> float:
    """Population variance (divide by N) of a non-empty sequence, computed exactly."""
    return float(statistics.pvariance(values)) if len(values) > 1 else 0.0


def _pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson correlation; None for fewer than two pairs or a constant variable."""
    n = len(xs)
    if n < 2 or n != len(ys) or not (_finite(xs) and _finite(ys)):
        return None
    var_x, var_y = _pvariance(xs), _pvariance(ys)
    if var_x <= 0 or var_y <= 0:
        return None
    mx, my = _mean(xs), _mean(ys)
    cov = math.fsum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / n
    r = cov / math.sqrt(var_x * var_y)
    return max(-1.0, min(1.0, r))


def _columns(matrix: Sequence[Sequence[float]]) -> list[list[float]] | None:
    """The matrix's columns (items); None when rows differ in length or hold non-numbers."""
    if not matrix:
        return []
    k = len(matrix[0])
    if any(len(row) != k for row in matrix) or not all(_finite(row) for row in matrix):
        return None
    return [[float(row[i]) for row in matrix] for i in range(k)]


def _reliability(matrix: Sequence[Sequence[float]], item_variances: list[float]) -> float | None:
    """k/(k-1) * (1 - sum of item variances / total-score variance), or None."""
    k = len(item_variances)
    if len(matrix) < 2 or k < 2:
        return None
    totals = [math.fsum(row) for row in matrix]
    var_total = _pvariance(totals)
    if var_total <= 0:
        return None
    return k / (k - 1) * (1 - math.fsum(item_variances) / var_total)


def facility(scores: Sequence[float], max_points: float) -> float | None:
    """Mean score divided by the item's maximum (the proportion correct for 0/1 items)."""
    if len(scores) < MIN_N_FOR_FACILITY or not _finite(scores):
        return None
    if not (math.isfinite(max_points) and max_points > 0):
        return None
    return _mean(scores) / max_points


def item_rest_correlation(item: Sequence[float], totals: Sequence[float]) -> float | None:
    """Pearson correlation of the item score with the rest score (total minus the item)."""
    if len(item) != len(totals) or not (_finite(item) and _finite(totals)):
        return None
    rest = [round(t - i, 9) for i, t in zip(item, totals, strict=True)]
    return _pearson(item, rest)


def group_size(count: int, share: float = 0.27) -> int:
    """Students in the top (or bottom) `share` of `count`: at least one, halves rounded up."""
    return max(1, math.floor(share * count + 0.5)) if count else 0


def upper_lower_index(
    item_fraction: Sequence[float], totals: Sequence[float], share: float = 0.27
) -> float | None:
    """Mean item fraction in the top `share` of students by total minus that in the bottom.

    Groups hold n = max(1, round(share * N)) students (halves rounded up), at
    most N // 2 so they never overlap; among equal totals the student listed
    first ranks higher.
    """
    count = len(totals)
    if count < 2 or len(item_fraction) != count:
        return None
    if not (_finite(item_fraction) and _finite(totals) and math.isfinite(share)):
        return None
    n = min(group_size(count, share), count // 2)
    ranked = sorted(range(count), key=lambda i: -totals[i])  # stable: ties keep their order
    upper = [item_fraction[i] for i in ranked[:n]]
    lower = [item_fraction[i] for i in ranked[-n:]]
    return _mean(upper) - _mean(lower)


def kr20(matrix: Sequence[Sequence[float]]) -> float | None:
    """KR-20 = k/(k-1) * (1 - sum(p*q) / total variance) for students x items of 0/1 scores."""
    columns = _columns(matrix)
    if columns is None or any(v not in (0.0, 1.0) for col in columns for v in col):
        return None
    pq = []
    for col in columns:
        p = _mean(col) if col else 0.0
        pq.append(p * (1 - p))
    return _reliability(matrix, pq)


def cronbach_alpha(matrix: Sequence[Sequence[float]]) -> float | None:
    """Cronbach's alpha = k/(k-1) * (1 - sum of item variances / total variance), in points."""
    columns = _columns(matrix)
    if columns is None:
        return None
    return _reliability(matrix, [_pvariance(col) for col in columns])


def is_dichotomous(matrix: Sequence[Sequence[float]]) -> bool:
    """Whether every item is scored all-or-nothing: each column's values lie in {0, its max}."""
    columns = _columns(matrix)
    if columns is None:
        return False
    for col in columns:
        values = set(col)
        if any(v < 0 for v in values) or len(values - {0.0}) > 1:
            return False
    return True


def hake_gain(pre_percent: float, post_percent: float) -> float | None:
    """Hake's normalised gain (post - pre) / (100 - pre); None when pre is 100 (or more)."""
    if not (math.isfinite(pre_percent) and math.isfinite(post_percent)):
        return None
    if pre_percent >= 100:
        return None
    return (post_percent - pre_percent) / (100 - pre_percent)


def class_gain(pairs: Sequence[tuple[float, float]]) -> dict[str, float | int | None]:
    """Matched (pre%, post%) pairs: N, the means, the gain of class means and the mean of gains.

    "mean_of_gains" leaves out students whose pre-test was 100% (their gain is
    undefined); "skipped" says how many were left out.
    """
    usable = [(pre, post) for pre, post in pairs if math.isfinite(pre) and math.isfinite(post)]
    n = len(usable)
    if n == 0:
        return {
            "n": 0,
            "pre_mean": None,
            "post_mean": None,
            "gain_of_means": None,
            "mean_of_gains": None,
            "skipped": 0,
        }
    pre_mean = _mean([pre for pre, _ in usable])
    post_mean = _mean([post for _, post in usable])
    gains = [hake_gain(pre, post) for pre, post in usable]
    defined = [g for g in gains if g is not None]
    return {
        "n": n,
        "pre_mean": pre_mean,
        "post_mean": post_mean,
        "gain_of_means": hake_gain(pre_mean, post_mean),
        "mean_of_gains": _mean(defined) if defined else None,
        "skipped": n - len(defined),
    }


def gain_band(g: float | None) -> str:
    """A gain's band: high (>= 0.7), medium (0.3 to 0.7), low (< 0.3) or undefined."""
    if g is None or not math.isfinite(g):
        return "undefined"
    if _at_least(g, 0.7):
        return "high"
    if _at_least(g, 0.3):
        return "medium"
    return "low"


def discrimination_band(d: float | None) -> str:
    """A discrimination's band: good, revise, poor, negative or not enough students."""
    if d is None or not math.isfinite(d):
        return "not enough students"
    if _at_least(d, 0.30):
        return "good"
    if _at_least(d, 0.20):
        return "revise"
    if d >= 0:
        return "poor"
    return "negative"


def reliability_band(r: float | None) -> str:
    """A reliability's band: acceptable (>= 0.70), low or undefined."""
    if r is None or not math.isfinite(r):
        return "undefined"
    return "acceptable" if _at_least(r, 0.70) else "low"


_FLAG_VERY_HARD = (
    "Very hard: fewer than 1 in 5 students got this right. "
    "Check the question is clear and was taught."
)
_FLAG_VERY_EASY = (
    "Very easy: almost everyone got this right; it tells you little about who understood."
)
_FLAG_NEGATIVE = "Most students who did well overall got this wrong: check the key."
_FLAG_POOR = "Does not separate strong from weak students: revise it."
_FLAG_DISTRACTOR = (
    "A wrong choice attracts the strongest students more than the right one: check the key."
)


def item_flags(
    facility: float | None,
    discrimination: float | None,
    n: int,
    upper_key_share: float | None = None,
    upper_best_distractor_share: float | None = None,
) -> list[str]:
    """Plain-words warnings about one item for a teacher; empty when nothing stands out.

    Facility flags need at least MIN_N_FOR_FACILITY students; the discrimination
    and upper-group distractor flags need MIN_N_FOR_DISCRIMINATION.
    """
    flags: list[str] = []
    if n >= MIN_N_FOR_FACILITY and facility is not None and math.isfinite(facility):
        if facility < 0.20 - _EPS:
            flags.append(_FLAG_VERY_HARD)
        elif facility > 0.90 + _EPS:
            flags.append(_FLAG_VERY_EASY)
    if n < MIN_N_FOR_DISCRIMINATION:
        return flags
    if discrimination is not None and math.isfinite(discrimination):
        if discrimination < 0:
            flags.append(_FLAG_NEGATIVE)
        elif not _at_least(discrimination, 0.20):
            flags.append(_FLAG_POOR)
    if (
        upper_key_share is not None
        and upper_best_distractor_share is not None
        and upper_best_distractor_share > upper_key_share + _EPS
    ):
        flags.append(_FLAG_DISTRACTOR)
    return flags


def distractor_shares(choice_counts: Mapping[str, int], n: int) -> dict[str, float]:
    """Each choice's count as a share of all n students; empty when there are no students."""
    if n <= 0:
        return {}
    return {choice: count / n for choice, count in choice_counts.items()}


def unused_distractors(
    shares: Mapping[str, float], correct_ids: Sequence[str] | set[str], threshold: float = 0.05
) -> list[str]:
    """Wrong choices picked by fewer than `threshold` of students, which do no work."""
    correct = set(correct_ids)
    return [c for c, share in shares.items() if c not in correct and share < threshold - _EPS]


def histogram(
    values: Sequence[float], max_value: float, bins: int = 10
) -> list[tuple[float, float, int]]:
    """Counts of values in `bins` equal bins from 0 to max_value as (start, end, count).

    Bins are half-open [start, end) except the last, which is closed so that
    max_value falls in it; values outside [0, max_value] count in the end bins.
    Empty when bins < 1 or max_value is not positive.
    """
    if bins < 1 or not math.isfinite(max_value) or max_value <= 0:
        return []
    counts = [0] * bins
    for v in values:
        if not math.isfinite(v):
            continue
        index = math.floor(round(v * bins / max_value, 9))
        counts[min(max(index, 0), bins - 1)] += 1
    width = max_value / bins
    edges = [round(i * width, 9) for i in range(bins)] + [float(max_value)]
    return [(edges[i], edges[i + 1], counts[i]) for i in range(bins)]


def mastery(points_earned: float, points_possible: float) -> float | None:
    """Share of the possible points earned; None when nothing was possible."""
    if not (math.isfinite(points_earned) and math.isfinite(points_possible)):
        return None
    if points_possible <= 0:
        return None
    return points_earned / points_possible


def mastery_band(m: float | None) -> str:
    """A mastery's band: mastered (>= 0.8), developing (0.5 to 0.8), beginning or no data."""
    if m is None or not math.isfinite(m):
        return "no data"
    if _at_least(m, 0.8):
        return "mastered"
    if _at_least(m, 0.5):
        return "developing"
    return "beginning"

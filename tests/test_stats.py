"""Report statistics against values worked out by hand (population variance throughout)."""

from __future__ import annotations

import math

import pytest

from classroom import stats
from classroom.stats import (
    MIN_N_FOR_DISCRIMINATION,
    MIN_N_FOR_FACILITY,
    class_gain,
    cronbach_alpha,
    discrimination_band,
    distractor_shares,
    facility,
    gain_band,
    group_size,
    hake_gain,
    histogram,
    is_dichotomous,
    item_flags,
    item_rest_correlation,
    kr20,
    mastery,
    mastery_band,
    reliability_band,
    unused_distractors,
    upper_lower_index,
)

# Four students x three 0/1 items, used by several tests.
#            i1 i2 i3   total
# S1          1  1  0     2
# S2          1  0  1     2
# S3          1  1  1     3
# S4          0  0  0     0
BINARY = [
    [1, 1, 0],
    [1, 0, 1],
    [1, 1, 1],
    [0, 0, 0],
]
BINARY_TOTALS = [2, 2, 3, 0]

# Four students x three items in their own points (i1 out of 2, i2 out of 1, i3 out of 2).
#            i1 i2 i3   total
# S1          2  1  2     5
# S2          1  1  1     3
# S3          2  0  1     3
# S4          0  0  1     1
PARTIAL = [
    [2, 1, 2],
    [1, 1, 1],
    [2, 0, 1],
    [0, 0, 1],
]


def test_thresholds():
    assert MIN_N_FOR_DISCRIMINATION == 15
    assert MIN_N_FOR_FACILITY == 1


# --- facility -------------------------------------------------------------------------------


def test_facility_of_a_right_or_wrong_item_is_the_proportion_correct():
    # 3 of 4 right: 3 / 4 = 0.75
    assert facility([1, 0, 1, 1], 1) == pytest.approx(0.75)


def test_facility_with_partial_credit_is_mean_over_maximum():
    # scores 2, 1, 0 out of 2: mean 3 / 3 = 1, and 1 / 2 = 0.5
    assert facility([2, 1, 0], 2) == pytest.approx(0.5)
    # a rubric item scored 2, 1, 1, 2 out of 2: mean 1.5, 1.5 / 2 = 0.75
    assert facility([2, 1, 1, 2], 2) == pytest.approx(0.75)


def test_facility_of_a_single_student_is_shown():
    assert facility([1], 1) == pytest.approx(1.0)


def test_facility_undefined():
    assert facility([], 1) is None
    assert facility([1, 0], 0) is None
    assert facility([1, 0], -1) is None
    assert facility([1, float("nan")], 1) is None


# --- item-rest correlation ------------------------------------------------------------------


def test_item_rest_correlation_by_hand():
    # Item 1 of BINARY: item = 1, 1, 1, 0; totals = 2, 2, 3, 0; rest = total - item = 1, 1, 2, 0.
    # item mean 0.75, deviations  0.25, 0.25, 0.25, -0.75 -> variance 0.75 / 4 = 0.1875
    # rest mean 1,    deviations  0,    0,    1,    -1    -> variance 2 / 4    = 0.5
    # covariance = (0 + 0 + 0.25 + 0.75) / 4 = 0.25
    # r = 0.25 / sqrt(0.1875 * 0.5) = 0.25 / 0.306186 = 0.8165
    item = [row[0] for row in BINARY]
    assert item_rest_correlation(item, BINARY_TOTALS) == pytest.approx(0.8165, abs=1e-4)


def test_item_rest_correlation_second_item():
    # Item 2 of BINARY: item = 1, 0, 1, 0; rest = 1, 2, 2, 0.
    # item mean 0.5,  deviations  0.5, -0.5, 0.5, -0.5     -> variance 0.25
    # rest mean 1.25, deviations -0.25, 0.75, 0.75, -1.25  -> variance 2.75 / 4 = 0.6875
    # covariance = (-0.125 - 0.375 + 0.375 + 0.625) / 4 = 0.5 / 4 = 0.125
    # r = 0.125 / sqrt(0.25 * 0.6875) = 0.125 / 0.414578 = 0.3015
    item = [row[1] for row in BINARY]
    assert item_rest_correlation(item, BINARY_TOTALS) == pytest.approx(0.3015, abs=1e-4)


def test_item_rest_is_corrected_for_the_item_itself():
    # Uncorrected, item 1 against the total 2, 2, 3, 0 (mean 1.75, variance 4.75 / 4 = 1.1875):
    # covariance = (0.25*0.25 + 0.25*0.25 + 0.25*1.25 + 0.75*1.75) / 4 = 1.75 / 4 = 0.4375
    # r = 0.4375 / sqrt(0.1875 * 1.1875) = 0.9272, inflated by the item's own score.
    item = [row[0] for row in BINARY]
    corrected = item_rest_correlation(item, BINARY_TOTALS)
    assert corrected == pytest.approx(0.8165, abs=1e-4)
    assert corrected < 0.9272


def test_item_rest_correlation_undefined():
    assert item_rest_correlation([], []) is None  # N = 0
    assert item_rest_correlation([1], [3]) is None  # N = 1
    assert item_rest_correlation([1, 1, 1], [3, 2, 1]) is None  # the item has zero variance
    assert item_rest_correlation([0, 1], [1, 2]) is None  # the rest has zero variance (1, 1)
    assert item_rest_correlation([1, 0], [1, 2, 3]) is None  # mismatched lengths


def test_item_rest_correlation_ignores_float_noise_in_the_rest_score():
    # 1.3 - 0.3 and 2.3 - 1.3 are both 1 on paper; the rest score is constant, so undefined.
    assert item_rest_correlation([0.3, 1.3], [1.3, 2.3]) is None


def test_item_rest_correlation_stays_within_one():
    # item 0, 1 and rest 0, 1 correlate perfectly: exactly 1, never 1.0000000000000002
    assert item_rest_correlation([0, 1, 0, 1], [0, 2, 0, 2]) == pytest.approx(1.0)
    assert -1.0 <= item_rest_correlation([0, 1, 0, 1], [0, 2, 0, 2]) <= 1.0


# --- upper-lower index ----------------------------------------------------------------------


def test_upper_lower_index_by_hand_with_a_tie_at_the_boundary():
    # N = 10, groups of round(0.27 * 10) = round(2.7) = 3.
    # student   0  1  2  3  4  5  6  7  8  9
    # total     5  9  1  7  3  8  2  7  4  6
    # item      1  1  0  0  0  1  1  1  0  1
    # Ranked by total: 1(9) 5(8) 3(7) 7(7) 9(6) 0(5) 8(4) 4(3) 6(2) 2(1).
    # Students 3 and 7 tie on 7; 3 is listed first, so 3 is in the upper group.
    # Upper 1, 5, 3: items 1, 1, 0 -> 2/3.  Lower 4, 6, 2: items 0, 1, 0 -> 1/3.
    # D = 2/3 - 1/3 = 0.3333
    totals = [5, 9, 1, 7, 3, 8, 2, 7, 4, 6]
    item = [1, 1, 0, 0, 0, 1, 1, 1, 0, 1]
    assert upper_lower_index(item, totals) == pytest.approx(1 / 3)


def test_upper_lower_index_takes_fractions_of_the_item():
    # N = 4, groups of max(1, round(1.08)) = 1: top total 9 has 0.5 of the item, bottom total 1
    # has 0.25; D = 0.5 - 0.25 = 0.25
    assert upper_lower_index([0.25, 0.5, 1.0, 0.0], [1, 9, 5, 4]) == pytest.approx(0.25)


def test_upper_lower_index_rounds_half_up():
    # N = 50: 0.27 * 50 = 13.5 -> groups of 14. Only the 14th-ranked student has the item:
    # upper mean 1/14, lower mean 0, D = 0.0714 (groups of 13 would give 0).
    totals = list(range(50, 0, -1))
    item = [1 if i == 13 else 0 for i in range(50)]
    assert upper_lower_index(item, totals) == pytest.approx(1 / 14)


def test_upper_lower_groups_never_overlap():
    # share 0.5 with N = 5 would give round(2.5) = 3 per group; capped at 5 // 2 = 2.
    # totals 5..1, item 1, 1, 1, 0, 0: upper (5, 4) -> 1, lower (2, 1) -> 0, D = 1
    assert upper_lower_index([1, 1, 1, 0, 0], [5, 4, 3, 2, 1], share=0.5) == pytest.approx(1.0)


def test_upper_lower_index_small_n():
    assert upper_lower_index([], []) is None
    assert upper_lower_index([1], [1]) is None
    # N = 2: one student per group; 1 - 0 = 1
    assert upper_lower_index([0, 1], [1, 3]) == pytest.approx(1.0)
    # everybody equal: top and bottom both score 1, D = 0 (defined, not None)
    assert upper_lower_index([1, 1, 1], [2, 2, 2]) == pytest.approx(0.0)
    assert upper_lower_index([1, 0], [1, 2, 3]) is None


# --- reliability ----------------------------------------------------------------------------


def test_kr20_by_hand():
    # k = 3, N = 4.
    # p = 3/4, 2/4, 2/4 = 0.75, 0.5, 0.5;  q = 0.25, 0.5, 0.5
    # pq = 0.1875, 0.25, 0.25 -> sum pq = 0.6875
    # totals 2, 2, 3, 0: mean 1.75, deviations 0.25, 0.25, 1.25, -1.75
    #   squares 0.0625 + 0.0625 + 1.5625 + 3.0625 = 4.75 -> variance 4.75 / 4 = 1.1875
    # KR-20 = 3/2 * (1 - 0.6875 / 1.1875) = 1.5 * 0.421053 = 0.6316
    assert kr20(BINARY) == pytest.approx(0.6316, abs=1e-4)


def test_alpha_equals_kr20_on_right_or_wrong_items():
    # On 0/1 items an item's population variance is p*q, so the two formulas coincide.
    assert cronbach_alpha(BINARY) == pytest.approx(kr20(BINARY))


def test_alpha_with_partial_credit_by_hand():
    # item 1: 2, 1, 2, 0   mean 1.25  squares 0.5625 + 0.0625 + 0.5625 + 1.5625 = 2.75 -> 0.6875
    # item 2: 1, 1, 0, 0   mean 0.5   variance 0.25
    # item 3: 2, 1, 1, 1   mean 1.25  squares 0.5625 + 3 * 0.0625 = 0.75        -> 0.1875
    # sum of item variances = 0.6875 + 0.25 + 0.1875 = 1.125
    # totals 5, 3, 3, 1: mean 3, squares 4 + 0 + 0 + 4 = 8 -> variance 2
    # alpha = 3/2 * (1 - 1.125 / 2) = 1.5 * 0.4375 = 0.65625
    assert cronbach_alpha(PARTIAL) == pytest.approx(0.65625)


def test_kr20_refuses_scores_other_than_zero_and_one():
    assert kr20(PARTIAL) is None


def test_reliability_can_be_negative():
    # Two items that disagree: totals 1, 1, 2, 0 -> variance 0.5; items 0.25 each.
    # alpha = 2/1 * (1 - 0.5 / 0.5) = 0
    assert cronbach_alpha([[1, 0], [0, 1], [1, 1], [0, 0]]) == pytest.approx(0.0)
    # Items that always disagree: totals 1, 1, 1, 1 -> zero total variance -> undefined
    assert cronbach_alpha([[1, 0], [0, 1], [1, 0], [0, 1]]) is None
    # Mostly disagreeing: totals 1, 1, 1, 2 -> mean 1.25, variance 0.1875; items 0.1875 and 0.25
    # alpha = 2 * (1 - 0.4375 / 0.1875) = 2 * (-1.3333) = -2.6667
    assert cronbach_alpha([[1, 0], [0, 1], [1, 0], [1, 1]]) == pytest.approx(-8 / 3)


@pytest.mark.parametrize("function", [kr20, cronbach_alpha])
def test_reliability_undefined(function):
    assert function([]) is None  # N = 0
    assert function([[1, 0, 1]]) is None  # N = 1
    assert function([[1], [0], [1]]) is None  # k = 1
    assert function([[], []]) is None  # k = 0
    assert function([[1, 1], [1, 1], [1, 1]]) is None  # zero total variance
    assert function([[1, 0], [1]]) is None  # ragged rows


def test_is_dichotomous():
    assert is_dichotomous(BINARY)
    # 0 or the item's maximum, whatever that maximum is (here 2 points)
    assert is_dichotomous([[2, 1], [0, 0], [2, 1]])
    # a column everybody got right, or everybody got wrong, still takes only 0 or its max
    assert is_dichotomous([[1, 0], [1, 0]])
    assert not is_dichotomous(PARTIAL)  # item 1 takes 0, 1 and 2
    assert not is_dichotomous([[0.5], [1]])  # partial credit: the lower value is not 0
    assert not is_dichotomous([[-1], [0]])
    assert not is_dichotomous([[1, 0], [1]])
    assert is_dichotomous([])


# --- learning gain --------------------------------------------------------------------------


def test_hake_gain_by_hand():
    assert hake_gain(40, 70) == pytest.approx(0.5)  # 30 / 60
    assert hake_gain(80, 90) == pytest.approx(0.5)  # 10 / 20: same gain from a higher start
    assert hake_gain(0, 25) == pytest.approx(0.25)  # 25 / 100
    assert hake_gain(50, 40) == pytest.approx(-0.2)  # -10 / 50: went backwards
    assert hake_gain(60, 100) == pytest.approx(1.0)  # 40 / 40


def test_hake_gain_undefined_at_a_perfect_pre_test():
    assert hake_gain(100, 100) is None
    assert hake_gain(100, 80) is None
    assert hake_gain(float("nan"), 50) is None


def test_class_gain_gain_of_means_differs_from_mean_of_gains():
    # pre 20 -> post 60: g = 40 / 80 = 0.5;  pre 60 -> post 70: g = 10 / 40 = 0.25
    # mean of gains = (0.5 + 0.25) / 2 = 0.375
    # class means: pre (20 + 60) / 2 = 40, post (60 + 70) / 2 = 65
    # gain of means = (65 - 40) / (100 - 40) = 25 / 60 = 0.4167
    result = class_gain([(20, 60), (60, 70)])
    assert result["n"] == 2
    assert result["pre_mean"] == pytest.approx(40)
    assert result["post_mean"] == pytest.approx(65)
    assert result["gain_of_means"] == pytest.approx(0.4167, abs=1e-4)
    assert result["mean_of_gains"] == pytest.approx(0.375)
    assert result["skipped"] == 0


def test_class_gain_skips_perfect_pre_tests_from_the_mean_of_gains_only():
    # The student at 100 stays in the class means: pre (20 + 60 + 100) / 3 = 60,
    # post (60 + 70 + 100) / 3 = 76.6667, gain of means = 16.6667 / 40 = 0.4167.
    # The mean of gains uses the other two: (0.5 + 0.25) / 2 = 0.375, one skipped.
    result = class_gain([(20, 60), (60, 70), (100, 100)])
    assert result["n"] == 3
    assert result["pre_mean"] == pytest.approx(60)
    assert result["post_mean"] == pytest.approx(76.6667, abs=1e-4)
    assert result["gain_of_means"] == pytest.approx(0.4167, abs=1e-4)
    assert result["mean_of_gains"] == pytest.approx(0.375)
    assert result["skipped"] == 1


def test_class_gain_undefined():
    assert class_gain([]) == {
        "n": 0,
        "pre_mean": None,
        "post_mean": None,
        "gain_of_means": None,
        "mean_of_gains": None,
        "skipped": 0,
    }
    everyone_perfect = class_gain([(100, 100), (100, 90)])
    assert everyone_perfect["n"] == 2
    assert everyone_perfect["gain_of_means"] is None
    assert everyone_perfect["mean_of_gains"] is None
    assert everyone_perfect["skipped"] == 2


def test_gain_band():
    assert gain_band(0.7) == "high"
    assert gain_band(1.0) == "high"
    assert gain_band(0.69) == "medium"
    assert gain_band(0.3) == "medium"
    assert gain_band(0.29) == "low"
    assert gain_band(-0.2) == "low"
    assert gain_band(None) == "undefined"
    # (84.1 - 47) / 53 is 0.6999999999999998 in floating point, 0.7 on paper
    assert gain_band(hake_gain(47, 84.1)) == "high"


# --- bands and flags ------------------------------------------------------------------------


def test_discrimination_band():
    assert discrimination_band(0.45) == "good"
    assert discrimination_band(0.30) == "good"
    assert discrimination_band(0.29) == "revise"
    assert discrimination_band(0.20) == "revise"
    assert discrimination_band(0.19) == "poor"
    assert discrimination_band(0.0) == "poor"
    assert discrimination_band(-0.05) == "negative"
    assert discrimination_band(None) == "not enough students"


def test_reliability_band():
    assert reliability_band(0.85) == "acceptable"
    assert reliability_band(0.70) == "acceptable"
    assert reliability_band(0.69) == "low"
    assert reliability_band(-0.3) == "low"
    assert reliability_band(None) == "undefined"


def test_item_flags_facility():
    assert item_flags(0.5, 0.4, 30) == []
    (hard,) = item_flags(0.1, 0.4, 30)
    assert hard.startswith("Very hard: fewer than 1 in 5 students got this right.")
    (easy,) = item_flags(0.95, 0.4, 30)
    assert easy.startswith("Very easy: almost everyone got this right")
    assert item_flags(0.20, 0.4, 30) == []  # the limits themselves are not flagged
    assert item_flags(0.90, 0.4, 30) == []
    assert item_flags(None, None, 0) == []


def test_item_flags_discrimination_only_with_enough_students():
    negative = "Most students who did well overall got this wrong: check the key."
    poor = "Does not separate strong from weak students: revise it."
    assert item_flags(0.5, -0.2, MIN_N_FOR_DISCRIMINATION) == [negative]
    assert item_flags(0.5, 0.1, MIN_N_FOR_DISCRIMINATION) == [poor]
    assert item_flags(0.5, 0.0, MIN_N_FOR_DISCRIMINATION) == [poor]
    assert item_flags(0.5, 0.2, MIN_N_FOR_DISCRIMINATION) == []
    assert item_flags(0.5, -0.2, MIN_N_FOR_DISCRIMINATION - 1) == []
    assert item_flags(0.5, 0.1, MIN_N_FOR_DISCRIMINATION - 1) == []
    assert item_flags(0.5, None, 40) == []


def test_item_flags_distractor_pulling_the_upper_group():
    miskey = (
        "A wrong choice attracts the strongest students more than the right one: check the key."
    )
    assert item_flags(0.4, 0.35, 30, upper_key_share=0.3, upper_best_distractor_share=0.6) == [
        miskey
    ]
    assert item_flags(0.4, 0.35, 30, upper_key_share=0.6, upper_best_distractor_share=0.3) == []
    assert item_flags(0.4, 0.35, 30, upper_key_share=0.5, upper_best_distractor_share=0.5) == []
    assert item_flags(0.4, 0.35, 30, upper_key_share=None, upper_best_distractor_share=0.6) == []
    assert item_flags(0.4, 0.35, 10, upper_key_share=0.3, upper_best_distractor_share=0.6) == []
    # several flags together, in a stable order
    flags = item_flags(0.1, -0.3, 30, upper_key_share=0.1, upper_best_distractor_share=0.7)
    assert len(flags) == 3
    assert flags[0].startswith("Very hard")
    assert flags[1].startswith("Most students who did well")
    assert flags[2] == miskey


# --- distractors ----------------------------------------------------------------------------


def test_distractor_shares_and_unused_distractors():
    # 30 students: A 12/30 = 0.4, B 9/30 = 0.3, C 1/30 = 0.0333, D 8/30 = 0.2667
    shares = distractor_shares({"A": 12, "B": 9, "C": 1, "D": 8}, 30)
    assert shares == pytest.approx({"A": 0.4, "B": 0.3, "C": 0.0333, "D": 0.2667}, abs=1e-4)
    assert list(shares) == ["A", "B", "C", "D"]
    # C draws 3.3% < 5%: it does no work. The key is never listed, however rarely chosen.
    assert unused_distractors(shares, {"A"}) == ["C"]
    assert unused_distractors(shares, ["C"]) == []
    # exactly 5% is enough: 1 of 20
    assert unused_distractors(distractor_shares({"A": 19, "B": 1}, 20), {"A"}) == []
    assert unused_distractors(shares, {"A"}, threshold=0.3) == ["C", "D"]


def test_distractor_shares_of_multiple_select_can_sum_past_one():
    # 10 students picking several choices each: shares are of all students
    shares = distractor_shares({"A": 8, "B": 7, "C": 0}, 10)
    assert shares == pytest.approx({"A": 0.8, "B": 0.7, "C": 0.0})
    assert unused_distractors(shares, {"A", "B"}) == ["C"]


def test_distractor_shares_without_students():
    assert distractor_shares({"A": 0, "B": 0}, 0) == {}
    assert unused_distractors({}, {"A"}) == []


# --- histogram and mastery ------------------------------------------------------------------


def test_histogram_bins_and_the_closed_last_bin():
    # width 10 / 10 = 1: 0 -> [0, 1), 1 -> [1, 2), 2.5 -> [2, 3), 9.9 and 10 -> [9, 10]
    bins = histogram([0, 1, 2.5, 9.9, 10], 10)
    assert len(bins) == 10
    assert bins[0] == (0, 1, 1)
    assert bins[1] == (1, 2, 1)
    assert bins[2] == (2, 3, 1)
    assert bins[9] == (9, 10, 2)
    assert sum(count for _, _, count in bins) == 5


def test_histogram_edges_and_float_noise():
    # 0.3 * 10 / 1 = 3.0000000000000004 and 0.7 * 10 = 7.000000000000001: bins 3 and 7
    bins = histogram([0.3, 0.7], 1, bins=10)
    assert bins[3] == pytest.approx((0.3, 0.4, 1))
    assert bins[7] == pytest.approx((0.7, 0.8, 1))
    assert bins[3][0] == 0.3  # edges are clean numbers for labels
    # 5 bins of width 4 over 0..20
    assert [(a, b) for a, b, _ in histogram([], 20, bins=5)] == [
        (0, 4),
        (4, 8),
        (8, 12),
        (12, 16),
        (16, 20),
    ]


def test_histogram_out_of_range_and_empty():
    bins = histogram([-1, 11, float("nan")], 10, bins=2)
    assert bins == [(0, 5, 1), (5, 10, 1)]
    assert histogram([], 10, bins=2) == [(0, 5, 0), (5, 10, 0)]
    assert histogram([1, 2], 0) == []
    assert histogram([1, 2], 10, bins=0) == []


def test_mastery():
    assert mastery(8, 10) == pytest.approx(0.8)
    assert mastery(3, 4) == pytest.approx(0.75)
    assert mastery(0, 0) is None
    assert mastery(1, float("inf")) is None


def test_mastery_band():
    assert mastery_band(0.8) == "mastered"
    assert mastery_band(1.0) == "mastered"
    assert mastery_band(0.79) == "developing"
    assert mastery_band(0.5) == "developing"
    assert mastery_band(0.49) == "beginning"
    assert mastery_band(0.0) == "beginning"
    assert mastery_band(None) == "no data"
    assert mastery_band(mastery(4, 5)) == "mastered"


def test_nothing_returns_nan():
    results = [
        facility([0, 0], 1),
        item_rest_correlation([0, 0], [0, 0]),
        upper_lower_index([0, 0], [0, 0]),
        kr20([[0, 0], [0, 0]]),
        cronbach_alpha([[0, 0], [0, 0]]),
        hake_gain(99.999, 100),
    ]
    for value in results:
        assert value is None or math.isfinite(value)


def test_public_api_is_what_the_report_expects():
    public = {name for name in vars(stats) if not name.startswith("_")}
    expected = {
        "MIN_N_FOR_DISCRIMINATION",
        "MIN_N_FOR_FACILITY",
        "facility",
        "item_rest_correlation",
        "upper_lower_index",
        "group_size",
        "kr20",
        "cronbach_alpha",
        "is_dichotomous",
        "hake_gain",
        "class_gain",
        "gain_band",
        "discrimination_band",
        "reliability_band",
        "item_flags",
        "distractor_shares",
        "unused_distractors",
        "histogram",
        "mastery",
        "mastery_band",
    }
    assert expected <= public
    assert public - expected <= {"annotations", "math", "statistics", "Mapping", "Sequence"}


@pytest.mark.parametrize(
    ("count", "size"), [(0, 0), (1, 1), (7, 2), (150, 41), (350, 95), (300, 81)]
)
def test_the_top_group_is_27_percent_of_the_class_with_halves_rounded_up(count, size):
    # 0.27 × 150 = 40.5: rounding half to even would make it 40, the upper-lower index 41.
    assert group_size(count) == size

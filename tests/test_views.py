"""What the views share: the request's form, and statistics as the pages show them."""

from __future__ import annotations

import pytest

from classroom.stats import discrimination_band, gain_band, reliability_band
from classroom.views import FormValues, format_banded


def test_a_form_reads_present_fields_like_werkzeug_and_missing_ones_as_the_default():
    form = FormValues([("q-a", "1"), ("q-b", "x"), ("q-b", "y")])

    assert form.get("q-a") == "1"
    assert form.get("q-a", type=int) == 1
    assert form.get("q-b") == "x"
    assert form.getlist("q-b") == ["x", "y"]
    assert form.get("q-missing") is None
    assert form.get("q-missing", "blank") == "blank"
    assert form.get("q-b", type=int) is None  # a value that does not convert


@pytest.mark.parametrize(
    ("value", "shown", "band"),
    [
        (0.297, "0.29", "revise"),  # rounded, it would read "0.30" beside "revise"
        (0.30, "0.30", "good"),
        (0.3 - 1e-12, "0.30", "good"),  # float noise just under the bound counts as it
        (-0.004, "-0.01", "negative"),
        (0.0, "0.00", "poor"),
    ],
)
def test_a_statistic_beside_its_band_never_shows_the_number_of_the_band_above(value, shown, band):
    assert format_banded(value) == shown
    assert discrimination_band(value) == band == discrimination_band(float(shown))


def test_a_gain_or_reliability_just_under_its_bound_reads_under_it():
    assert (format_banded(0.6997), gain_band(0.6997)) == ("0.69", "medium")
    assert (format_banded(0.6999), reliability_band(0.6999)) == ("0.69", "low")
    assert format_banded(None) == format_banded(float("nan")) == "–"

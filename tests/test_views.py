"""The request's form: every field read as Werkzeug reads it, a missing one at no cost."""

from __future__ import annotations

from classroom.views import FormValues


def test_a_form_reads_present_fields_like_werkzeug_and_missing_ones_as_the_default():
    form = FormValues([("q-a", "1"), ("q-b", "x"), ("q-b", "y")])

    assert form.get("q-a") == "1"
    assert form.get("q-a", type=int) == 1
    assert form.get("q-b") == "x"
    assert form.getlist("q-b") == ["x", "y"]
    assert form.get("q-missing") is None
    assert form.get("q-missing", "blank") == "blank"
    assert form.get("q-b", type=int) is None  # a value that does not convert

"""App-wide pieces: template helpers, security headers, the health check."""

from __future__ import annotations

import functools
import math

from flask import Flask, Request, Response, abort, g, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import IntegerConverter

from classroom import charts, stats
from classroom.answers import CONFIDENCE_LEVELS
from classroom.content.model import FEEDBACK_MODES, SKILLS
from classroom.errors import error_page
from classroom.numbers import SQLITE_MAX

CSP = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)


class RowIdConverter(IntegerConverter):
    """`<int:...>` in a path: a number SQLite can hold, so a larger one is a 404, not a 500."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", SQLITE_MAX)
        super().__init__(map, *args, **kwargs)


class FormValues(ImmutableMultiDict):
    """A posted form whose missing fields cost nothing: Werkzeug's get() raises and
    catches an HTTP exception for each, and a quiz's form is read field by field."""

    def get(self, key, default=None, type=None):  # Werkzeug's signature, "type" and all
        return super().get(key, default, type) if key in self else default


class LimitedRequest(Request):
    """MAX_FORM_PARTS for every form: Werkzeug applies it to multipart bodies only."""

    parameter_storage_class = FormValues

    def _load_form_data(self) -> None:
        super()._load_form_data()
        limit = self.max_form_parts
        if limit is not None and sum(1 for _ in self.form.items(multi=True)) > limit:
            self.__dict__["form"] = self.parameter_storage_class()  # nothing reads the rest
            raise RequestEntityTooLarge()


def init_app(app: Flask) -> None:
    app.request_class = LimitedRequest
    # Before the blueprints add their routes, which bind their converters.
    app.url_map.converters["int"] = RowIdConverter
    app.jinja_env.add_extension("jinja2.ext.do")

    # Globals, not a context processor: question templates are imported without the
    # page's context (so Jinja caches them) and still need these.
    def question_template(kind: str):
        """A question type's macros: the template's module, built once and kept (an
        {% import %} inside a loop re-checks the page's globals on every question)."""
        return app.jinja_env.get_template(f"questions/{kind}.html").module

    app.jinja_env.globals.update(
        question_template=question_template,
        SKILLS=SKILLS,
        FEEDBACK_MODES=FEEDBACK_MODES,
        CONFIDENCE_LEVELS=CONFIDENCE_LEVELS,
        points=format_points,
        percent=format_percent,
        level_percent=format_level,
        decimal=format_decimal,
        banded=format_banded,
        stats=stats,
        charts=charts,
        mastery_band=stats.mastery_band,
        gain_band=stats.gain_band,
    )

    @app.before_request
    def refuse_oversized_bodies() -> None:
        """413 up front, whether or not the view would have read the body."""
        limit = app.config.get("MAX_CONTENT_LENGTH")
        if limit is not None and (request.content_length or 0) > limit:
            abort(413)

    @app.before_request
    def refuse_forms_not_in_utf8():
        """Every page sends its forms as UTF-8. Other bytes would be read as no form at
        all, and the view would blame a missing security token instead."""
        if request.method == "POST" and request.mimetype == "application/x-www-form-urlencoded":
            try:
                request.get_data(cache=True).decode("utf-8")
            except UnicodeDecodeError:
                return error_page(400, "The form was not sent as UTF-8 text: reload the page.")
        return None

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        private = getattr(g, "private", False) or request.endpoint not in {"static", "healthz"}
        headers = response.headers
        present = {name.lower() for name in headers.keys()}  # a view's own value stays
        for name, value in security_headers(
            html=response.mimetype == "text/html", private=private, https=app.config["HTTPS"]
        ):
            if name.lower() not in present:
                headers.add(name, value)
        return response

    @app.get("/healthz")
    def healthz() -> Response:
        return Response("ok\n", mimetype="text/plain")


@functools.cache
def security_headers(*, html: bool, private: bool, https: bool) -> tuple[tuple[str, str], ...]:
    """The headers every response carries, by what it is and whom it is for."""
    headers = [("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "same-origin")]
    if html:
        headers += [("Content-Security-Policy", CSP), ("X-Frame-Options", "DENY")]
    if private:
        # Pages may show a student's work; shared school computers must not cache them.
        headers.append(("Cache-Control", "no-store"))
    if https:
        headers.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
    return tuple(headers)


def format_percent(value: float | None) -> str:
    """0.625 -> "63%"; None -> "–"."""
    return "–" if value is None else f"{round(value * 100)}%"


def format_level(value: float | None) -> str:
    """A mastery as a whole percent, rounded down: 0.796 -> "79%", never the "80%" of the
    band above it."""
    return "–" if value is None else f"{_hundredths_down(value)}%"


def format_decimal(value: float | None, places: int = 2) -> str:
    return "–" if value is None else f"{value:.{places}f}"


def format_banded(value: float | None) -> str:
    """A statistic shown beside its band, to two places rounded down: 0.297 -> "0.29"
    beside "revise", never the "0.30" of "good" above it (every band starts at a whole
    hundredth)."""
    if value is None or not math.isfinite(value):
        return "–"
    return f"{_hundredths_down(value) / 100:.2f}"


def _hundredths_down(value: float) -> int:
    """Whole hundredths, rounded down, so that a figure never reaches the band above it;
    float noise just under a whole hundredth still counts as it."""
    return math.floor(value * 100 + 1e-9)


def format_points(value: float | None) -> str:
    """2.0 -> "2", 0.6666 -> "0.67": points as a teacher writes them."""
    if value is None:
        return "–"
    return f"{value:.2f}".rstrip("0").rstrip(".")

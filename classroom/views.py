"""App-wide pieces: template helpers, security headers, the health check."""

from __future__ import annotations

from flask import Flask, Response, g, request

from classroom import charts, stats
from classroom.content.model import FEEDBACK_MODES, SKILLS

CSP = ("default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
       "frame-ancestors 'none'; form-action 'self'")


def init_app(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")

    @app.context_processor
    def helpers() -> dict:
        return {"SKILLS": SKILLS, "FEEDBACK_MODES": FEEDBACK_MODES, "points": format_points,
                "percent": format_percent, "decimal": format_decimal, "stats": stats,
                "charts": charts, "mastery_band": stats.mastery_band,
                "gain_band": stats.gain_band}

    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if response.mimetype == "text/html":
            response.headers.setdefault("Content-Security-Policy", CSP)
            response.headers.setdefault("X-Frame-Options", "DENY")
        if getattr(g, "private", False) or request.endpoint not in {"static", "healthz"}:
            # Pages may show a student's work; shared school computers must not cache them.
            response.headers.setdefault("Cache-Control", "no-store")
        if app.config.get("HTTPS"):
            response.headers.setdefault("Strict-Transport-Security",
                                        "max-age=31536000; includeSubDomains")
        return response

    @app.get("/healthz")
    def healthz() -> Response:
        return Response("ok\n", mimetype="text/plain")


def format_percent(value: float | None) -> str:
    """0.625 -> "63%"; None -> "–"."""
    return "–" if value is None else f"{round(value * 100)}%"


def format_decimal(value: float | None, places: int = 2) -> str:
    return "–" if value is None else f"{value:.{places}f}"


def format_points(value: float | None) -> str:
    """2.0 -> "2", 0.6666 -> "0.67": points as a teacher writes them."""
    if value is None:
        return "–"
    return f"{value:.2f}".rstrip("0").rstrip(".")

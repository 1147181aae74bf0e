"""Error pages: a clear message and the right status, never a traceback."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

MESSAGES = {
    400: "The request was not understood.",
    403: "You do not have access to this page.",
    404: "There is nothing at this address.",
    405: "This address does not accept that kind of request.",
    413: "What you sent is too large.",
    429: "Too many attempts. Wait a minute and try again.",
    503: "This page is not available right now.",
}


def wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json" or request.is_json


def error_page(status: int, message: str | None = None, title: str | None = None):
    message = message or MESSAGES.get(status, "Something went wrong.")
    if wants_json():
        return jsonify(error=message), status
    return render_template(
        "error.html", status=status, message=message, title=title or _title(status)
    ), status


def _title(status: int) -> str:
    return {
        400: "Bad request",
        403: "Forbidden",
        404: "Not found",
        405: "Not allowed",
        413: "Too large",
        429: "Slow down",
        503: "Unavailable",
    }.get(status, "Error")


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return error_page(
            400,
            "This form has expired or was not sent from this site. "
            "Go back, reload the page and try again.",
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        if status >= 500:
            return error_page(
                status,
                "Something went wrong on our side. Nothing you "
                "sent was lost; try again in a moment.",
            )
        description = error.description if status not in MESSAGES else None
        return error_page(status, description if status == 400 and description else None)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        app.logger.exception("unhandled error on %s", request.path)
        return error_page(
            InternalServerError.code, "Something went wrong on our side. Try again in a moment."
        )

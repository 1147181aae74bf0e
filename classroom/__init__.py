"""classroom: a media-literacy classroom built around real news articles."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from classroom import limits

ROOT = Path(__file__).resolve().parent.parent
csrf = CSRFProtect()


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then instance config, then CLASSROOM_* variables."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        DATABASE=os.path.join(app.instance_path, "classroom.sqlite"),
        LESSONS_DIR=str(ROOT / "lessons"),
        QUIZZES_DIR=str(ROOT / "quizzes"),
        CONTENT_RELOAD_SECONDS=2.0,
        MAX_CONTENT_LENGTH=limits.MAX_CONTENT_LENGTH,
        MAX_FORM_PARTS=limits.MAX_FORM_PARTS,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="classroom_session",
        HTTPS=False,
        PROXIES=0,
        MIGRATE_ON_START=True,
    )
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("CLASSROOM")
    if test_config is not None:
        app.config.from_mapping(test_config)
    if app.config.get("HTTPS"):
        app.config.update(SESSION_COOKIE_SECURE=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))

    from classroom import cli, db, errors, library, migrations, sessions, student, teacher, views
    from classroom.student import fast_path

    if app.config["MIGRATE_ON_START"]:
        migrations.migrate(app.config["DATABASE"])
    db.init_app(app)
    sessions.install(app)
    library.init_app(app)
    csrf.init_app(app)
    errors.init_app(app)
    views.init_app(app)
    cli.init_app(app)
    app.register_blueprint(student.bp)
    app.register_blueprint(teacher.bp)
    fast_path.install(app)
    _trust_proxies(app)
    return app


def _trust_proxies(app: Flask) -> None:
    """Behind PROXIES reverse proxies, take the client's address and scheme from the
    X-Forwarded-* headers they set (and only theirs): the guessing throttles count per
    student's address, not per proxy. Without proxies those headers are ignored, as
    anyone can send them."""
    proxies = app.config.get("PROXIES")
    if isinstance(proxies, bool) or not isinstance(proxies, int) or proxies < 0:
        raise ValueError(f"PROXIES must be a whole number (of reverse proxies), not {proxies!r}")
    if proxies:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_prefix=proxies
        )


def _instance_secret(instance: Path) -> str:
    """Read the instance's secret key, creating it on first run; never hard-coded."""
    path = instance / "secret_key"
    instance.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: when two workers start at once, one writes and both read the same key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32))
    return path.read_text().strip()

"""Production serving: gunicorn on Unix, waitress where gunicorn cannot run."""

from __future__ import annotations

import errno
import os
import socket
import sys

import click
from flask import Flask

from classroom.db import get_db
from classroom.library import catalogue
from classroom.store import classes, teachers

DEMO_CLASS = "Demo class"


def check_address_free(host: str, port: int) -> None:
    """Refuse to start where another server already listens.

    Each gunicorn worker binds a socket of its own with SO_REUSEPORT, so the kernel
    would let a second server, started by the same user on the same port, bind beside
    the first and take half of its connections, each server with its own database.
    """
    if os.name == "nt":  # waitress binds one socket, and fails on its own
        return
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        _probe(family, host, port)
    except OSError as error:  # the socket too: a machine may have no IPv6 at all
        where = f"[{host}]:{port}" if family == socket.AF_INET6 else f"{host}:{port}"
        raise click.ClickException(f"cannot serve on {where}: {_why_not(host, error)}") from error


def _probe(family: socket.AddressFamily, host: str, port: int) -> None:
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # A stopped server's connections lingering in TIME_WAIT are no obstacle.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))


def _why_not(host: str, error: OSError) -> str:
    """What to do about a failed bind: only "address in use" is another server's doing."""
    if isinstance(error, socket.gaierror):  # its codes are not errno's
        return (
            f"{error.strerror}: {host} is neither an IP address nor a name this machine "
            "can look up. Check --host (127.0.0.1 for this machine alone, 0.0.0.0 for "
            "every network it is on)."
        )
    if error.errno == errno.EADDRINUSE:
        return (
            f"{error.strerror}. Another server is listening there (perhaps another "
            "classroom): stop it, or choose another --port."
        )
    if error.errno == errno.EADDRNOTAVAIL:
        return (
            f"{error.strerror}: this machine has no address {host}. Choose one of its "
            "own with --host (127.0.0.1 for this machine alone, 0.0.0.0 for every "
            "network it is on)."
        )
    if error.errno == errno.EACCES:
        return (
            f"{error.strerror}: ports below 1024 need administrator rights. Choose "
            "another --port, such as 8000."
        )
    return f"{error.strerror}."


def announce(app: Flask, host: str, port: int, demo: bool) -> None:
    """Print where the app is served, and the demo class's join code."""
    shown = "127.0.0.1" if host in {"0.0.0.0", "::"} else host
    url = f"http://{shown}:{port}/"
    if demo:
        db = get_db()
        found = classes.class_by_name(db, DEMO_CLASS) or classes.create_class(
            db, DEMO_CLASS, quiz_slugs=list(catalogue().quizzes)
        )
        click.echo(
            f"Demo class “{DEMO_CLASS}”: students join at {url} with the code {found['join_code']}"
        )
    if teachers.count_teachers(get_db()) == 0:
        token = teachers.new_setup_token(get_db())
        click.echo(
            f"No teacher account yet. Create yours (this link works once): "
            f"{url}teacher/setup/{token}"
        )
    click.echo(f"Serving classroom on {url} (press Ctrl+C to stop)")
    sys.stdout.flush()


def develop(app: Flask, host: str, port: int) -> None:
    """Flask's development server, with the debugger and reloading (never for real use)."""
    from werkzeug.serving import run_simple

    # app.run() refuses to start inside a command of the flask CLI, which this is:
    # the CLI's own `run` command calls run_simple too.
    app.debug = True
    run_simple(host, port, app, use_reloader=True, use_debugger=True, threaded=True)


def run(host: str, port: int, threads: int, workers: int) -> None:
    """Become the server: gunicorn on Unix, waitress where gunicorn cannot run."""
    try:
        import gunicorn  # noqa: F401
    except ImportError:  # Windows: gunicorn needs fork()
        import waitress

        from classroom import create_app

        waitress.serve(create_app(), host=host, port=port, threads=threads * workers)
        return
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    # This process is replaced by gunicorn's, which never imports the app: it only
    # watches the workers, so it stays small, and each worker loads the app itself.
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        *("--bind", bind, "--workers", str(workers), "--threads", str(threads)),
        *("--worker-class", "gthread", "--error-logfile", "-", "--log-level", "warning"),
        *("--timeout", "60", "--graceful-timeout", "10", "--keep-alive", "5"),
        # A listening socket per worker, which the kernel shares connections among;
        # on one shared socket the worker that last waited takes nearly all of them.
        "--reuse-port",
        "classroom.wsgi:app",
    ]
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, command)

"""First-run setup, log in and out, and invitations for more teachers."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, flash, redirect, render_template, request, url_for

from classroom.auth import (
    current_teacher,
    end_session,
    login_blocked,
    record_login_failure,
    record_login_success,
    remember_device,
    start_session,
    teacher_required,
)
from classroom.db import get_db
from classroom.forms import AccountForm, ActionForm, ClassForm, LoginForm
from classroom.library import catalogue
from classroom.store import classes as class_store
from classroom.store import teachers
from classroom.teacher import bp

SAME_ANSWER = "That username and password do not match an account."


@bp.app_context_processor
def inject_teacher() -> dict:
    return {"teacher": current_teacher()}


@bp.get("/")
@teacher_required
def dashboard():
    db = get_db()
    return render_template(
        "teacher/dashboard.html",
        classes=class_store.classes_for_teacher(db, current_teacher()["id"]),
        problems=catalogue().problems,
        form=ClassForm(),
        action_form=ActionForm(),
    )


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if request.method == "GET" or not form.validate():
        status = 400 if request.method == "POST" else 200
        return render_template("teacher/login.html", form=form), status
    db = get_db()
    username = form.username.data.strip()
    if login_blocked(db, username):
        return render_template("teacher/login.html", form=form, blocked=True), 429
    found = teachers.verify_password(db, username, form.password.data)
    if found is None:
        record_login_failure(db, username)
        form.password.errors.append(SAME_ANSWER)
        return render_template("teacher/login.html", form=form), 400
    record_login_success(db, username)
    start_session(found)
    response = redirect(_safe_next(request.args.get("next")) or url_for("teacher.dashboard"))
    remember_device(response, found["username"])
    return response


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site: never send a teacher elsewhere after login."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.post("/logout")
def logout():
    if ActionForm().validate():
        end_session(get_db())
        flash("You are logged out.", "success")
    return redirect(url_for("teacher.login"))


@bp.route("/setup/<token>", methods=["GET", "POST"])
def setup(token: str):
    return _redeem(token, "setup")


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    return _redeem(token, "invite")


def _redeem(token: str, kind: str):
    db = get_db()
    if teachers.usable_token(db, token, kind) is None:
        message = (
            "This setup link was already used: the first teacher exists. Log in instead."
            if kind == "setup"
            else "This invitation link was used or has expired. Ask your colleague for a new one."
        )
        return render_template("teacher/link_invalid.html", message=message), 404
    form = AccountForm()
    if request.method == "POST" and form.validate():
        username = form.username.data.strip()
        teacher_id = teachers.redeem_token(db, token, kind, username, form.password.data)
        if teacher_id is not None:
            start_session(teachers.get_teacher(db, teacher_id))
            flash(f"Welcome, {username}. Your account is ready.", "success")
            return redirect(url_for("teacher.dashboard"))
        form.username.errors.append("This username is taken. Choose another.")
    status = 400 if request.method == "POST" else 200
    return render_template("teacher/setup.html", form=form, kind=kind), status


@bp.route("/invitations", methods=["GET", "POST"])
@teacher_required
def invitations():
    db = get_db()
    form = ActionForm()
    link = None
    if request.method == "POST":
        if not form.validate():
            abort(400)
        token = teachers.new_invitation(db, current_teacher()["id"])
        link = url_for("teacher.accept_invitation", token=token, _external=True)
    return render_template(
        "teacher/invitations.html",
        form=form,
        link=link,
        sent=teachers.invitations(db, current_teacher()["id"]),
        days=teachers.INVITE_DAYS,
    )

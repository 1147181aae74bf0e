"""Every teacher page passes axe (nothing serious or critical), works from the keyboard,
and the busiest ones fit a 360 px phone without sideways scrolling."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from a11y import PHONE_WIDTH, assert_no_blocking_violations
from harness import CLASS_NAME, LiveServer, start_server
from playwright.sync_api import Browser, Page, expect
from teacher_steps import (
    PASSWORD,
    QUIZ,
    add_students,
    log_in,
    setup_token,
    submit_quiz,
)

from classroom.db import get_db
from classroom.store import assignments as assignment_store
from classroom.store import classes as class_store
from classroom.store import teachers

pytestmark = pytest.mark.browser

TEACHER = "ms-rivera"
NAMES = (
    "Ada Grace Alan Edsger Barbara Donald Frances Niklaus "
    "Radia Ken Margaret Tony Hedy Claude Katherine Dennis"
).split()


@dataclass
class School:
    """One server: a teacher with three classes.

    `busy` (the harness's class, every quiz assigned): 16 students submitted the
    sourcing quiz, their written answers waiting to be graded; no pre/post-test.
    `paired`: a pre-test and a post-test, 5 students took both, all graded.
    `empty`: no quiz and no student yet.
    """

    server: LiveServer
    busy: int
    paired: int
    empty: int
    student: int  # in busy
    attempt: int  # that student's attempt

    @property
    def url(self) -> str:
        return self.server.url

    def klass(self, class_id: int, path: str = "") -> str:
        return f"{self.server.url}/teacher/classes/{class_id}{path}"


@pytest.fixture(scope="module")
def school(tmp_path_factory: pytest.TempPathFactory) -> Iterator[School]:
    server = start_server(tmp_path_factory.mktemp("teacher-a11y"))
    app = server.app
    with app.app_context():
        db = get_db()
        teacher_id = teachers.create_teacher(db, TEACHER, PASSWORD)  # adopts CLASS_NAME
        busy = class_store.class_by_name(db, CLASS_NAME)["id"]
        paired = class_store.create_class(db, "Class 7C", teacher_id)["id"]
        for slug, role in (("denial-rhetoric", "pre"), (QUIZ, "post")):
            assignment_store.assign(db, paired, slug, role=role)
        empty = class_store.create_class(db, "Class 7D", teacher_id)["id"]
    students = add_students(app, busy, NAMES)
    attempts = submit_quiz(app, students, grade_written=False)
    pair = add_students(app, paired, NAMES[:5])
    submit_quiz(app, pair, slug="denial-rhetoric", seed=1)
    submit_quiz(app, pair, seed=2)
    yield School(server, busy, paired, empty, students[-1], attempts[-1])
    server.stop()


@pytest.fixture(scope="module")
def teacher(browser: Browser, school: School) -> Iterator[Page]:
    """One logged-in teacher's tab, kept for the whole module."""
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page, school.url, TEACHER)
    yield page
    context.close()


# --- the pages, each reached as a teacher would ---


def h1(page: Page, text: str | re.Pattern) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(text)


def login(page: Page, school: School) -> None:
    page.goto(f"{school.url}/teacher/login")
    h1(page, "Teacher log in")


def login_error(page: Page, school: School) -> None:
    login(page, school)
    page.get_by_label("Username").fill("nobody-here")
    page.get_by_label("Password", exact=True).fill("wrong password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("do not match an account")
    expect(page.get_by_label("Password", exact=True)).to_have_attribute("aria-invalid", "true")


def dashboard(page: Page, school: School) -> None:
    page.goto(f"{school.url}/teacher/")
    h1(page, "My classes")


def dashboard_error(page: Page, school: School) -> None:
    dashboard(page, school)
    page.get_by_role("button", name="Create class").click()
    expect(page.get_by_role("alert")).to_contain_text("Give the class a name")


def class_page(page: Page, school: School) -> None:
    page.goto(school.klass(school.busy))
    h1(page, CLASS_NAME)
    expect(page.get_by_role("table", name="Roster with progress")).to_be_visible()


def projector(page: Page, school: School) -> None:
    page.goto(school.klass(school.busy, "/code"))
    h1(page, f"Join {CLASS_NAME}")


def assignments(page: Page, school: School) -> None:
    page.goto(school.klass(school.busy, "/assignments"))
    h1(page, f"Quizzes for {CLASS_NAME}")


def assignments_error(page: Page, school: School) -> None:
    page.goto(school.klass(school.empty, "/assignments"))
    section = page.locator(f"#quiz-{QUIZ}")
    section.get_by_label("Assigned to this class").check()
    section.get_by_label("Attempts allowed").fill("99")
    section.get_by_role("button", name=re.compile("^Save")).click()
    expect(page.get_by_role("alert")).to_contain_text("Between 0 (unlimited) and 50")


def remove_student(page: Page, school: School) -> None:
    page.goto(school.klass(school.busy, f"/students/{school.student}/remove"))
    h1(page, re.compile(r"^Remove .+\?$"))


def resume_code(page: Page, school: School) -> None:
    page.goto(school.klass(school.busy, f"/students/{school.student}/resume-code"))
    h1(page, re.compile(r"^Resume code for "))


def resume_code_shown(page: Page, school: School) -> None:
    resume_code(page, school)
    page.get_by_role("button", name=re.compile("^Make a new resume code")).click()
    expect(page.get_by_label(re.compile("^Resume code "))).to_have_text(
        re.compile(r"^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$")
    )


def gradebook(page: Page, school: School) -> None:
    page.goto(school.klass(school.busy, "/gradebook"))
    expect(page.get_by_role("table", name="Scores by student and quiz")).to_be_visible()


def attempt(page: Page, school: School) -> None:
    page.goto(school.klass(school.busy, f"/attempts/{school.attempt}"))
    expect(page.locator(".review").first).to_be_visible()


def quiz_report(page: Page, school: School) -> None:
    page.goto(school.klass(school.busy, f"/quizzes/{QUIZ}/report"))
    expect(page.locator(".stat-grid").first).to_contain_text(f"Students (N){len(NAMES)}")
    expect(page.locator("svg[role=img]").first).to_be_visible()


def mastery(page: Page, school: School) -> None:
    page.goto(school.klass(school.busy, "/mastery"))
    expect(page.get_by_role("table", name="Mastery by student and skill")).to_be_visible()


def gain_unset(page: Page, school: School) -> None:
    page.goto(school.klass(school.busy, "/gain"))
    expect(page.get_by_text("No lesson has both a pre-test and a post-test")).to_be_visible()


def gain_set(page: Page, school: School) -> None:
    page.goto(school.klass(school.paired, "/gain"))
    expect(page.get_by_role("table", name="Per student")).to_be_visible()


def grading_waiting(page: Page, school: School) -> None:
    page.goto(school.klass(school.busy, "/grading"))
    expect(page.get_by_role("button", name="Save grade")).to_be_visible()


def grading_went_round(page: Page, school: School) -> None:
    # Skipping the last answer in the queue goes round to the first one waiting.
    page.goto(school.klass(school.busy, "/grading"))
    for _ in NAMES:  # one written answer waits for each student
        page.get_by_role("link", name="Skip for now").click()
        if page.get_by_text("these are the answers you skipped").count():
            break
    expect(page.get_by_text("these are the answers you skipped")).to_be_visible()
    expect(page.get_by_role("link", name="Skip for now")).to_be_visible()


def grading_empty(page: Page, school: School) -> None:
    page.goto(school.klass(school.paired, "/grading"))
    expect(page.get_by_text("Nothing to grade")).to_be_visible()


def invitations(page: Page, school: School) -> None:
    page.goto(f"{school.url}/teacher/invitations")
    page.get_by_role("button", name="Make an invitation link").click()
    expect(page.get_by_label("Invitation link")).to_have_value(re.compile(r"/teacher/invite/"))


# Pages seen logged out, in a fresh tab of their own.
PUBLIC: dict[str, Callable[[Page, School], None]] = {
    "login": login,
    "login-with-error": login_error,
}
# Pages of the logged-in teacher.
TEACHER_PAGES: dict[str, Callable[[Page, School], None]] = {
    "dashboard": dashboard,
    "dashboard-with-error": dashboard_error,
    "class": class_page,
    "projector": projector,
    "assignments": assignments,
    "assignments-with-error": assignments_error,
    "remove-student": remove_student,
    "resume-code": resume_code,
    "resume-code-shown": resume_code_shown,
    "gradebook": gradebook,
    "attempt": attempt,
    "quiz-report": quiz_report,
    "mastery": mastery,
    "gain-without-pre-post": gain_unset,
    "gain-with-pre-post": gain_set,
    "grading-waiting": grading_waiting,
    "grading-went-round": grading_went_round,
    "grading-empty": grading_empty,
    "invitations": invitations,
}


@pytest.mark.parametrize("name", TEACHER_PAGES)
def test_teacher_page_has_no_serious_violations(teacher: Page, school: School, name: str):
    TEACHER_PAGES[name](teacher, school)
    assert_no_blocking_violations(teacher, name)


@pytest.mark.parametrize("name", PUBLIC)
def test_logged_out_page_has_no_serious_violations(page: Page, school: School, name: str):
    PUBLIC[name](page, school)
    assert_no_blocking_violations(page, name)


def test_setup_pages_have_no_serious_violations(page: Page, tmp_path: Path):
    """The one-time setup link (needs a server with no teacher yet), with errors too, and
    the page the link shows once used."""
    server = start_server(tmp_path)
    try:
        token = setup_token(server.app)
        page.goto(f"{server.url}/teacher/setup/{token}")
        h1(page, "Create your teacher account")
        assert_no_blocking_violations(page, "setup")

        page.get_by_label("Username").fill("ms-rivera")
        page.get_by_label("Password", exact=True).fill("short")
        page.get_by_label("Password again").fill("different")
        page.get_by_role("button", name="Create account").click()
        expect(page.get_by_role("alert")).to_contain_text("at least 8 characters")
        assert_no_blocking_violations(page, "setup-with-errors")

        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_label("Password again").fill(PASSWORD)
        page.get_by_role("button", name="Create account").click()
        h1(page, "My classes")
        page.goto(f"{server.url}/teacher/setup/{token}")
        h1(page, "This link does not work")
        assert_no_blocking_violations(page, "setup-link-used")
    finally:
        server.stop()


# --- the keyboard ---

FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  // A date field's calendar button is focused inside the browser's own shadow tree (the
  // field itself is then not :focus) and draws the browser's focus ring.
  const picker = el.type === 'datetime-local' && !el.matches(':focus');
  return {tag: el.tagName.toLowerCase(), id: el.id, text: (el.innerText || el.value || '').trim(),
          visible: outline || style.boxShadow !== 'none' || picker};
}"""


def tab_to(page: Page, wanted: Callable[[dict], bool], what: str, limit: int = 80) -> None:
    """Press Tab until `wanted` holds for the focused element; each stop shows its focus."""
    path = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        path.append(f"{focused['tag']}#{focused['id']} {focused['text'][:30]!r}")
        assert focused["tag"] != "body", f"focus fell out of the page looking for {what}: {path}"
        assert focused["visible"], f"no visible focus on {path[-1]}"
        if wanted(focused):
            return
    raise AssertionError(f"{what} not reached in {limit} Tabs: {path}")


def test_assign_a_quiz_with_the_keyboard_only(teacher: Page, school: School):
    page = teacher
    page.goto(f"{school.url}/teacher/")
    tab_to(page, lambda f: f["text"] == "Skip to content", "the skip link", limit=1)
    tab_to(page, lambda f: f["tag"] == "a" and f["text"] == "Class 7D", "the class link")
    page.keyboard.press("Enter")
    h1(page, "Class 7D")

    tab_to(page, lambda f: f["text"] == "Choose quizzes and dates", "the quizzes link")
    page.keyboard.press("Enter")
    h1(page, "Quizzes for Class 7D")

    tab_to(page, lambda f: f["id"] == f"{QUIZ}-assigned", "the sourcing quiz's checkbox", limit=120)
    page.keyboard.press("Space")
    expect(page.locator(f"#{QUIZ}-assigned")).to_be_checked()
    tab_to(page, lambda f: f["tag"] == "button" and f["text"].startswith("Save"), "its Save button")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Saved.")
    expect(page.locator(f"#{QUIZ}-assigned")).to_be_checked()
    with school.server.app.app_context():
        assert assignment_store.assignment(get_db(), school.empty, QUIZ) is not None


def new_class(school: School, name: str) -> int:
    """Another class of the teacher's, with nothing assigned yet."""
    with school.server.app.app_context():
        db = get_db()
        owner = teachers.teacher_by_username(db, TEACHER)["id"]
        return class_store.create_class(db, name, owner)["id"]


def test_a_change_left_unsaved_on_another_quiz_is_shown_and_asked_about(
    teacher: Page, school: School
):
    page = teacher
    class_id = new_class(school, "Class 7E")
    page.goto(school.klass(class_id, "/assignments"))
    sourcing, denial = page.locator(f"#quiz-{QUIZ}"), page.locator("#quiz-denial-rhetoric")
    sourcing.get_by_label("Assigned to this class").check()
    denial.get_by_label("Assigned to this class").check()
    expect(sourcing.get_by_text("Changed, not saved yet.")).to_be_visible()
    expect(denial.get_by_text("Changed, not saved yet.")).to_be_visible()

    asked = []

    def stay(dialog) -> None:
        asked.append(dialog.type)
        dialog.dismiss()

    page.once("dialog", stay)
    sourcing.get_by_role("button", name=re.compile("^Save")).click()
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    expect(denial.get_by_label("Assigned to this class")).to_be_checked()  # still here

    page.once("dialog", lambda dialog: dialog.accept())  # asked again; this time, leave
    denial.get_by_role("button", name=re.compile("^Save")).click()
    expect(page.get_by_role("status").first).to_contain_text("“Denial rhetoric")
    with school.server.app.app_context():
        saved = assignment_store.assignments_for_class(get_db(), class_id)
    assert list(saved) == ["denial-rhetoric"]


def test_settings_without_the_tick_are_said_not_to_be_kept(teacher: Page, school: School):
    page = teacher
    class_id = new_class(school, "Class 7F")
    page.goto(school.klass(class_id, "/assignments"))
    section = page.locator(f"#quiz-{QUIZ}")
    section.get_by_label("Attempts allowed").fill("2")
    page.once("dialog", lambda dialog: dialog.accept())
    section.get_by_role("button", name=re.compile("^Save")).click()
    expect(page.get_by_role("status").first).to_contain_text(
        "is not given to the class, so its settings were not kept"
    )
    with school.server.app.app_context():
        assert assignment_store.assignment(get_db(), class_id, QUIZ) is None


# --- a phone ---

PHONE_PAGES = {
    "dashboard": dashboard,
    "class": class_page,
    "gradebook": gradebook,
    "quiz-report": quiz_report,
}


@pytest.mark.parametrize("name", PHONE_PAGES)
def test_no_horizontal_scroll_on_a_phone(teacher: Page, school: School, name: str):
    page = teacher
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 780})
    try:
        PHONE_PAGES[name](page, school)
        width = page.evaluate("document.documentElement.scrollWidth")
        wide = page.evaluate(
            """(limit) => [...document.querySelectorAll('body *')]
                  .filter(el => !el.closest('.table-scroll'))
                  .filter(el => el.getBoundingClientRect().right > limit + 1)
                  .slice(0, 5)
                  .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                             + (el.className && typeof el.className === 'string'
                                ? '.' + el.className.trim().replace(/ +/g, '.') : '')
                             + ' right=' + Math.round(el.getBoundingClientRect().right))""",
            PHONE_WIDTH,
        )
        assert width <= PHONE_WIDTH + 1, (
            f"the {name} page is {width} px wide at {PHONE_WIDTH} px; too wide: {wide}"
        )
    finally:
        page.set_viewport_size({"width": 1100, "height": 900})


LINES_OF_TEXT = """(el) => {
  const range = document.createRange();
  range.selectNodeContents(el);
  return new Set([...range.getClientRects()].map((box) => Math.round(box.top))).size;
}"""


@pytest.mark.parametrize("width", [PHONE_WIDTH, 1280, 1920])
def test_the_projected_join_code_stays_on_one_line(teacher: Page, school: School, width: int):
    page = teacher
    page.set_viewport_size({"width": width, "height": 900})
    try:
        projector(page, school)
        code = page.locator(".projector .join-code")
        assert code.evaluate(LINES_OF_TEXT) == 1, f"the join code wraps at {width} px"
    finally:
        page.set_viewport_size({"width": 1100, "height": 900})


def test_a_table_wider_than_a_phone_says_so_and_scrolls_by_keyboard(teacher: Page, school: School):
    page = teacher
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 780})
    try:
        gradebook(page, school)
        expect(page.get_by_text("Scroll the table sideways to see all of it.")).to_be_visible()
        region = page.get_by_role("region", name="Scores by student and quiz")
        region.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function(
            "() => document.querySelector('.table-scroll').scrollLeft > 0", timeout=5000
        )
    finally:
        page.set_viewport_size({"width": 1100, "height": 900})


def test_what_a_save_says_is_shown_beside_the_quiz_saved(teacher: Page, school: School):
    page = teacher
    class_id = new_class(school, "Class 7G")
    page.goto(school.klass(class_id, "/assignments"))
    section = page.locator(f"#quiz-{QUIZ}")  # the last quiz on the page, far below its top

    section.get_by_label("Assigned to this class").check()
    section.get_by_label("Attempts allowed").fill("99")
    page.once("dialog", lambda dialog: dialog.accept())
    section.get_by_role("button", name=re.compile("^Save")).click()
    expect(section.get_by_role("alert")).to_contain_text("Between 0 (unlimited) and 50")
    expect(section.get_by_role("alert")).to_be_in_viewport()

    section.get_by_label("Attempts allowed").fill("2")
    page.once("dialog", lambda dialog: dialog.accept())
    section.get_by_role("button", name=re.compile("^Save")).click()
    expect(section.get_by_role("status").first).to_contain_text("is given to the class")
    expect(section.get_by_role("status").first).to_be_in_viewport()

"""The schema, as named migrations applied at start-up; never one that drops data."""

from pathlib import Path

from sqlite_utils import Database, Migrations

from classroom.db import connect, sqlite_problem

migrations = Migrations("classroom")


@migrations()
def m001_initial(db: Database) -> None:
    for statement in INITIAL_SCHEMA.split(";\n"):
        if statement.strip():
            db.execute(statement)


@migrations()
def m002_reports_index(db: Database) -> None:
    # Reports read a class's submitted attempts student by student; an index led by
    # quiz_slug made them scan the whole school's attempts at the quiz.
    db.execute("DROP INDEX IF EXISTS attempts_by_quiz")
    db.execute(
        "CREATE INDEX attempts_submitted ON attempts "
        "(student_id, quiz_slug, number, score, max_score, quiz_version) "
        "WHERE submitted_at IS NOT NULL"
    )


@migrations()
def m003_checked_answers(db: Database) -> None:
    # With feedback after each answer, an answer is final once its feedback was shown
    # (checked), while the others may still change: the two must be told apart.
    db.execute("ALTER TABLE responses ADD COLUMN checked_at TEXT")
    # Until now every saved answer of such a quiz had shown its feedback: in attempts
    # still open, they stay final (other feedback settings never read the column).
    db.execute(
        "UPDATE responses SET checked_at = saved_at "
        "WHERE attempt_id IN (SELECT id FROM attempts WHERE submitted_at IS NULL)"
    )


@migrations()
def m004_student_sessions(db: Database) -> None:
    # A new resume code signs the student out everywhere, as a teacher's logout does:
    # whoever found the old code must not stay signed in with it.
    db.execute("ALTER TABLE students ADD COLUMN session_version INTEGER NOT NULL DEFAULT 0")


INITIAL_SCHEMA = """
CREATE TABLE teachers (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    session_version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
) STRICT;
CREATE TABLE teacher_tokens (
    token_hash TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('setup', 'invite')),
    created_by INTEGER REFERENCES teachers(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT,
    used_at TEXT
) STRICT, WITHOUT ROWID;
CREATE TABLE classes (
    id INTEGER PRIMARY KEY,
    teacher_id INTEGER REFERENCES teachers(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    join_code TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    archived_at TEXT
) STRICT;
CREATE INDEX classes_by_teacher ON classes(teacher_id);
CREATE TABLE students (
    id INTEGER PRIMARY KEY,
    class_id INTEGER NOT NULL REFERENCES classes(id) ON DELETE CASCADE,
    display_name TEXT NOT NULL,
    resume_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX students_by_class ON students(class_id);
CREATE TABLE assignments (
    id INTEGER PRIMARY KEY,
    class_id INTEGER NOT NULL REFERENCES classes(id) ON DELETE CASCADE,
    quiz_slug TEXT NOT NULL,
    opens_at TEXT,
    closes_at TEXT,
    attempts_allowed INTEGER,
    feedback TEXT,
    role TEXT CHECK (role IN ('pre', 'post')),
    created_at TEXT NOT NULL,
    UNIQUE (class_id, quiz_slug)
) STRICT;
CREATE TABLE quiz_versions (
    quiz_slug TEXT NOT NULL,
    version TEXT NOT NULL,
    snapshot TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (quiz_slug, version)
) STRICT, WITHOUT ROWID;
CREATE TABLE attempts (
    id INTEGER PRIMARY KEY,
    student_id INTEGER NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    quiz_slug TEXT NOT NULL,
    quiz_version TEXT NOT NULL,
    number INTEGER NOT NULL,
    started_at TEXT NOT NULL,
    submitted_at TEXT,
    score REAL,
    max_score REAL NOT NULL,
    ungraded INTEGER NOT NULL DEFAULT 0,
    UNIQUE (student_id, quiz_slug, number),
    FOREIGN KEY (quiz_slug, quiz_version) REFERENCES quiz_versions(quiz_slug, version)
) STRICT;
CREATE INDEX attempts_by_quiz ON attempts(quiz_slug, student_id, submitted_at);
CREATE TABLE responses (
    attempt_id INTEGER NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
    question_id TEXT NOT NULL,
    answer TEXT NOT NULL,
    confidence INTEGER,
    score REAL,
    saved_at TEXT NOT NULL,
    rubric_level INTEGER,
    comment TEXT,
    graded_by INTEGER REFERENCES teachers(id) ON DELETE SET NULL,
    graded_at TEXT,
    PRIMARY KEY (attempt_id, question_id)
) STRICT, WITHOUT ROWID;
CREATE TABLE throttle (
    key TEXT PRIMARY KEY,
    window_start REAL NOT NULL,
    failures INTEGER NOT NULL
) STRICT, WITHOUT ROWID
"""


def migrate(path: str | Path) -> None:
    """Create the database if needed and apply every pending migration."""
    problem = sqlite_problem()
    if problem:
        raise RuntimeError(problem)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = connect(path)
    try:
        # WAL is a property of the file; it must be set outside a transaction.
        db.execute("PRAGMA journal_mode = WAL")
        migrations.apply(db)
    finally:
        db.close()

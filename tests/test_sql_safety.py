"""No SQL is ever built by string formatting: every value reaches SQLite as a parameter.

The app's code is parsed, not run: every call that takes SQL (`execute`, `executemany`,
`executescript`, `query`, and the store's `many`/`one`/`scalar` helpers) must get a
plain string, or a name bound to a plain string, never an f-string, a `%` format, a
`.format()` call or a `+` with something that is not a constant. A module-level SQL
constant built with an f-string fails too. Nothing is allow-listed.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "classroom"
# Methods whose first argument is SQL (sqlite3, sqlite-utils).
SQL_FIRST = {"execute", "executemany", "executescript", "query"}
# classroom.store.rows helpers: many(db, sql, params), one(...), scalar(...).
SQL_SECOND = {"many", "one", "scalar"}
SQL_WORDS = (
    "SELECT ",
    "INSERT ",
    "UPDATE ",
    "DELETE ",
    "CREATE ",
    "PRAGMA ",
    "DROP ",
    "ALTER ",
    "REPLACE ",
    "VACUUM",
    " WHERE ",
    " FROM ",
)


def formatted(node: ast.AST | None) -> str | None:
    """How `node` builds a string by formatting, or None when it does not."""
    if node is None:
        return None
    if isinstance(node, ast.JoinedStr):
        return (
            "an f-string" if any(isinstance(v, ast.FormattedValue) for v in node.values) else None
        )
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        if (
            isinstance(node.left, ast.Constant)
            and isinstance(node.left.value, str)
            or formatted(node.left)
        ):
            return "a % format"
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        if not (_constant(node.left) and _constant(node.right)):
            return "a + concatenation with a non-constant"
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
    ):
        return "a .format() call"
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "join"
        and isinstance(node.func.value, ast.Constant)
    ):
        # ", ".join(columns): only when every piece is itself a constant literal.
        pieces = node.args[0] if node.args else None
        if not (
            isinstance(pieces, ast.List | ast.Tuple) and all(_constant(e) for e in pieces.elts)
        ):
            return "a str.join() of computed pieces"
    return None


def _constant(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _constant(node.left) and _constant(node.right)
    return False


def _sql_argument(call: ast.Call) -> ast.AST | None:
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if name in SQL_FIRST:
        return call.args[0] if call.args else _keyword(call, "sql")
    if name in SQL_SECOND:
        return call.args[1] if len(call.args) > 1 else _keyword(call, "sql")
    return None


def _keyword(call: ast.Call, name: str) -> ast.AST | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _formatted_names(tree: ast.AST) -> dict[str, tuple[int, str]]:
    """Names that are assigned (anywhere in the module) a formatted string."""
    found: dict[str, tuple[int, str]] = {}
    for node in ast.walk(tree):
        targets: list[ast.AST] = []
        value = None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign | ast.AugAssign):
            targets, value = [node.target], node.value
            if (
                isinstance(node, ast.AugAssign)
                and isinstance(node.op, ast.Add)
                and not _constant(node.value)
            ):
                for target in targets:
                    if isinstance(target, ast.Name):
                        found[target.id] = (node.lineno, "a += with a non-constant")
                continue
        how = formatted(value)
        if how:
            for target in targets:
                if isinstance(target, ast.Name):
                    found[target.id] = (node.lineno, how)
    return found


def offenders(source: str, filename: str) -> Iterator[str]:
    tree = ast.parse(source, filename)
    names = _formatted_names(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            sql = _sql_argument(node)
            how = formatted(sql)
            if how:
                yield f"{filename}:{node.lineno}: SQL built with {how}"
            elif isinstance(sql, ast.Name) and sql.id in names:
                line, how = names[sql.id]
                yield (
                    f"{filename}:{node.lineno}: SQL in {sql.id!r}, built with {how} on line {line}"
                )
    for node in tree.body:  # module-level constants that hold SQL
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if (
                    isinstance(target, ast.Name)
                    and target.id.isupper()
                    and isinstance(node.value, ast.JoinedStr)
                    and formatted(node.value)
                    and _looks_like_sql(node.value)
                ):
                    yield f"{filename}:{node.lineno}: SQL constant {target.id} is an f-string"


def _looks_like_sql(node: ast.JoinedStr) -> bool:
    text = "".join(v.value for v in node.values if isinstance(v, ast.Constant)).upper()
    return any(word in text for word in SQL_WORDS)


def test_no_sql_in_the_app_is_built_by_string_formatting():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        found.extend(offenders(path.read_text(), str(path.relative_to(PACKAGE.parent))))
    assert found == [], "SQL built by formatting; pass values as ? parameters:\n" + "\n".join(found)


def test_the_scan_reads_every_module_of_the_app():
    modules = {p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py")}
    assert {"db.py", "store/attempts.py", "store/privacy.py", "backup.py"} <= modules


@pytest.mark.parametrize(
    "source",
    [
        'db.execute(f"SELECT * FROM t WHERE id = {x}")',
        'db.conn.execute("SELECT * FROM t WHERE id = %s" % x)',
        'db.conn.executemany("DELETE FROM {} WHERE id = ?".format(table), rows)',
        'db.execute("SELECT * FROM t WHERE name = \'" + name + "\'")',
        'cursor.executescript(f"DROP TABLE {table}")',
        'db.query(f"SELECT {column} FROM t")',
        'many(db, f"SELECT * FROM t WHERE id = {x}")',
        'one(db, "SELECT * FROM t WHERE id = %d" % x, [])',
        'rows.scalar(db, "SELECT count(*) FROM " + table)',
        'sql = f"SELECT * FROM t WHERE id = {x}"\ndb.execute(sql)',
        'sql = "SELECT * FROM t"\nsql += where\ndb.execute(sql)',
        'db.execute(sql="PRAGMA user_version = {}".format(n))',
        'db.execute(" AND ".join(clauses))',
        'QUERY = f"SELECT * FROM {TABLE}"',
    ],
)
def test_the_scan_catches_each_way_of_formatting_sql(source):
    assert list(offenders(source, "example.py"))


@pytest.mark.parametrize(
    "source",
    [
        'db.execute("SELECT * FROM t WHERE id = ?", [x])',
        'db.execute("SELECT * FROM t "\n           "WHERE id = ?", [x])',
        'db.execute("SELECT * FROM t " + "WHERE id = ?", [x])',
        '_SAVE = """INSERT INTO t VALUES (?)"""\ndb.conn.execute(_SAVE, [x])',
        'many(db, "SELECT * FROM t WHERE id = :id", {"id": x})',
        'message = f"{n} problem(s) found."\nprint(message)',
        'db.execute("PRAGMA busy_timeout = 10000")',
    ],
)
def test_the_scan_allows_parameterised_sql(source):
    assert list(offenders(source, "example.py")) == []

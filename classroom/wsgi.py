"""The app for a production WSGI server: `gunicorn classroom.wsgi:app`.

`classroom serve` runs gunicorn on this module. Each worker imports it after the fork,
so no connection or lock crosses one, and gunicorn's own process stays small. The
database is migrated before the workers start (by `classroom serve`, or by
`classroom init-db` when another server runs this module).
"""

from classroom import create_app

app = create_app({"MIGRATE_ON_START": False})

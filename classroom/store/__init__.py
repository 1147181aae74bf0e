"""Every query the app runs, as small named functions that take `db` first."""

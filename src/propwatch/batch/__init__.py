"""Corpus runs: inputs -> an engine (local worker processes, or Ray) -> the SQL store.

`inputs` reads records, `runner` runs them (`run_batch`, `LocalEngine`), `ray_engine` runs them
on Ray, `commands` holds the CLI commands. Nothing is imported here, so that `propwatch --help`
and the other commands do not pay for SQLAlchemy.
"""

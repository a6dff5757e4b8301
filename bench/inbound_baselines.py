"""The baselines of bench/inbound.py: their tables, and the gunicorn that
serves them (bench/baseline_site, the same gunicorn command and settings as
Hatid's, only DJANGO_SETTINGS_MODULE differs).

- `plain`: one `INSERT ... ON CONFLICT DO NOTHING` in a plain Django view;
- `drf`: DRF serializers and `get_or_create`.
"""

from __future__ import annotations

TABLES = {"plain": "bench_baseline_plain", "drf": "bench_baseline_drf"}
PATHS = {"plain": "/plain/notify/", "drf": "/drf/notify/"}


def create_tables() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for table in TABLES.values():
            cursor.execute(
                f"""CREATE TABLE IF NOT EXISTS {table} (
                    id bigserial PRIMARY KEY,
                    key varchar(100) NOT NULL UNIQUE,
                    sender varchar(32) NOT NULL,
                    destination varchar(32) NOT NULL,
                    text text NOT NULL,
                    sent_at varchar(64) NOT NULL,
                    received_at timestamptz NOT NULL
                )"""
            )


def rows(name: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {TABLES[name]}")  # noqa: S608 (our constant)
        return cursor.fetchone()[0]


def start_baseline_web(env, workers: int = 5) -> str:
    """gunicorn with the baselines' settings; returns its base URL."""
    return env.start_gunicorn(
        workers,
        "baseline-web.log",
        extra_env={"DJANGO_SETTINGS_MODULE": "bench.baseline_site.settings"},
    )

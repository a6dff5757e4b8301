"""Hatid's production settings (the same middleware, database, connection
reuse and DEBUG off), with only the URLconf swapped for the baselines', so
that a difference in the figures is the callback pipeline's and nothing else.
The baselines' tables are created by bench/inbound_baselines.py."""

from config.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "bench.baseline_site"]  # noqa: F405
ROOT_URLCONF = "bench.baseline_site.urls"

"""A bench-only Django site: the two baselines the inbound benchmark compares
Hatid's notify callback with. Never part of Hatid's URLs: gunicorn serves it
with DJANGO_SETTINGS_MODULE=bench.baseline_site.settings (see bench/inbound.py).
"""

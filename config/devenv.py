"""The development `.env`: who writes it, and the one rule that lets settings read it.

`make install` (so `make run` and `make test` too) writes a git-ignored `.env`
at the repository's root with development values, so that a command the
README prints (`.venv/bin/python manage.py create_api_key ...`) works in a
plain shell, without `DJANGO_DEBUG=1` in front of it.

Production must never pick it up by accident, so settings read a file only when:

- `HATID_ENV_FILE` names it (an empty `HATID_ENV_FILE=` reads none); or else
  `.env` at the repository's root exists, and
- the file declares itself development-only with the line `HATID_DEV_ENV=1`
  (which `write_dev_env` writes; a hand-made `.env` without it is ignored), and
- the process's environment sets none of the production secrets
  (`DJANGO_SECRET_KEY`, `DJANGO_ALLOWED_HOSTS`, `FIELD_ENCRYPTION_KEYS`): a
  process configured for production, even half-configured, reads nothing and
  still fails closed on what is missing.

The environment always wins over the file (nothing set is overridden).
"""

import os
import sys
from pathlib import Path

from dotenv import dotenv_values

MARKER = "HATID_DEV_ENV"
PRODUCTION_SECRETS = ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "FIELD_ENCRYPTION_KEYS")

DEV_ENV = f"""\
# Written by `make install` for development on this clone; git-ignored.
# Settings read it only because of {MARKER}=1, and never when the environment
# sets {", ".join(PRODUCTION_SECRETS)}
# (see config/devenv.py). The environment wins over anything here.
# Delete this file, or run with HATID_ENV_FILE= (empty), to read none.
{MARKER}=1
DJANGO_DEBUG=1
"""


def env_file(base_dir: Path) -> Path | None:
    """The file to read under the rule above, or None."""
    named = os.environ.get("HATID_ENV_FILE")
    if named is not None:
        return Path(named) if named.strip() else None
    return base_dir / ".env"


def load_dev_env(base_dir: Path) -> Path | None:
    """Put the development file's values into os.environ (never over a set one).

    Returns the file read, or None when the rule says to read none.
    """
    path = env_file(base_dir)
    if path is None or not path.is_file():
        return None
    if any(os.environ.get(name) for name in PRODUCTION_SECRETS):
        return None
    values = dotenv_values(path)
    if values.get(MARKER) != "1":
        return None
    for name, value in values.items():
        if value is not None:
            os.environ.setdefault(name, value)
    return path


def write_dev_env(path: Path) -> bool:
    """Write the development file unless one is there; True when written."""
    if path.exists():
        return False
    path.write_text(DEV_ENV)
    return True


if __name__ == "__main__":
    # `python -m config.devenv [PATH]`: what `make install` runs.
    target = Path(sys.argv[1] if len(sys.argv) > 1 else ".env")
    if write_dev_env(target):
        sys.stdout.write(f"wrote {target}: development settings for commands run by hand\n")

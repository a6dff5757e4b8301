"""A separate process that allocates referenceCodes, for the concurrency test:

    python -m tests.support.refcode_worker <app id> <count>

Waits for a go-file to exist (so that all processes start together), then
allocates `count` codes, each in its own transaction, and prints them as JSON.
"""

import json
import os
import sys
import time
from pathlib import Path


def main() -> None:
    app_id, count, go = int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import transaction

    from telecom.models import ProviderApp
    from telecom.services.charging import allocate_reference_code

    app = ProviderApp.objects.get(pk=app_id)
    deadline = time.monotonic() + 60
    while not go.exists():
        if time.monotonic() > deadline:
            sys.exit("never told to go")
        time.sleep(0.01)
    codes = []
    for _ in range(count):
        with transaction.atomic():
            codes.append(allocate_reference_code(app))
    sys.stdout.write(json.dumps(codes))


if __name__ == "__main__":
    main()

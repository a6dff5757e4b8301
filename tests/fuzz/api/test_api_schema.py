"""Schemathesis over the whole partner API: every operation of the OpenAPI
schema, valid and invalid data, every check, the Idempotency-Key header
generated from its declaration. A key with every scope, on an app of each
provider; no answer may be a 5xx, and every answer must match the schema.

Run through Django's WSGI handler in the test's own thread, so the requests
share the test's PostgreSQL transaction (nothing is committed, no task is
queued: `on_commit` never fires).
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from telecom.api.scopes import SCOPES
from telecom.models import ApiKey
from telecom.models.partner import KEY_PREFIX_BYTES, digest_key, split_key
from tests.fuzz.conftest import full_run, fuzz_examples
from tests.support.factories import (
    HoiioAppFactory,
    PartnerFactory,
    ProviderAppFactory,
    VoicentAppFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

# The schema says what a field's type is, not which numbers exist or which
# subscriber consented: a valid-looking request may still be refused, in the
# envelope, with 400 (a number that is not one) or 422 (an Idempotency-Key
# reused with another body, as the generator may do).
# The key is known before the test's database exists: the schema is loaded at
# collection and sends it with every case (an Authorization the generator
# leaves alone, but for the checks that try a request without it).
FUZZ_KEY = "hatid_" + "f" * (2 * KEY_PREFIX_BYTES) + "_fuzzing-key-with-every-scope"
CONFIG = SchemathesisConfig.from_dict(
    {
        "headers": {"Authorization": f"Api-Key {FUZZ_KEY}"},
        # The coverage phase (every boundary of every parameter, ~40 cases an
        # operation) is the full run's: the bounded one in `make test` must be quick.
        "phases": {"coverage": {"enabled": full_run()}},
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "400", "401", "403", "404", "409", "422", "429"]
            },
        },
    }
)


def _load_schema():
    """The schema as Hatid serves it, fetched through the WSGI handler at collection
    (schemathesis' lazy `from_fixture` does not run on pytest 9: it sets the
    removed `Function._nodeid`)."""
    from django.test import override_settings

    from config.wsgi import application

    with override_settings(ALLOWED_HOSTS=["*"]):
        return schemathesis.openapi.from_wsgi(
            "/api/schema/?format=json", application, config=CONFIG
        )


schema = _load_schema()


@pytest.fixture(autouse=True)
def _keep_the_test_connection(settings):
    """As Django's test client does: a request's end must not close the connection
    that holds the test's transaction."""
    settings.ALLOWED_HOSTS = ["*"]
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_key():
    """FUZZ_KEY, holding every scope, for a partner with an app of each provider."""
    partner = PartnerFactory()
    partner.apps.add(ProviderAppFactory(), HoiioAppFactory(), VoicentAppFactory())
    ApiKey.objects.create(
        partner=partner,
        scopes=sorted(SCOPES),
        prefix=split_key(FUZZ_KEY),
        digest=digest_key(FUZZ_KEY),
        rate_per_minute=10**9,
    )


@schema.parametrize()
@settings(
    max_examples=fuzz_examples(),
    deadline=None,
    derandomize=False,
    suppress_health_check=list(HealthCheck),
)
def test_api_fuzz_no_5xx_and_answers_match_the_schema(case, fuzz_key, tally):
    response = case.call()
    tally.count(response.status_code)
    case.validate_response(response)

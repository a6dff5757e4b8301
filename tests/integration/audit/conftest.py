import pytest

from telecom.roles import OPERATORS, VIEWERS
from tests.integration.console.test_admin_and_roles import staff


@pytest.fixture
def olive(client):
    """Olive, an Operator, signed in to the console."""
    user = staff("olive", OPERATORS)
    client.force_login(user)
    return user


@pytest.fixture
def victor():
    return staff("victor", VIEWERS)

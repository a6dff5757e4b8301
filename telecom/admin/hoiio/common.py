"""What the Hoiio pages share: the active Hoiio apps an operator chooses from."""

from telecom.models import ProviderApp


def hoiio_apps():
    return ProviderApp.objects.filter(is_active=True, provider=ProviderApp.Provider.HOIIO)

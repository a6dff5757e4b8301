"""The telecom features' callback handlers, one module per provider: Globe's
Notify, USSD and rewards URIs (`globe`), Hoiio's notifications (`hoiio`).

Each handler reads its payload with the provider's parser (beside the
client: `telecom.globe.inbound`, `telecom.hoiio.notifications`) and applies
the neutral event through a telecom service. Importing this package (the
registry's autodiscovery does) registers them all.
"""

from telecom.callback_handlers import globe, hoiio

__all__ = ["globe", "hoiio"]

"""factory-boy factories for Hatid's models."""

import factory

from telecom.models import Partner, ProviderApp


class ProviderAppFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProviderApp

    name = factory.Sequence(lambda n: f"App {n}")
    app_id = factory.Sequence(lambda n: f"app{n:04d}xKz9Ug55zLh5rTGRT5g6hq6")
    app_secret = factory.Sequence(lambda n: f"{n:04d}f6554137d08f5607a696cd40741993758c411af3")
    shortcode = factory.Sequence(lambda n: f"2158{1000 + n % 9000}")
    passphrase = "correct horse battery"
    rewards_token = "I7SkxKYid_F_p-JSgTejow"


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Partner {n}")


class HoiioAppFactory(ProviderAppFactory):
    provider = ProviderApp.Provider.HOIIO
    app_id = factory.Sequence(lambda n: f"hoiio-app-{n:04d}")
    app_secret = ""
    shortcode = ""
    passphrase = ""
    rewards_token = ""
    access_token = factory.Sequence(lambda n: f"hoiio-token-{n:04d}-9f8e7d6c5b4a")
    sender_name = "Hatid"


class VoicentAppFactory(ProviderAppFactory):
    provider = ProviderApp.Provider.VOICENT
    app_id = ""
    app_secret = ""
    shortcode = ""
    passphrase = ""
    rewards_token = ""
    gateway_host = "127.0.0.1"
    gateway_port = 8155


def inbound_message(subscriber, text="hello", **fields):
    """An SMS the subscriber sent to their app, as the platform delivered it."""
    from telecom.models import Message

    values = {
        "app": subscriber.app,
        "subscriber": subscriber,
        "msisdn": subscriber.msisdn,
        "direction": Message.Direction.IN,
        "status": Message.Status.RECEIVED,
        "source": Message.Source.PLATFORM,
        "text": text,
        **fields,
    }
    return Message.objects.create(**values)


def charge_row(subscriber, reference_code: str, **fields):
    """A charge of the subscriber's written as it stands (queued unless `status`
    says otherwise), without the service's checks or a request."""
    from decimal import Decimal

    from telecom.models import Charge

    values = {
        "app": subscriber.app,
        "subscriber": subscriber,
        "msisdn": subscriber.msisdn,
        "amount": Decimal("1.00"),
        "description": "x",
        "reference_code": reference_code,
        **fields,
    }
    return Charge.objects.create(**values)


def staff_user(username: str, group: str):
    """A console user in `group` (`telecom.roles.OPERATORS` or `VIEWERS`)."""
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user(username, password="pw-123-XYZ", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user

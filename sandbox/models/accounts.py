"""Who is on the simulated platform: developer apps and subscribers (handsets)."""

from decimal import Decimal

from django.db import models

from sandbox.rows import SandboxRow


class App(SandboxRow):
    """A developer app as the Globe Labs portal knows it: credentials, URIs, wallet."""

    app_id = models.CharField(max_length=64, unique=True)
    app_secret = models.CharField(max_length=128)
    name = models.CharField(max_length=100, blank=True, help_text="Shown in the welcome message.")
    description = models.CharField(max_length=200, blank=True)
    support_email = models.CharField(max_length=200, blank=True)
    shortcode = models.CharField(
        max_length=16, unique=True, help_text="The full short code, e.g. 21581234."
    )
    redirect_uri = models.URLField(max_length=500, blank=True)
    notify_uri = models.URLField(max_length=500, blank=True)
    ussd_notify_uri = models.URLField(max_length=500, blank=True)
    rewards_uri = models.URLField(max_length=500, blank=True)
    voice_uri = models.URLField(max_length=500, blank=True)
    passphrase = models.CharField(max_length=128, blank=True)
    voice_token = models.CharField(
        max_length=128,
        blank=True,
        db_index=True,
        help_text="The Voice App Token: what the session API's token launch names the app by.",
    )
    rewards_token = models.CharField(max_length=128, blank=True)
    promos = models.JSONField(default=dict, help_text="Promo name -> price for the Load API.")
    charging_keywords = models.JSONField(
        default=dict, help_text="Charging opt-in keyword (YES <KEYWORD>) -> amount."
    )
    wallet_balance = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    active = models.BooleanField(
        default=True, help_text="False: 'App Is deactivated (due to inactivity)'."
    )
    blocked = models.BooleanField(default=False, help_text="True: the account is blocked.")
    ussd_provisioned = models.BooleanField(default=True)
    rewards_provisioned = models.BooleanField(default=True)
    last_wallet_query_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name or self.app_id} ({self.shortcode})"

    @property
    def suffix(self) -> str:
        """The last four digits of the short code: what the API paths carry."""
        return self.shortcode[-4:]


class Subscriber(SandboxRow):
    """A handset on the network and the account state the APIs consult."""

    shown_as = "{number}"

    class Brand(models.TextChoices):
        # The charging error table tells Globe prepaid (GHP) from TM apart.
        GHP = "ghp", "Globe prepaid (GHP)"
        TM = "tm", "TM"

    class RewardOutcome(models.TextChoices):
        SUCCESS = "SUCCESS"
        FAILED = "FAILED"

    number = models.CharField(max_length=20, unique=True, help_text="E.164, e.g. +639171234567.")
    brand = models.CharField(max_length=4, choices=Brand.choices, default=Brand.GHP)
    balance = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    reload_amount = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    postpaid = models.BooleanField(default=False)
    latitude = models.DecimalField(max_digits=10, decimal_places=7, null=True, blank=True)
    longitude = models.DecimalField(max_digits=10, decimal_places=7, null=True, blank=True)
    charging_allowed = models.BooleanField(
        default=True, help_text="False: charging answers 701 (disallowed for the subscriber)."
    )
    balance_check_fails = models.BooleanField(
        default=False, help_text="True: charging cannot check the balance (416, or 405 on TM)."
    )
    blacklisted = models.BooleanField(default=False)
    reward_outcome = models.CharField(
        max_length=8, choices=RewardOutcome.choices, default=RewardOutcome.SUCCESS
    )

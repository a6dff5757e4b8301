"""The Hoiio twin's state (sandbox database alias, wiped by a reset)."""

from decimal import Decimal

from django.db import models

from sandbox.rows import SandboxRow, Shown


class HoiioAccount(SandboxRow):
    """A developer app as Hoiio knows it: the credential pair and the credit."""

    shown_as = "{app_id}"

    app_id = models.CharField(max_length=64, unique=True)
    access_token = models.CharField(max_length=128)
    uid = models.CharField(max_length=32, blank=True)
    name = models.CharField(max_length=100, blank=True)
    mobile_number = models.CharField(max_length=20, blank=True)
    email = models.CharField(max_length=200, blank=True)
    country = models.CharField(max_length=2, default="SG")
    currency = models.CharField(max_length=3, default="SGD")
    points = models.DecimalField(max_digits=12, decimal_places=4, default=Decimal("0"))
    bonus = models.DecimalField(max_digits=12, decimal_places=4, default=Decimal("0"))

    class Meta(SandboxRow.Meta):
        verbose_name = "Hoiio account"
        verbose_name_plural = "Hoiio accounts"

    @property
    def balance(self) -> Decimal:
        return self.points + self.bonus


class HoiioRoom(Shown):
    shown_as = "{room}"

    account = models.ForeignKey(HoiioAccount, on_delete=models.CASCADE, related_name="rooms")
    room = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "Hoiio room"
        verbose_name_plural = "Hoiio rooms"


class HoiioTransaction(SandboxRow):
    """One chargeable thing: an SMS (out or in), a call-back, a conference
    participant, an IVR call, a fax (out or in), a number subscription."""

    shown_as = "{kind} {txn_ref}"

    class Kind(models.TextChoices):
        SMS = "sms", "SMS sent"
        SMS_IN = "sms_in", "SMS received"
        CALL = "call", "Call-back"
        CONFERENCE = "conference", "Conference participant"
        IVR = "ivr", "IVR call"
        FAX = "fax", "Fax sent"
        FAX_IN = "fax_in", "Fax received"
        NUMBER = "number", "Number subscription"

    PREFIX = {
        Kind.SMS: "S",
        Kind.SMS_IN: "S",
        Kind.CALL: "C",
        Kind.CONFERENCE: "C",
        Kind.IVR: "I",
        Kind.FAX: "F",
        Kind.FAX_IN: "F",
        Kind.NUMBER: "N",
    }

    account = models.ForeignKey(HoiioAccount, on_delete=models.CASCADE, related_name="transactions")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    txn_ref = models.CharField(max_length=32, unique=True, null=True)  # noqa: DJ001
    bulk_txn_ref = models.CharField(max_length=32, blank=True, db_index=True)
    tag = models.CharField(max_length=256, blank=True, db_index=True)
    notify_url = models.CharField(max_length=1000, blank=True)
    src = models.CharField(max_length=20, blank=True)
    dest = models.CharField(max_length=20, blank=True)
    dest2 = models.CharField(max_length=20, blank=True)
    msg = models.TextField(blank=True)
    sender_name = models.CharField(max_length=32, blank=True)
    caller_id = models.CharField(max_length=32, blank=True)
    max_duration = models.PositiveIntegerField(null=True, blank=True)
    room = models.ForeignKey(HoiioRoom, null=True, blank=True, on_delete=models.SET_NULL)
    status = models.CharField(max_length=16, blank=True, help_text="sms_status or fax_status.")
    status1 = models.CharField(max_length=16, blank=True, help_text="call_status_dest1.")
    status2 = models.CharField(max_length=16, blank=True, help_text="call_status_dest2.")
    split_count = models.PositiveIntegerField(default=1)
    pages = models.PositiveIntegerField(default=0)
    filename = models.CharField(max_length=200, blank=True)
    document = models.BinaryField(blank=True, default=b"")
    file_token = models.CharField(max_length=40, blank=True, db_index=True)
    duration = models.PositiveIntegerField(default=0)
    rate = models.DecimalField(max_digits=10, decimal_places=4, default=Decimal("0"))
    debit = models.DecimalField(max_digits=10, decimal_places=4, default=Decimal("0"))
    answered_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    request = models.JSONField(default=dict, help_text="The parameters received (no secrets).")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta(SandboxRow.Meta):
        verbose_name = "Hoiio transaction"
        verbose_name_plural = "Hoiio transactions"


class HoiioSession(SandboxRow):
    """An IVR session: the call, the blocks run on it, and where it stands."""

    shown_as = "session {session} ({state})"

    class State(models.TextChoices):
        RINGING = "ringing", "Ringing"
        ONGOING = "ongoing", "Ongoing"
        ENDED = "ended", "Ended"

    session = models.CharField(max_length=32, unique=True)
    account = models.ForeignKey(HoiioAccount, on_delete=models.CASCADE, related_name="sessions")
    transaction = models.OneToOneField(HoiioTransaction, on_delete=models.CASCADE)
    direction = models.CharField(max_length=3, default="out")
    state = models.CharField(max_length=8, choices=State.choices, default=State.RINGING)
    monitoring = models.BooleanField(default=False)
    transcript = models.JSONField(default=list, help_text="Each block as it ran.")

    class Meta(SandboxRow.Meta):
        verbose_name = "Hoiio session"
        verbose_name_plural = "Hoiio sessions"


class HoiioNumber(Shown):
    """A number Hoiio rents out: on offer, or subscribed by an account."""

    shown_as = "{number}"

    number = models.CharField(max_length=20, unique=True)
    country = models.CharField(max_length=2)
    state = models.CharField(max_length=8, blank=True)
    account = models.ForeignKey(
        HoiioAccount, null=True, blank=True, on_delete=models.SET_NULL, related_name="numbers"
    )
    expiry = models.DateField(null=True, blank=True)
    auto_extend = models.BooleanField(default=False)
    forward_to = models.CharField(max_length=1000, blank=True)
    forward_sms_to = models.CharField(max_length=1000, blank=True)
    mode = models.CharField(max_length=5, default="voice")

    class Meta:
        verbose_name = "Hoiio number"
        verbose_name_plural = "Hoiio numbers"
        ordering = ["number"]

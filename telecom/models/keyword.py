"""`KeywordRule`: what Hatid does when a subscriber texts a word to an app.

The first word of the message decides, case-insensitively: a rule matches it
exactly (`word`) or as a regular expression (`pattern`); the app's `default`
rule applies when none does. INFO, YES, STOP and STOPSVC belong to the
platform's consent workflow and never reach the rules.
"""

import re

from django.core.exceptions import ValidationError
from django.db import models

from telecom.models.bases import optional_link
from telecom.models.provider_app import ProviderApp

PLATFORM_KEYWORDS = frozenset({"INFO", "YES", "STOP", "STOPSVC"})
# What Hatid itself reads on a Hoiio number (`telecom.services.hoiio.opt_out`).
HOIIO_OPT_OUT = frozenset({"STOP", "STOPSVC", "UNSUBSCRIBE"})
HOIIO_OPT_IN = frozenset({"START", "SUBSCRIBE"})


class KeywordRule(models.Model):
    class Match(models.TextChoices):
        WORD = "word", "The first word is"
        PATTERN = "pattern", "The first word matches the pattern"
        DEFAULT = "default", "Nothing else matched (default)"

    app = models.ForeignKey(ProviderApp, on_delete=models.CASCADE, related_name="keyword_rules")
    match = models.CharField(max_length=8, choices=Match.choices, default=Match.WORD)
    keyword = models.CharField(
        max_length=100,
        blank=True,
        help_text="A word (e.g. PROMO) or a regular expression (e.g. PROMO\\d+).",
    )
    position = models.PositiveIntegerField(default=0, help_text="Lower is tried first.")
    reply_text = models.TextField(
        blank=True, help_text="Auto-reply. {text} is the message, {number} the sender."
    )
    reply_template = optional_link(
        "telecom.MessageTemplate",
        "Reply with this template instead, filled for the sender ({text}: the message, "
        "when the template declares it).",
    )
    tag = optional_link("subscribers.Tag", "Tag the sender with this.")
    webhook_partner = optional_link(
        "telecom.Partner", "Send the message to this partner's webhook."
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["app", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.get_match_display()} {self.keyword}".strip()

    def clean(self):
        if self.match == self.Match.DEFAULT:
            self.keyword = ""
        elif not self.keyword.strip():
            raise ValidationError({"keyword": "Give the keyword or pattern."})
        if self.match == self.Match.WORD:
            if len(self.keyword.split()) != 1:
                raise ValidationError({"keyword": "A keyword is one word."})
            if self.keyword.upper() in PLATFORM_KEYWORDS:
                raise ValidationError(
                    {
                        "keyword": "INFO, YES, STOP and STOPSVC belong to the "
                        "platform's consent workflow."
                    }
                )
            hoiio = self.app_id is not None and self.app.provider == ProviderApp.Provider.HOIIO
            if hoiio and self.keyword.upper() in HOIIO_OPT_OUT | HOIIO_OPT_IN:
                raise ValidationError(
                    {
                        "keyword": "On a Hoiio app, UNSUBSCRIBE, START and SUBSCRIBE "
                        "opt the sender out and back in."
                    }
                )
        if self.match == self.Match.PATTERN:
            try:
                re.compile(self.keyword)
            except re.error as exc:
                raise ValidationError({"keyword": f"Not a valid pattern: {exc}"}) from None
        if self.reply_text and self.reply_template_id:
            raise ValidationError({"reply_template": "Reply with a text or a template, not both."})
        if self.reply_template_id and self.reply_template.app_id != self.app_id:
            raise ValidationError({"reply_template": "This template belongs to another app."})
        if not (
            self.reply_text or self.reply_template_id or self.tag_id or self.webhook_partner_id
        ):
            raise ValidationError("A rule must do something: reply, tag, or call a webhook.")

    def matches(self, first_word: str) -> bool:
        if self.match == self.Match.WORD:
            return first_word.casefold() == self.keyword.casefold()
        if self.match == self.Match.PATTERN:
            try:
                return re.fullmatch(self.keyword, first_word, re.IGNORECASE) is not None
            except re.error:
                return False
        return False

"""Keyword rules: the first word of an inbound SMS decides what Hatid does
(reply, tag the sender, call a partner's webhook). Platform keywords are left
to the consent workflow."""

from subscribers.services.tags import tag_subscribers
from telecom.models import KeywordRule, Message
from telecom.models.keyword import PLATFORM_KEYWORDS
from telecom.services.messaging import send_sms
from telecom.services.webhooks import queue_message_webhook


def first_word(text: str) -> str:
    words = text.strip().split(maxsplit=1)
    return words[0] if words else ""


def matching_rule(app, text: str, rules: list[KeywordRule] | None = None) -> KeywordRule | None:
    """The rule for this text; `rules`, the app's active rules when the caller read them."""
    word = first_word(text)
    if word.upper() in PLATFORM_KEYWORDS:
        return None
    if rules is None:
        rules = list(KeywordRule.objects.filter(app=app, is_active=True).select_related("tag"))
    for rule in rules:
        if rule.matches(word):
            return rule
    return next((rule for rule in rules if rule.match == KeywordRule.Match.DEFAULT), None)


def apply_keyword_rules(message: Message, rules: list[KeywordRule] | None = None) -> str:
    """Run the matching rule's actions in the caller's transaction; a note for the log."""
    rule = matching_rule(message.app, message.text, rules)
    if rule is None:
        return ""
    message.keyword_rule = rule
    message.save(update_fields=["keyword_rule", "updated_at"])
    done = []
    if rule.tag_id:
        tag_subscribers(subscriber_ids=[message.subscriber_id], tag_name=rule.tag.name)
        done.append(f"tagged {rule.tag.name}")
    if rule.reply_text:
        reply = send_sms(
            app=message.app,
            to=message.subscriber,
            text=rule.reply_text.replace("{text}", message.text).replace(
                "{number}", message.msisdn
            ),
            source=Message.Source.KEYWORD,
        )
        done.append(f"reply {reply.pk} {reply.status}")
    if rule.webhook_partner_id:
        queue_message_webhook(rule.webhook_partner, message)
        done.append(f"webhook to {rule.webhook_partner}")
    return f"; rule {rule.pk} ({rule}): {', '.join(done)}"

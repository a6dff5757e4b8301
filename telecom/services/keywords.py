"""Keyword rules: the first word of an inbound SMS decides what Hatid does
(reply, tag the sender, call a partner's webhook). Platform keywords are left
to the consent workflow."""

from subscribers.services.tags import tag_subscribers
from telecom.models import KeywordRule, Message
from telecom.models.keyword import PLATFORM_KEYWORDS
from telecom.services.messaging import send_sms
from telecom.services.webhooks import queue_message_webhook
from telecom.steps.templating import render


def first_word(text: str) -> str:
    words = text.strip().split(maxsplit=1)
    return words[0] if words else ""


def matching_rule(app, text: str, rules: list[KeywordRule] | None = None) -> KeywordRule | None:
    """The rule for this text; `rules`, the app's active rules when the caller read them."""
    word = first_word(text)
    if word.upper() in PLATFORM_KEYWORDS:
        return None
    if rules is None:
        rules = list(
            KeywordRule.objects.filter(app=app, is_active=True).select_related(
                "tag", "reply_template"
            )
        )
    for rule in rules:
        if rule.matches(word):
            return rule
    return next((rule for rule in rules if rule.match == KeywordRule.Match.DEFAULT), None)


def reply_of(rule: KeywordRule, message: Message) -> dict:
    """The reply's text, or its template with the message as `{text}`."""
    if rule.reply_template_id:
        template = rule.reply_template
        given = {"text": message.text} if "text" in template.defaults else {}
        return {"template": template, "variables": given}
    return {"text": render(rule.reply_text, {"text": message.text, "number": message.msisdn})}


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
    if rule.reply_template_id or rule.reply_text:
        reply = send_sms(
            app=message.app,
            to=message.subscriber,
            source=Message.Source.KEYWORD,
            **reply_of(rule, message),
        )
        done.append(f"reply {reply.pk} {reply.status}")
    if rule.webhook_partner_id:
        queue_message_webhook(rule.webhook_partner, message)
        done.append(f"webhook to {rule.webhook_partner}")
    return f"; rule {rule.pk} ({rule}): {', '.join(done)}"

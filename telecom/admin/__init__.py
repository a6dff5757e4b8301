"""The operator console's pages for the telecom app, one module per model."""

from telecom.admin import (  # noqa: F401
    audit,
    callback_event,
    campaign,
    dashboard,
    hoiio,
    keyword_rule,
    message,
    message_template,
    money,
    outbound_call,
    partner,
    provider_app,
    subscriber,
    ussd,
    voicent,
    webhook,
)

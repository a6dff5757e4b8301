"""What a USSD screen and a voice step share: the action a step may take when
it is reached (`models.StepAction`, the one definition both inherit), the one
runner that takes it for a USSD session or a call (`runner`), the one
variable syntax their texts use (`templating`), the admin form bits that show
an action's fields (`forms`) and the figures both consoles count
(`statistics`).

It sits with telecom's features: it calls the services (SMS, charging,
rewards, tags, webhooks) and imports nothing from `voiceflows`; a call's own
bits (confirming an escalation, the webhook's body) are handed to the runner
in its context.
"""

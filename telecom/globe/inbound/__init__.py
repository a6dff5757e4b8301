"""Globe Labs' inbound side, beside its client: what the platform posts to an
app's callback URIs, read into the neutral events of `telecom.inbound_events`
(or plain values, for consent). Each parser raises `RejectedPayload` naming
the field it could not read; the handlers that apply the events sit with the
services they call (`telecom.callback_handlers`, `subscribers.callback_handlers`).

- `sms`: the Notify URI's inbound SMS batch;
- `ussd`: the USSD Notify URI;
- `consent`: the Redirect URI (opt-in, code, STOP) and the charging opt-in;
- `rewards`: the rewards callback URI;
- `fields`: what they share (a field's rejection, a count, a number).
"""

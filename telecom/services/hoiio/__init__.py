"""Hoiio's services, one module per job: `sms` (bulk sends, delivery reports,
SMS received), `voice` (call-backs and conferences), `ivr` (sessions run one
block at a time), `numbers` (renting, forwarding, the balance), `prices`
(what things cost, asked at once), `history` (finding a request again by
its tag) and `resolve` (the periodic look that settles unknown outcomes).
Hoiio's wire format is the client's, `telecom.hoiio`."""

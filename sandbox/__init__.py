"""The Globe Labs sandbox: an offline, stateful twin of the platform, and
beside it twins of Hoiio (`hoiio/`, under `/hoiio/open/...`) and of the
Voicent gateway (`voicent/`, under `/voicent/ocall/...`).

It runs as its own process (`manage.py globe_sandbox`), answers the
documented Globe Labs endpoints from its own database alias, sends the
documented callbacks to each app's URIs, and can be told to misbehave. Hatid
reaches it only over HTTP, through the same clients it uses for the live
platform. Nothing here imports Hatid's business code: it is an independent
twin, sharing only the generic helpers `telecom.msisdn` and `telecom.dates`
and the Tropo grammar (`voiceflows.tropo`). And nothing of Hatid's imports
it: it is installed only in development or with HATID_SANDBOX=1
(config/settings.py), and production runs without it.

Layout: `models/` (the platform's state), `platform/` (the public API, one
module per area), `control/` (the `/_sandbox/` JSON API), `services/` (the
behaviour both share: consent, handsets, USSD sessions, wallet),
`callbacks.py` (everything the platform sends to apps), `faults.py`,
`server.py` (the HTTP server), `handset.py` (the virtual handset page,
`templates/sandbox/`), `client.py` (what the tests and the benchmarks drive it
with);
`hoiio/` and `voicent/` each hold their own models, views, background
progress and control views, and share the faults, the knobs, the
callbacks, and `models.phones` (how a number behaves when called).
"""

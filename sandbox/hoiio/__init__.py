"""The Hoiio twin, served by the sandbox process under `/hoiio/open/...`.

Every call of the published SDK (../shared/reference/hoiio-api-endpoints.md)
at its path, as POST form bodies (Hatid) and as the SDK's own GET query
strings, answered as JSON with `"status": "success_ok"` or an error code.
It keeps state like the real service: accounts and their credit, every
transaction with its `txn_ref` (and `bulk_txn_ref`), calls whose status
progresses (ongoing, then answered, unanswered, busy or failed, by what the
number called is set to do: `sandbox.models.phones`), conference
rooms of at most 8, IVR sessions running one block at a time, faxes with
their documents, rented numbers and their forwarding. It posts Hoiio's
notifications (form bodies) to each request's `notify_url`, and what arrives
on a rented number to the number's forwarding URLs.

Layout: `models.py`, `common.py` (the endpoint wrapper: method, faults,
credentials, answers), one module per SDK service (`sms`, `voice`, `ivr`,
`fax`, `numbers`, `account`), `progress.py` (what happens after answering),
`control.py` (`/_sandbox/hoiio/...`) and `urls.py`.
"""

"""Inbound provider callbacks: keep the raw request first, then hand it to the
handler registered for its kind. See `service` for the processing contract and
`registry` for what a handler provides."""

"""The partner REST API's foundation (`/api/v1/`): API-key authentication with
scopes, per-key throttling, Idempotency-Key handling, one JSON error envelope,
cursor pagination, and the bases every endpoint is built from (`bases`,
`routes`). Each feature adds its endpoints to `telecom.api.urls`."""

"""The audit trail's writing side: `record` (the one service), the request
context the middleware keeps, and the hooks into Django's admin."""

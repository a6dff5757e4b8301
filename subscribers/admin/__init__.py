"""The operator console's pages for subscribers and what Hatid asked about them."""

from subscribers.admin import imports, queries, subscriber  # noqa: F401

"""Voice flows as data: the Tropo JSON renderer, call webhooks and call sessions."""

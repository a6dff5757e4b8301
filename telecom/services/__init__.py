"""Services: the only entry points that change Hatid's state.

Admin actions, the partner API, callbacks and flows call these; each
validates its input, writes in a transaction, and enqueues provider work on
commit. They raise `ServiceError` for input they refuse.
"""

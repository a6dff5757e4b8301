"""Subscribers of each provider app, their access tokens and consent history,
and the location and balance queries about them."""

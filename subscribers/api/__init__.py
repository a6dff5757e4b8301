"""The partner API's subscriber endpoints. Tokens are never returned by any of them."""

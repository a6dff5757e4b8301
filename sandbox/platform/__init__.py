"""The simulated Globe Labs API: one module per API area, as the reference docs group them."""

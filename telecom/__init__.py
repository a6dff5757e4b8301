"""The providers and the traffic with them: provider apps, their clients, the
callback log, outbound calls, and the partner API's foundation."""

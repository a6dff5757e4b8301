"""The subscribers app's services: consent (opt-in, opt-out, tokens, code
exchanges, charging opt-ins) and questions about a subscriber (location,
balance). The only code that changes the app's state."""

"""What a partner's API key may be allowed to do."""

SCOPES: dict[str, str] = {
    "sms:send": "Send SMS and start campaigns",
    "sms:read": "Read messages and campaigns",
    "charge": "Charge subscribers and read charges",
    "reward": "Send rewards and load, and read them",
    "subscribers:read": "Read subscribers, their location and balance, and answer access "
    "requests (everything held about a number)",
    "subscribers:write": "Locate subscribers, query balances, start consent",
    "subscribers:erase": "Erase a subscriber's number and everything about it (Data Privacy Act)",
    "ussd": "Push USSD and read sessions",
    "calls": "Start voice calls (Hoiio call-backs, conferences, IVR; Voicent calls and "
    "escalations) and read them",
    "fax": "Send faxes and read them",
    "wallet:read": "Read the developer wallet balance",
    "webhook": "Read and set where the partner's webhooks are posted",
    "reports:read": "Read traffic reports (counts per day or hour)",
    "audit:read": "Read the audit trail of the partner's own API writes",
}


def validate_scopes(scopes: list[str]) -> list[str]:
    unknown = sorted(set(scopes) - SCOPES.keys())
    if unknown:
        raise ValueError(f"unknown scopes: {', '.join(unknown)} (known: {', '.join(SCOPES)})")
    return sorted(set(scopes))

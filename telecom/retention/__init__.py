"""Retention: how long each kind of personal data is kept, and its purge.

`registry` names the kinds (a model, its date, the period that applies, and
whether an expired row is deleted or has its personal fields blanked);
`purge` removes what expired in small batches. The kinds of the
infrastructure's rows are declared in `infrastructure`; each app declares its
own in its `retention` module (telecom's features in `telecom.retention.features`),
registered from its AppConfig.ready().
"""

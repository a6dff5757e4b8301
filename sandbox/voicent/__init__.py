"""The Voicent gateway twin, served by the sandbox process under `/voicent/ocall/...`.

The Simple Call Interface's three handlers, as the published SDK posts to
them: `callreqHandler.jsp` (callText, callAudio, callTillConfirm: a page with
`[ReqId=<id>]`), `callstatusHandler.jsp` (a page with `^made^`, `^failed^`,
`^retry^`, or none while in progress) and `callremoveHandler.jsp`. Each
request is kept with its id and its status progresses on the sandbox's
background thread by what the number called is set to do
(`sandbox.models.phones`): answered calls are made, busy or
unanswered ones are retried (`^retry^`) and then fail. A call till confirm
runs BroadcastByPhone as the gateway host would: it reads the call list
named on its command line (the control API puts lists "on the host"), calls
each number in turn, round after round, until one keys in the confirmation
code. The gateway never calls back.
"""

"""The endpoint every provider callback reaches: `/callbacks/<provider>/<token>/<kind>/`
(`globe` for Globe Labs, `hoiio` for Hoiio's notifications).

`receive` does the work (the path token, which must be an app of that
provider, the body, the raw record, the optional IP allow-list, processing);
this view answers with JSON, or with the page a handler chose (the consent
redirect). An unknown token or kind is a 404 and stores nothing.
"""

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from telecom.callbacks.service import receive


@csrf_exempt
def provider_callback(request, token: str, kind: str, provider: str = "globe"):
    reception = receive(request, token=token, kind=kind, provider=provider)
    reception.raise_failure()
    outcome = reception.outcome
    if outcome.response is not None:
        return outcome.response
    return JsonResponse(outcome.body, status=outcome.status)

"""Control: what happened, and what should go wrong next.

- `GET /_sandbox/deliveries?kind=sms|binary|charge|reward|ussd&number=&app_id=`:
  every request the platform accepted and applied, oldest first, each with
  its idempotency key (`clientCorrelator` / `referenceCode`) and
  `duplicate_submissions`, the repeats answered without applying them.
- `GET /_sandbox/callbacks?kind=&app_id=`: every callback, its target, status and
  the app's answer.
- `GET|POST|DELETE /_sandbox/faults` (`?endpoint=` to delete one): see
  `sandbox.faults` for the knobs.
"""

from django.db.models import Q
from django.http import JsonResponse

from sandbox import faults
from sandbox.control.common import (
    ControlError,
    body,
    callback_json,
    control_view,
    delivery_json,
    number_of,
)
from sandbox.models import Callback, Delivery


@control_view("GET")
def deliveries(request):
    found = Delivery.objects.select_related("app", "subscriber").order_by("id")
    kind = request.GET.get("kind")
    if kind:
        if kind not in Delivery.Kind.values:
            raise ControlError(400, f"kind must be one of {', '.join(Delivery.Kind.values)}")
        found = found.filter(kind=kind)
    if request.GET.get("number"):
        found = found.filter(subscriber__number=number_of(request.GET["number"]))
    if request.GET.get("app_id"):
        found = found.filter(app__app_id=request.GET["app_id"])
    return JsonResponse({"deliveries": [delivery_json(d) for d in found]})


@control_view("GET")
def callbacks(request):
    found = Callback.objects.select_related("app", "hoiio_account").order_by("id")
    if request.GET.get("kind"):
        found = found.filter(kind=request.GET["kind"])
    if request.GET.get("app_id"):
        app_id = request.GET["app_id"]
        found = found.filter(Q(app__app_id=app_id) | Q(hoiio_account__app_id=app_id))
    return JsonResponse({"callbacks": [callback_json(c) for c in found]})


@control_view("GET", "POST", "DELETE")
def fault_list(request):
    if request.method == "POST":
        fault = faults.parse(body(request))
        faults.set_fault(fault)
        return JsonResponse(fault.as_dict(), status=201)
    if request.method == "DELETE":
        endpoint = request.GET.get("endpoint")
        if endpoint is not None and endpoint not in faults.ENDPOINTS:
            raise ControlError(400, f"endpoint must be one of {', '.join(faults.ENDPOINTS)}")
        faults.clear(endpoint)
    return JsonResponse({"faults": faults.active()})

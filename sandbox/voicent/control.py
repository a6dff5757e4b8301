"""Control of the Voicent gateway twin (`/_sandbox/voicent/...`, JSON).

- `GET /_sandbox/voicent/requests?req_id=&kind=`: every call request, with
  its status, attempts, the numbers dialled and, for a call till confirm,
  who confirmed.
- `GET|POST /_sandbox/voicent/calllists`: BroadcastByPhone call lists "on
  the gateway's host"; POST `{"path": "C:\\\\lists\\\\oncall.voc", "numbers": [...]}`
  puts one there (replacing a list at that path).
How the numbers behave is set with `/_sandbox/phones`.
"""

from django.http import JsonResponse

from sandbox.control.common import ControlError, body, control_view, number_of
from sandbox.rows import attributes
from sandbox.voicent.models import VoicentCallList, VoicentRequest


def request_json(request: VoicentRequest) -> dict:
    return {
        **attributes(request, "req_id", "kind", "info", "phoneno", "txt", "audiofile"),
        **attributes(request, "startexec", "cmdline", "call_list", "confirm_code"),
        **attributes(request, "selfdelete", "status", "attempts", "calls", "confirmed_by"),
        "removed": request.removed,
        "created_at": request.created_at.isoformat(),
    }


@control_view("GET")
def requests(request):
    found = VoicentRequest.objects.order_by("id")
    for name in ("req_id", "kind"):
        if request.GET.get(name):
            found = found.filter(**{name: request.GET[name]})
    return JsonResponse({"requests": [request_json(r) for r in found]})


@control_view("GET", "POST")
def call_lists(request):
    if request.method == "POST":
        data = body(request)
        path, numbers = data.get("path"), data.get("numbers")
        if not isinstance(path, str) or not path:
            raise ControlError(400, "path is required")
        if not isinstance(numbers, list) or not numbers:
            raise ControlError(400, "numbers must be a non-empty list")
        found, _ = VoicentCallList.objects.update_or_create(
            path=path, defaults={"numbers": [number_of(str(n)) for n in numbers]}
        )
        return JsonResponse({"path": found.path, "numbers": found.numbers}, status=201)
    return JsonResponse(
        {
            "calllists": [
                {"path": c.path, "numbers": c.numbers} for c in VoicentCallList.objects.all()
            ]
        }
    )

"""Which provider apps a partner's request may use."""

from rest_framework.exceptions import ValidationError

from telecom.models.partner import Partner
from telecom.models.provider_app import ProviderApp


def partner_apps(request):
    partner = request.user
    if not isinstance(partner, Partner):  # schema generation has no partner
        return ProviderApp.objects.none()
    return partner.apps.filter(is_active=True)


def chosen_app(request, app_id) -> ProviderApp:
    """The app named in the request, or the partner's only app."""
    apps = list(partner_apps(request))
    if app_id is not None:
        for app in apps:
            if app.pk == app_id:
                return app
        raise ValidationError({"app": ["this key may not use that app"]})
    if len(apps) == 1:
        return apps[0]
    if not apps:
        raise ValidationError({"app": ["this key may not use any app"]})
    raise ValidationError({"app": ["this key may use several apps; say which"]})

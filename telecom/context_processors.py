"""What every operator console page shows at the top: wallets below their
alert threshold."""

from django.utils.functional import SimpleLazyObject


def operator_alerts(request):
    if not request.path.startswith("/admin/") or not getattr(request.user, "is_staff", False):
        return {}
    from telecom.services.wallet import apps_below_threshold

    # Lazy: evaluated only by pages that render the banner.
    return {"wallet_alerts": SimpleLazyObject(apps_below_threshold)}

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from . import registry


def site(request: HttpRequest) -> dict[str, object]:
    return {"SITE_NAME": settings.SITE_NAME}


def navigation(request: HttpRequest) -> dict[str, object]:
    """The main navigation's entries the user sees (``core.registry``), worked out only if a page shows them."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_entries": SimpleLazyObject(lambda: registry.nav_for(user))}

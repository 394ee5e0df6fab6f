from django.http import HttpRequest

from .models import Person


class AuthedRequest(HttpRequest):
    """A request behind login_required (or API auth): ``user`` is a real Person."""

    user: Person

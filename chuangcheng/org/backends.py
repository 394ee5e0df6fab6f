from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser
from django.db.models import Model
from django.http import HttpRequest

from chuangcheng.core.services import EDIT_CALENDAR

from . import throttle
from .access import scope_for
from .choices import Role
from .models import Person

# Permissions of the apps below org that a role grants (superusers hold every permission).
# Answered from the roles alone: no permission rows, no queries beyond the person's scope.
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    EDIT_CALENDAR: (Role.OFFICE,),
}


class LoginBackend(ModelBackend):
    """Password login for every way in, throttled in one place.

    ``authenticate()`` is the choke point the login page, the admin login and the password
    change form all pass through, so failures are counted and locked callers refused here
    rather than in each form: a correct password during the lockout logs nobody in.

    Django's default backend refuses inactive users before the form sees them, so they
    only ever read "用户名或密码错误". Here authentication succeeds and the form's
    ``confirm_login_allowed`` says the account is disabled; sessions of inactive users
    are still refused by ``get_user``.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Person | None:
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        throttle.refuse_if_locked(request, username)
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            throttle.record_failure(request, username)
        else:
            throttle.clear_failures(username)
        return user

    def has_perm(self, user_obj: Any, perm: str, obj: Model | None = None) -> bool:
        roles = ROLE_PERMISSIONS.get(perm)
        if roles is None:
            return super().has_perm(user_obj, perm, obj)
        return isinstance(user_obj, Person) and scope_for(user_obj).has(*roles)

    def user_can_authenticate(self, user: Person | AnonymousUser | None) -> bool:
        return True

    def get_user(self, user_id: int) -> Person | None:
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None

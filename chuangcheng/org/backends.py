from django.contrib.auth.backends import ModelBackend


class LoginBackend(ModelBackend):
    """Lets the login form tell a disabled account apart from a wrong password.

    Django's default backend refuses inactive users before the form sees them, so they
    only ever read "用户名或密码错误". Here authentication succeeds and the form's
    ``confirm_login_allowed`` says the account is disabled; sessions of inactive users
    are still refused by ``get_user``.
    """

    def user_can_authenticate(self, user) -> bool:  # type: ignore[no-untyped-def]
        return True

    def get_user(self, user_id):  # type: ignore[no-untyped-def]
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None

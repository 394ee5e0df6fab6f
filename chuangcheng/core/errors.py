from django.utils.translation import gettext as _


class DomainError(Exception):
    """A rule of the domain was broken; the message is shown to the user as is (Chinese)."""

    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def require_text(value: str | None, what: str) -> str:
    """``value`` stripped; refused when empty, naming ``what`` (already translated) in the message."""
    value = (value or "").strip()
    if not value:
        raise DomainError(_("请填写%(what)s") % {"what": what})
    return value

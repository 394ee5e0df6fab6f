from django.db import models
from django.utils.translation import gettext_lazy as _


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    SKIPPED = "skipped", _("无需发送")
    FAILED = "failed", _("发送失败")

    @classmethod
    def claimable(cls) -> frozenset[str]:
        """States a delivery run may (re)try; SENT/SKIPPED are final, SENDING belongs to another run."""
        return frozenset({cls.PENDING, cls.FAILED})

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chuangcheng.core.models import TimeStampedModel

from .choices import Role, UnitGroup, UnitKind

mobile_validator = RegexValidator(r"^1\d{10}$", _("手机号应为 11 位数字，以 1 开头"))


class Unit(TimeStampedModel):
    """A department, town/street, community or enterprise; units form a tree."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    code = models.CharField(_("编码"), max_length=32, unique=True)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=UnitKind.choices)
    group = models.CharField(_("评比分组"), max_length=20, choices=UnitGroup.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Materialised path "/1/7/42/": subtree filters become one indexed LIKE 'prefix%'.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)
    # 撤并: the unit that took over this one's work, and when (the appraisal counts its cases there).
    merged_into = models.ForeignKey(
        "self", verbose_name=_("并入单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="merged_units"
    )
    merged_at = models.DateTimeField(_("撤并时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return max(self.path.count("/") - 2, 0)


class Person(AbstractUser):
    """A person who logs in; belongs to one unit and holds roles through memberships."""

    real_name = models.CharField(_("姓名"), max_length=50)
    mobile = models.CharField(_("手机号"), max_length=11, blank=True, validators=[mobile_validator])
    unit = models.ForeignKey(
        Unit, verbose_name=_("所在单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="people"
    )
    title = models.CharField(_("职务"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["unit__sort_order", "real_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["mobile"],
                condition=~Q(mobile=""),
                name="person_mobile_unique",
                violation_error_message=_("该手机号已被其他人员使用"),
            ),
        ]

    def __str__(self) -> str:
        return self.real_name or self.username

    def get_full_name(self) -> str:
        return self.real_name or self.username


class Membership(TimeStampedModel):
    """Role held by a person in a unit: the one place where rights come from."""

    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("角色任职")
        verbose_name_plural = _("角色任职")
        constraints = [
            models.UniqueConstraint(fields=["person", "unit", "role"], name="membership_person_unit_role_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.unit} · {self.get_role_display()}"


class LoginFailure(models.Model):
    """One failed login, kept for throttling (per username and client address)."""

    username = models.CharField(max_length=150)
    ip = models.CharField(max_length=45)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            # Serves the throttle check: failures of one username+ip inside a time window.
            models.Index(fields=["username", "ip", "at"], name="loginfailure_lookup_idx"),
            # Serves the per-address check against password spraying: failures of one ip.
            models.Index(fields=["ip", "at"], name="loginfailure_ip_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.username}@{self.ip} {self.at:%Y-%m-%d %H:%M}"


class UnitAlias(TimeStampedModel):
    """单位别名: another name people write for a unit (县城管局 for 县城市管理综合执法局)."""

    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("别名"), max_length=100)
    # The name as matched (see ``org.names.name_key``): 县城管局 and 县城管局 with other brackets or
    # spaces are one alias, so the county holds it once.
    key = models.CharField(max_length=100, unique=True, editable=False)

    class Meta:
        verbose_name = _("单位别名")
        verbose_name_plural = _("单位别名")
        ordering = ["unit__path", "name"]

    def __str__(self) -> str:
        return self.name


class UnitSet(TimeStampedModel):
    """单位分组: a word in a 任务分解表 that means several units (各乡镇（街道）, 县直各单位).

    Its units are the active units matching the rule (kinds, optionally name endings; never the
    county root) together with the units listed by hand.
    """

    name = models.CharField(_("分组名称"), max_length=50)
    key = models.CharField(max_length=50, unique=True, editable=False)
    kinds = models.JSONField(_("单位类型"), default=list, blank=True)
    name_endings = models.CharField(
        _("名称结尾"), max_length=100, blank=True, help_text=_("只含名称以这些字结尾的单位，多个用顿号分隔，如 镇、乡")
    )
    units = models.ManyToManyField(Unit, verbose_name=_("指定单位"), blank=True, related_name="unit_sets")
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("单位分组")
        verbose_name_plural = _("单位分组")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

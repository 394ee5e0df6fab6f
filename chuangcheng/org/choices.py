from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    DEPARTMENT = "department", _("党委/政府部门")
    TOWN = "town", _("乡镇/街道")
    COMMUNITY = "community", _("社区/村")
    ENTERPRISE = "enterprise", _("企事业单位")
    OTHER = "other", _("其他")


class UnitGroup(models.TextChoices):
    """Ranking group: departments and towns are ranked separately in the monthly appraisal."""

    DEPARTMENT = "department", _("县直部门")
    TOWN = "town", _("乡镇/街道")
    COMMUNITY = "community", _("社区/村")
    OTHER = "other", _("其他单位")


class Role(models.TextChoices):
    OFFICE = "office", _("创建办")
    SUPERVISOR = "supervisor", _("督查室")
    UNIT_ADMIN = "unit_admin", _("单位管理员")
    HANDLER = "handler", _("处置人员")
    ROAD_CHIEF = "road_chief", _("路长/段长")
    INSPECTOR = "inspector", _("巡查员")
    VOLUNTEER = "volunteer", _("义务管理员")
    LEADER = "leader", _("领导")

    @classmethod
    def county_wide(cls) -> frozenset[str]:
        """Roles that see every unit's objects (leaders read-only)."""
        return frozenset({cls.OFFICE, cls.SUPERVISOR, cls.LEADER})

    @classmethod
    def unit_scoped(cls) -> frozenset[str]:
        """Roles that see their membership unit's subtree (a road chief's unit gives them nothing)."""
        return frozenset({cls.UNIT_ADMIN, cls.HANDLER})

    @classmethod
    def map_editors(cls) -> frozenset[str]:
        return frozenset({cls.OFFICE})

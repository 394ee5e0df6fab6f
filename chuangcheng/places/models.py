"""The responsibility map: road segments, grids, sites and shops with their pledges.

Geometries are GeoJSON dicts in WGS84 lon/lat, with a bounding box in plain columns so
lists can be filtered by area on SQLite and PostgreSQL alike; spatial lookups go through
the in-memory index in ``routing.py``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from chuangcheng.core.models import TimeStampedModel

from .choices import PledgeStatus, RoadClass

grid_code_validator = RegexValidator(
    r"^\d{15}$", _("网格编码应为 15 位数字（6 位县 + 3 位街道 + 3 位社区 + 3 位序号）")
)


class BBoxModel(TimeStampedModel):
    """Abstract: a GeoJSON geometry plus its bounding box."""

    geometry = models.JSONField(_("几何"))
    min_lon = models.FloatField(editable=False, default=0)
    min_lat = models.FloatField(editable=False, default=0)
    max_lon = models.FloatField(editable=False, default=0)
    max_lat = models.FloatField(editable=False, default=0)

    class Meta:
        abstract = True
        # Serves the map layers' bbox-overlap filter (places.selectors.bbox_q): the range
        # scan on min_lon narrows 100k rows to a strip before the other bounds are checked.
        indexes = [models.Index(fields=["min_lon", "max_lon", "min_lat", "max_lat"], name="%(class)s_bbox_idx")]


class Grid(BBoxModel):
    """网格: a polygon of the built-up area owned by a street and community."""

    code = models.CharField(_("网格编码"), max_length=15, unique=True, validators=[grid_code_validator])
    name = models.CharField(_("名称"), max_length=100)
    street = models.ForeignKey(
        "org.Unit", verbose_name=_("所属街道/乡镇"), on_delete=models.PROTECT, related_name="street_grids"
    )
    community = models.ForeignKey(
        "org.Unit",
        verbose_name=_("所属社区/村"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="community_grids",
    )
    grid_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("网格员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="grids",
    )
    area_m2 = models.FloatField(_("面积（平方米）"), default=0)

    class Meta(BBoxModel.Meta):
        verbose_name = _("网格")
        verbose_name_plural = _("网格")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class RoadSegment(BBoxModel):
    """路段: a stretch of road with its 包保单位, 路长 and 段长."""

    code = models.CharField(_("路段编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    road_name = models.CharField(_("道路名称"), max_length=100, blank=True)
    road_class = models.CharField(_("道路等级"), max_length=20, choices=RoadClass.choices, default=RoadClass.SECONDARY)
    from_desc = models.CharField(_("起点"), max_length=100, blank=True)
    to_desc = models.CharField(_("终点"), max_length=100, blank=True)
    length_m = models.FloatField(_("长度（米）"), default=0)
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("包保单位"), on_delete=models.PROTECT, related_name="road_segments"
    )
    chief = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("路长"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="chief_segments",
    )
    section_chief = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("段长"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="section_segments",
    )
    grid = models.ForeignKey(
        Grid, verbose_name=_("所在网格"), null=True, blank=True, on_delete=models.SET_NULL, related_name="segments"
    )

    class Meta(BBoxModel.Meta):
        verbose_name = _("路段")
        verbose_name_plural = _("路段")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class SiteType(models.Model):
    """点位类型: the evaluation's point types, editable by the office."""

    code = models.CharField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("点位类型")
        verbose_name_plural = _("点位类型")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class Site(BBoxModel):
    """点位: a market, toilet, school… as a point or polygon, with its responsible unit and person."""

    code = models.CharField(_("点位编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    site_type = models.ForeignKey(SiteType, verbose_name=_("点位类型"), on_delete=models.PROTECT, related_name="sites")
    address = models.CharField(_("地址"), max_length=200, blank=True)
    lon = models.FloatField(_("经度"))
    lat = models.FloatField(_("纬度"))
    unit = models.ForeignKey("org.Unit", verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="sites")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("责任人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sites",
    )

    class Meta(BBoxModel.Meta):
        verbose_name = _("点位")
        verbose_name_plural = _("点位")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_area(self) -> bool:
        return self.geometry.get("type") in {"Polygon", "MultiPolygon"}


class PledgeItem(models.Model):
    """One item of the 门前五包 pledge; the list is configurable per county."""

    code = models.CharField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=20, unique=True)
    description = models.CharField(_("要求"), max_length=200, blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("门前五包事项")
        verbose_name_plural = _("门前五包事项")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class Shop(TimeStampedModel):
    """门店 along a road segment, with its 门前五包 pledge."""

    code = models.CharField(_("门店编码"), max_length=32, unique=True)
    name = models.CharField(_("店名"), max_length=100)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    lon = models.FloatField(_("经度"))
    lat = models.FloatField(_("纬度"))
    operator_name = models.CharField(_("经营者"), max_length=50, blank=True)
    operator_mobile = models.CharField(_("经营者电话"), max_length=20, blank=True)
    segment = models.ForeignKey(
        RoadSegment, verbose_name=_("所在路段"), null=True, blank=True, on_delete=models.SET_NULL, related_name="shops"
    )
    pledge_items = models.ManyToManyField(PledgeItem, verbose_name=_("承诺事项"), blank=True, related_name="shops")
    pledge_signed_on = models.DateField(_("签订日期"), null=True, blank=True)
    pledge_status = models.CharField(
        _("责任书状态"), max_length=20, choices=PledgeStatus.choices, default=PledgeStatus.UNSIGNED
    )

    class Meta:
        verbose_name = _("门店")
        verbose_name_plural = _("门店")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(pledge_status="signed") | models.Q(pledge_signed_on__isnull=False),
                name="shop_signed_pledge_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MapRevision(models.Model):
    """A single counter bumped on every map change; routing indexes rebuild when it moves."""

    revision = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("地图版本")
        verbose_name_plural = _("地图版本")

    def __str__(self) -> str:
        return f"r{self.revision}"

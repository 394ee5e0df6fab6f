"""Admin of the map: saves go through ``services``, so a geometry edited here gets its bounding box,
length, area and point (what the map layers, lists and scope filters read), like an import would.
"""

from collections.abc import Callable
from typing import Any, ClassVar

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from chuangcheng.core.errors import DomainError

from .models import Grid, MapRevision, PledgeItem, RoadSegment, Shop, Site, SiteType
from .services import grid_save, segment_save, set_geometry, shop_save, site_save


class GeometryForm(forms.ModelForm):
    """Refuses a geometry the services would refuse, with their message, before anything is saved."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        geometry = cleaned.get("geometry")
        if isinstance(geometry, dict):
            try:
                set_geometry(self._meta.model(), geometry)
            except (DomainError, ValueError, TypeError, AttributeError) as exc:
                self.add_error("geometry", getattr(exc, "message", None) or "几何图形无效，请填写 GeoJSON 几何")
        return cleaned


class MapObjectAdmin(admin.ModelAdmin):
    form = GeometryForm
    save_service: ClassVar[Callable[..., Any]]
    saved_as: ClassVar[str]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        type(self).save_service(**{self.saved_as: obj, "geometry": obj.geometry, "by": request.user})


@admin.register(RoadSegment)
class RoadSegmentAdmin(MapObjectAdmin):
    save_service, saved_as = segment_save, "segment"
    list_display = ["code", "name", "road_class", "unit", "chief", "section_chief", "length_m"]
    list_filter = ["road_class", "unit"]
    search_fields = ["code", "name", "road_name"]
    autocomplete_fields = ["unit", "chief", "section_chief", "grid"]


@admin.register(Grid)
class GridAdmin(MapObjectAdmin):
    save_service, saved_as = grid_save, "grid"
    list_display = ["code", "name", "street", "community", "grid_worker"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["street", "community", "grid_worker"]


@admin.register(SiteType)
class SiteTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]


@admin.register(Site)
class SiteAdmin(MapObjectAdmin):
    save_service, saved_as = site_save, "site"
    list_display = ["code", "name", "site_type", "unit", "person"]
    list_filter = ["site_type"]
    search_fields = ["code", "name", "address"]
    autocomplete_fields = ["unit", "person"]


@admin.register(PledgeItem)
class PledgeItemAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]


@admin.register(Shop)
class ShopAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "segment", "operator_name", "pledge_status", "pledge_signed_on"]
    list_filter = ["pledge_status"]
    search_fields = ["code", "name", "operator_name", "address"]
    autocomplete_fields = ["segment"]
    filter_horizontal = ["pledge_items"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        shop_save(shop=obj, by=request.user)  # the pledge items follow in save_related


admin.site.register(MapRevision)

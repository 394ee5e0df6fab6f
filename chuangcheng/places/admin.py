from django.contrib import admin

from .models import Grid, MapRevision, PledgeItem, RoadSegment, Shop, Site, SiteType


@admin.register(RoadSegment)
class RoadSegmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "road_class", "unit", "chief", "section_chief", "length_m"]
    list_filter = ["road_class", "unit"]
    search_fields = ["code", "name", "road_name"]
    autocomplete_fields = ["unit", "chief", "section_chief", "grid"]


@admin.register(Grid)
class GridAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "street", "community", "grid_worker"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["street", "community", "grid_worker"]


@admin.register(SiteType)
class SiteTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
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


admin.site.register(MapRevision)

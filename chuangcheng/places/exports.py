"""Export the responsibility map as .xlsx or GeoJSON.

Exporters are classes that yield rows (pretix's exporter idea). They take a queryset, so the
list pages hand over their filtered, user-scoped list. The columns are the importer's
(``imports.py``), so an exported workbook imports back with nothing changed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any, ClassVar

import shapely
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from shapely.geometry import shape

from chuangcheng.core.xlsx import Sheet, write_xlsx
from chuangcheng.org.contacts import contacts_for
from chuangcheng.org.models import Person
from chuangcheng.org.selectors import people_by_name

from .imports import (
    GEOMETRY_KINDS,
    BaseImporter,
    Column,
    GridImporter,
    SegmentImporter,
    ShopImporter,
    SiteImporter,
)

CHUNK_SIZE = 2000


def _wkt(geometry: dict) -> str:
    # Full precision, so the coordinates read back bit for bit.
    return shapely.to_wkt(shape(geometry), rounding_precision=-1)


class BaseExporter:
    """Rows of one model in the importer's column layout."""

    importer: ClassVar[type[BaseImporter]]
    person_fields: ClassVar[tuple[str, ...]] = ()

    def __init__(self, queryset: QuerySet, *, viewer: Person) -> None:
        self.queryset = queryset
        self.contacts = contacts_for(viewer)  # numbers show as org.contacts lets the viewer see them
        self._ambiguous: set[str] | None = None

    @property
    def columns(self) -> tuple[Column, ...]:
        return self.importer.columns

    @property
    def filename(self) -> str:
        return str(self.importer.label)

    def header(self) -> list[str]:
        return [c.header for c in self.columns]

    def objects(self) -> Iterator[Any]:
        return self.queryset.iterator(chunk_size=CHUNK_SIZE)

    def rows(self) -> Iterator[list[Any]]:
        for obj in self.objects():
            yield [self.value(obj, c) for c in self.columns]

    def value(self, obj: Any, column: Column) -> Any:
        """The cell for one column; ``cell_<kind>`` methods handle the non-text kinds."""
        method = getattr(self, f"cell_{column.kind}", None)
        return method(obj, column) if method else getattr(obj, column.field)

    def cell_unit(self, obj: Any, column: Column) -> str | None:
        unit = getattr(obj, column.field)
        return unit.name if unit else None

    def cell_person(self, obj: Any, column: Column) -> str | None:
        person: Person | None = getattr(obj, column.field)
        if person is None:
            return None
        name = person.real_name or person.username
        # A name shared by several people is written as 姓名(登录名) so it imports back.
        return f"{name}({person.username})" if name in self.ambiguous_names() else name

    def ambiguous_names(self) -> set[str]:
        if self._ambiguous is None:
            names = set()
            for field_name in self.person_fields:
                names |= set(
                    self.queryset.exclude(**{f"{field_name}__isnull": True}).values_list(
                        f"{field_name}__real_name", flat=True
                    )
                )
            found = people_by_name({n for n in names if n})
            self._ambiguous = {name for name, people in found.items() if len(people) > 1}
        return self._ambiguous

    def cell_wkt(self, obj: Any, column: Column) -> str | None:
        return _wkt(obj.geometry)

    # ----- output -------------------------------------------------------------------------

    def write_xlsx(self, stream: IO[bytes]) -> None:
        write_xlsx(stream, [Sheet(title=self.filename, header=self.header(), rows=self.rows())])

    def properties(self, row: list[Any]) -> dict[str, Any]:
        props = {}
        for column, value in zip(self.columns, row, strict=True):
            if column.kind in GEOMETRY_KINDS:
                continue
            props[column.header] = value.isoformat() if hasattr(value, "isoformat") else value
        return props

    def geometry(self, obj: Any) -> dict:
        return obj.geometry

    def features(self) -> Iterator[dict[str, Any]]:
        for obj in self.objects():
            row = [self.value(obj, c) for c in self.columns]
            yield {"type": "Feature", "geometry": self.geometry(obj), "properties": self.properties(row)}

    def geojson_chunks(self) -> Iterator[str]:
        """A FeatureCollection as text pieces, for a streaming response."""
        yield '{"type": "FeatureCollection", "features": ['
        for index, feature in enumerate(self.features()):
            yield ("," if index else "") + "\n" + json.dumps(feature, ensure_ascii=False)
        yield "\n]}\n"


class SegmentExporter(BaseExporter):
    importer = SegmentImporter
    person_fields = ("chief", "section_chief")

    def cell_road_class(self, obj: Any, column: Column) -> str:
        return obj.get_road_class_display()

    def cell_grid(self, obj: Any, column: Column) -> str | None:
        return obj.grid.code if obj.grid_id else None


class GridExporter(BaseExporter):
    importer = GridImporter
    person_fields = ("grid_worker",)


class SiteExporter(BaseExporter):
    importer = SiteImporter
    person_fields = ("person",)

    def cell_site_type(self, obj: Any, column: Column) -> str:
        return obj.site_type.name

    # A point site is written as 经度/纬度, an area site as WKT: the importer reads either.
    def cell_lon(self, obj: Any, column: Column) -> float | None:
        return obj.geometry["coordinates"][0] if obj.geometry.get("type") == "Point" else None

    def cell_lat(self, obj: Any, column: Column) -> float | None:
        return obj.geometry["coordinates"][1] if obj.geometry.get("type") == "Point" else None

    def cell_wkt(self, obj: Any, column: Column) -> str | None:
        return None if obj.geometry.get("type") == "Point" else _wkt(obj.geometry)


class ShopExporter(BaseExporter):
    importer = ShopImporter

    def cell_segment(self, obj: Any, column: Column) -> str | None:
        return obj.segment.code if obj.segment_id else None

    def cell_phone(self, obj: Any, column: Column) -> str | None:
        return self.contacts.shop_phone(obj) or None

    def cell_pledge_items(self, obj: Any, column: Column) -> str:
        items = sorted(obj.pledge_items.all(), key=lambda item: (item.sort_order, item.code))
        return "、".join(item.name for item in items)

    def cell_pledge_status(self, obj: Any, column: Column) -> str:
        return obj.get_pledge_status_display()

    def geometry(self, obj: Any) -> dict:
        return {"type": "Point", "coordinates": [obj.lon, obj.lat]}


EXPORTERS: dict[str, type[BaseExporter]] = {
    cls.importer.kind: cls for cls in (SegmentExporter, GridExporter, SiteExporter, ShopExporter)
}


def template_sheets(kind: str) -> list[Sheet]:
    """An empty import template: the header, and a second sheet explaining each column."""
    importer = EXPORTERS[kind].importer
    columns = [c for c in importer.columns if not c.readonly]
    notes = [[c.header, c.field, _("是") if c.required else "", str(c.help)] for c in columns]
    guide_header = [_("列名"), _("英文代码"), _("必填"), _("说明")]
    return [
        Sheet(title=str(importer.label), header=[c.header for c in columns], rows=[]),
        Sheet(title=_("填写说明"), header=guide_header, rows=notes, widths=[16, 18, 6, 60]),
    ]

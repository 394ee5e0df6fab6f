"""Import the responsibility map from .xlsx or GeoJSON.

Every row is validated before anything is written, and every error names its row (Excel row
number, or 1-based feature number in GeoJSON) and column, in Chinese. Rows are matched to
existing objects by code, so re-importing a file updates instead of duplicating. Writes go
through ``bulk_create``/``bulk_update`` with all lookups done up front in dicts: a file of
100k shops must not cost 100k queries.

The column list of each importer is also the layout the exporters write (``exports.py``),
so an exported file imports back unchanged. A column the file does not have leaves that
field of existing objects alone; an empty cell in a column it has clears the field.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import IO, Any, ClassVar

import shapely
import shapely.wkt
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from shapely.errors import ShapelyError
from shapely.geometry import Point, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from chuangcheng.core.geo import in_china, looks_swapped
from chuangcheng.core.importing import (
    ImportFileError,
    ImportResult,
    RowError,
    as_text,
    check_feature_count,
    check_geojson_size,
    header_lookup,
    log_import,
    match_headers,
    read_sheet,
    read_upload,
    require_columns,
    required_message,
    too_long_message,
)
from chuangcheng.core.xlsx import OLE2_MAGIC, XLSX_MAGIC, as_date
from chuangcheng.org.models import Person
from chuangcheng.org.selectors import people_by_name, units_by_name

from .choices import PledgeStatus, RoadClass
from .models import Grid, PledgeItem, RoadSegment, Shop, Site, SiteType
from .services import map_changed, set_geometry

BATCH_SIZE = 500
# Stay under SQLite's historic limit of 999 bound parameters per query.
LOOKUP_CHUNK = 900


class ImportMode(models.TextChoices):
    ALL = "all", gettext_lazy("全部无误才导入（有错误则一行都不写入）")
    VALID_ONLY = "valid_only", gettext_lazy("仅导入无误的行")


@dataclass(frozen=True)
class Column:
    """One column of the file: English field code, Chinese header, and how its value is read.

    Headers are a file format, not UI text, so they are not translated: a workbook exported
    under the English locale must still import.

    ``kind`` picks the ``clean_<kind>`` method of the importer; geometry kinds (wkt, lon,
    lat) are read together by ``read_geometry``; ``readonly`` columns are exported for
    people to read (e.g. computed length) and ignored on import.
    """

    field: str
    header: str
    kind: str = "text"
    required: bool = False
    readonly: bool = False
    help: Any = ""

    @property
    def attr(self) -> str:
        """The model attribute the cleaned value is stored in."""
        return f"{self.field}_id" if self.kind in FK_KINDS else self.field


FK_KINDS = frozenset({"unit", "person", "grid", "segment", "site_type"})
GEOMETRY_KINDS = frozenset({"wkt", "lon", "lat"})
WKT_HEADER, LON_HEADER, LAT_HEADER = "几何(WKT)", "经度", "纬度"
GEOJSON_GEOMETRY = "几何"

# Headers people actually type for the geometry columns, normalised (see core.importing.normalise_header).
GEOMETRY_ALIASES = {
    "wkt": "wkt",
    "几何(wkt)": "wkt",
    "几何": "wkt",
    "geometry": "wkt",
    "lon": "lon",
    "lng": "lon",
    "longitude": "lon",
    "经度": "lon",
    "lat": "lat",
    "latitude": "lat",
    "纬度": "lat",
}


@dataclass
class SourceRow:
    """A row as read from the file: values by field code, and the headers the file used."""

    number: int
    values: dict[str, Any]
    headers: dict[str, str]
    geometry: Any = None
    from_geojson: bool = False
    errors: list[RowError] = field(default_factory=list)


@dataclass
class CleanRow:
    """A row that passed validation: model attribute values, its geometry and extras."""

    number: int
    code: str
    values: dict[str, Any]
    geometry: BaseGeometry | None
    extra: dict[str, Any] = field(default_factory=dict)


def _plain(geom: BaseGeometry) -> dict:
    """GeoJSON dict with lists (as it comes back from a JSONField), for equality checks."""
    return json.loads(json.dumps(mapping(geom)))


_VALIDITY_REASONS = {
    "Self-intersection": gettext_lazy("多边形自相交"),
    "Ring Self-intersection": gettext_lazy("多边形边界自相交"),
    "Too few points in geometry component": gettext_lazy("点数太少"),
    "Hole lies outside shell": gettext_lazy("内环（洞）在外环之外"),
    "Nested holes": gettext_lazy("内环相互嵌套"),
    "Interior is disconnected": gettext_lazy("多边形内部不连通"),
    "Nested shells": gettext_lazy("外环相互嵌套"),
    "Duplicate Rings": gettext_lazy("存在重复的环"),
    "Invalid Coordinate": gettext_lazy("坐标无效"),
}


def _validity_message(geom: BaseGeometry) -> str:
    reason = explain_validity(geom)
    match = re.match(r"^(?P<what>[^\[]+)\[(?P<x>\S+) (?P<y>\S+)\]", reason)
    what = match.group("what").strip() if match else reason
    text = str(_VALIDITY_REASONS.get(what, what))
    if match:
        return _("几何图形无效：%(reason)s（位置约 %(lon)s, %(lat)s）") % {
            "reason": text,
            "lon": match.group("x"),
            "lat": match.group("y"),
        }
    return _("几何图形无效：%(reason)s") % {"reason": text}


def _coordinate_message(geom: BaseGeometry) -> str | None:
    for lon, lat in shapely.get_coordinates(geom):
        if in_china(lon, lat):
            continue
        if looks_swapped(lon, lat):
            return _("经纬度可能填反了：(%(lon)s, %(lat)s) 不在中国境内，对调经度和纬度后才在境内") % {
                "lon": f"{lon:g}",
                "lat": f"{lat:g}",
            }
        return _("坐标 (%(lon)s, %(lat)s) 超出中国范围（经度 73～135.5，纬度 3.5～54）") % {
            "lon": f"{lon:g}",
            "lat": f"{lat:g}",
        }
    return None


def _chunks(items: list, size: int = LOOKUP_CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


_PERSON_WITH_KEY = re.compile(r"^(?P<name>[^()（）]+?)\s*[(（]\s*(?P<key>[^()（）]+?)\s*[)）]$")
_LIST_SEPARATORS = re.compile(r"[、,，;；/\s]+")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


class BaseImporter:
    """Validate all rows, then create or update by code in bulk. One subclass per model."""

    kind: ClassVar[str]
    label: ClassVar[Any]
    model: ClassVar[type[models.Model]]
    columns: ClassVar[tuple[Column, ...]]
    geometry_types: ClassVar[frozenset[str]]
    # Model fields that set_geometry (or the point columns) derive from the geometry.
    geometry_fields: ClassVar[tuple[str, ...]] = ("geometry", "min_lon", "min_lat", "max_lon", "max_lat")
    # Column kinds stored outside the model row (e.g. many-to-many), kept in CleanRow.extra.
    extra_kinds: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, *, mode: str = ImportMode.ALL) -> None:
        self.mode = mode
        self.units: dict[str, Any] = {}
        self._choice_maps: dict[type, dict[str, str]] = {}
        self.people: dict[str, list[Person]] = {}

    # ----- reading the file -------------------------------------------------------------

    def run(self, file: IO[bytes], *, filename: str = "") -> ImportResult:
        """Import an uploaded file (.xlsx or GeoJSON, recognised by content)."""
        result = ImportResult(kind=self.kind)
        try:
            data = read_upload(file)
            result.source = self._detect_format(data, filename)
            rows = self._read_xlsx(data, result) if result.source == "xlsx" else self._read_geojson(data)
        except ImportFileError as exc:
            return result.file_error(str(exc))
        return self.import_rows(rows, result=result)

    @staticmethod
    def _detect_format(data: bytes, filename: str) -> str:
        name = filename.lower()
        if not data.strip():
            raise ImportFileError(_("文件是空的"))
        if data.startswith((XLSX_MAGIC, OLE2_MAGIC)) or name.endswith((".xlsx", ".xls")):
            return "xlsx"
        if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{") or name.endswith((".geojson", ".json")):
            return "geojson"
        raise ImportFileError(_("无法识别文件格式，请上传 Excel（.xlsx）或 GeoJSON（.geojson/.json）文件"))

    @cached_property
    def _header_map(self) -> dict[str, Column]:
        by_field = {c.field: c for c in self.columns}
        names = [(name, c) for c in self.columns for name in (c.header, c.field)]
        aliases = [(alias, by_field[code]) for alias, code in GEOMETRY_ALIASES.items() if code in by_field]
        return header_lookup([*names, *aliases])

    def _read_xlsx(self, data: bytes, result: ImportResult) -> list[SourceRow]:
        table = read_sheet(data, self._header_map)
        result.read_from(table)
        headers = table.headers
        self._check_header(headers, header_row=table.header_row)
        return [SourceRow(number, values, headers) for number, values in table.rows]

    def _check_header(self, headers: dict[str, str], *, header_row: int = 1) -> None:
        missing = [
            c.header for c in self.columns if c.required and c.kind not in GEOMETRY_KINDS and c.field not in headers
        ]
        if not self._has_geometry_columns(headers):
            missing.append(self.geometry_columns_hint())
        require_columns(missing, header_row=header_row)

    def _has_geometry_columns(self, headers: dict[str, str]) -> bool:
        has_wkt = "wkt" in headers
        has_point = "lon" in headers and "lat" in headers
        return has_wkt or has_point if self.accepts_points() else has_wkt

    def accepts_points(self) -> bool:
        return any(c.kind == "lon" for c in self.columns)

    def geometry_columns_hint(self) -> str:
        if not any(c.kind == "wkt" for c in self.columns):
            return f"{LON_HEADER}、{LAT_HEADER}"
        if self.accepts_points():
            return _("%(wkt)s（或 %(lon)s、%(lat)s）") % {"wkt": WKT_HEADER, "lon": LON_HEADER, "lat": LAT_HEADER}
        return WKT_HEADER

    def _read_geojson(self, data: bytes) -> list[SourceRow]:
        doc = self._parse_json(data)
        features = doc.get("features")
        if not isinstance(features, list):
            raise ImportFileError(_("GeoJSON 缺少 features 数组"))
        check_feature_count(len(features))
        return [self._feature_row(number, feature) for number, feature in enumerate(features, start=1)]

    @staticmethod
    def _parse_json(data: bytes) -> dict:
        check_geojson_size(data)
        try:
            doc = json.loads(data.decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise ImportFileError(_("GeoJSON 文件应使用 UTF-8 编码")) from None
        except RecursionError:
            raise ImportFileError(_("文件不是有效的 GeoJSON：嵌套层数过多")) from None
        except json.JSONDecodeError as exc:
            raise ImportFileError(
                _("文件不是有效的 GeoJSON：JSON 格式错误（第 %(line)s 行第 %(col)s 列）")
                % {"line": exc.lineno, "col": exc.colno}
            ) from None
        if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
            raise ImportFileError(_("GeoJSON 顶层应为 FeatureCollection"))
        crs = str((doc.get("crs") or {}).get("properties", {}).get("name", "")).upper()
        if crs and not any(code in crs for code in ("4326", "4490", "CRS84")):
            raise ImportFileError(_("GeoJSON 坐标系应为 WGS84 或 CGCS2000 经纬度，文件声明为 %(crs)s") % {"crs": crs})
        return doc

    def _feature_row(self, number: int, feature: Any) -> SourceRow:
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            row = SourceRow(number, {}, {}, from_geojson=True)
            row.errors.append(RowError(number, "", _("不是 GeoJSON Feature 对象")))
            return row
        properties = feature.get("properties") or {}
        keys = match_headers((k for k in properties if isinstance(k, str)), self._header_map)
        values = {code: properties[key] for key, code in keys.items()}
        values = {k: v.strip() or None if isinstance(v, str) else v for k, v in values.items()}
        headers = {code: key for key, code in keys.items()}
        return SourceRow(number, values, headers, geometry=feature.get("geometry"), from_geojson=True)

    # ----- validation ---------------------------------------------------------------------

    def import_rows(self, rows: list[SourceRow], *, result: ImportResult) -> ImportResult:
        result.rows_seen = len(rows)
        if not rows:
            return result.no_rows()
        with transaction.atomic():
            self.prepare(rows)
            cleaned = self._clean_all(rows, result)
            if result.errors and self.mode != ImportMode.VALID_ONLY:
                return result
            result.skipped = len(rows) - len(cleaned)
            if cleaned:
                result.created, result.updated, result.unchanged = self.write(cleaned)
                result.written = True
                map_changed()
        return result

    def _clean_all(self, rows: list[SourceRow], result: ImportResult) -> list[CleanRow]:
        cleaned: list[CleanRow] = []
        first_seen: dict[str, int] = {}
        for row in rows:
            errors = list(row.errors)
            item = self.clean_row(row, errors) if not errors else None
            if item is not None and item.code in first_seen:
                errors.append(
                    RowError(
                        row.number,
                        self._header(row, "code"),
                        _("编码“%(code)s”在文件中重复（与第 %(first)s 行相同）")
                        % {"code": item.code, "first": first_seen[item.code]},
                    )
                )
            if errors:
                result.errors.extend(errors)
            elif item is not None:
                first_seen[item.code] = row.number
                cleaned.append(item)
        return cleaned

    def _header(self, row: SourceRow, field_code: str) -> str:
        column = next(c for c in self.columns if c.field == field_code)
        return row.headers.get(field_code, column.header)

    def value_columns(self) -> list[Column]:
        return [c for c in self.columns if not c.readonly and c.kind not in GEOMETRY_KINDS]

    @cached_property
    def _plan(self) -> list[tuple[Column, Callable[[Any, Column], Any]]]:
        return [(c, getattr(self, f"clean_{c.kind}")) for c in self.value_columns()]

    def clean_row(self, row: SourceRow, errors: list[RowError]) -> CleanRow | None:
        values: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        for column, clean in self._plan:
            raw = row.values.get(column.field)
            if raw is None or raw == "":
                if column.required:
                    errors.append(
                        RowError(row.number, self._header(row, column.field), required_message(column.header))
                    )
                elif column.field in row.headers:
                    (extra if column.kind in self.extra_kinds else values)[column.attr] = self._empty(column)
                continue
            try:
                cleaned = clean(raw, column)
            except ValueError as exc:
                errors.append(RowError(row.number, self._header(row, column.field), str(exc)))
                continue
            (extra if column.kind in self.extra_kinds else values)[column.attr] = cleaned
        geometry = self.read_geometry(row, errors)
        if not errors:
            self.check(row, values, errors)
        if errors:
            return None
        return CleanRow(row.number, values.pop("code"), values, geometry, extra)

    def _empty(self, column: Column) -> Any:
        """What an empty cell means: the model field's default, else its empty value."""
        if column.kind in self.extra_kinds:
            return frozenset()
        model_field: Any = self.model._meta.get_field(column.attr)
        if model_field.has_default():
            return model_field.get_default()
        return None if model_field.null else ""

    def check(self, row: SourceRow, values: dict[str, Any], errors: list[RowError]) -> None:
        """Rules across columns; subclasses add theirs."""

    # ----- column kinds -------------------------------------------------------------------

    @cached_property
    def _max_lengths(self) -> dict[str, int | None]:
        return {c.attr: getattr(self.model._meta.get_field(c.attr), "max_length", None) for c in self._text_columns}

    @property
    def _text_columns(self) -> list[Column]:
        return [c for c in self.value_columns() if c.kind in {"text", "code"}]

    def _max_length(self, column: Column) -> int | None:
        return self._max_lengths.get(column.attr)

    def clean_text(self, raw: Any, column: Column) -> str:
        text = as_text(raw)
        if message := too_long_message(text, self._max_length(column)):
            raise ValueError(message)
        return text

    clean_code = clean_text

    def clean_unit(self, raw: Any, column: Column) -> int:
        unit = self.units.get(as_text(raw))
        if unit is None:
            raise ValueError(_("未找到单位“%(name)s”（可填单位全称、简称或编码）") % {"name": as_text(raw)})
        return unit.pk

    def clean_person(self, raw: Any, column: Column) -> int:
        text = as_text(raw)
        candidates = {p.pk: p for p in self.people.get(text, [])}
        match = _PERSON_WITH_KEY.match(text)
        if not candidates and match:
            key = match.group("key")
            candidates = {p.pk: p for p in self.people.get(match.group("name"), []) if key in (p.username, p.mobile)}
        if not candidates:
            raise ValueError(_("未找到人员“%(name)s”") % {"name": text})
        if len(candidates) > 1:
            raise ValueError(
                _("“%(name)s”有 %(count)s 人重名，请写成“姓名(手机号)”或填写登录名")
                % {"name": text, "count": len(candidates)}
            )
        return next(iter(candidates))

    def clean_date(self, raw: Any, column: Column) -> dt.date:
        date = as_date(raw)
        if date is not None:
            return date
        text = as_text(raw)
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
        for fmt in _DATE_FORMATS:
            try:
                return dt.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        raise ValueError(_("日期“%(value)s”格式错误，应写成 2024-05-01") % {"value": text})

    def _choice(self, raw: Any, choices: type[models.TextChoices], what: Any) -> str:
        """A choice by its code or its (translated) label; the lookup is built once per import."""
        lookup = self._choice_maps.get(choices)
        if lookup is None:
            lookup = {str(label): value for value, label in choices.choices} | {v: v for v in choices.values}
            self._choice_maps[choices] = lookup
        text = as_text(raw)
        if text in lookup:
            return lookup[text]
        labels = "、".join(str(label) for _value, label in choices.choices)
        raise ValueError(
            _("未知的%(what)s“%(value)s”，可选：%(labels)s") % {"what": what, "value": text, "labels": labels}
        )

    # ----- geometry -----------------------------------------------------------------------

    def read_geometry(self, row: SourceRow, errors: list[RowError]) -> BaseGeometry | None:
        try:
            geom, column = self._geometry_from_row(row)
        except ValueError as exc:
            column, message = exc.args
            errors.append(RowError(row.number, column, message))
            return None
        if isinstance(geom, tuple):
            message = self._point_problem(*geom)
            geom = Point(geom)
        else:
            message = self._geometry_problem(geom)
        if message:
            errors.append(RowError(row.number, column, message))
            return None
        return geom if geom.geom_type == "Point" and not geom.has_z else shapely.force_2d(geom)

    def _geometry_from_row(self, row: SourceRow) -> tuple[BaseGeometry | tuple[float, float], str]:
        """The geometry (or a lon/lat pair) and the column to blame for it.

        Raises ValueError(column, message) when there is nothing readable.
        """
        if row.from_geojson:
            return self._geojson_geometry(row.geometry), GEOJSON_GEOMETRY
        wkt = row.values.get("wkt")
        if wkt not in (None, ""):
            column = row.headers.get("wkt", WKT_HEADER)
            try:
                return shapely.wkt.loads(as_text(wkt)), column
            except ShapelyError as exc:
                raise ValueError(column, _("WKT 格式错误：%(error)s") % {"error": exc}) from None
        if self.accepts_points():
            return self._lon_lat(row)
        raise ValueError(row.headers.get("wkt", WKT_HEADER), required_message(WKT_HEADER))

    @staticmethod
    def _geojson_geometry(data: Any) -> BaseGeometry:
        if not data:
            raise ValueError(GEOJSON_GEOMETRY, _("要素缺少几何（geometry 为空）"))
        try:
            return shape(data)
        except (ShapelyError, AttributeError, KeyError, TypeError, ValueError, IndexError) as exc:
            raise ValueError(GEOJSON_GEOMETRY, _("GeoJSON 几何无法解析：%(error)s") % {"error": exc}) from None

    def _lon_lat(self, row: SourceRow) -> tuple[tuple[float, float], str]:
        column = f"{row.headers.get('lon', LON_HEADER)}/{row.headers.get('lat', LAT_HEADER)}"
        numbers = []
        for code, header in (("lon", LON_HEADER), ("lat", LAT_HEADER)):
            raw = row.values.get(code)
            name = row.headers.get(code, header)
            if raw in (None, ""):
                raise ValueError(name, required_message(header))
            try:
                numbers.append(float(raw))
            except (TypeError, ValueError):
                raise ValueError(name, _("“%(value)s”不是数字") % {"value": raw}) from None
        return (numbers[0], numbers[1]), column

    def _point_problem(self, lon: float, lat: float) -> str | None:
        """Checks of a lon/lat pair without building shapely objects: 100k shops go through here."""
        if "Point" not in self.geometry_types:
            return self._geometry_problem(Point(lon, lat))
        return None if in_china(lon, lat) else _coordinate_message(Point(lon, lat))

    def _geometry_problem(self, geom: BaseGeometry) -> str | None:
        if geom.geom_type not in self.geometry_types:
            return _("几何类型错误：需要 %(expected)s，文件中是 %(actual)s") % {
                "expected": " 或 ".join(sorted(self.geometry_types)),
                "actual": geom.geom_type,
            }
        if geom.is_empty:
            return _("几何图形为空")
        return _coordinate_message(geom) or (None if geom.is_valid else _validity_message(geom))

    # ----- lookups and writing ------------------------------------------------------------

    def _values_of(self, rows: list[SourceRow], kind: str) -> set[str]:
        fields = {c.field for c in self.columns if c.kind == kind}
        return {as_text(r.values[f]) for r in rows for f in fields if r.values.get(f) not in (None, "")}

    def prepare(self, rows: list[SourceRow]) -> None:
        """Load every referenced unit and person in one query each."""
        if unit_names := self._values_of(rows, "unit"):
            self.units = units_by_name(unit_names)
        names = self._values_of(rows, "person")
        for text in list(names):
            if match := _PERSON_WITH_KEY.match(text):
                names.add(match.group("name"))
        if names:
            self.people = people_by_name(names)

    def existing(self, codes: list[str]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for chunk in _chunks(codes):
            found.update(self.model._default_manager.in_bulk(chunk, field_name="code"))
        return found

    def write(self, rows: list[CleanRow]) -> tuple[int, int, int]:
        """Create or update by code; returns (created, updated, unchanged)."""
        existing = self.existing([r.code for r in rows])
        to_create, to_update, changed_fields = [], [], set()
        now = timezone.now()
        for row in rows:
            obj = existing.get(row.code)
            if obj is None:
                obj = self.model(code=row.code, **row.values)
                self.apply_geometry(obj, row.geometry)
                to_create.append((row, obj))
                continue
            changed = self.assign(obj, row)
            if changed or self.extra_changed(obj, row):
                obj.updated_at = now
                changed_fields |= changed
                to_update.append((row, obj))
        self.model._default_manager.bulk_create([o for _r, o in to_create], batch_size=BATCH_SIZE)
        if to_update:
            fields = sorted(self.model._meta.get_field(f).name for f in changed_fields | {"updated_at"})
            self.model._default_manager.bulk_update([o for _r, o in to_update], fields, batch_size=BATCH_SIZE)
        self.after_write(to_create, to_update)
        return len(to_create), len(to_update), len(rows) - len(to_create) - len(to_update)

    def apply_geometry(self, obj: Any, geom: BaseGeometry | None) -> None:
        if geom is not None:
            set_geometry(obj, _plain(geom))

    def assign(self, obj: Any, row: CleanRow) -> set[str]:
        """Copy the row onto an existing object; the names of the fields that changed."""
        changed = set()
        for attr, value in row.values.items():
            if getattr(obj, attr) != value:
                setattr(obj, attr, value)
                changed.add(attr)
        if row.geometry is not None and self.geometry_changed(obj, row.geometry):
            self.apply_geometry(obj, row.geometry)
            changed |= set(self.geometry_fields)
        return changed

    def extra_changed(self, obj: Any, row: CleanRow) -> bool:
        """Whether values kept outside the model row (``extra``) differ from what is stored."""
        return False

    def geometry_changed(self, obj: Any, geom: BaseGeometry) -> bool:
        return obj.geometry != _plain(geom)

    def after_write(self, created: list, updated: list) -> None:
        """Hook for writes beyond the model row (e.g. the shops' pledge items)."""


class SegmentImporter(BaseImporter):
    kind = "segment"
    label = gettext_lazy("路段")
    model = RoadSegment
    geometry_types = frozenset({"LineString"})
    geometry_fields = (*BaseImporter.geometry_fields, "length_m")
    columns = (
        Column("code", "路段编码", "code", required=True),
        Column("name", "名称", required=True),
        Column("road_name", "道路名称"),
        Column("road_class", "道路等级", "road_class", help=gettext_lazy("主干道、次干道、背街小巷、商业大街")),
        Column("from_desc", "起点"),
        Column("to_desc", "终点"),
        Column("unit", "包保单位", "unit", required=True, help=gettext_lazy("单位全称、简称或编码")),
        Column("chief", "路长", "person", help=gettext_lazy("姓名；重名时写“姓名(手机号)”或登录名")),
        Column("section_chief", "段长", "person", help=gettext_lazy("姓名；重名时写“姓名(手机号)”或登录名")),
        Column("grid", "所在网格", "grid", help=gettext_lazy("15 位网格编码")),
        Column("wkt", WKT_HEADER, "wkt", required=True, help=gettext_lazy("LINESTRING (经度 纬度, 经度 纬度, …)")),
        Column("length_m", "长度(米)", readonly=True, help=gettext_lazy("导出时计算，导入时忽略")),
    )

    def prepare(self, rows: list[SourceRow]) -> None:
        super().prepare(rows)
        codes = sorted(self._values_of(rows, "grid"))
        self.grids: dict[str, int] = {}
        for chunk in _chunks(codes):
            self.grids.update(Grid.objects.filter(code__in=chunk).values_list("code", "pk"))

    def clean_road_class(self, raw: Any, column: Column) -> str:
        return self._choice(raw, RoadClass, gettext_lazy("道路等级"))

    def clean_grid(self, raw: Any, column: Column) -> int:
        code = as_text(raw)
        if code not in self.grids:
            raise ValueError(_("未找到网格编码“%(code)s”") % {"code": code})
        return self.grids[code]


class GridImporter(BaseImporter):
    kind = "grid"
    label = gettext_lazy("网格")
    model = Grid
    geometry_types = frozenset({"Polygon", "MultiPolygon"})
    geometry_fields = (*BaseImporter.geometry_fields, "area_m2")
    columns = (
        Column(
            "code",
            "网格编码",
            "grid_code",
            required=True,
            help=gettext_lazy("15 位数字：6 位县 + 3 位街道 + 3 位社区 + 3 位序号"),
        ),
        Column("name", "名称", required=True),
        Column("street", "所属街道/乡镇", "unit", required=True, help=gettext_lazy("单位全称、简称或编码")),
        Column("community", "所属社区/村", "unit", help=gettext_lazy("单位全称、简称或编码")),
        Column("grid_worker", "网格员", "person", help=gettext_lazy("姓名；重名时写“姓名(手机号)”或登录名")),
        Column("wkt", WKT_HEADER, "wkt", required=True, help=gettext_lazy("POLYGON ((经度 纬度, …, 首点))")),
        Column("area_m2", "面积(平方米)", readonly=True, help=gettext_lazy("导出时计算，导入时忽略")),
    )

    def clean_grid_code(self, raw: Any, column: Column) -> str:
        code = as_text(raw)
        if not re.fullmatch(r"\d{15}", code):
            raise ValueError(
                _("网格编码“%(code)s”应为 15 位数字（6 位县 + 3 位街道 + 3 位社区 + 3 位序号），当前 %(length)s 位")
                % {"code": code, "length": len(code)}
            )
        return code


class SiteImporter(BaseImporter):
    kind = "site"
    label = gettext_lazy("点位")
    model = Site
    geometry_types = frozenset({"Point", "Polygon", "MultiPolygon"})
    geometry_fields = (*BaseImporter.geometry_fields, "lon", "lat")
    columns = (
        Column("code", "点位编码", "code", required=True),
        Column("name", "名称", required=True),
        Column(
            "site_type", "点位类型", "site_type", required=True, help=gettext_lazy("如 农贸市场、室外公厕、中小学校")
        ),
        Column("address", "地址"),
        Column("unit", "责任单位", "unit", required=True, help=gettext_lazy("单位全称、简称或编码")),
        Column("person", "责任人", "person", help=gettext_lazy("姓名；重名时写“姓名(手机号)”或登录名")),
        Column("lon", LON_HEADER, "lon", help=gettext_lazy("点状点位填经纬度（WGS84/CGCS2000）")),
        Column("lat", LAT_HEADER, "lat", help=gettext_lazy("点状点位填经纬度（WGS84/CGCS2000）")),
        Column("wkt", WKT_HEADER, "wkt", help=gettext_lazy("面状点位填 POLYGON；填了 WKT 则忽略经纬度")),
    )

    def prepare(self, rows: list[SourceRow]) -> None:
        super().prepare(rows)
        self.site_types: dict[str, int] = {}
        for site_type in SiteType.objects.all():
            self.site_types.update({site_type.code: site_type.pk, site_type.name: site_type.pk})

    def clean_site_type(self, raw: Any, column: Column) -> int:
        text = as_text(raw)
        if text not in self.site_types:
            raise ValueError(_("未知的点位类型“%(name)s”（点位类型在“点位类型”表中维护）") % {"name": text})
        return self.site_types[text]


class ShopImporter(BaseImporter):
    kind = "shop"
    label = gettext_lazy("门店")
    model = Shop
    geometry_types = frozenset({"Point"})
    geometry_fields = ("lon", "lat")
    extra_kinds = frozenset({"pledge_items"})
    columns = (
        Column("code", "门店编码", "code", required=True),
        Column("name", "店名", required=True),
        Column("address", "地址"),
        Column("operator_name", "经营者"),
        Column("operator_mobile", "经营者电话", "phone"),
        Column("segment", "所在路段", "segment", help=gettext_lazy("路段编码")),
        Column("pledge_items", "承诺事项", "pledge_items", help=gettext_lazy("用顿号分隔，如 包卫生、包秩序")),
        Column("pledge_signed_on", "签订日期", "date", help=gettext_lazy("如 2024-05-01")),
        Column("pledge_status", "责任书状态", "pledge_status", help=gettext_lazy("未签订、已签订、履约警示、已撤销")),
        Column("lon", LON_HEADER, "lon", required=True, help=gettext_lazy("WGS84/CGCS2000 经度")),
        Column("lat", LAT_HEADER, "lat", required=True, help=gettext_lazy("WGS84/CGCS2000 纬度")),
    )

    def prepare(self, rows: list[SourceRow]) -> None:
        super().prepare(rows)
        codes = sorted(self._values_of(rows, "segment"))
        self.segments: dict[str, int] = {}
        for chunk in _chunks(codes):
            self.segments.update(RoadSegment.objects.filter(code__in=chunk).values_list("code", "pk"))
        self.pledge_lookup: dict[str, int] = {}
        for item in PledgeItem.objects.all():
            self.pledge_lookup.update({item.code: item.pk, item.name: item.pk})
            # "包卫生" is also written as just "卫生".
            self.pledge_lookup.setdefault(item.name.removeprefix("包"), item.pk)

    def clean_phone(self, raw: Any, column: Column) -> str:
        # A workbook exported by a role that sees numbers masked (org.contacts) must not overwrite them.
        text = self.clean_text(raw, column)
        if "*" in text:
            raise ValueError(_("经营者电话“%(phone)s”是打码的号码，请填写完整号码") % {"phone": text})
        return text

    def clean_segment(self, raw: Any, column: Column) -> int:
        code = as_text(raw)
        if code not in self.segments:
            raise ValueError(_("未找到路段编码“%(code)s”") % {"code": code})
        return self.segments[code]

    def clean_pledge_items(self, raw: Any, column: Column) -> frozenset[int]:
        names = [n for n in _LIST_SEPARATORS.split(as_text(raw)) if n]
        unknown = [n for n in names if n not in self.pledge_lookup]
        if unknown:
            known = "、".join(sorted({k for k in self.pledge_lookup if not k.isascii()}))
            raise ValueError(
                _("未知的门前五包事项：%(names)s（可选：%(known)s）") % {"names": "、".join(unknown), "known": known}
            )
        return frozenset(self.pledge_lookup[n] for n in names)

    def clean_pledge_status(self, raw: Any, column: Column) -> str:
        return self._choice(raw, PledgeStatus, gettext_lazy("责任书状态"))

    def check(self, row: SourceRow, values: dict[str, Any], errors: list[RowError]) -> None:
        if values.get("pledge_status") == PledgeStatus.SIGNED and not values.get("pledge_signed_on"):
            errors.append(
                RowError(row.number, self._header(row, "pledge_signed_on"), _("责任书状态为“已签订”时必须填写签订日期"))
            )

    def existing(self, codes: list[str]) -> dict[str, Any]:
        found = super().existing(codes)
        through = Shop.pledge_items.through
        self.current_pledges: dict[int, set[int]] = {}
        for chunk in _chunks([shop.pk for shop in found.values()]):
            for shop_id, item_id in through.objects.filter(shop_id__in=chunk).values_list("shop_id", "pledgeitem_id"):
                self.current_pledges.setdefault(shop_id, set()).add(item_id)
        return found

    def extra_changed(self, obj: Any, row: CleanRow) -> bool:
        return "pledge_items" in row.extra and self.current_pledges.get(obj.pk, set()) != row.extra["pledge_items"]

    def after_write(self, created: list, updated: list) -> None:
        """Replace the pledge items of new shops and of shops whose items changed, in bulk."""
        through = Shop.pledge_items.through
        replaced = [(row, obj) for row, obj in updated if self.extra_changed(obj, row)]
        for chunk in _chunks([obj.pk for _row, obj in replaced]):
            through.objects.filter(shop_id__in=chunk).delete()
        links = [
            (obj.pk, item_id)
            for row, obj in [*created, *replaced]
            for item_id in sorted(row.extra.get("pledge_items", ()))
        ]
        _insert_links(links)

    def apply_geometry(self, obj: Any, geom: BaseGeometry | None) -> None:
        if geom is not None:
            obj.lon, obj.lat = geom.x, geom.y

    def geometry_changed(self, obj: Any, geom: BaseGeometry) -> bool:
        return (obj.lon, obj.lat) != (geom.x, geom.y)


def _insert_links(links: list[tuple[int, int]]) -> None:
    """Insert (shop_id, pledgeitem_id) rows with executemany.

    A 100k-shop file has ~300k links; building a model instance for each through row
    costs more than the rest of the write, and the table has no defaults or signals.
    """
    through = Shop.pledge_items.through
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}, {}) VALUES (%s, %s)".format(
        quote(through._meta.db_table),
        quote(through._meta.get_field("shop").column),
        quote(through._meta.get_field("pledgeitem").column),
    )
    with connection.cursor() as cursor:
        for chunk in _chunks(links, 5000):
            cursor.executemany(sql, chunk)


IMPORTERS: dict[str, type[BaseImporter]] = {
    cls.kind: cls for cls in (SegmentImporter, GridImporter, SiteImporter, ShopImporter)
}


def import_file(
    *, kind: str, file: IO[bytes], filename: str = "", mode: str = ImportMode.ALL, by: Any = None
) -> ImportResult:
    """Import one file of ``kind`` ("segment", "grid", "site" or "shop"), and log it."""
    filename = filename or getattr(file, "name", "") or ""
    with transaction.atomic():
        result = IMPORTERS[kind](mode=mode).run(file, filename=filename)
        log_import(result, f"places.import.{kind}", by=by, file=file, filename=filename)
    return result

"""Input of the phone form: a whole inspection (verdicts, notes, photos with where and when they were taken).

Two ways in carry the same content: the page's own form post (fields ``outcome_<item>``,
``note_<item>``, files ``photos_<item>``; what a phone without JavaScript sends) and the API's
multipart body (a JSON ``payload`` whose answers point at the uploaded ``photos`` by index,
with the GPS position and time the page recorded for each). Both end as ``services.Answer``
rows; every photo is checked and re-encoded (``core.photos``) before anything is written, so
one bad file refuses the whole inspection.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.http import QueryDict
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import ValidationError

from chuangcheng.core.errors import DomainError
from chuangcheng.core.geo import in_china
from chuangcheng.core.photos import ProcessedPhoto, process_photo
from chuangcheng.core.schemas import DB_INT_MAX, MAX_IDEMPOTENCY_KEY, Id

from .models import ChecklistItem
from .services import Answer

MAX_PHOTOS_PER_ITEM = 5
MAX_PHOTOS = 30
MAX_ANSWERS = 300
NOTE_CHARS = 300
KEY_PATTERN = re.compile(rf"^[A-Za-z0-9_.:-]{{8,{MAX_IDEMPOTENCY_KEY}}}$")


# ---- the API's payload ---------------------------------------------------------------------------


class PhotoRefIn(Schema):
    index: int = Field(ge=0, le=MAX_PHOTOS - 1, description="photos 中第几个文件（从 0 起）")
    taken_at: dt.datetime | None = Field(None, description="拍摄时间（页面记录）")
    lon: float | None = Field(None, ge=-180, le=180, description="拍摄位置经度（WGS84）")
    lat: float | None = Field(None, ge=-90, le=90, description="拍摄位置纬度（WGS84）")


class AnswerIn(Schema):
    item_id: Id
    outcome: str = Field(description="pass 合格 / fail 不合格 / na 不适用")
    note: str = Field("", max_length=NOTE_CHARS)
    photos: list[PhotoRefIn] = Field(default_factory=list, max_length=MAX_PHOTOS_PER_ITEM)


class SubmissionIn(Schema):
    site_id: int | None = Field(None, ge=1, le=DB_INT_MAX, description="点位（与 segment_id 二选一）")
    segment_id: int | None = Field(None, ge=1, le=DB_INT_MAX, description="路段（与 site_id 二选一）")
    visit_id: int | None = Field(None, ge=1, le=DB_INT_MAX, description="今日任务中的计划点位（计划外检查留空）")
    lon: float | None = Field(None, ge=-180, le=180)
    lat: float | None = Field(None, ge=-90, le=90)
    note: str = Field("", max_length=500)
    answers: list[AnswerIn] = Field(max_length=MAX_ANSWERS)


def parse_payload(raw: str) -> SubmissionIn:
    """The API's ``payload`` field, or a Chinese refusal naming what is wrong."""
    try:
        return SubmissionIn.model_validate_json(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ()))
        raise DomainError(_("提交内容格式不正确（%(where)s）") % {"where": where or "payload"}) from None


# ---- photos with where and when ------------------------------------------------------------------


@dataclass(frozen=True)
class PhotoIn:
    """An uploaded photo and what the page recorded when it was taken (None: use the photo's EXIF)."""

    upload: UploadedFile
    taken_at: dt.datetime | None = None
    lon: float | None = None
    lat: float | None = None


def _processed(photo: PhotoIn, now: dt.datetime) -> ProcessedPhoto:
    """Checked and re-encoded; the page's position and time fill what the EXIF lacks (a canvas JPEG has none)."""
    processed = process_photo(photo.upload)
    gps = processed.gps
    if gps is None and photo.lon is not None and photo.lat is not None and in_china(photo.lon, photo.lat):
        gps = (photo.lon, photo.lat)
    taken_at = processed.taken_at
    if taken_at is None and photo.taken_at is not None:
        stamp = photo.taken_at if timezone.is_aware(photo.taken_at) else timezone.make_aware(photo.taken_at)
        # A phone clock far in the future is not believed.
        taken_at = stamp if stamp <= now + dt.timedelta(minutes=10) else None
    return dataclasses.replace(processed, gps=gps, taken_at=taken_at)


@dataclass(frozen=True)
class RawAnswer:
    item_id: int
    outcome: str
    note: str
    photos: Sequence[PhotoIn]


def answers_with_photos(raw: Sequence[RawAnswer]) -> list[Answer]:
    """Every answer with its photos checked (a bad or oversized file refuses everything, naming it)."""
    if sum(len(answer.photos) for answer in raw) > MAX_PHOTOS:
        raise DomainError(_("一次检查最多上传 %(n)d 张照片") % {"n": MAX_PHOTOS})
    now = timezone.now()
    return [
        Answer(
            item_id=answer.item_id,
            outcome=answer.outcome,
            note=answer.note[:NOTE_CHARS],
            photos=tuple(_processed(photo, now) for photo in answer.photos),
        )
        for answer in raw
    ]


def raw_from_payload(payload: SubmissionIn, uploads: Sequence[UploadedFile]) -> list[RawAnswer]:
    """The payload's answers with the uploads they point at (each upload used once)."""
    used: set[int] = set()
    raw = []
    for answer in payload.answers:
        photos = []
        for ref in answer.photos:
            if ref.index >= len(uploads) or ref.index in used:
                raise DomainError(_("照片编号 %(n)d 无效：请重新拍照后提交") % {"n": ref.index})
            used.add(ref.index)
            photos.append(PhotoIn(uploads[ref.index], ref.taken_at, ref.lon, ref.lat))
        raw.append(RawAnswer(answer.item_id, answer.outcome, answer.note, photos))
    return raw


# ---- the page's own form post --------------------------------------------------------------------


def _float(value: str | None, low: float, high: float) -> float | None:
    try:
        number = float(value or "")
    except ValueError:
        return None
    return number if low <= number <= high else None


def raw_from_post(post: QueryDict, files: MultiValueDict, items: Sequence[ChecklistItem]) -> list[RawAnswer]:
    """The answers of the page's form: an item left unanswered is missing (the service names it)."""
    raw = []
    for item in items:
        outcome = post.get(f"outcome_{item.pk}", "")
        if not outcome:
            continue
        uploads = files.getlist(f"photos_{item.pk}")[:MAX_PHOTOS_PER_ITEM]
        photos = [PhotoIn(upload) for upload in uploads]
        raw.append(RawAnswer(item.pk, outcome, post.get(f"note_{item.pk}", ""), photos))
    return raw


def point_from_post(post: QueryDict) -> tuple[float | None, float | None]:
    lon, lat = _float(post.get("lon"), -180, 180), _float(post.get("lat"), -90, 90)
    return (lon, lat) if lon is not None and lat is not None else (None, None)


def clean_key(raw: str | None) -> str:
    """The idempotency key of a submission, or a Chinese refusal."""
    key = (raw or "").strip()
    if not key:
        raise DomainError(_("缺少 Idempotency-Key：每次新检查生成一个唯一键，重试时使用同一个键"))
    if not KEY_PATTERN.match(key):
        raise DomainError(_("Idempotency-Key 须为 8–%(n)d 位字母、数字或 _.:- 符号") % {"n": MAX_IDEMPOTENCY_KEY})
    return key

"""JSON API of the inbox: the same capabilities as the pages, only ever on the caller's own messages."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from chuangcheng.core.schemas import Id, Pagination
from chuangcheng.org.types import AuthedRequest

from . import selectors, services
from .models import Notification

router = Router(tags=["消息"])
PAGE_SIZE = 30
MAX_PAGE_SIZE = 200


class NotificationOut(Schema):
    id: int
    kind: str = Field(description="类型代码，如 case.escalated")
    title: str
    body: str
    url: str = Field(description="站内链接（相对路径）")
    created_at: datetime
    read_at: datetime | None
    unread: bool


class UnreadCountOut(Schema):
    unread: int


class MarkReadIn(Schema):
    ids: list[Id] = Field(max_length=1000, description="消息 id；不属于当前用户的 id 被忽略")


class MarkedOut(Schema):
    marked: int = Field(description="本次标为已读的条数")
    unread: int = Field(description="剩余未读条数")


@router.get(
    "/",
    response=list[NotificationOut],
    summary="我的消息",
    description=(
        "当前用户自己的消息，未读在前、新的在前；unread=true 只列未读。"
        f"分页：page 从 1 起，page_size 默认 {PAGE_SIZE}、最大 {MAX_PAGE_SIZE}，返回 {{count, items}}。"
    ),
)
@paginate(Pagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def inbox(request: AuthedRequest, unread: bool = False) -> QuerySet[Notification]:
    return selectors.inbox_for_user(user=request.user, filters={"unread": unread})


@router.get("/unread-count", response=UnreadCountOut, summary="未读消息数")
def unread_count(request: AuthedRequest) -> dict[str, int]:
    return {"unread": selectors.unread_count(request.user)}


@router.post("/read", response=MarkedOut, summary="标为已读")
def mark_read(request: AuthedRequest, payload: MarkReadIn) -> dict[str, int]:
    marked = services.mark_read(user=request.user, ids=payload.ids)
    return {"marked": marked, "unread": selectors.unread_count(request.user)}


@router.post("/read-all", response=MarkedOut, summary="全部标为已读")
def mark_all_read(request: AuthedRequest) -> dict[str, int]:
    return {"marked": services.mark_all_read(user=request.user), "unread": 0}

from ninja import Router, Schema

from chuangcheng.core.types import AuthedRequest

from .access import scope_for
from .selectors import person_list_for_user, unit_list_for_user

router = Router(tags=["组织"])


class UnitOut(Schema):
    id: int
    name: str
    code: str
    kind: str
    group: str
    parent_id: int | None


class PersonOut(Schema):
    id: int
    username: str
    real_name: str
    unit_id: int | None
    roles: list[str]

    @staticmethod
    def resolve_roles(obj) -> list[str]:  # type: ignore[no-untyped-def]
        return sorted({m.role for m in obj.memberships.all()})


class MeOut(Schema):
    id: int
    username: str
    real_name: str
    roles: list[str]
    all_units: bool


@router.get("/me", response=MeOut, summary="当前用户")
def me(request: AuthedRequest):  # type: ignore[no-untyped-def]
    scope = scope_for(request.user)
    user = request.user
    return {
        "id": user.pk,
        "username": user.get_username(),
        "real_name": getattr(user, "real_name", ""),
        "roles": sorted(scope.roles),
        "all_units": scope.all_units,
    }


@router.get("/units", response=list[UnitOut], summary="单位列表")
def units(request: AuthedRequest, q: str = "", kind: str = ""):  # type: ignore[no-untyped-def]
    return unit_list_for_user(user=request.user, filters={"q": q, "kind": kind})


@router.get("/people", response=list[PersonOut], summary="人员列表")
def people(request: AuthedRequest, q: str = "", role: str = "", unit: int | None = None):  # type: ignore[no-untyped-def]
    return person_list_for_user(user=request.user, filters={"q": q, "role": role, "unit": unit})[:1000]

"""API shapes shared by every app's router."""

from typing import Any

from ninja import Schema


class NamedRef(Schema):
    """A related row as ``{id, name}``: enough to show it and to fetch its detail endpoint."""

    id: int
    name: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj)

import pytest


@pytest.fixture
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "cases" / "after").mkdir(parents=True)
    (tmp_path / "cases" / "after" / "photo.jpg").write_bytes(b"\xff\xd8private")
    (tmp_path / "evidence" / "2026" / "11").mkdir(parents=True)
    (tmp_path / "evidence" / "2026" / "11" / "plan.pdf").write_bytes(b"%PDF-1.4 private")
    (tmp_path / "public.txt").write_text("hello")
    return tmp_path


def test_case_photos_are_not_served_from_the_public_media_url(client, media):
    response = client.get("/media/cases/after/photo.jpg")

    assert response.status_code == 404


def test_task_evidence_is_not_served_from_the_public_media_url(client, media):
    response = client.get("/media/evidence/2026/11/plan.pdf")

    assert response.status_code == 404


def test_other_uploads_are_still_served(client, media):
    response = client.get("/media/public.txt")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"hello"

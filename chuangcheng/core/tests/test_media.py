import pytest

PRIVATE = {
    "cases/after/photo.jpg": b"\xff\xd8private photo",
    "evidence/2026/11/plan.pdf": b"%PDF-1.4 private plan",
}

# Spellings of a private path that a prefix check on the raw path lets through.
SPELLINGS = (
    "/media/{path}",
    "/media/./{path}",
    "/media/%2e/{path}",
    "/media/%2E/{path}",
    "/media//{path}",
    "/media/public/../{path}",
    "/media/public/%2e%2e/{path}",
    "/media/.%2f{path}",
    "/media/%2f{path}",
    "/media/.%5c{path}",
    "/media/public%5c..%5c{path}",
    "/media/{upper}",
)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    for path, data in PRIVATE.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(data)
    (tmp_path / "public").mkdir()
    (tmp_path / "public" / "notice.txt").write_text("hello")
    (tmp_path / "stray.txt").write_text("not in a public folder")
    return tmp_path


@pytest.mark.parametrize("path", PRIVATE)
@pytest.mark.parametrize("spelling", SPELLINGS)
def test_private_files_are_not_served_from_the_public_media_url_however_spelt(client, media, path, spelling):
    first, rest = path.split("/", 1)
    response = client.get(spelling.format(path=path, upper=f"{first.upper()}/{rest}"))

    assert response.status_code == 404


def test_files_of_a_public_folder_are_served(client, media):
    response = client.get("/media/public/notice.txt")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"hello"


def test_files_outside_the_public_folders_are_not_served(client, media):
    assert client.get("/media/stray.txt").status_code == 404
    assert client.get("/media/public/").status_code == 404

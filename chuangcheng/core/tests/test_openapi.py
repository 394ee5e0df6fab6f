import json

import pytest


def _keys_must_be_unique(pairs):
    keys = [key for key, _ in pairs]
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    assert not repeated, f"repeated keys in the OpenAPI document: {repeated}"
    return dict(pairs)


@pytest.mark.django_db
def test_the_openapi_document_has_no_repeated_keys_so_the_docs_page_can_read_it(client):
    # Swagger UI refuses a document with a repeated key ("duplicated mapping key"),
    # which happens when an int and a str status code describe the same response.
    response = client.get("/api/openapi.json")

    assert response.status_code == 200
    document = json.loads(response.content, object_pairs_hook=_keys_must_be_unique)
    assert document["paths"]

import pytest
from django.test import Client


@pytest.mark.django_db
def test_a_body_larger_than_any_form_may_send_is_refused_before_it_is_read(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    settings.UPLOAD_MAX_FILES = 2
    response = Client().post(
        "/services/anything/begin/", data=b"x" * (3 * 1024 * 1024), content_type="text/plain"
    )
    assert response.status_code == 413
    assert b"too large" in response.content


@pytest.mark.django_db
def test_unknown_pages_get_a_helpful_not_found_page(settings):
    settings.DEBUG = False
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content

import pytest
from django.urls import reverse

SIGN_OUT = reverse("accounts:sign_out")


@pytest.mark.django_db
def test_get_on_sign_out_only_asks_to_confirm(client, resident):
    client.force_login(resident)

    response = client.get(SIGN_OUT)

    assert response.status_code == 200
    assert b'<form method="post" action="/account/sign-out/"' in response.content
    assert client.session["_auth_user_id"] == str(resident.pk)


@pytest.mark.django_db
def test_post_on_sign_out_signs_out(client, resident):
    client.force_login(resident)

    response = client.post(SIGN_OUT)

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_sign_out_post_needs_a_csrf_token(resident):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(resident)

    response = strict.post(SIGN_OUT)

    assert response.status_code == 403

import pytest
from django.test import override_settings

from townhall.accounts.backends import EmailBackend, user_cache_key
from townhall.accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def resident():
    return User.objects.create_user(email="cached@example.com", password="Long-pass-phrase-9")


@override_settings(USER_CACHE_SECONDS=60)
def test_signed_in_user_is_read_from_the_cache_after_the_first_request(
    resident, django_assert_num_queries
):
    backend = EmailBackend()
    assert backend.get_user(resident.pk) == resident
    with django_assert_num_queries(0):
        assert backend.get_user(resident.pk) == resident


@override_settings(USER_CACHE_SECONDS=60)
def test_deactivating_a_user_takes_effect_at_once(resident):
    backend = EmailBackend()
    backend.get_user(resident.pk)
    resident.is_active = False
    resident.save()
    assert backend.get_user(resident.pk) is None


@override_settings(USER_CACHE_SECONDS=60)
def test_password_change_clears_the_cached_user(resident, client):
    from django.core.cache import cache

    client.force_login(resident)
    assert client.get("/my-account/").status_code == 200
    assert cache.get(user_cache_key(resident.pk)) is not None
    resident.set_password("Another-long-phrase-3")
    resident.save()
    assert cache.get(user_cache_key(resident.pk)) is None
    # the old session's hash no longer matches: the person is signed out
    assert client.get("/my-account/").status_code == 302


def test_no_cache_without_a_shared_cache_backend(resident, django_assert_num_queries):
    with django_assert_num_queries(1):
        EmailBackend().get_user(resident.pk)
    with django_assert_num_queries(1):
        EmailBackend().get_user(resident.pk)

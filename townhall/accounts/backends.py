from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache


def user_cache_key(user_id) -> str:
    return f"accounts:user:{user_id}"


def user_cache_forget(user_id) -> None:
    """Drop a cached user; called on every save or delete of the user (see apps.py)."""
    cache.delete(user_cache_key(user_id))


class EmailBackend(ModelBackend):
    """Email is the username; compared case-insensitively."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        email = (username or kwargs.get("email") or "").strip().lower()
        return super().authenticate(request, username=email, password=password)

    def get_user(self, user_id):
        # Every signed-in request loads its user; with a shared cache that costs no query.
        # The password (for the session hash check) and is_active come with the cached row,
        # and any change to the user clears it, so sign-out-everywhere still works.
        seconds = settings.USER_CACHE_SECONDS
        if not seconds:
            return super().get_user(user_id)
        key = user_cache_key(user_id)
        user = cache.get(key)
        if user is None:
            user = super().get_user(user_id)
            if user is not None:
                cache.set(key, user, seconds)
        return user

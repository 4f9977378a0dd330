from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


def _forget_cached_user(sender, instance, **kwargs) -> None:
    from townhall.accounts.backends import user_cache_forget

    user_cache_forget(instance.pk)


class AccountsConfig(AppConfig):
    name = "townhall.accounts"
    label = "accounts"

    def ready(self) -> None:
        user_model = self.get_model("User")
        post_save.connect(_forget_cached_user, sender=user_model, dispatch_uid="user-cache-save")
        post_delete.connect(
            _forget_cached_user, sender=user_model, dispatch_uid="user-cache-delete"
        )

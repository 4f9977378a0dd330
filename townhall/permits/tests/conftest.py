import pytest

from townhall.catalogue.models import Service
from townhall.permits.models import PermitScheme
from townhall.permits.services import permit_scheme_set
from townhall.workflow.tests.helpers import demo_catalogue_with_processes

GARDEN = "subscribe-to-garden-waste-collection"


@pytest.fixture(autouse=True)
def _in_memory_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NOTIFY_CHANNEL = "django"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def catalogue(db) -> dict[str, Service]:
    return demo_catalogue_with_processes()


@pytest.fixture
def scheme(catalogue) -> PermitScheme:
    return permit_scheme_set(
        service=catalogue[GARDEN],
        number_prefix="GWP",
        period_start="paid",
        period_months=12,
        reminder_days_before=28,
        refund_none_last_months=2,
        refund_admin_fee_pence=1000,
        garden_waste=True,
    )

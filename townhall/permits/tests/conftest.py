import pytest

from townhall.core.tests.fixtures import fast_and_in_memory  # noqa: F401 (autouse here)
from townhall.permits.models import PermitScheme
from townhall.permits.services import permit_scheme_set

GARDEN = "subscribe-to-garden-waste-collection"
# The demo council's garden waste rules.
GARDEN_RULES = {
    "number_prefix": "GWP",
    "period_start": "paid",
    "period_months": 12,
    "reminder_days_before": 28,
    "refund_none_last_months": 2,
    "refund_admin_fee_pence": 1000,
    "garden_waste": True,
}


@pytest.fixture
def scheme(catalogue) -> PermitScheme:
    return permit_scheme_set(service=catalogue[GARDEN], **GARDEN_RULES)

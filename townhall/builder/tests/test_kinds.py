"""What each kind of service allows in its file: an information service is an advice page (no
form, no process); an eligibility checker's form ends on outcomes and it has no process; an
internal service is for staff only. Each refusal names its field and writes nothing."""

import copy

import pytest

from townhall.builder.exchange import ServiceFileInvalid
from townhall.builder.services import service_data_import
from townhall.catalogue.models import Service
from townhall.demo.council import demo_service_data
from townhall.eforms.models import Form

pytestmark = pytest.mark.django_db

INFORMATION = "what-goes-in-which-bin"
CHECKER = "check-if-you-can-get-an-assisted-bin-collection"
INTERNAL = "internal-insurance-claim"
ANY_LIBRARY_PROCESS = {"library": "report-graffiti"}


def _refused(data: dict) -> list[str]:
    with pytest.raises(ServiceFileInvalid) as caught:
        service_data_import(data=data)
    assert not Service.objects.filter(slug=data["slug"]).exists()
    return caught.value.reasons


def test_a_published_information_service_without_a_form_is_imported():
    service = service_data_import(data=demo_service_data(INFORMATION))
    assert service.kind == Service.Kind.INFORMATION and service.is_published
    assert service.form is None and service.process_key == ""


def test_an_information_service_with_a_form_or_a_process_is_refused():
    data = demo_service_data(INFORMATION)
    data["form"] = copy.deepcopy(demo_service_data(CHECKER)["form"])
    data["process"] = ANY_LIBRARY_PROCESS
    reasons = _refused(data)
    assert "/form: an information service is an advice page: it has no form" in reasons
    assert "/process: an information service makes no case: it has no process" in reasons
    assert not Form.objects.exists()


def test_an_information_service_without_its_advice_is_refused():
    data = demo_service_data(INFORMATION)
    data["description"]["en"] = " "
    assert _refused(data) == ["/description/en: an information service's advice is its description"]


def test_an_eligibility_checker_is_imported_with_its_outcomes_and_no_process():
    service = service_data_import(data=demo_service_data(CHECKER))
    assert service.kind == Service.Kind.ELIGIBILITY and service.process_key == ""
    outcomes = service.form.live_version().definition["outcomes"]
    assert [o["id"] for o in outcomes] == ["can-apply", "not-eligible"]


def test_an_eligibility_checker_without_a_form_or_with_a_process_is_refused():
    data = demo_service_data(CHECKER)
    data["form"] = None
    data["process"] = ANY_LIBRARY_PROCESS
    reasons = _refused(data)
    assert "/form: a published service needs a form (or set published: false)" in reasons
    assert "/process: an eligibility checker makes no case: it has no process" in reasons


def test_an_eligibility_checker_whose_form_could_be_sent_is_refused_by_its_pointer():
    data = demo_service_data(CHECKER)
    definition = data["form"]["definition"]
    definition["contact"] = True
    definition["pages"][-1]["next"] = definition["pages"][-1]["next"][:1]
    assert _refused(data) == [
        "/form/definition/contact: an eligibility checker keeps no personal data: no contact "
        "details",
        "/form/definition/pages/2/next: the last page of an eligibility checker must always "
        "end on an outcome (a branch with `outcome` and no `when`), and always be shown",
    ]


def test_an_eligibility_checker_branching_to_an_unknown_outcome_is_refused():
    data = demo_service_data(CHECKER)
    data["form"]["definition"]["pages"][0]["next"][0]["outcome"] = "perhaps"
    assert _refused(data) == [
        "/form/definition/pages/0/next/0/outcome: Page 'move-bins' ends on the outcome "
        "'perhaps', which is not in the form (removed or renamed?)."
    ]


def test_an_internal_service_for_residents_is_refused():
    data = demo_service_data(INTERNAL)
    data["audience"] = "public"
    assert _refused(data) == ["/audience: an internal service is for staff only (audience: staff)"]


@pytest.mark.parametrize("slug", [INFORMATION, CHECKER])
def test_a_service_that_makes_no_case_has_no_open311_code(slug):
    data = demo_service_data(slug)
    data["open311_code"] = "assisted_bins"
    kind = data["kind"]
    assert _refused(data) == [
        f"/open311_code: an {kind} service makes no case to report through Open311"
    ]

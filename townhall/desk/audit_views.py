"""Who saw a person's data: every audited read and change about a resident (their account,
their cases), for administrators answering a complaint or a subject access request."""

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from townhall.accounts.models import User
from townhall.cases.models import Case
from townhall.core.audit import audit_record
from townhall.core.models import AuditEvent
from townhall.desk.access import StaffRequest, administrator_required
from townhall.desk.views import _pagination as pagination_links


@administrator_required
@require_GET
def audit_search(request: StaffRequest) -> HttpResponse:
    email = request.GET.get("email", "").strip()[:254]
    error = ""
    if email:
        person = User.objects.filter(email__iexact=email).first()
        if person is not None:
            return redirect("desk:audit_person", person.pk)
        error = _("No account has the email address %(email)s.") % {"email": email}
    return render(
        request, "desk/audit/search.html", {"email": email, "error": error},
        status=400 if error else 200,
    )  # fmt: skip


@administrator_required
@require_GET
def audit_person(request: StaffRequest, user_id: int) -> HttpResponse:
    person = get_object_or_404(User, pk=user_id)
    references = list(Case.objects.filter(resident=person).values_list("reference", flat=True))
    events = (
        AuditEvent.objects.filter(
            Q(subject_user_id=person.pk) | Q(object_type="case", object_id__in=references)
        )
        .exclude(actor=person)  # their own reads of their own data are not the question
        .select_related("actor")
        .order_by("-at", "-id")
    )
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)  # read before this read is itself recorded
    # Reading the trail is itself a read of personal data.
    audit_record(action="view", object_type="audit_trail", object_id=person.pk,
                 actor=request.user, subject_user_id=person.pk, request=request)  # fmt: skip
    request.personal_data = True
    return render(
        request,
        "desk/audit/person.html",
        {"person": person, "page": page, "pagination": pagination_links(page, {})},
    )

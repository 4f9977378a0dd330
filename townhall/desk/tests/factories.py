"""Small builders for desk tests. Cases are opened with the real service function."""

import itertools

from townhall.accounts.models import Department, User
from townhall.cases.models import Case
from townhall.cases.services import case_create
from townhall.catalogue.models import Service

_numbers = itertools.count(1)


def department_make(name: str = "") -> Department:
    n = next(_numbers)
    name = name or f"Department {n}"
    return Department.objects.create(slug=f"department-{n}", name=name)


def service_make(*, department: Department | None = None, name: str = "") -> Service:
    n = next(_numbers)
    return Service.objects.create(
        slug=f"service-{n}",
        name=name or f"Report problem {n}",
        summary="A test service",
        department=department or department_make(),
        reference_prefix=f"T{n:03d}"[:4],
        sla_days=10,
    )


def user_make(
    *, role: str = User.Role.OFFICER, departments: list[Department] | None = None, **extra
) -> User:
    n = next(_numbers)
    extra.setdefault("full_name", f"Person {n}")
    user = User.objects.create_user(
        f"person{n}@example.gov.uk", "Not-a-real-pass-1", role=role, **extra
    )
    if departments:
        user.departments.set(departments)
    return user


def case_make(*, service: Service, summary: str = "Rubbish dumped by the gate", **extra) -> Case:
    extra.setdefault("contact_name", "Sam Caller")
    extra.setdefault("contact_email", "sam.caller@example.com")
    extra.setdefault("notify", False)
    return case_create(service=service, summary=summary, **extra)

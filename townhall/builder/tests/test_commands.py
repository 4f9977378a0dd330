"""The service-file commands: export all or one, import all or nothing, exit codes."""

import os
import subprocess
import sys
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from townhall.accounts.models import User
from townhall.builder.exchange import service_file_dump
from townhall.builder.selectors import service_export
from townhall.builder.tests.conftest import empty_council, fly_tipping_data, import_state
from townhall.catalogue.models import Service
from townhall.eforms.models import FormVersion

pytestmark = pytest.mark.django_db


def test_the_actor_of_an_import_must_be_a_designer_or_administrator(demo, tmp_path):
    path = tmp_path / "graffiti.yaml"
    path.write_text(service_export(demo["report-graffiti"]))
    User.objects.create_user("officer@example.gov.uk", "Officer-pass-1", role="officer")
    with pytest.raises(CommandError, match="no active service designer or administrator"):
        call_command("service_import", str(path), "--actor", "officer@example.gov.uk")


# ----------------------------------------------------------------------------------------
# Commands


def test_export_all_then_import_all_into_an_empty_council_gives_the_same_files(demo, tmp_path):
    out = StringIO()
    call_command("service_export", "--all", "--output", str(tmp_path / "a"), stdout=out)
    assert "17 service file(s) written" in out.getvalue()
    files = sorted((tmp_path / "a").glob("*.yaml"))
    assert [f.name for f in files][:2] == [
        "apply-to-rent-a-garage.yaml",
        "book-a-bulky-waste-collection.yaml",
    ]
    empty_council()
    out = StringIO()
    User.objects.create_user("designer@example.gov.uk", "Designer-pass-1", role="designer")
    call_command(
        "service_import", *map(str, files), "--actor", "designer@example.gov.uk", stdout=out
    )
    assert "report-fly-tipping: imported (form v1, process report-fly-tipping)" in out.getvalue()
    designer = User.objects.get(email="designer@example.gov.uk")
    assert Service.objects.get(slug="report-graffiti").form.live_version().published_by == designer
    call_command("service_export", "--all", "--output", str(tmp_path / "b"), stdout=StringIO())
    for first in files:
        assert (tmp_path / "b" / first.name).read_bytes() == first.read_bytes()


def test_a_service_whose_form_has_no_published_version_is_not_exported(demo, tmp_path):
    service = demo["report-graffiti"]
    service.form.versions.update(status=FormVersion.Status.DRAFT)
    with pytest.raises(CommandError, match="report-graffiti: its form has no published version"):
        call_command("service_export", "--all", "--output", str(tmp_path / "out"))
    assert not (tmp_path / "out").exists()


def test_export_one_service_to_standard_output(demo):
    out = StringIO()
    call_command("service_export", "report-graffiti", stdout=out)
    assert out.getvalue() == service_export(demo["report-graffiti"])
    with pytest.raises(CommandError, match="No service 'report-nothing'"):
        call_command("service_export", "report-nothing")
    with pytest.raises(CommandError, match="either a service's SLUG or --all"):
        call_command("service_export")


def test_import_is_all_or_nothing_and_names_every_refused_file(demo, tmp_path):
    good = fly_tipping_data(demo)
    good["summary"]["en"] = "Changed"
    bad = fly_tipping_data(demo)
    bad["slug"] = "report-fly-tipping-two"
    bad["team"] = "nobody"
    (tmp_path / "good.yaml").write_text(service_file_dump(good))
    (tmp_path / "bad.yaml").write_text(service_file_dump(bad))
    state = import_state()
    with pytest.raises(CommandError) as caught:
        call_command("service_import", str(tmp_path / "good.yaml"), str(tmp_path / "bad.yaml"))
    assert "1 file(s) refused" in str(caught.value)
    assert f"{tmp_path / 'bad.yaml'}: /team: no team 'nobody'" in str(caught.value)
    assert import_state() == state


def test_the_import_command_exits_non_zero_with_the_reasons_on_standard_error(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("format_version: 1\nslug: Not A Slug\n")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}"}
    result = subprocess.run(  # noqa: S603 - our own manage.py with a path we made
        [sys.executable, "manage.py", "service_import", str(bad), str(tmp_path / "missing.yaml")],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "missing.yaml: No such file or directory" in result.stderr
    bad.unlink()
    (tmp_path / "missing.yaml").write_text("format_version: 1\nslug: Not A Slug\n")
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "service_import", str(tmp_path / "missing.yaml")],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert "/slug: 'Not A Slug' does not match" in result.stderr
    assert "/name: is missing (required)" in result.stderr
    assert result.stdout == ""

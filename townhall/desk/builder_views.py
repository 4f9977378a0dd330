"""The service builder's service pages (being written: issue 16)."""

from django.http import Http404, HttpResponse

from townhall.desk.access import StaffRequest, designer_required


@designer_required
def _not_yet(request: StaffRequest, **kwargs: object) -> HttpResponse:
    raise Http404


service_list = service_new = service_import_upload = service_detail = _not_yet
service_settings = service_publish_page = service_discard = service_retire_page = _not_yet
service_export_download = service_versions_compare = service_version_restore_page = _not_yet

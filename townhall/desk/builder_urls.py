"""The service builder's pages, at /staff/services/ (service designers and administrators)."""

from django.urls import include, path

from townhall.desk import builder_edit_views, builder_fee_views, builder_views

app_name = "builder"
urlpatterns = [
    path("", builder_views.service_list, name="services"),
    path("new/", builder_views.service_new, name="service_create"),
    path("import/", builder_edit_views.service_import_upload, name="service_import"),
    path("<slug:slug>/", builder_views.service_detail, name="service"),
    path("<slug:slug>/settings/", builder_edit_views.service_settings, name="service_settings"),
    path("<slug:slug>/fees/", builder_fee_views.service_fees, name="service_fees"),
    path("<slug:slug>/fees/add/", builder_fee_views.service_fee_add, name="service_fee_add"),
    path(
        "<slug:slug>/fees/change/", builder_fee_views.service_fee_change, name="service_fee_change"
    ),
    path("<slug:slug>/fees/<int:number>/", builder_fee_views.service_fee_edit, name="service_fee"),
    path("<slug:slug>/publish/", builder_edit_views.service_publish_page, name="service_publish"),
    path("<slug:slug>/discard/", builder_edit_views.service_discard, name="service_discard"),
    path("<slug:slug>/retire/", builder_edit_views.service_retire_page, name="service_retire"),
    path("<slug:slug>/export/", builder_views.service_export_download, name="service_export"),
    path(
        "<slug:slug>/versions/<int:older>/<int:newer>/",
        builder_views.service_versions_compare,
        name="service_compare",
    ),
    path(
        "<slug:slug>/versions/<int:number>/restore/",
        builder_views.service_version_restore_page,
        name="service_restore",
    ),
    path("<slug:slug>/form/", include("townhall.desk.form_builder_urls")),
]

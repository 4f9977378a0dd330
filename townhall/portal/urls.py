from django.urls import path

from townhall.portal import (
    bin_day_views,
    booking_views,
    language_views,
    payment_views,
    permit_views,
    views,
)

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("services/", views.service_list, name="services"),
    path("services/<slug:slug>/", views.service_start, name="service_start"),
    path("services/<slug:slug>/begin/", views.form_begin, name="form_begin"),
    path(
        "services/<slug:slug>/outcomes/<slug:outcome_id>/",
        views.service_outcome,
        name="service_outcome",
    ),
    path("services/<slug:slug>/<uuid:session_id>/check/", views.form_check, name="form_check"),
    path("services/<slug:slug>/<uuid:session_id>/done/", views.form_done, name="form_done"),
    path("services/<slug:slug>/<uuid:session_id>/pay/", payment_views.pay_start, name="pay_start"),
    path("payments/return/<str:token>/", payment_views.pay_return, name="pay_return"),
    path(
        "services/<slug:slug>/<uuid:session_id>/<slug:page_id>/",
        views.form_page,
        name="form_page",
    ),
    path("my-account/", views.my_account, name="my_account"),
    path("my-account/requests/<str:reference>/", views.request_detail, name="request_detail"),
    path("my-account/permits/<str:number>/", permit_views.permit_detail, name="permit_detail"),
    path(
        "my-account/permits/<str:number>/renew/",
        permit_views.permit_renew_check,
        name="permit_renew",
    ),
    path(
        "my-account/permits/<str:number>/cancel/",
        permit_views.permit_cancel_confirm,
        name="permit_cancel",
    ),
    path(
        "permits/return/<str:token>/",
        permit_views.permit_renew_return,
        name="permit_renew_return",
    ),
    path(
        "my-account/requests/<str:reference>/cancel-booking/",
        booking_views.booking_cancel,
        name="booking_cancel",
    ),
    path("track/<str:token>/", views.track, name="track"),
    path(
        "requests/<str:reference>/files/<int:attachment_id>/",
        views.attachment,
        name="attachment",
    ),
    path("map/streets.geojson", views.streets_geojson, name="streets_geojson"),
    path("bin-day/", bin_day_views.bin_day_find, name="bin_day_find"),
    path("bin-day/<str:uprn>.ics", bin_day_views.bin_day_calendar, name="bin_day_ics"),
    path("bin-day/<str:uprn>/", bin_day_views.bin_day_show, name="bin_day"),
    path("language/<str:language>/", language_views.language_switch, name="language"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
]

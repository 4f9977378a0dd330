from django.urls import path

from townhall.desk.contact import service_views, views

app_name = "contact"
urlpatterns = [
    path("", views.search, name="search"),
    path("people/<int:person_id>/", views.person_detail, name="person"),
    path("people/<int:person_id>/log/", views.contact_log, name="log_for"),
    path("people/<int:person_id>/raise/", views.raise_start, name="raise_for"),
    path("log/", views.contact_log, name="log"),
    path("raise/", views.raise_start, name="raise"),
    path("services/", service_views.service_search, name="services"),
    path("services/<slug:slug>/", service_views.service_information, name="information"),
    path(
        "raise/<slug:slug>/outcomes/<slug:outcome_id>/",
        service_views.form_outcome,
        name="form_outcome",
    ),
    path("raise/<slug:slug>/<uuid:session_id>/check/", views.form_check, name="form_check"),
    path("raise/<slug:slug>/<uuid:session_id>/done/", views.form_done, name="form_done"),
    path("raise/<slug:slug>/<uuid:session_id>/<slug:page_id>/", views.form_page, name="form_page"),
    path("cases/<str:reference>/", views.case_summary, name="case"),
    path("cases/<str:reference>/pay/", views.fee_pay, name="fee_pay"),
    path("payments/return/<str:token>/", views.pay_return, name="pay_return"),
]

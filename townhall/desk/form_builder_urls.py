"""The form builder's pages, under /staff/services/<slug>/form/ (in the builder namespace)."""

from django.urls import path

from townhall.desk import form_builder_views as views
from townhall.desk import form_outcome_views

urlpatterns = [
    path("", views.form_pages, name="form"),
    path("pages/new/", views.form_page_add, name="form_page_add"),
    path("pages/<slug:page_id>/", views.form_page_edit, name="form_page"),
    path(
        "pages/<slug:page_id>/questions/new/",
        views.form_question_add,
        name="form_question_add",
    ),
    path("questions/<slug:name>/", views.form_question_edit, name="form_question"),
    path("outcomes/new/", form_outcome_views.form_outcome_add, name="form_outcome_add"),
    path(
        "outcomes/<slug:outcome_id>/",
        form_outcome_views.form_outcome_edit,
        name="form_outcome",
    ),
    path("move/", views.form_move, name="form_move"),
    path("remove/", views.form_remove, name="form_remove"),
    path("wording/", views.form_wording, name="form_wording"),
    path("preview/", views.form_preview, name="form_preview"),
    path("preview/frame/", views.form_preview_frame, name="form_preview_frame"),
]

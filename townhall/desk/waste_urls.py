from django.urls import path

from townhall.desk import waste_views

app_name = "waste_desk"
urlpatterns = [
    path("", waste_views.rounds, name="rounds"),
    path("import/", waste_views.rounds_upload, name="import"),
    path("rounds/<slug:code>/", waste_views.round_detail, name="round"),
    path("rounds/<slug:code>/changes/", waste_views.round_change_add, name="round_change_add"),
    path(
        "rounds/<slug:code>/changes/<int:change_id>/remove/",
        waste_views.round_change_delete,
        name="round_change_delete",
    ),
    path("addresses/<str:uprn>/", waste_views.address, name="address"),
]

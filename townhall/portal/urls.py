from django.urls import path

from townhall.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("services/", views.service_list, name="services"),
    path("my-account/", views.my_account, name="my_account"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
]

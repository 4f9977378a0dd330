from django.urls import path

from townhall.api import contractor_views, notify_views, pay_views
from townhall.api.views import api

# NinjaAPI.urls carries its own namespace ("api"), so reverse("api:case_list") works.
urlpatterns = [
    path(
        "contractor/v1/jobs/<str:job_id>/events",
        contractor_views.job_event,
        name="contractor_job_event",
    ),
    path("contractor/v1/messages", contractor_views.job_list, name="contractor_messages"),
    path(
        "contractor/v1/messages/<str:key>/ack",
        contractor_views.message_ack,
        name="contractor_message_ack",
    ),
    path(
        "contractor/v1/waste/results", contractor_views.crew_result, name="contractor_crew_result"
    ),
    path("notify/callbacks", notify_views.delivery_callback, name="notify_callback"),
    path("pay/webhook", pay_views.pay_webhook, name="pay_webhook"),
    path("", api.urls),
]

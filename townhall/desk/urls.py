from django.urls import include, path

from townhall.desk import (
    audit_views,
    bulk_views,
    case_actions_views,
    designer_views,
    figures_views,
    integrations_views,
    open311_views,
    payments_views,
    permits_views,
    process_views,
    queue_views,
    views,
    work_views,
)

app_name = "desk"
urlpatterns = [
    path("", views.home, name="home"),
    path("views/", queue_views.saved_view_create, name="saved_view_create"),
    path("views/<int:view_id>/delete/", queue_views.saved_view_remove, name="saved_view_delete"),
    path("contact/", include("townhall.desk.contact.urls")),
    path("work/", work_views.work_queue, name="work"),
    path("figures/", figures_views.figures, name="figures"),
    path("processes/", designer_views.process_list, name="processes"),
    path("processes/<slug:key>/", designer_views.process_detail, name="process"),
    path("processes/<slug:key>/edit/", designer_views.process_edit, name="process_edit"),
    path(
        "processes/<slug:key>/versions/<int:number>/diff/",
        designer_views.process_diff,
        name="process_diff",
    ),
    path("bulk/", bulk_views.bulk, name="bulk"),
    path("permits/", permits_views.permit_list, name="permits"),
    path("audit/", audit_views.audit_search, name="audit_search"),
    path("audit/people/<int:user_id>/", audit_views.audit_person, name="audit_person"),
    path("integrations/", integrations_views.integrations_home, name="integrations"),
    path("integrations/open311/", open311_views.clients, name="open311_clients"),
    path(
        "integrations/open311/<int:client_id>/revoke/",
        open311_views.client_revoke,
        name="open311_client_revoke",
    ),
    path(
        "integrations/open311/<int:client_id>/",
        open311_views.client_log,
        name="open311_client_log",
    ),
    path(
        "payments/reconciliation/",
        payments_views.reconciliation,
        name="payments_reconciliation",
    ),
    path(
        "cases/<str:reference>/payments/<int:payment_id>/refund/",
        payments_views.payment_refund,
        name="payment_refund",
    ),
    path(
        "integrations/notifications/<int:message_id>/retry/",
        integrations_views.notification_retry,
        name="integration_notification_retry",
    ),
    path(
        "integrations/notifications/<int:message_id>/cancel/",
        integrations_views.notification_cancel,
        name="integration_notification_cancel",
    ),
    path(
        "integrations/messages/<int:message_id>/",
        integrations_views.message_detail,
        name="integration_message",
    ),
    path(
        "integrations/messages/<int:message_id>/retry/",
        integrations_views.message_retry,
        name="integration_message_retry",
    ),
    path(
        "integrations/messages/<int:message_id>/cancel/",
        integrations_views.message_cancel,
        name="integration_message_cancel",
    ),
    path("cases/<str:reference>/", views.case_detail, name="case"),
    path("cases/<str:reference>/status/", views.case_status_change, name="case_status"),
    path("cases/<str:reference>/notes/", views.case_note_add, name="case_note"),
    path("cases/<str:reference>/assign/", case_actions_views.assign, name="case_assign"),
    path("cases/<str:reference>/reopen/", case_actions_views.reopen, name="case_reopen"),
    path("cases/<str:reference>/message/", case_actions_views.message, name="case_message"),
    path("cases/<str:reference>/merge/", case_actions_views.merge, name="case_merge"),
    path("cases/<str:reference>/attach/", case_actions_views.attach, name="case_attach"),
    path(
        "cases/<str:reference>/work/<int:item_id>/",
        process_views.work_item_done,
        name="work_item_complete",
    ),
    path(
        "cases/<str:reference>/process/retry/",
        process_views.case_process_retry,
        name="case_process_retry",
    ),
    path(
        "cases/<str:reference>/files/<int:attachment_id>/",
        views.case_attachment,
        name="case_attachment",
    ),
]

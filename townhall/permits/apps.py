from django.apps import AppConfig


class PermitsConfig(AppConfig):
    name = "townhall.permits"
    label = "permits"

    def ready(self) -> None:
        # payments sits below permits: it offers a hook, we fill it (imports point down).
        from townhall.payments.services import payment_paid_listener_register
        from townhall.permits.services import permit_issue_on_payment

        payment_paid_listener_register(permit_issue_on_payment)

        # Waste rounds sit below permits too: a garden bin is collected only at an address
        # with a live garden waste permit, and a permit starting or ending moves the bin-day
        # caches on.
        from townhall.permits.selectors import address_has_garden_permit
        from townhall.permits.services import permit_change_listener_register
        from townhall.waste.generation import waste_generation_bump
        from townhall.waste.hooks import garden_subscription_register

        garden_subscription_register(address_has_garden_permit)
        permit_change_listener_register(waste_generation_bump)

"""Hooks the apps above waste fill from their AppConfig.ready (waste may not import them).

Garden waste is a paid subscription (the permits app sells it): a garden round serves every
address on its streets, but only a subscribed address has a garden bin emptied. Until an app
registers a check, no address is subscribed and no garden collection is shown."""

from collections.abc import Callable
from datetime import date

from townhall.places.models import Address

GardenCheck = Callable[[Address, date], bool]

_garden_checks: list[GardenCheck] = []


def garden_subscription_register(check: GardenCheck) -> None:
    """Register `check(address, on)`: True when the address has a live garden waste permit on
    that day. Call waste.generation.waste_generation_bump() when a permit starts or ends."""
    if check not in _garden_checks:
        _garden_checks.append(check)


def garden_subscribed(address: Address, on: date) -> bool:
    """Whether any registered check says the address has garden waste collected."""
    return any(check(address, on) for check in _garden_checks)

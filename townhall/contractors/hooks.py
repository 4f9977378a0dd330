"""The demo loader sets up the demo contractors without lower apps importing this one."""

from townhall.catalogue.demo_loader import demo_loader_register


def _demo_contractors() -> None:
    from townhall.contractors.demo import demo_contractors_load

    demo_contractors_load()


def register() -> None:
    demo_loader_register(_demo_contractors)

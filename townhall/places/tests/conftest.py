from townhall.places.tests.factories import demo_gazetteer  # noqa: F401

from townhall.core.tests.fixtures import fast_and_in_memory  # noqa: F401 (autouse here)

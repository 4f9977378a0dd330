import pytest

from townhall.demo.gazetteer import gazetteer_generate
from townhall.places.services import gazetteer_load


@pytest.fixture
def demo_gazetteer(db):
    """The whole demo gazetteer, loaded into the test database."""
    gazetteer = gazetteer_generate()
    gazetteer_load(gazetteer=gazetteer)
    return gazetteer

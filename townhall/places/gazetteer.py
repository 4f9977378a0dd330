"""A gazetteer as plain records (wards, streets with their USRN, addresses with their UPRN
and postcode), the shape `places.services.gazetteer_load` writes to the database. Where the
records come from is not this app's business: a council's own extract (AddressBase, its
LLPG), or the demo's generated Kingsmead (`townhall.demo.gazetteer`)."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class WardRecord:
    code: str
    name: str


@dataclass(frozen=True)
class AddressRecord:
    uprn: str
    number_or_name: str
    postcode: str
    lat: float
    lon: float
    sort_key: int


@dataclass
class StreetRecord:
    usrn: str
    name: str
    locality: str
    town: str
    ward_code: str
    is_main_road: bool
    start_lat: float
    start_lon: float
    end_lat: float
    end_lon: float
    addresses: list[AddressRecord] = field(default_factory=list)


@dataclass
class Gazetteer:
    wards: list[WardRecord]
    streets: list[StreetRecord]

    @property
    def addresses(self) -> list[AddressRecord]:
        return [address for street in self.streets for address in street.addresses]

    @property
    def address_count(self) -> int:
        return sum(len(street.addresses) for street in self.streets)

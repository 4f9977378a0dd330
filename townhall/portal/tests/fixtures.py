"""Small, real data for portal tests: one department, a street with addresses, and a
fly-tipping service whose form uses a location, choices, photos and a description."""

import io

from PIL import Image

from townhall.accounts.models import Department, Team, User
from townhall.catalogue.models import Service
from townhall.eforms.models import Form, FormVersion
from townhall.places.models import Address, Street, Ward

FLY_TIP_FORM = {
    "title": "Report fly-tipping",
    "contact": True,
    "summary_field": "waste",
    "pages": [
        {
            "id": "photos",
            "fields": [
                {
                    "name": "photos",
                    "type": "file",
                    "label": "Add photos of the rubbish",
                    "max_files": 3,
                    "accept": ["image"],
                }
            ],
        },
        {
            "id": "where",
            "fields": [
                {
                    "name": "where",
                    "type": "location",
                    "label": "Where is the fly-tipping?",
                    "required": True,
                }
            ],
        },
        {
            "id": "what",
            "fields": [
                {
                    "name": "waste",
                    "type": "checkboxes",
                    "label": "What has been dumped?",
                    "required": True,
                    "error_name": "what has been dumped",
                    "options": [
                        {"value": "bags", "label": "Household bags"},
                        {"value": "furniture", "label": "Furniture"},
                        {"value": "asbestos", "label": "Asbestos or chemicals"},
                    ],
                }
            ],
            "next": [
                {"when": {"field": "waste", "op": "contains", "value": "asbestos"}, "goto": "risk"}
            ],
        },
        {
            "id": "size",
            "fields": [
                {
                    "name": "size",
                    "type": "radios",
                    "label": "How much is there?",
                    "required": True,
                    "options": [
                        {"value": "bag", "label": "A single bag"},
                        {"value": "van", "label": "A small van load"},
                    ],
                }
            ],
        },
        {
            "id": "risk",
            "show_if": {"field": "waste", "op": "contains", "value": "asbestos"},
            "fields": [
                {
                    "name": "risk",
                    "type": "yesno",
                    "label": "Is anyone at risk right now?",
                    "required": True,
                }
            ],
        },
        {
            "id": "details",
            "fields": [
                {
                    "name": "details",
                    "type": "textarea",
                    "label": "Describe the problem",
                    "max_length": 1000,
                }
            ],
        },
    ],
}


def make_street(name="Bank Street", usrn="70001001", postcode="TN23 1AA", houses=5) -> Street:
    ward = Ward.objects.get_or_create(code="E0500001", defaults={"name": "Victoria"})[0]
    street = Street.objects.create(
        usrn=usrn,
        name=name,
        town="Kingsmead",
        ward=ward,
        start_lat=51.1460,
        start_lon=0.8740,
        end_lat=51.1470,
        end_lon=0.8760,
    )
    for n in range(1, houses + 1):
        Address.objects.create(
            uprn=f"9{usrn[-5:]}{n:06d}",
            street=street,
            number_or_name=str(n),
            postcode=postcode,
            lat=51.1460 + n * 0.0001,
            lon=0.8740 + n * 0.0002,
            sort_key=n,
        )
    return street


def make_service(
    definition=None, slug="report-fly-tipping", name="Report fly-tipping", prefix="FT"
) -> Service:
    department = Department.objects.get_or_create(
        slug="waste", defaults={"name": "Waste and street scene"}
    )[0]
    team = Team.objects.get_or_create(
        slug="street-scene", defaults={"department": department, "name": "Street scene"}
    )[0]
    form = Form.objects.create(slug=slug, name=name)
    FormVersion.objects.create(
        form=form,
        number=1,
        definition=definition or FLY_TIP_FORM,
        status=FormVersion.Status.PUBLISHED,
    )
    return Service.objects.create(
        slug=slug,
        name=name,
        summary="Tell us about rubbish dumped on public land.",
        department=department,
        default_team=team,
        form=form,
        reference_prefix=prefix,
        sla_days=5,
        is_popular=True,
        needs_location=True,
        open311_code="fly_tipping",
    )


def make_resident(email="resident@example.com", **extra) -> User:
    return User.objects.create_user(email, "Correct-horse-7", full_name="Rosa Resident", **extra)


def photo_bytes(fmt="JPEG", gps=None, size=(64, 48)) -> bytes:
    image = Image.new("RGB", size, (120, 160, 90))
    out = io.BytesIO()
    if gps is not None and fmt == "JPEG":
        exif = Image.Exif()
        lat, lon = gps
        gps_ifd = {
            1: "N" if lat >= 0 else "S",
            2: (abs(int(lat)), int(abs(lat) * 60) % 60, round((abs(lat) * 3600) % 60, 2)),
            3: "E" if lon >= 0 else "W",
            4: (abs(int(lon)), int(abs(lon) * 60) % 60, round((abs(lon) * 3600) % 60, 2)),
        }
        exif[0x010F] = "TestCam"
        exif[0x8825] = gps_ifd
        image.save(out, fmt, exif=exif)
    else:
        image.save(out, fmt)
    return out.getvalue()

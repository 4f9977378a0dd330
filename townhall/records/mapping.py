"""Column mappings: which of a source's columns holds each canonical field, set in the desk
or in a YAML file kept with the extract."""

from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError

from townhall.records.models import CANONICAL_FIELDS, Source

# A source may hold the whole name in one column; it is split on import.
MAPPABLE_FIELDS = (*CANONICAL_FIELDS, "full_name")
IDENTITY_MAPPING = {field: field for field in CANONICAL_FIELDS}


def mapping_validate(mapping: Any) -> dict[str, str]:
    """A mapping is {canonical field: source column}; record_id is required."""
    if not isinstance(mapping, dict):
        raise ValidationError("The column mapping must be a list of 'field: column' pairs.")
    unknown = sorted(set(mapping) - set(MAPPABLE_FIELDS))
    if unknown:
        raise ValidationError(
            f"Unknown canonical field(s) {', '.join(unknown)}; use {', '.join(MAPPABLE_FIELDS)}."
        )
    if not mapping.get("record_id"):
        raise ValidationError("The mapping must name the column holding record_id.")
    cleaned = {str(k): str(v).strip() for k, v in mapping.items() if v not in (None, "")}
    columns = list(cleaned.values())
    repeated = sorted({c for c in columns if columns.count(c) > 1})
    if repeated:
        raise ValidationError(f"Column(s) mapped twice: {', '.join(repeated)}.")
    return cleaned


SOURCE_KEYS = {
    "slug",
    "name",
    "kind",
    "role",
    "trust",
    "delimiter",
    "encoding",
    "dates_month_first",
    "columns",
    "query",
    "dsn",
}


def source_from_yaml(path: Path | str) -> Source:
    """Create or update the source a YAML file describes, e.g.

    slug: council-tax
    name: Council tax
    trust: 80
    delimiter: ";"
    columns: {record_id: ACCOUNT_REF, first_name: FORENAME, surname: SURNAME}
    """
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ValidationError(f"{path}: not valid YAML ({error}).") from error
    if not isinstance(data, dict) or not data.get("slug"):
        raise ValidationError(f"{path}: the file must give at least 'slug' and 'columns'.")
    unknown = sorted(set(data) - SOURCE_KEYS)
    if unknown:
        raise ValidationError(f"{path}: unknown key(s) {', '.join(unknown)}.")
    defaults: dict[str, Any] = {
        "name": data.get("name") or data["slug"],
        "mapping": mapping_validate(data.get("columns")),
    }
    for key in (
        "kind",
        "role",
        "trust",
        "delimiter",
        "encoding",
        "dates_month_first",
        "query",
        "dsn",
    ):
        if key in data:
            defaults[key] = data[key]
    if len(defaults.get("delimiter", ",")) != 1:
        raise ValidationError(f"{path}: the delimiter must be one character.")
    source, _ = Source.objects.update_or_create(slug=data["slug"], defaults=defaults)
    return source


def source_settings_save(
    *,
    source: Source,
    mapping: dict[str, str],
    delimiter: str,
    encoding: str,
    dates_month_first: bool,
) -> Source:
    """Set a CSV source's column mapping and file settings from the desk (validated as a
    YAML file's are)."""
    import codecs

    cleaned = mapping_validate(mapping)
    if len(delimiter) != 1:
        raise ValidationError("The separator must be one character, like , or ; or |.")
    try:
        codecs.lookup(encoding)
    except LookupError as error:
        raise ValidationError(f"'{encoding[:30]}' is not a text encoding we know.") from error
    source.mapping = cleaned
    source.delimiter = delimiter
    source.encoding = encoding
    source.dates_month_first = dates_month_first
    source.save(update_fields=["mapping", "delimiter", "encoding", "dates_month_first"])
    return source

"""people.E001: the personal-data keys must be set (and valid) outside the embedded SQLite default."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def check_people_keys(app_configs, **kwargs):
    from civicgrid.people.protection import KeyMissing, _decode_key

    errors = []
    for name in ("PEOPLE_DATA_KEY", "PEOPLE_HASH_KEY"):
        try:
            _decode_key(getattr(settings, name, ""), name)
        except KeyMissing as exc:
            errors.append(
                Error(
                    str(exc),
                    hint="set it to base64 of 32 random bytes; see docs/configuration.md (People)",
                    id="people.E001",
                )
            )
    if settings.PEOPLE_DATA_KEY and settings.PEOPLE_DATA_KEY == settings.PEOPLE_HASH_KEY:
        errors.append(Error("PEOPLE_DATA_KEY and PEOPLE_HASH_KEY must differ", id="people.E001"))
    if settings.PEOPLE_RETENTION_DAYS < 1:
        errors.append(Error("PEOPLE_RETENTION_DAYS must be at least 1", id="people.E002"))
    return errors

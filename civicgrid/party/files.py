"""Files of party building (report photos, project pictures and documents, rating evidence): checked
by content beforehand (civicgrid.cases.uploads), written here under a random name in the private
attachment storage, each with its row; a failure half-way removes the files already written."""

import secrets

from django.core.files.base import ContentFile

from civicgrid.cases import uploads


def write_checked(checked, folder, at, user, create):
    """Write each checked file under party/<folder>/YYYY/MM/ and call `create(**fields)` for its row
    (in the caller's transaction). Returns the names written."""
    storage = uploads.attachment_storage()
    written = []
    try:
        for item in checked:
            name = storage.save(
                f"party/{folder}/{at:%Y/%m}/{secrets.token_hex(16)}.{item.extension}", ContentFile(item.content)
            )
            written.append(name)
            create(
                kind=item.kind,
                file=name,
                original_name=item.original_name,
                content_type=item.content_type,
                size=len(item.content),
                sha256=item.sha256,
                width=item.width,
                height=item.height,
                uploaded_by=user,
                created_at=at,
            )
    except Exception:
        for name in written:
            storage.delete(name)
        raise
    return written

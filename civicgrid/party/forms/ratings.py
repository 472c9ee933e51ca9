"""Input checks of the ratings' forms: evidence files (pictures are checked and re-encoded exactly
as case photos are, civicgrid.cases.uploads.check_photo; PDF documents by their header and end)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_FILES_PER_ITEM = 9
DOCUMENT_MAX_MB = 10


def check_files(uploads):
    """{item_id: [CheckedFile]} for {item_id: [uploaded files]}: pictures re-encoded as case photos
    are, PDF documents by their header; a ValidationError names the first refused."""
    from civicgrid.cases import uploads as case_uploads

    checked = {}
    for item_id, files in (uploads or {}).items():
        files = [f for f in files or () if f]
        if len(files) > MAX_FILES_PER_ITEM:
            raise ValidationError({"files": _("每项佐证材料最多 %(n)d 个。") % {"n": MAX_FILES_PER_ITEM}})
        rows = []
        for upload in files:
            try:
                rows.append(
                    case_uploads.check_document(upload, DOCUMENT_MAX_MB)
                    if case_uploads.is_pdf(upload)
                    else case_uploads.check_photo(upload)
                )
            except case_uploads.UploadError as exc:
                raise ValidationError({"files": str(exc)}) from None
        if rows:
            checked[item_id] = rows
    return checked

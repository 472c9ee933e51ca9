"""Uploads are checked by content: images re-encoded without EXIF/GPS, containers sniffed, sizes
and counts limited, anything else refused with a clear message."""

import io

import pytest
from PIL import Image

from civicgrid.cases import uploads
from civicgrid.cases.models import Attachment, Case
from civicgrid.cases.tests.conftest import HOME, point_in
from civicgrid.cases.tests.media_files import (
    GPS_IFD,
    M4A,
    MP4,
    OGG,
    WAV,
    WEBM,
    jpeg,
    jpeg_bytes,
    png,
    random_bytes,
    upload,
)


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    settings.CASES_ATTACHMENT_ROOT = tmp_path / "attachments"


def test_jpeg_with_gps_is_stored_without_any_exif():
    original = jpeg_bytes(gps=True)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)  # the upload has GPS
    checked = uploads.check_photo(upload("IMG_0001.JPG", original))
    stored = Image.open(io.BytesIO(checked.content))
    assert stored.format == "JPEG"
    assert not stored.getexif()
    assert not stored.getexif().get_ifd(GPS_IFD)
    assert b"Exif" not in checked.content[:200]
    assert checked.thumbnail and checked.content_type == "image/jpeg"


def test_exif_orientation_is_applied_before_stripping():
    checked = uploads.check_photo(upload("rotated.jpg", jpeg_bytes(size=(40, 20), orientation=6)))
    assert (checked.width, checked.height) == (20, 40)


def test_png_with_transparency_stays_png_and_thumbnail_is_small(settings):
    settings.CASES_THUMBNAIL_PX = 16
    checked = uploads.check_photo(png())
    assert checked.content_type == "image/png"
    assert max(Image.open(io.BytesIO(checked.thumbnail)).size) <= 16


@pytest.mark.parametrize(
    "data",
    [
        b"<?php system($_GET['c']); ?>",
        b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64,
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        b"MZ\x90\x00" + b"\x00" * 60,
    ],
)
def test_renamed_executable_or_markup_is_refused(data):
    with pytest.raises(uploads.UploadError) as error:
        uploads.check_photo(upload("photo.jpg", data, "image/jpeg"))
    assert "不是有效的照片文件" in error.value.message
    with pytest.raises(uploads.UploadError):
        uploads.check_media(upload("clip.mp4", data, "video/mp4"), "video")


def test_too_large_photo_is_refused(settings):
    settings.CASES_PHOTO_MAX_MB = 1
    big = upload("big.jpg", b"\xff\xd8\xff" + b"\x00" * (1024 * 1024 + 10), "image/jpeg")
    with pytest.raises(uploads.UploadError) as error:
        uploads.check_photo(big)
    assert "不能超过 1 MB" in error.value.message


def test_too_many_photos_are_refused():
    with pytest.raises(uploads.UploadError) as error:
        uploads.check_uploads(photos=[jpeg(f"p{i}.jpg") for i in range(10)])
    assert "最多 9 个" in error.value.message
    with pytest.raises(uploads.UploadError):
        uploads.check_uploads(videos=[upload("a.webm", WEBM), upload("b.webm", WEBM)])


@pytest.mark.parametrize(
    ("data", "kind", "content_type"),
    [
        (WEBM, "video", "video/webm"),
        (MP4, "video", "video/mp4"),
        (OGG, "video", "video/ogg"),
        (WEBM, "audio", "audio/webm"),
        (M4A, "audio", "audio/mp4"),
        (OGG, "audio", "audio/ogg"),
        (WAV, "audio", "audio/wav"),
        (b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\x00" * 20, "audio", "audio/mpeg"),
        (b"\xff\xfb\x90\x64" + b"\x00" * 20, "audio", "audio/mpeg"),  # MP3 frame without ID3
        (b"\xff\xf1\x50\x80\x02\x1f\xfc", "audio", "audio/aac"),  # AAC ADTS
    ],
)
def test_real_container_headers_are_accepted(data, kind, content_type):
    checked = uploads.check_media(upload("clip.bin", data + b"\x00" * 100), kind)
    assert checked.content_type == content_type


@pytest.mark.parametrize("prefix", [b"\x00\x01", b"\xff\xff\xff\xff", b"\xff\xfb\xf0\x00"])
def test_random_bytes_are_refused_as_media_and_photo(prefix):
    data = prefix + random_bytes()
    with pytest.raises(uploads.UploadError):
        uploads.check_media(upload("clip.webm", data), "video")
    with pytest.raises(uploads.UploadError):
        uploads.check_media(upload("voice.webm", data), "audio")
    with pytest.raises(uploads.UploadError):
        uploads.check_photo(upload("p.jpg", data))


def test_report_with_attachments_stores_clean_files_under_random_names(world, settings):
    lon, lat = point_in(world.tree[HOME])
    result = uploads.report_with_attachments(
        world.people.resident,
        photos=[jpeg("家门口.jpg", gps=True), png()],
        videos=[upload("v.webm", WEBM)],
        audios=[upload("voice.ogg", OGG)],
        category=world.cats["S05001"],
        description="路灯不亮",
        lon=lon,
        lat=lat,
    )
    rows = list(Attachment.objects.filter(case=result.case).order_by("pk"))
    assert [r.kind for r in rows] == ["photo", "photo", "video", "audio"]
    first = rows[0]
    assert first.original_name == "家门口.jpg" and first.event.seq == 1 and first.uploaded_by == world.people.resident
    assert "家门口" not in first.file.name and first.file.name.endswith(".jpg")
    path = settings.CASES_ATTACHMENT_ROOT / first.file.name
    assert path.exists()
    assert not Image.open(path).getexif()
    assert first.thumbnail.name and len(first.sha256) == 64


def test_a_refused_file_creates_no_case_and_writes_nothing(world, settings):
    lon, lat = point_in(world.tree[HOME])
    with pytest.raises(uploads.UploadError):
        uploads.report_with_attachments(
            world.people.resident,
            photos=[jpeg(), upload("evil.jpg", b"<?php echo 1; ?>")],
            category=world.cats["S05001"],
            description="路灯不亮",
            lon=lon,
            lat=lat,
        )
    assert not Case.objects.exists() and not Attachment.objects.exists()
    root = settings.CASES_ATTACHMENT_ROOT
    assert not root.exists() or not any(p.is_file() for p in root.rglob("*"))

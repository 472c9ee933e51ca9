"""Scope-walk objects of party building's orders: on the side's community C, orders posted by the
side's community account (secretary of `community_org`, community staff on C): `order_open` (seen), `order_take` (to be
taken), `order_cancel` (to be cancelled), `order_taken` (taken by the side's department staff, to be
reported) and `order_reported` (taken and reported with `order_photo`, to be audited)."""

import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone


def _jpeg():
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 40, 40)).save(out, "JPEG")
    return SimpleUploadedFile("evidence.jpg", out.getvalue(), content_type="image/jpeg")


def scope_objects(o, side):
    """Add this part's objects to `o` (the side's party namespace from testing/__init__.py)."""
    from civicgrid.party.actions import orders as actions

    community = o.community_org.region

    def post(title):
        return actions.post_order(
            o.community,
            community_id=community.pk,
            kind="red_friday",
            title=f"{side} {title}",
            need="清理楼道杂物",
            deadline=timezone.localdate() + timedelta(days=10),
            points_offered=5,
        )

    o.order_open = post("待接派单")
    o.order_take = post("可接派单")
    o.order_cancel = post("待撤销派单")
    o.order_taken = actions.take_order(o.dept, post("已接派单").pk)
    reported = actions.take_order(o.dept, post("待审核派单").pk)
    o.order_reported = actions.report_order(o.dept, reported.pk, "已完成清理", [_jpeg()])
    o.order_photo = o.order_reported.photos.get()
    return o

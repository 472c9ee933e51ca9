"""The resident app writes nothing of its own; it only tells residents about the home screen."""

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from civicgrid.core import events


@transaction.atomic
def welcome(users):
    """A message in the inbox of each of `users`: the home screen and how to put it on the phone."""
    user_ids = tuple(sorted({user.pk for user in users}))
    if not user_ids:
        return
    events.publish(
        events.MessageSent(
            user_ids=user_ids,
            title=_("欢迎使用居民首页"),
            body=_(
                "上报问题、查看进度、接收社区消息都在首页。在手机浏览器菜单中选择“添加到主屏幕”，即可像应用一样打开。"
            ),
            url=reverse("resident:me"),
            topic="resident",
        )
    )

"""A poll's result as an Excel workbook (civicgrid.core.xlsx: every cell inert, formulas neutralised):
the tallies per option, the opinions with their replies, and what the file is."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from civicgrid.consult import selectors
from civicgrid.core import xlsx


def poll_workbook(poll, user):
    workbook = Workbook(write_only=True)
    table = xlsx.Table(
        workbook.create_sheet(_("投票结果")),
        [(_("题号"), 6), (_("题目"), 40), (_("选项"), 30), (_("票数"), 8), (_("占投票数"), 10, xlsx.PERCENT_FORMAT)],
    )
    for number, row in enumerate(selectors.results(poll), start=1):
        for option in row["options"]:
            table.row([number, row["question"].text, option["option"].text, option["votes"], option["percent"] / 100])
    table.close()
    opinions = xlsx.Table(
        workbook.create_sheet(_("意见建议")),
        [(_("题目"), 30), (_("意见"), 60), (_("答复"), 60), (_("答复时间"), 17, xlsx.DATETIME_FORMAT)],
    )
    for opinion in selectors.poll_opinions(poll):
        opinions.row([opinion.question.text, opinion.text, opinion.reply, opinion.replied_at])
    opinions.close()
    xlsx.notes_sheet(
        workbook,
        _("说明"),
        [
            (_("投票"), poll.title),
            (_("社区"), poll.community.name),
            (_("投票资格"), poll.get_electorate_display()),
            (_("匿名"), _("是") if poll.anonymous else _("否")),
            (_("已投票数"), poll.ballot_count),
            (_("导出人"), user.name or user.get_username()),
            (_("导出时间"), timezone.localtime().strftime("%Y-%m-%d %H:%M")),
        ],
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from civicgrid.regions.actions import import_boundaries


class Command(BaseCommand):
    # argparse needs plain strings: the help is translated when the parser is built (add_arguments
    # and create_parser run after the command's language is set), never a lazy proxy.
    help = "从 GeoJSON FeatureCollection 导入区划边界：每个要素带 properties.code 和 name。全部通过校验才写入，否则逐个要素列出错误，不写入任何数据。"

    def create_parser(self, prog_name, subcommand, **kwargs):
        self.help = _(self.help)
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("GeoJSON 文件路径；“-”表示从标准输入读取"))
        parser.add_argument("--dry-run", action="store_true", help=_("只检查，不写入"))
        parser.add_argument("--no-create", action="store_true", help=_("不新建系统中没有的区划，只更新已有区划的边界"))

    def handle(self, *args, file, dry_run, no_create, **options):
        try:
            data = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
        except OSError as exc:
            raise CommandError(_("无法读取文件 %(file)s：%(error)s") % {"file": file, "error": exc.strerror}) from exc
        # Logged as the system's change (no user), naming the file.
        note = _("导入边界：%(file)s") % {"file": "stdin" if file == "-" else Path(file).name}
        report = import_boundaries(data, create_missing=not no_create, dry_run=dry_run, note=note)
        for error in report.errors:
            self.stderr.write(str(error))
        if not report.ok:
            raise CommandError(_("导入失败：共 %(n)d 个错误，未写入任何数据。") % {"n": len(report.errors)})
        counts = {"created": report.created, "updated": report.updated}
        if dry_run:
            self.stdout.write(_("检查通过（未写入）：将新建 %(created)d 个、更新 %(updated)d 个区划。") % counts)
        else:
            self.stdout.write(
                self.style.SUCCESS(_("导入完成：新建 %(created)d 个、更新 %(updated)d 个区划。") % counts)
            )

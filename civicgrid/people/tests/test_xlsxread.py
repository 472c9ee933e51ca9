import io
from datetime import date

from openpyxl import Workbook

from civicgrid.people import xlsxread


def _book(write_only):
    workbook = Workbook(write_only=write_only)
    sheet = workbook.create_sheet() if write_only else workbook.active
    sheet.append(["姓名", "数字", "小数", "空", "符号 <&>", "布尔"])
    sheet.append(["张三", 13812345678, 89.5, None, "a&b<c>", True])
    sheet.append([None, None, None, None, None, None])
    sheet.append(["  李四 ", 3, 1.0, "", "x", False])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_fast_reader_reads_what_openpyxl_writes():
    for write_only in (True, False):
        rows = [(n, values) for n, values in xlsxread.iter_rows(_book(write_only), 6) if any(values)]
        assert rows == [
            (1, ["姓名", "数字", "小数", "空", "符号 <&>", "布尔"]),
            (2, ["张三", "13812345678", "89.5", "", "a&b<c>", "TRUE"]),
            (4, ["李四", "3", "1", "", "x", "FALSE"]),
        ]


def test_columns_beyond_the_width_are_ignored():
    rows = list(xlsxread.iter_rows(_book(True), 2))
    assert rows[0] == (1, ["姓名", "数字"])


def test_dates_fall_back_to_openpyxl_in_the_importer():
    from civicgrid.people import importer
    from civicgrid.people.models import ImportKind

    workbook = Workbook()
    sheet = workbook.active
    sheet.append([h for h, _k, _r in importer.COLUMNS[ImportKind.HOUSES]])
    sheet.append(["B1", "1", 3, "301", date(2026, 1, 1), "自住"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    rows = importer.read_rows(buffer.getvalue(), ImportKind.HOUSES)
    assert rows[0][1]["number"] == "301" and rows[0][1]["floor"] == "3"

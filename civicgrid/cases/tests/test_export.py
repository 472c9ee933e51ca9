"""The Excel ledger (台账): header, rows for the queue filter, masked phones, the row cap."""

from io import BytesIO

from django.urls import reverse
from openpyxl import load_workbook

from civicgrid.cases import actions
from civicgrid.cases.export import mask_phone
from civicgrid.cases.models import Case, Source, Status
from civicgrid.cases.tests.conftest import make_case, point_in, report


def sheet_rows(response, sheet=0):
    workbook = load_workbook(BytesIO(response.content), read_only=True)
    return [list(row) for row in workbook.worksheets[sheet].iter_rows(values_only=True)]


def test_mask_phone():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("") == ""
    assert mask_phone("12345") == "*****"


def test_ledger_export_follows_the_filter_and_masks_phones(world, client):
    lon, lat = point_in(world.tree["S1C1G1M2"])
    hot = actions.report_case(
        world.people.operator,
        category=world.cats["S05001"],
        description="来电反映垃圾",
        source=Source.HOTLINE,
        caller_name="张先生",
        caller_phone="13712345678",
        external_order_no="12345-A1",
        lon=lon,
        lat=lat,
    ).case
    registered = make_case(world, Status.REGISTERED)
    report(world, where="S2C1G1M1")  # outside the community's scope
    client.force_login(world.people.community)
    response = client.get(reverse("cases:staff_export"), {"source": "hotline"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = sheet_rows(response)
    notes = dict(row[:2] for row in sheet_rows(response, sheet=1))
    assert notes["导出人"] == "community" and "来源: 12345热线" in notes["筛选条件"] and notes["行数"] == 1
    header = rows[0]
    data = [r for r in rows[1:] if r and r[0]]
    assert [r[0] for r in data] == [hot.number]
    record = dict(zip(header, data[0], strict=False))
    assert record["联系电话"] == "137****5678" and record["上报人"] == "张先生"
    assert "13712345678" not in str(rows)

    everything = sheet_rows(client.get(reverse("cases:staff_export")))
    numbers = {r[0] for r in everything[1:] if r and r[0]}
    assert numbers == {hot.number, registered.number}


def test_ledger_export_is_capped(world, client, settings):
    settings.CASES_EXPORT_MAX_ROWS = 2
    for _i in range(3):
        report(world)
    client.force_login(world.people.community)
    response = client.get(reverse("cases:staff_export"))
    assert response["X-Ledger-Rows"] == "2" and response["X-Ledger-Truncated"] == "1"
    assert len(sheet_rows(response)) == 3  # the header and two rows
    assert "仅导出前 2 条" in str(sheet_rows(response, sheet=1)[-1][1])


def test_residents_cannot_export(world, client):
    client.force_login(world.people.resident)
    assert client.get(reverse("cases:staff_export")).status_code == 403


# --- Text hygiene (issue 12, failures 4 and 5) ---------------------------------------------------


def ledger_cells(response):
    """{column title: cell} of the first case row, read back as openpyxl cells (types included)."""
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows())
    header = [cell.value for cell in rows[0]]
    return dict(zip(header, rows[1], strict=False))


def test_ledger_writes_formulas_as_inert_text(world, client):
    case = report(world, description='=HYPERLINK("http://evil.example/","点此查看")', address="=1+2")
    # Stored straight through the model, as legacy data or another writer could have.
    Case.objects.filter(pk=case.pk).update(caller_name="@SUM(A1)", external_order_no="-2+3", title="+cmd|' /C calc'!A0")
    client.force_login(world.people.community)
    response = client.get(reverse("cases:staff_export"))
    assert response.status_code == 200
    cells = ledger_cells(response)
    for title, stored in [
        ("描述", '=HYPERLINK("http://evil.example/","点此查看")'),
        ("地址", "=1+2"),
        ("上报人", "@SUM(A1)"),
        ("外部工单号", "-2+3"),
        ("标题", "+cmd|' /C calc'!A0"),
    ]:
        assert cells[title].data_type == "s", title
        assert cells[title].value == "'" + stored, title
    assert cells["返工次数"].data_type == "n" and cells["返工次数"].value == 0


def test_ledger_survives_control_characters_in_stored_text(world, client):
    case = report(world)
    Case.objects.filter(pk=case.pk).update(
        description="漏水\x01严重\x0b请\x0c处理\n第二行\t完", address="幸福路\x1f1号", title="标题\x08"
    )
    client.force_login(world.people.community)
    response = client.get(reverse("cases:staff_export"))
    assert response.status_code == 200
    cells = ledger_cells(response)
    assert cells["描述"].value == "漏水严重请处理\n第二行\t完"
    assert cells["地址"].value == "幸福路1号"
    assert cells["标题"].value == "标题"


def test_the_ledger_is_a_table_a_clerk_can_use(world, client):
    """Header in row 1, frozen and filtered, every column a width, times as real dates."""
    from datetime import datetime

    from django.utils import timezone

    case = report(world)
    client.force_login(world.people.community)
    sheet = load_workbook(BytesIO(client.get(reverse("cases:staff_export")).content)).worksheets[0]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:Z2"
    assert all(sheet.column_dimensions[letter].width >= 7 for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    header = [cell.value for cell in sheet[1]]
    reported = sheet.cell(row=2, column=header.index("上报时间") + 1)
    assert isinstance(reported.value, datetime) and reported.number_format == "yyyy-mm-dd hh:mm"
    local = timezone.localtime(case.reported_at).replace(tzinfo=None)
    assert abs((reported.value - local).total_seconds()) < 1


# --- A long ledger is a background job (civicgrid.cases.jobs, civicgrid.core.longjobs) -------------


def test_a_long_ledger_is_written_by_a_job_for_its_owner_only(
    world, client, settings, tmp_path, django_capture_on_commit_callbacks
):
    from civicgrid.core import longjobs
    from civicgrid.core.models import BackgroundJob, JobStatus

    settings.JOBS_ROOT = tmp_path / "jobs"
    settings.JOBS_EXPORT_INLINE_ROWS = 2
    numbers = {report(world).number for _i in range(3)}
    report(world, where="S2C1G1M1")  # outside the community's scope
    client.force_login(world.people.community)
    with django_capture_on_commit_callbacks() as launched:
        response = client.get(reverse("cases:staff_export"))
    job = BackgroundJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("core:job", args=[job.pk])
    assert len(launched) == 1 and job.kind == "cases.ledger" and job.total == 0
    assert longjobs.run(job.pk) == JobStatus.DONE
    state = client.get(reverse("core:job_status", args=[job.pk])).json()
    assert state["written"] == 3 and state["percent"] == 100 and "3 条" in state["message"]
    download = client.get(state["result_url"])
    workbook = load_workbook(BytesIO(b"".join(download.streaming_content)), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert {r[0] for r in rows[1:] if r and r[0]} == numbers
    client.force_login(world.people.community2)  # a colleague: a ledger job is its owner's alone
    assert client.get(reverse("core:job", args=[job.pk])).status_code == 404
    assert client.get(state["result_url"]).status_code == 404

"""Long work off the request in a real browser at 1280 px: a 20,000-row people import runs as a
background job (a thread of the server without a broker) whose page shows the rows read, checked
and written while it works, and whose result stays reachable after navigating away; then a person
export of those rows runs as a job whose file is downloaded from its page."""

import io
import time

from openpyxl import Workbook, load_workbook
from playwright.sync_api import expect

from civicgrid.accounts.models import Role
from civicgrid.core.models import BackgroundJob, JobStatus
from civicgrid.people import importer
from civicgrid.people.models import ImportKind, Person
from civicgrid.people.testing import ensure_tags, make_building, make_id_number
from civicgrid.testing import make_user

from .conftest import DESKTOP, snap

ROWS = 20_000


def _workbook(rows):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append([header for header, _key, _required in importer.COLUMNS[ImportKind.PERSONS]])
    houses = [f"{floor}{n:02d}" for floor in range(1, 21) for n in range(1, 6)]
    numbers = set()
    while len(numbers) < rows:  # random ID numbers repeat now and then: each person needs their own
        numbers.add(make_id_number())
    for i, number in enumerate(sorted(numbers)):
        sheet.append([f"居民{i}", number, "", "汉族", "户籍人口", "B1", "1", houses[i % 100], "", "群众", "", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_large_import_and_an_export_run_as_jobs_with_progress(new_page, login, district, settings, tmp_path):
    settings.JOBS_ROOT = tmp_path / "jobs"
    ensure_tags()
    make_building(district["S1C1G1"], code="B1", floors=20, units=1, per_floor=5)
    make_user("社区刘敏", Role.COMMUNITY_STAFF, district["S1C1"], phone="13900002222")
    data = _workbook(ROWS)
    page = new_page(viewport=DESKTOP)
    login(page, "13900002222")

    page.goto("/people/import/")
    page.get_by_label("导入内容").select_option("persons")
    page.get_by_label("Excel 文件（.xlsx）").set_input_files(
        {"name": "全部居民.xlsx", "mimeType": "application/octet-stream", "buffer": data}
    )
    page.get_by_role("button", name="校验并导入").click()
    page.wait_for_url("**/jobs/*/")
    expect(page.locator("h1")).to_contain_text("全部居民.xlsx")
    # While it works, the page shows where it is: the rows read, then checked, then written.
    # (The rows arrive in chunks from a reader process, so "read" climbs while the first chunks are
    # already checked and written: catch the page mid-way, some rows read and the job not finished.)
    # A loaded machine may start the job late or run it between two polls: wait for either, and
    # check the mid-way figures when the page caught them.
    page.wait_for_function(
        "() => document.getElementById('job').dataset.finished === '1'"
        " || parseInt(document.getElementById('job-read').textContent || '0', 10) > 0",
        timeout=150_000,
    )
    midway = page.evaluate(
        "() => document.getElementById('job').dataset.finished === '0'"
        " ? parseInt(document.getElementById('job-progress').getAttribute('value') || '0', 10) : null"
    )
    snap(page, "long-job-import-running")
    expect(page.locator("#job-status")).to_have_text("已完成", timeout=180_000)
    assert midway is None or midway < 100
    expect(page.locator("#job-read")).to_have_text(str(ROWS))
    expect(page.locator("#job-checked")).to_have_text(str(ROWS))
    expect(page.locator("#job-written")).to_have_text(str(ROWS))
    expect(page.locator("#job-errors")).to_have_text("0")
    expect(page.locator("#job-message")).to_contain_text(f"新增 {ROWS}")
    assert (
        page.locator("#job-progress").get_attribute("value") == "100"
        or page.evaluate("document.getElementById('job-progress').value") == 100
    )
    snap(page, "long-job-import-done")
    assert Person.objects.count() == ROWS

    # The result stays reachable after navigating away: "my imports and exports" lists it.
    page.goto("/")
    page.goto("/jobs/")
    job_link = page.locator("#jobs a").filter(has_text="全部居民.xlsx")
    expect(job_link).to_be_visible()
    job_link.click()
    expect(page.locator("#job-message")).to_contain_text(f"新增 {ROWS}")

    # A person export of that many rows is a job too; its page offers the file.
    page.goto(f"/people/export/?region={district['S1C1'].code}")
    page.get_by_label("导出事由").fill("年度人口核对")
    page.get_by_role("button", name="导出 Excel").click()
    page.wait_for_url("**/jobs/*/")
    expect(page.locator("#job-status")).to_have_text("已完成", timeout=180_000)
    expect(page.locator("#job-result")).to_be_visible()
    with page.expect_download() as download_info:
        page.locator("#job-result").click()
    content = open(download_info.value.path(), "rb").read()  # noqa: SIM115
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    exported = sum(1 for row in sheet.iter_rows(min_row=2, values_only=True) if row and row[0])
    expected = min(ROWS, settings.PEOPLE_EXPORT_MAX_ROWS)
    assert exported == expected
    expect(page.locator("#job-written")).to_have_text(str(expected))
    snap(page, "long-job-export-done")
    kinds = dict(BackgroundJob.objects.values_list("kind", "status"))
    assert kinds == {"people.import": JobStatus.DONE, "people.export": JobStatus.DONE}
    time.sleep(0)  # nothing left running

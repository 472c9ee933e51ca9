"""The pages docs/users.md (and README.md) name are the code's, both ways: every page path they name
resolves, and every page a person opens (not the API, not the admin, not a form's POST target, a
download or a JSON feed) is named in docs/users.md by its path. A new page must be documented there
or declared below as not a page, with why."""

import re
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

ROOT = Path(__file__).resolve().parents[2]
USERS = ROOT / "docs" / "users.md"

# URL names that are not pages a person opens, with why.
NOT_PAGES = {
    "core:health": "the load balancer's probe",
    "core:csp_report": "the browser's CSP reports",
    "set_language": "the language switch's POST target",
    "accounts:logout": "the logout button's POST target",
    "accounts:decide_registration": "the 通过/不通过 buttons' POST target on 居民注册审核",
    "accounts:reset_resident": "the 重置密码 button's POST target on 居民账号",
    "regions:geojson": "the maps' data feed (JSON)",
    "regions:children": "the region tree's expanding rows (a fragment)",
    "cases:evaluate": "the rating form's POST target on a report page",
    "cases:reopen": "the 重新办理 button's POST target",
    "cases:follow": "the 关注 button's POST target",
    "cases:attachment": "a photo or file, served to those who may see it",
    "cases:attachment_thumb": "a photo's thumbnail",
    "cases:board_settings": "the board settings form's POST target",
    "cases:board_comment": "the comment form's POST target",
    "cases:board_react": "the 我也遇到/我能帮忙 buttons' POST target",
    "cases:board_abuse": "the 举报 form's POST target",
    "cases:board_hide_case": "the moderators' hide form's POST target",
    "cases:board_hide_comment": "the moderators' hide form's POST target",
    "cases:board_release_case": "the moderators' 审核通过 button's POST target for a held report",
    "cases:board_release_comment": "the moderators' 审核通过 button's POST target for a held comment",
    "cases:upload_discard": "a pending upload's 删除 button's POST target",
    "core:job_status": "a job page's progress poll (JSON)",
    "core:job_result": "a finished job's file (download)",
    "intake:route": "the dispatch form's routing hint (JSON)",
    "cases:staff_export": "the ledger download (Excel)",
    "cases:staff_bulk_dispatch": "the queue's bulk dispatch POST target",
    "cases:staff_version": "the case page's check for newer versions (JSON)",
    "cases:staff_act": "the case actions' POST target",
    "notifications:mark_read": "a message's 已读 POST target",
    "notifications:mark_all_read": "the 全部已读 POST target",
    "notifications:badge": "the navigation's unread count (a fragment)",
    "people:map_data": "the buildings map's data feed (JSON)",
    "people:map_layers": "the maps' grid and building layers (JSON)",
    "people:add_rental": "the rental form's POST target on a house page",
    "people:add_person": "the add-person form's POST target on a house page",
    "people:person_move_out": "the 迁出 button's POST target",
    "people:person_tags": "the tag form's POST target on a person page",
    "people:unmask": "the 查看明文 form's POST target",
    "people:template": "an import template download (Excel)",
    "people:import_errors": "a rejected import's error list download (Excel)",
    "dashboard:acknowledge": "the wall screen's acknowledge button (POST)",
    "dashboard:task_done": "the wall screen's task button (POST)",
    # --- scoring ---
    "scoring:medal_rule": "the 金牌网格员 rule form's POST target on 考核规则",
    "activities:sign_up": "the 报名参加 button's POST target on an activity page",
    "activities:cancel_sign_up": "the 取消报名 button's POST target",
    "activities:enter_code": "the venue code form's POST target on an activity page",
    "activities:photo": "an activity photo, served to those who may see the activity",
    "activities:photo_thumb": "an activity photo's thumbnail",
    "activities:publish": "the 发布 button's POST target",
    "activities:cancel": "the 取消活动 button's POST target",
    "activities:finish": "the 结束活动 form's POST target",
    "activities:summary": "the summary and photos form's POST target",
    # --- volunteers ---
    "volunteers:shift_sign_up": "the 报名参加 button's POST target on a shift page",
    "volunteers:shift_cancel": "the 取消报名 button's POST target on a shift page",
    "volunteers:wish_step": "a wish's buttons' POST target (认领, 心愿已实现, 确认, 撤回, 评价)",
    "volunteers:wish_photo": "a fulfilled wish's photo, served to the resident, the claimer and staff",
    "volunteers:attendance": "the roster's 签到/签退/确认时长 POST target",
    "pwa:manifest": "the installable web app's manifest (JSON), read by the browser",
    "pwa:service_worker": "the installable web app's service worker (a script), run by the browser",
    "notices:file": "a notice's picture or video/audio attachment, served to its readers and staff",
    "notices:publish": "the 发布 button's POST target on a notice's page",
    "notices:approve": "the 审核通过 button's POST target",
    "notices:return": "the 退回修改 button's POST target",
    "notices:withdraw": "the 撤回 button's POST target",
    "notices:pin": "the 置顶 button's POST target",
    "notices:unpin": "the 取消置顶 button's POST target",
    "notices:remind": "the 提醒未读 button's POST target on the receipts page",
    "consult:vote": "the 提交投票 button's POST target on a poll",
    "consult:poll_open": "the 发布 button's POST target on a poll's staff page",
    "consult:poll_close": "the 结束投票 button's POST target",
    "consult:poll_publish": "the 公布结果 button's POST target",
    "consult:poll_to_case": "the 转为案件 form's POST target",
    "consult:poll_export": "a poll's result download (Excel)",
    "consult:opinion_reply": "the 答复 form's POST target",
    "consult:meeting_participant": "the 添加参会方 form's POST target on a meeting page",
    "consult:meeting_agenda": "the 加入议程 form's POST target",
    "consult:meeting_minutes": "the 保存纪要 form's POST target",
    "consult:meeting_decision": "the 记录决定 form's POST target",
    "consult:decision_close": "a decision's 办结 button's POST target",
    "services:order_cancel": "the 取消订单 button's POST target on an order page",
    "services:order_rate": "the rating form's POST target on an order page",
    "services:job_step": "the craftsman's 接单/婉拒/已完成 buttons' POST target",
    "services:craftsman_status": "the 核实/暂停 buttons' POST target on 能工巧匠管理",
    # --- compounds --- the forms' POST targets on the compound, project and renovation pages
    "compounds:target": "the 保存目标 form's POST target on 小区治理",
    "compounds:item_add": "the 加入台账 form's POST target on a compound page",
    "compounds:item_close": "an item's 销号 form's POST target",
    "compounds:party_add": "the 添加协同单位 form's POST target",
    "compounds:rise_request": "the 申请转化提星 form's POST target",
    "compounds:rise_review": "the 确认提星/不通过 buttons' POST target",
    "compounds:project_new": "the 建立改造项目 form's POST target",
    "compounds:project_edit": "the 修改项目信息 form's POST target on a project page",
    "compounds:member_add": "the 添加成员 form's POST target",
    "compounds:milestone_add": "the 添加节点 form's POST target",
    "compounds:milestone_done": "a milestone's 完成 form's POST target (with photos)",
    "compounds:file_add": "the 上传 form's POST target (plan documents, photos)",
    "compounds:poll_open": "the 发起征集 form's POST target (opens a consult poll)",
    "compounds:pledge_set": "the 登记认筹 form's POST target",
    "compounds:payment": "a pledge's 登记 (payment) form's POST target",
    "compounds:supervise": "the 提交反映 form's POST target on the renovation page",
    "compounds:file": "a plan document or photo, served to staff in scope and the compound's residents",
    "compounds:file_thumb": "a plan document's or photo's thumbnail",
    # --- points ---
    "points:redeem": "the 立即兑换 button's POST target",
    "points:cancel_redemption": "the 取消兑换 button's POST target",
    "points:help_confirm": "the time bank's 确认 button's POST target",
    "points:help_decline": "the time bank's 拒绝 button's POST target",
    "points:board_visibility": "the leaderboard's show/hide-me button's POST target",
    "points:merchant_staff": "the merchant page's add/remove clerk POST target",
    "points:award_create": "the 奖励 form's POST target on the awards page",
    "points:award_approve": "the 批准 button's POST target",
    "points:award_reject": "the 驳回 button's POST target",
    "points:record_rule": "the 按规则记录 form's POST target",
    "points:reverse_entry": "the 冲正 button's POST target on an account page",
    # --- property ---
    "property:take": "the 受理并上门处置 button's POST target on a repair page",
    "property:feedback": "the 反馈处置结果 form's POST target on a repair page",
    "property:rate": "the rating form's POST target on a repair page",
    "property:fee_import": "the bill import form's POST target on 物业收费",
    "property:fee_template": "the bill import template (Excel)",
    "property:bill_status": "a bill's 保存 (status) form's POST target on 物业收费",
    "property:publish": "the 计算并发布红黑榜 button's POST target on a rating period",
    # --- gridwork ---
    "gridwork:patrol_start": "the 开始巡格 button's JSON target on the patrol page",
    "gridwork:patrol_points": "the patrol page's track upload (JSON batches from the phone's queue)",
    "gridwork:patrol_end": "the 结束巡格 button's target on the patrol page",
    "gridwork:patrol_checkin": "the 打卡 buttons' JSON target on the patrol page",
    "gridwork:supervise_data": "the supervisor map's JSON feed (today's patrols and tracks)",
    "gridwork:key_place_switch": "the 停用/启用 buttons' POST target on the key places page",
    "gridwork:task_close": "the 结束任务 button's POST target on a task's progress page",
    "gridwork:task_export": "a task's results download (Excel)",
    # --- party ---
    "party:post_appoint": "the 任命 form's POST target on an organisation's page",
    "party:post_end": "the 免职 button's POST target on an organisation's page",
    "party:member_move": "the 组织内调整 form's POST target on a member's page",
    "party:member_out": "the 转出 form's POST target on a member's page",
    "party:member_full": "the 办理转正 form's POST target on a member's page",
    "party:registration_end": "the 结束报到 button's POST target on 我的组织关系",
    "party:rating_review": "the reviewers' scoring, return and finish form's POST target on a rating",
    "party:rating_file": "a rating's evidence picture or document, served to those who may see the rating",
    "party:order_take": "the 接单 button's POST target on an order's page",
    "party:order_cancel": "the 撤销派单 button's POST target on an order's page",
    "party:order_photo": "a report's photo, served to those who may see the order",
    "party:order_ranking_export": "the ranking's evidence download (Excel)",
    "party:project_approve": "the 立项 button's POST target on a project's page",
    "party:project_report": "the 提交进展报告 form's POST target on a project's page",
    "party:project_supervise": "the 督导意见 form's POST target on a project's page",
    "party:project_accept": "the 验收 form's POST target on a project's page",
    "party:project_return": "the 未通过验收 form's POST target on a project's page",
    "party:project_milestone_add": "the 添加节点 form's POST target on a project's page",
    "party:project_milestone_done": "the 填报完成情况 form's POST target under a milestone",
    "party:project_file": "a project's picture or document, served to those who may see the project",
}
NOT_PAGE_PREFIXES = ("dashboard:summary", "dashboard:trend", "dashboard:categories", "dashboard:rankings")
NOT_PAGE_PREFIXES += ("dashboard:areas", "dashboard:map", "dashboard:markers", "dashboard:population")
NOT_PAGE_PREFIXES += ("dashboard:warnings", "dashboard:needs")  # the wall screen's JSON feeds


def _routes(patterns=None, prefix="", namespace=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name, "/" + prefix + str(pattern.pattern)


def pages():
    """{url name: route} of every page a person opens."""
    found = {}
    for name, route in _routes():
        if route.startswith(("/api/", "/open311/", "/admin/")) or name.startswith(("api:", "open311:", "admin:")):
            continue
        if name in NOT_PAGES or name in NOT_PAGE_PREFIXES:
            continue
        found[name] = route
    return found


def _pattern(route):
    """A regex finding `route` in prose: each <converter:name> may be written <anything>, {anything}
    or … ; the path must end there (/cases/board/ is not /cases/board/<code>/)."""
    parts = re.split(r"<[^>]+>", route)
    placeholder = r"(?:<[^>\n]+>|\{[^}\n]+\}|…|[\w.-]+)"
    return placeholder.join(re.escape(part) for part in parts) + r"(?![\w<{…/-])"


def _text():
    return USERS.read_text(encoding="utf-8")


def test_every_page_is_in_the_users_guide():
    text = _text()
    missing = [f"{name} {route}" for name, route in sorted(pages().items()) if not re.search(_pattern(route), text)]
    assert not missing, "pages not named in docs/users.md (add them, or to NOT_PAGES with why):\n" + "\n".join(missing)


def test_the_not_pages_list_names_real_urls():
    names = {name for name, _route in _routes()}
    assert set(NOT_PAGES) <= names and set(NOT_PAGE_PREFIXES) <= names


def test_every_page_path_the_docs_name_resolves():
    text = _text() + (ROOT / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`(/(?:[^`\s<]|<[^>`]*>)*/)`", text)) | set(re.findall(r"\((/[a-z][^)\s]*/)\)", text))
    named = {path for path in named if not path.startswith(("/api/", "/open311/", "/usr/", "/work/", "/etc/", "/var/"))}
    assert len(named) >= 50
    for path in sorted(named):
        concrete = re.sub(r"<[^>]*code[^>]*>|\{[^}]*code[^}]*\}", "410103001001", path)  # region codes are digits
        concrete = re.sub(r"<[^>]+>|\{[^}]+\}|…", "1", concrete)
        try:
            match = resolve(concrete)
        except Resolver404:
            raise AssertionError(f"{path} is named in the docs but no page answers it") from None
        name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
        assert name in pages() or name.startswith("admin:"), f"{path} names {name}, which is not a page"

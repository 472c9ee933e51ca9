"""Demo data of the star ratings (五优): indicator sets for community (27 indicators), rural (29) and
organ (20) branches with realistic titles, points summing to 100 and a few deductions; last
quarter's ratings submitted, scored and closed (stars moved, the top N selected); this quarter's in
draft, submitted and returned states. Everything goes through the actions."""

import io
from datetime import date, datetime, time
from decimal import Decimal
from unittest import mock

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from civicgrid.core import clock
from civicgrid.party import policy
from civicgrid.party.actions import ratings as actions
from civicgrid.party.models import Field, IndicatorKind, Organisation

P, N = IndicatorKind.POSITIVE, IndicatorKind.NEGATIVE

COMMUNITY = [
    ("组织设置规范（支部建在网格上）", 6, "党组织按网格、小区设置，三合一覆盖到位"),
    ("班子队伍建设", 6, "班子配齐配强，书记履职到位"),
    ("三会一课", 6, "支部党员大会、支委会、党小组会和党课按期召开，记录完整"),
    ("主题党日", 5, "每月固定主题党日，有计划、有照片、有记录"),
    ("组织生活会和民主评议党员", 5, "按要求召开，问题清单整改到位"),
    ("党员发展", 5, "发展程序规范，培养考察记录齐全"),
    ("党员教育管理", 5, "党员档案完整，流动党员管理到位"),
    ("党费收缴使用管理", 4, "按月足额收缴，台账清楚"),
    ("阵地建设（党群服务中心）", 4, "阵地标识规范，开放时间公示，使用率高"),
    ("党务公开", 4, "公开内容、时间、形式符合要求"),
    ("双报到党员管理", 4, "在职党员报到、认领岗位和服务记录"),
    ("网格党支部作用发挥", 4, "网格支部书记参与网格事项处置"),
    ("为民服务（我为群众办实事）", 4, "办实事清单与完成情况"),
    ("一支部一项目", 4, "项目立项、推进、验收情况"),
    ("微党课与学习测试", 4, "党员每月必学完成率与测试成绩"),
    ("志愿服务", 4, "党员志愿服务时长与活动记录"),
    ("共驻共建", 4, "辖区单位共建协议与活动"),
    ("矛盾纠纷化解", 4, "党员参与调解，化解率"),
    ("小区治理（红色物业）", 4, "小区党支部、业委会、物业协同"),
    ("居民议事协商", 3, "议事会议记录与落实情况"),
    ("关爱特殊群体", 3, "空巢独居老人、留守儿童结对帮扶"),
    ("意识形态工作", 3, "阵地管理、舆情处置"),
    ("党风廉政建设", 3, "廉政教育与监督"),
    ("档案资料管理", 2, "资料分类归档、及时完整"),
]
COMMUNITY_NEGATIVE = [
    ("党员违纪违法被处理", 10, "每发生一起扣 5 分，最多扣 10 分"),
    ("发生重大安全责任事故或群体性事件", 10, "发生即扣分"),
    ("三会一课等记录弄虚作假", 5, "查实即扣分"),
]
RURAL = [
    ("村党组织班子建设", 6, "村两委班子结构合理，书记带头作用"),
    ("三会一课", 5, "按期召开，记录完整"),
    ("主题党日", 5, "每月固定主题党日"),
    ("党员发展（青年农民入党）", 5, "注重在青年农民、致富能手中发展党员"),
    ("组织生活会和民主评议党员", 5, "问题清单整改到位"),
    ("党员教育管理", 4, "党员冬春训、流动党员管理"),
    ("党费收缴管理", 4, "按月足额收缴"),
    ("村级阵地建设", 4, "村级党群服务中心规范使用"),
    ("村务党务公开", 4, "按季度公开，群众满意"),
    ("四议两公开", 4, "重大事项决策程序规范"),
    ("壮大村集体经济", 4, "集体经济收入增长情况"),
    ("产业发展带富", 4, "党员示范户、合作社带动情况"),
    ("乡村振兴项目推进", 4, "项目进度与成效"),
    ("人居环境整治", 4, "村容村貌、垃圾污水治理"),
    ("平安乡村建设", 4, "矛盾纠纷排查化解"),
    ("移风易俗", 4, "红白理事会、村规民约"),
    ("驻村第一书记作用发挥", 4, "第一书记在岗履职情况"),
    ("一支部一项目", 4, "项目立项、推进、验收情况"),
    ("为民服务代办", 3, "便民代办事项办结情况"),
    ("流动党员管理", 3, "流动党员联系与活动"),
    ("后备干部培养", 3, "村级后备力量储备"),
    ("微党课与学习测试", 3, "党员每月必学完成率"),
    ("志愿服务", 3, "党员志愿服务记录"),
    ("意识形态工作", 3, "阵地管理"),
    ("党风廉政建设", 2, "村级小微权力监督"),
    ("档案资料管理", 2, "资料归档完整"),
]
RURAL_NEGATIVE = [
    ("党员违纪违法被处理", 10, "每发生一起扣 5 分，最多扣 10 分"),
    ("村级财务违规", 10, "查实即扣分"),
    ("发生重大信访或安全事件", 10, "发生即扣分"),
]
ORGAN = [
    ("机关党组织设置规范", 8, "按期换届，支委配齐"),
    ("三会一课", 8, "按期召开，记录完整"),
    ("主题党日", 7, "每月固定主题党日"),
    ("理论学习", 7, "集中学习与研讨"),
    ("党员发展", 6, "程序规范"),
    ("组织生活会", 6, "批评与自我批评，整改到位"),
    ("党费管理", 6, "按月足额收缴"),
    ("作风建设", 6, "服务基层、服务群众"),
    ("党建与业务融合", 5, "党建引领业务工作成效"),
    ("下沉社区（双报到）", 5, "在职党员到社区报到服务"),
    ("派单接单完成情况", 5, "承接社区派单并完成"),
    ("一支部一项目", 5, "项目立项、推进、验收情况"),
    ("志愿服务", 5, "党员志愿服务记录"),
    ("微党课与学习测试", 5, "党员每月必学完成率"),
    ("意识形态工作", 4, "阵地管理、舆情处置"),
    ("党风廉政建设", 4, "廉政教育与监督"),
    ("档案资料管理", 4, "资料归档完整"),
    ("阵地建设", 4, "党员活动室规范使用"),
]
ORGAN_NEGATIVE = [
    ("违反中央八项规定精神", 10, "查实即扣分"),
    ("党员违纪违法被处理", 10, "每发生一起扣 5 分，最多扣 10 分"),
]
SETS = {
    Field.COMMUNITY: ("城市社区党组织“五星支部”评定指标（27 项）", COMMUNITY, COMMUNITY_NEGATIVE, 3),
    Field.RURAL: ("农村党组织“五星支部”评定指标（29 项）", RURAL, RURAL_NEGATIVE, 3),
    Field.ORGAN: ("机关党组织“五星支部”评定指标（20 项）", ORGAN, ORGAN_NEGATIVE, 2),
}
# What last quarter's ratings scored, in turn (some up, some down, most in between).
TOTALS = [Decimal(t) for t in ("94.5", "91", "86", "78.5", "57", "92.5", "69", "83", "96", "63.5", "55.5", "88")]


def _rows(positive, negative):
    rows = [{"title": t, "points": str(p), "kind": P, "evidence_required": p >= 4, "hint": h} for t, p, h in positive]
    rows += [{"title": t, "points": str(p), "kind": N, "evidence_required": False, "hint": h} for t, p, h in negative]
    return rows


def _photo(n):
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (480, 320), (178 + n * 7 % 60, 34, 34))
    ImageDraw.Draw(image).rectangle((40, 40, 440, 280), outline=(255, 215, 0), width=8)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return SimpleUploadedFile(f"主题党日{n}.jpg", out.getvalue(), content_type="image/jpeg")


def _reviewer(ctx, org):
    """The nearest ancestor's secretary who reviews the branch (else the instructor)."""
    ids = [int(x) for x in org.path.strip("/").split("/")][:-1]
    for ancestor in reversed(ids):
        user = ctx.secretaries.get(ancestor)
        if user is not None and policy.reviewed_orgs(user).filter(pk=org.pk).exists():
            return user
    instructor = getattr(ctx, "instructor", None)
    if instructor is not None and policy.reviewed_orgs(instructor).filter(pk=org.pk).exists():
        return instructor
    return None


def _evidence(rating, full=True):
    return {
        item.pk: f"{item.indicator.title}：本季度按要求开展，会议记录、签到表和照片已归档。"
        for n, item in enumerate(rating.items.select_related("indicator").order_by("indicator__order"))
        if full or n % 3 == 0
    }


def _scores(rating, total):
    """Scores for each item reaching `total`: positives scaled down evenly, one deduction when low."""
    items = list(rating.items.select_related("indicator").order_by("indicator__order"))
    deduct = Decimal(5) if total < 60 else Decimal(0)
    ratio = (total + deduct) / Decimal(100)
    scores, given = {}, Decimal(0)
    positives = [i for i in items if i.indicator.kind == P]
    for item in positives[:-1]:
        score = (item.indicator.points * ratio).quantize(Decimal("0.1"))
        scores[item.pk] = (str(score), "")
        given += score
    last = positives[-1]
    scores[last.pk] = (str(min(max(total + deduct - given, Decimal(0)), last.indicator.points)), "")
    for n, item in enumerate(i for i in items if i.indicator.kind == N):
        amount = deduct if n == 0 else Decimal(0)
        scores[item.pk] = (str(amount), "本季度有党员受到处理" if amount else "")
    return scores


def _at(day):
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def seed(ctx):
    """Add the ratings' demo data; `ctx` is the namespace demo/__init__.py builds."""
    today = getattr(ctx, "today", None) or timezone.localdate()
    year, quarter = actions.current_quarter(today)
    last_year, last_quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    _first, next_first = actions.quarter_bounds(last_year, last_quarter)
    last_day = date.fromordinal(next_first.toordinal() - 5)

    for field, (name, positive, negative, top) in SETS.items():
        actions.save_indicator_set(
            ctx.admin,
            None,
            field=field,
            name=name,
            valid_from=date(last_year - 1, 1, 1),
            is_active=True,
            up_at="90",
            down_below="60",
            select_top=top,
            indicators=_rows(positive, negative),
        )

    rated = []
    for org in ctx.branches:
        leader = ctx.secretaries.get(org.pk)
        reviewer = _reviewer(ctx, org)
        if leader is None or reviewer is None or org.field not in SETS:
            continue
        rated.append((org, leader, reviewer))
    # Stars from earlier quarters (history before the demo), so some move up and some down.
    for n, (org, _leader, _reviewer_user) in enumerate(rated):
        Organisation.objects.filter(pk=org.pk).update(stars=(2, 3, 4, 1, 3, 5)[n % 6])

    closers = set()
    with mock.patch.object(clock, "now", lambda: _at(last_day)):
        for n, (org, leader, reviewer) in enumerate(rated):
            rating = actions.open_rating(leader, org.pk, last_year, last_quarter)
            first = rating.items.order_by("indicator__order").first()
            actions.save_evidence(leader, rating.pk, _evidence(rating), {first.pk: [_photo(n)]}, submit=True)
            if n == 1:
                actions.return_rating(reviewer, rating.pk, "请补充三会一课会议记录扫描件。")
                actions.submit_rating(leader, rating.pk)
            actions.score_items(reviewer, rating.pk, _scores(rating, TOTALS[n % len(TOTALS)]))
            actions.finish_review(reviewer, rating.pk)
            closers.add(reviewer)
        ranked = sorted(closers, key=lambda u: policy.reviewed_orgs(u).count(), reverse=True)
        for field in SETS:
            for closer in ranked:
                try:
                    actions.close_quarter(closer, field, last_year, last_quarter)
                except (ValidationError, ObjectDoesNotExist):
                    continue

    # This quarter: a few drafts, a few submitted, one returned for more evidence.
    for n, (org, leader, reviewer) in enumerate(rated):
        rating = actions.open_rating(leader, org.pk, year, quarter)
        if n % 3 == 0:
            actions.save_evidence(leader, rating.pk, _evidence(rating, full=False))
        elif n % 3 == 1:
            actions.save_evidence(leader, rating.pk, _evidence(rating), submit=True)
        else:
            actions.save_evidence(leader, rating.pk, _evidence(rating), submit=True)
            if n == 2:
                actions.return_rating(reviewer, rating.pk, "为民服务事项请补充群众签字的办结单。")

"""五优 / star ratings: keeping indicator sets, a branch's quarterly rating (open → evidence →
submit → score, or return for more evidence) and closing a field's quarter (stars up/down by the
thresholds, the top N selected).

Reach (civicgrid.party.policy): the branch's leaders (led_orgs) fill and submit its evidence;
reviewers (reviewed_orgs: never their own branch) score, return and finish; either may open a
rating. Out of reach raises Rating.DoesNotExist (the views answer 404) and changes nothing; every
write locks the rating first so two reviewers finishing at once cannot both win."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from civicgrid.accounts.models import Role
from civicgrid.core import clock, events
from civicgrid.party import policy
from civicgrid.party.actions.common import refuse, text
from civicgrid.party.events import BranchSelected, RatingScored, StarsChanged
from civicgrid.party.forms.ratings import MAX_FILES_PER_ITEM
from civicgrid.party.models import (
    MAX_STARS,
    Field,
    Indicator,
    IndicatorKind,
    IndicatorSet,
    Organisation,
    OrgKind,
    QuarterClose,
    Rating,
    RatingFile,
    RatingItem,
    RatingStatus,
)

RATED_KINDS = (OrgKind.GENERAL_BRANCH, OrgKind.BRANCH)
MAX_INDICATORS = 60
FULL_MARKS = Decimal(100)
ONE_PLACE = Decimal("0.1")


# --- Small parsers (never raise on what a form sent) ------------------------------------------


def decimal_or_none(value, low=Decimal(0), high=FULL_MARKS):
    """A decimal with at most one place within low..high, else None."""
    raw = str(value if value is not None else "").strip()
    if not raw or len(raw) > 8:
        return None
    try:
        number = Decimal(raw)
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite() or number != number.quantize(ONE_PLACE) or number < low or number > high:
        return None
    return number.quantize(ONE_PLACE)


def int_or_none(value, low, high):
    raw = str(value if value is not None else "").strip()
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 6:
        return None
    number = int(raw)
    return number if low <= number <= high else None


def current_quarter(today=None):
    today = today or timezone.localdate(clock.now())
    return today.year, (today.month - 1) // 3 + 1


def quarter_bounds(year, quarter):
    first = date(year, 3 * (quarter - 1) + 1, 1)
    last = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return first, last


def check_quarter(errors, year, quarter):
    """(year, quarter) as ints if they name a quarter from 2000 up to the current one."""
    year = int_or_none(year, 2000, 2100)
    quarter = int_or_none(quarter, 1, 4)
    if year is None:
        errors["year"] = _("请填写正确的年度。")
    if quarter is None:
        errors["quarter"] = _("请选择季度（1–4）。")
    if year is not None and quarter is not None and (year, quarter) > current_quarter():
        errors["quarter"] = _("不能评定尚未开始的季度。")
    return year, quarter


def fmt(number):
    """92.0 → "92", 92.5 → "92.5"."""
    if number is None:
        return "—"
    number = Decimal(number).quantize(ONE_PLACE)
    return f"{number:.0f}" if number == number.to_integral_value() else f"{number:.1f}"


# --- Indicator sets ---------------------------------------------------------------------------


def keeps_indicator_sets(user):
    """System admins and member posts (secretary, deputy…) of a committee keep the indicator sets."""
    if not user.is_authenticated:
        return False
    if policy.holds_role(user, Role.SYSTEM_ADMIN):
        return True
    return policy.posts_of(user, policy.MEMBER_POWERS).filter(organisation__kind=OrgKind.COMMITTEE).exists()


def _indicator_rows(errors, rows):
    cleaned = []
    for n, row in enumerate(rows or (), start=1):
        title = row.get("title", "")
        if not isinstance(title, str) or not title.strip():
            continue
        row_errors = {}
        title = text(row_errors, "title", title, 100)
        hint = text(row_errors, "hint", row.get("hint", ""), 300)
        points = decimal_or_none(row.get("points"), Decimal("0.1"))
        kind = row.get("kind", IndicatorKind.POSITIVE)
        if points is None:
            row_errors["points"] = _("分值须为 0.1–100 之间的数（最多一位小数）。")
        if kind not in IndicatorKind.values:
            row_errors["kind"] = _("请选择指标类型。")
        if row_errors:
            errors.setdefault(
                "indicators", _("第 %(n)d 项：%(message)s") % {"n": n, "message": next(iter(row_errors.values()))}
            )
            continue
        evidence = row.get("evidence_required", True)
        cleaned.append(
            {
                "title": title,
                "points": points,
                "kind": kind,
                "evidence_required": evidence in (True, "1", "on", "yes", "true"),
                "hint": hint,
            }
        )
    if "indicators" in errors:
        return cleaned
    if not cleaned:
        errors["indicators"] = _("请至少填写一项指标。")
    elif len(cleaned) > MAX_INDICATORS:
        errors["indicators"] = _("指标最多 %(n)d 项。") % {"n": MAX_INDICATORS}
    else:
        positive = sum((r["points"] for r in cleaned if r["kind"] == IndicatorKind.POSITIVE), Decimal(0))
        if positive != FULL_MARKS:
            errors["indicators"] = _("加分项分值合计须为 100 分（现为 %(sum)s 分）。") % {"sum": fmt(positive)}
    return cleaned


@transaction.atomic
def save_indicator_set(
    user,
    set_id=None,
    *,
    field,
    name,
    valid_from,
    is_active=True,
    up_at,
    down_below,
    select_top,
    indicators=None,
):
    """Create (set_id None) or change an indicator set; `indicators` (a list of dicts with title,
    points, kind, evidence_required, hint) replaces its indicators — refused once ratings use it
    (then only the name, dates, thresholds and is_active change). None keeps them."""
    if not keeps_indicator_sets(user):
        raise IndicatorSet.DoesNotExist
    item = IndicatorSet() if set_id is None else IndicatorSet.objects.select_for_update().get(pk=set_id)
    errors = {}
    name = text(errors, "name", name, 100, required=True, label=_("名称"))
    if field not in Field.values:
        errors["field"] = _("请选择领域。")
    if not isinstance(valid_from, date):
        errors["valid_from"] = _("请填写启用日期。")
    elif not date(2000, 1, 1) <= valid_from <= date(2100, 12, 31):
        errors["valid_from"] = _("启用日期不正确。")
    up = decimal_or_none(up_at)
    down = decimal_or_none(down_below)
    top = int_or_none(select_top, 1, 1000)
    if up is None:
        errors["up_at"] = _("升星线须为 0–100 之间的分数。")
    if down is None:
        errors["down_below"] = _("降星线须为 0–100 之间的分数。")
    if up is not None and down is not None and down > up:
        errors["down_below"] = _("降星线不能高于升星线。")
    if top is None:
        errors["select_top"] = _("评选数须为 1–1000 的整数。")
    rows = None
    if indicators is not None:
        rows = _indicator_rows(errors, indicators)
        if item.pk and item.ratings.exists() and "indicators" not in errors and _changed(item, rows):
            errors["indicators"] = _("已有评定使用该指标体系，指标不能再改；请新建一个版本。")
    elif item.pk is None:
        errors["indicators"] = _("请至少填写一项指标。")
    refuse(errors)
    item.field, item.name, item.valid_from, item.is_active = field, name, valid_from, bool(is_active)
    item.up_at, item.down_below, item.select_top = up, down, top
    if item.pk is None:
        item.created_by = user
    item.save()
    if rows is not None and _changed(item, rows):
        item.indicators.all().delete()
        Indicator.objects.bulk_create(
            Indicator(indicator_set=item, order=n, **row) for n, row in enumerate(rows, start=1)
        )
    return item


def _changed(item, rows):
    fields = ("title", "points", "kind", "evidence_required", "hint")
    now = [tuple(getattr(i, f) for f in fields) for i in item.indicators.order_by("order", "pk")] if item.pk else []
    return now != [tuple(row[f] for f in fields) for row in rows]


def set_for(organisation, year, quarter):
    """The active indicator set of the organisation's field in force at the quarter's end."""
    _first, after = quarter_bounds(year, quarter)
    return (
        IndicatorSet.objects.filter(field=organisation.field, is_active=True, valid_from__lt=after)
        .order_by("-valid_from", "-pk")
        .first()
    )


# --- A rating ---------------------------------------------------------------------------------


def openable_orgs(user):
    """Organisations the user may open a rating for: branches they lead or review."""
    return Organisation.objects.filter(
        Q(pk__in=policy.led_orgs(user).values("pk")) | Q(pk__in=policy.reviewed_orgs(user).values("pk")),
        kind__in=RATED_KINDS,
        is_active=True,
    )


@transaction.atomic
def open_rating(user, org_id, year, quarter):
    """A new draft rating for the branch and quarter, one item per indicator of its field's set."""
    org = openable_orgs(user).select_for_update().get(pk=org_id)
    errors = {}
    year, quarter = check_quarter(errors, year, quarter)
    refuse(errors)
    indicator_set = set_for(org, year, quarter)
    if indicator_set is None or not indicator_set.indicators.exists():
        raise ValidationError(
            {"organisation": _("该领域（%(field)s）还没有启用的指标体系。") % {"field": org.get_field_display()}}
        )
    if Rating.objects.filter(organisation=org, year=year, quarter=quarter).exists():
        raise ValidationError({"quarter": _("该组织本季度的评定已建立。")})
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                organisation=org, indicator_set=indicator_set, year=year, quarter=quarter, opened_by=user
            )
    except IntegrityError:
        raise ValidationError({"quarter": _("该组织本季度的评定已建立。")}) from None
    RatingItem.objects.bulk_create(RatingItem(rating=rating, indicator=i) for i in indicator_set.indicators.all())
    return rating


def _led_rating(user, rating_id):
    return Rating.objects.select_for_update(of=("self",)).get(
        pk=rating_id, organisation__in=policy.led_orgs(user).values("pk")
    )


def _reviewed_rating(user, rating_id):
    return Rating.objects.select_for_update(of=("self",)).get(
        pk=rating_id, organisation__in=policy.reviewed_orgs(user).values("pk")
    )


EDITABLE = (RatingStatus.DRAFT, RatingStatus.RETURNED)


def save_evidence(user, rating_id, evidence=None, uploads=None, remove=(), submit=False):
    """Leaders of the branch write each item's evidence text ({item_id: text}), add files
    ({item_id: [files]}) and remove files (ids), while the rating is a draft or returned; with
    `submit`, submit it too (all or nothing: a refused submit keeps nothing and no file)."""
    from civicgrid.cases import uploads as case_uploads
    from civicgrid.party.forms.ratings import check_files

    checked = check_files(uploads)
    flat = [(item_id, row) for item_id, rows in checked.items() for row in rows]
    stored = case_uploads.store_checked([row for _item, row in flat]) if flat else []
    try:
        with transaction.atomic():
            rating = _save_evidence(user, rating_id, evidence or {}, flat, stored, remove)
            return submit_rating(user, rating_id) if submit else rating
    except BaseException:
        case_uploads.remove_stored(stored)
        raise


@transaction.atomic
def _save_evidence(user, rating_id, evidence, flat, stored, remove):
    from civicgrid.cases import uploads as case_uploads

    rating = _led_rating(user, rating_id)
    if rating.status not in EDITABLE:
        raise ValidationError(_("评定已提交或已评分，不能再修改佐证。"))
    items = {i.pk: i for i in rating.items.select_related("indicator")}
    errors = {}
    texts = {}
    for item_id, value in evidence.items():
        if item_id not in items:
            raise RatingItem.DoesNotExist
        texts[item_id] = text(errors, f"evidence_{item_id}", value, 2000)
    for item_id, _row in flat:
        if item_id not in items:
            raise RatingItem.DoesNotExist
    remove = [pk for pk in remove if pk]
    doomed = list(RatingFile.objects.filter(pk__in=remove, item__rating=rating))
    if len(doomed) != len(set(remove)):
        raise RatingFile.DoesNotExist
    for item_id in items:
        kept = items[item_id].files.exclude(pk__in=[f.pk for f in doomed]).count()
        if kept + sum(1 for i, _r in flat if i == item_id) > MAX_FILES_PER_ITEM:
            errors["files"] = _("每项佐证材料最多 %(n)d 个。") % {"n": MAX_FILES_PER_ITEM}
    refuse(errors)
    for item_id, value in texts.items():
        if items[item_id].evidence != value:
            items[item_id].evidence = value
            items[item_id].save(update_fields=["evidence"])
    for (item_id, row), names in zip(flat, stored, strict=True):
        RatingFile.objects.create(
            item=items[item_id],
            kind=row.kind,
            file=names[0],
            original_name=row.original_name,
            content_type=row.content_type,
            size=len(row.content),
            sha256=row.sha256,
            width=row.width,
            height=row.height,
            uploaded_by=user,
        )
    if doomed:
        names = [[f.file] for f in doomed]
        RatingFile.objects.filter(pk__in=[f.pk for f in doomed]).delete()
        transaction.on_commit(lambda: case_uploads.remove_stored(names))
    rating.save(update_fields=["updated_at"])
    return rating


@transaction.atomic
def submit_rating(user, rating_id):
    """Leaders submit the evidence for review; every item that requires evidence must have some."""
    rating = _led_rating(user, rating_id)
    if rating.status not in EDITABLE:
        raise ValidationError(_("评定已提交，请等待评审。"))
    missing = [
        item.indicator.title
        for item in rating.items.select_related("indicator")
        if item.indicator.evidence_required
        and item.indicator.kind == IndicatorKind.POSITIVE
        and not item.evidence.strip()
        and not item.files.exists()
    ]
    if missing:
        raise ValidationError(
            {
                "evidence": _("以下指标须提交佐证：%(titles)s")
                % {"titles": "、".join(missing[:5]) + ("…" if len(missing) > 5 else "")}
            }
        )
    rating.status = RatingStatus.SUBMITTED
    rating.submitted_at = clock.now()
    rating.submitted_by = user
    rating.return_note = ""
    rating.save(update_fields=["status", "submitted_at", "submitted_by", "return_note", "updated_at"])
    return rating


@transaction.atomic
def score_items(user, rating_id, scores):
    """A reviewer scores items of a submitted rating: {item_id: (score, comment)}; a positive item
    earns 0..points, a negative item deducts 0..points. An empty score leaves the item unscored."""
    rating = _reviewed_rating(user, rating_id)
    if rating.status != RatingStatus.SUBMITTED:
        raise ValidationError(_("只有待评审的评定可以评分。"))
    items = {i.pk: i for i in rating.items.select_related("indicator")}
    errors, changes = {}, []
    for item_id, (raw, comment) in scores.items():
        item = items.get(item_id)
        if item is None:
            raise RatingItem.DoesNotExist
        comment = text(errors, f"comment_{item_id}", comment, 300)
        raw = raw if isinstance(raw, str) else ""
        if raw.strip() == "":
            score = None
        else:
            score = decimal_or_none(raw, Decimal(0), item.indicator.points)
            if score is None:
                errors[f"score_{item_id}"] = _("“%(title)s”的分数须在 0–%(points)s 之间（最多一位小数）。") % {
                    "title": item.indicator.title,
                    "points": fmt(item.indicator.points),
                }
        changes.append((item, score, comment))
    refuse(errors)
    now = clock.now()
    for item, score, comment in changes:
        if item.score != score or item.comment != comment:
            item.score, item.comment, item.reviewed_by, item.reviewed_at = score, comment, user, now
            item.save(update_fields=["score", "comment", "reviewed_by", "reviewed_at"])
    rating.save(update_fields=["updated_at"])
    return rating


@transaction.atomic
def return_rating(user, rating_id, note):
    """A reviewer sends a submitted rating back to the branch for more evidence, saying what."""
    rating = _reviewed_rating(user, rating_id)
    errors = {}
    note = text(errors, "return_note", note, 500, required=True, label=_("退回意见"))
    refuse(errors)
    if rating.status != RatingStatus.SUBMITTED:
        raise ValidationError(_("只有待评审的评定可以退回。"))
    rating.status = RatingStatus.RETURNED
    rating.return_note = note
    rating.save(update_fields=["status", "return_note", "updated_at"])
    return rating


def compute_total(items):
    """Positive items' scores minus negative items' deductions, within 0..100."""
    total = Decimal(0)
    for item in items:
        score = item.score or Decimal(0)
        total += -score if item.indicator.kind == IndicatorKind.NEGATIVE else score
    return min(max(total, Decimal(0)), FULL_MARKS).quantize(ONE_PLACE)


@transaction.atomic
def finish_review(user, rating_id):
    """The reviewer finishes: every item scored, the total written, RatingScored published."""
    rating = _reviewed_rating(user, rating_id)
    if rating.status != RatingStatus.SUBMITTED:
        raise ValidationError(_("该评定已评审完成或不在待评审状态。"))
    items = list(rating.items.select_related("indicator"))
    unscored = [i.indicator.title for i in items if i.score is None]
    if unscored:
        raise ValidationError(
            {"score": _("还有 %(n)d 项未评分：%(titles)s") % {"n": len(unscored), "titles": "、".join(unscored[:5])}}
        )
    rating.total = compute_total(items)
    rating.status = RatingStatus.SCORED
    rating.scored_at = clock.now()
    rating.scored_by = user
    rating.save(update_fields=["total", "status", "scored_at", "scored_by", "updated_at"])
    events.publish(
        RatingScored(
            rating_id=rating.pk,
            organisation_id=rating.organisation_id,
            quarter=rating.label,
            total=fmt(rating.total),
            actor_id=user.pk,
        )
    )
    return rating


# --- Closing a quarter ------------------------------------------------------------------------


def star_move(stars, total, indicator_set):
    """(stars after, reason) for a quarter's score against the set's thresholds."""
    score, up, down = fmt(total), fmt(indicator_set.up_at), fmt(indicator_set.down_below)
    if total >= indicator_set.up_at:
        if stars >= MAX_STARS:
            return stars, _("本季度得分 %(score)s ≥ 升星线 %(up)s，已是最高星级") % {"score": score, "up": up}
        return stars + 1, _("本季度得分 %(score)s ≥ 升星线 %(up)s") % {"score": score, "up": up}
    if total < indicator_set.down_below:
        if stars <= 0:
            return stars, _("本季度得分 %(score)s < 降星线 %(down)s，已是最低星级") % {"score": score, "down": down}
        return stars - 1, _("本季度得分 %(score)s < 降星线 %(down)s") % {"score": score, "down": down}
    return stars, _("本季度得分 %(score)s，在降星线 %(down)s 与升星线 %(up)s 之间，星级不变") % {
        "score": score,
        "down": down,
        "up": up,
    }


def ranks(ratings):
    """{rating pk: place} by total, highest first; equal totals share a place (1, 2, 2, 4)."""
    ordered = sorted(ratings, key=lambda r: -r.total)
    places, previous, place = {}, None, 0
    for n, rating in enumerate(ordered, start=1):
        if rating.total != previous:
            place, previous = n, rating.total
        places[rating.pk] = place
    return places


@transaction.atomic
def close_quarter(user, field, year, quarter):
    """Close a field's quarter for the ratings in the reviewer's reach: each scored rating not closed
    yet moves its branch's stars by the thresholds (once), then the closed ratings whose place is
    within the set's top N are selected (ties at the boundary are all selected)."""
    reach = policy.reviewed_orgs(user)
    if not reach.exists():
        raise Rating.DoesNotExist
    errors = {}
    if field not in Field.values:
        errors["field"] = _("请选择领域。")
    year, quarter = check_quarter(errors, year, quarter)
    refuse(errors)
    scored = list(
        Rating.objects.select_for_update(of=("self",))
        .filter(
            organisation__in=reach.values("pk"),
            indicator_set__field=field,
            year=year,
            quarter=quarter,
            status=RatingStatus.SCORED,
        )
        .select_related("indicator_set")
        .order_by("organisation_id")
    )
    fresh = [r for r in scored if r.closed_at is None]
    if not fresh:
        raise ValidationError({"quarter": _("该领域本季度没有待结算的已评分评定（已结算的不会重复升降星）。")})
    now = clock.now()
    moved = 0
    for rating in fresh:
        org = Organisation.objects.select_for_update().get(pk=rating.organisation_id)
        after, reason = star_move(org.stars, rating.total, rating.indicator_set)
        rating.stars_before, rating.stars_after, rating.change_reason = org.stars, after, reason
        rating.closed_at = now
        rating.save(update_fields=["stars_before", "stars_after", "change_reason", "closed_at", "updated_at"])
        if after != org.stars:
            before, org.stars = org.stars, after
            org.save(update_fields=["stars", "updated_at"])
            moved += 1
            events.publish(
                StarsChanged(
                    organisation_id=org.pk,
                    before=before,
                    after=after,
                    reason=reason,
                    rating_id=rating.pk,
                    actor_id=user.pk,
                )
            )
    top = max((r.indicator_set for r in scored), key=lambda s: (s.valid_from, s.pk)).select_top
    places = ranks(scored)
    selected = 0
    for rating in sorted(scored, key=lambda r: places[r.pk]):
        chosen = places[rating.pk] <= top
        selected += chosen
        if chosen != rating.selected:
            rating.selected = chosen
            rating.save(update_fields=["selected", "updated_at"])
            if chosen:
                events.publish(
                    BranchSelected(
                        organisation_id=rating.organisation_id,
                        rating_id=rating.pk,
                        field_name=field,
                        quarter=rating.label,
                        rank=places[rating.pk],
                        actor_id=user.pk,
                    )
                )
    return QuarterClose.objects.create(
        field=field,
        year=year,
        quarter=quarter,
        closed_by=user,
        closed_at=now,
        ratings=len(fresh),
        moved=moved,
        selected=selected,
    )

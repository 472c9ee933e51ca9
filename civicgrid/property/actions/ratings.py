"""Ratings and the red/black list (红黑榜): a street's rating period with its weights as data, the
street's and experts' marks per company, residents' survey answers (one per household), and
publication: scores, ranks, lists with reasons, and the repairs' figures frozen beside them."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, F
from django.utils.translation import gettext as _

from civicgrid.accounts.scopes import scope_codes
from civicgrid.core import clock, events
from civicgrid.core.text import has_forbidden
from civicgrid.property import selectors
from civicgrid.property.events import RatingsPublished
from civicgrid.property.models import CompanyRating, ListMark, PeriodStatus, RatingPeriod, SurveyAnswer
from civicgrid.regions.models import Level, Region

HUNDRED = Decimal("100")


def _score(value, label):
    if value in (None, ""):
        return None
    try:
        score = Decimal(str(value).strip()).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise ValidationError(_("%(label)s应为 0 至 100 的数字。") % {"label": label}) from None
    if not score.is_finite() or not 0 <= score <= HUNDRED:
        raise ValidationError(_("%(label)s应为 0 至 100 的数字。") % {"label": label})
    return score


def _weight(value):
    try:
        weight = int(value)
    except (TypeError, ValueError):
        raise ValidationError(_("权重应为 0 至 100 的整数。")) from None
    if not 0 <= weight <= 100:
        raise ValidationError(_("权重应为 0 至 100 的整数。"))
    return weight


@transaction.atomic
def create_period(
    user, *, street, name, street_weight=50, survey_weight=30, expert_weight=20, red_at=90, black_below=60
):
    """Open a rating period for a street the user rates (street staff of that street)."""
    street = Region.objects.get(pk=getattr(street, "pk", street))
    if street.level != Level.STREET:
        raise Region.DoesNotExist
    codes = scope_codes(user, "property.add_ratingperiod")
    if codes is not None and not any(street.code.startswith(c) for c in codes):
        raise Region.DoesNotExist
    name = (name or "").strip()
    if not name or len(name) > 50 or has_forbidden(name):
        raise ValidationError(_("请填写考评期名称（不超过 50 字）。"))
    weights = [_weight(street_weight), _weight(survey_weight), _weight(expert_weight)]
    if sum(weights) != 100:
        raise ValidationError(_("三项权重之和应为 100。"))
    red, black = _score(red_at, _("红榜分数线")), _score(black_below, _("黑榜分数线"))
    if red is None or black is None or black >= red:
        raise ValidationError(_("黑榜分数线应低于红榜分数线。"))
    if RatingPeriod.objects.filter(street=street, name=name).exists():
        raise ValidationError(_("该街道已有同名考评期。"))
    period = RatingPeriod.objects.create(
        street=street,
        name=name,
        region_code=street.code,
        street_weight=weights[0],
        survey_weight=weights[1],
        expert_weight=weights[2],
        red_at=red,
        black_below=black,
    )
    for company in selectors.street_companies(street):
        CompanyRating.objects.create(period=period, company=company)
    return period


def _open_period(user, pk):
    period = selectors.period_for(user, pk, "change")
    if period is None:
        raise RatingPeriod.DoesNotExist
    period = RatingPeriod.objects.select_for_update().get(pk=period.pk)
    if period.status != PeriodStatus.OPEN:
        raise ValidationError(_("考评结果已发布，不能再修改。"))
    return period


@transaction.atomic
def set_marks(user, period_pk, company_id, *, street_score=None, expert_score=None, reason=""):
    """Record the street's assessment and the experts' mark (0–100) of one company."""
    period = _open_period(user, period_pk)
    rating = (
        CompanyRating.objects.select_for_update(of=("self",))
        .filter(period=period, company_id=company_id)
        .order_by()
        .first()
    )
    if rating is None:
        raise CompanyRating.DoesNotExist
    reason = (reason or "").strip()
    if len(reason) > 300 or has_forbidden(reason):
        raise ValidationError(_("理由不能超过 300 字，且不能含控制字符。"))
    rating.street_score = _score(street_score, _("街道考核分"))
    rating.expert_score = _score(expert_score, _("专家评审分"))
    rating.reason = reason
    rating.save(update_fields=["street_score", "expert_score", "reason", "updated_at"])
    return rating


@transaction.atomic
def answer_survey(user, *, service, cleanliness, repairs, safety, comment=""):
    """A resident answers the open survey about their compound's company, once per household."""
    found = selectors.open_survey_for(user)
    if found is None:
        raise ValidationError(_("目前没有您可以填写的物业满意度问卷。"))
    period, company, household_id = found
    RatingPeriod.objects.select_for_update().get(pk=period.pk)
    values = []
    for value in (service, cleanliness, repairs, safety):
        try:
            value = int(value)
        except (TypeError, ValueError):
            value = 0
        if not 1 <= value <= 5:
            raise ValidationError(_("每一项请选择 1 至 5 分。"))
        values.append(value)
    comment = (comment or "").strip()
    if len(comment) > 300 or has_forbidden(comment):
        raise ValidationError(_("意见建议不能超过 300 字，且不能含控制字符。"))
    if SurveyAnswer.objects.filter(period=period, household_id=household_id).exists():
        raise ValidationError(_("您家已经填写过本期问卷，每户限填一次。"))
    try:
        with transaction.atomic():
            return SurveyAnswer.objects.create(
                period=period,
                company=company,
                household_id=household_id,
                service=values[0],
                cleanliness=values[1],
                repairs=values[2],
                safety=values[3],
                comment=comment,
            )
    except IntegrityError:
        raise ValidationError(_("您家已经填写过本期问卷，每户限填一次。")) from None


def _weighted(rating, period):
    parts = [
        (rating.street_score, period.street_weight),
        (rating.survey_score, period.survey_weight),
        (rating.expert_score, period.expert_weight),
    ]
    present = [(score, weight) for score, weight in parts if score is not None and weight]
    total_weight = sum(weight for _score, weight in present)
    if not total_weight:
        return None
    return (sum(score * weight for score, weight in present) / total_weight).quantize(Decimal("0.1"))


@transaction.atomic
def publish_period(user, period_pk):
    """Compute each company's survey score and weighted total, rank them, put those at or above the
    red line on the red list and those below the black line on the black list (each with its reason:
    the street's note or the scores), freeze the repairs' figures, and publish to the residents."""
    period = _open_period(user, period_pk)
    ratings = list(
        CompanyRating.objects.select_for_update(of=("self",)).filter(period=period).select_related("company").order_by()
    )
    if not ratings:
        raise ValidationError(_("本期没有需要考评的物业公司。"))
    if any(r.street_score is None for r in ratings):
        raise ValidationError(_("还有物业公司未录入街道考核分。"))
    surveys = {
        row["company_id"]: row
        for row in SurveyAnswer.objects.filter(period=period)
        .values("company_id")
        .annotate(
            n=Count("pk"),
            mean=Avg((F("service") + F("cleanliness") + F("repairs") + F("safety")) * 5),
        )
    }
    for rating in ratings:
        row = surveys.get(rating.company_id)
        rating.survey_count = row["n"] if row else 0
        rating.survey_score = Decimal(str(row["mean"])).quantize(Decimal("0.1")) if row else None
        rating.total = _weighted(rating, period)
        figures = selectors.company_repair_figures(rating.company_id, since=period.created_at.replace(month=1, day=1))
        rating.repairs = figures["total"]
        rating.on_time_rate, rating.satisfaction_rate = figures["on_time_rate"], figures["satisfaction_rate"]
    ratings.sort(key=lambda r: (-(r.total or Decimal("-1")), r.company.name))
    for position, rating in enumerate(ratings, start=1):
        rating.rank = position
        if rating.total is not None and rating.total >= period.red_at:
            rating.mark = ListMark.RED
        elif rating.total is not None and rating.total < period.black_below:
            rating.mark = ListMark.BLACK
        else:
            rating.mark = ListMark.NONE
        if rating.mark and not rating.reason:
            rating.reason = _("综合得分 %(total)s（街道 %(s)s，居民 %(r)s，专家 %(e)s）") % {
                "total": rating.total,
                "s": rating.street_score if rating.street_score is not None else "—",
                "r": rating.survey_score if rating.survey_score is not None else "—",
                "e": rating.expert_score if rating.expert_score is not None else "—",
            }
        rating.save()
    period.status, period.published_at, period.published_by = PeriodStatus.PUBLISHED, clock.now(), user
    period.survey_open = False
    period.save(update_fields=["status", "published_at", "published_by", "survey_open", "updated_at"])
    events.publish(
        RatingsPublished(
            period_id=period.pk,
            street_code=period.street.code,
            red=tuple(r.company_id for r in ratings if r.mark == ListMark.RED),
            black=tuple(r.company_id for r in ratings if r.mark == ListMark.BLACK),
        )
    )
    return period

"""Demo property data: the repair categories; every property company of the demo district gets its
repair department and one property staff account ("wuye_<company id>", the demo password); a repair
reported by a demo resident (one taken); bills for the houses of the first compounds (some unpaid,
one disputed); and one open rating period per street with marks."""

from decimal import Decimal

from civicgrid.accounts.actions import grant_role
from civicgrid.accounts.demo import DEMO_PASSWORD
from civicgrid.accounts.models import Role, RoleAssignment, User
from civicgrid.core import events
from civicgrid.people.models import Compound, House, PropertyCompany
from civicgrid.property import actions
from civicgrid.property.models import Bill, BillStatus, FeeKind, RatingPeriod
from civicgrid.regions.models import Level, Region


def _admin():
    held = RoleAssignment.objects.active().filter(role=Role.SYSTEM_ADMIN, region__level=Level.DISTRICT)
    return User.objects.filter(pk__in=held.values("user_id")).order_by("pk").first()


def _demo_repair():
    """A repair by the demo resident "jumin" when base data knows their house (taken by its company's staff)."""
    from django.core.exceptions import ValidationError

    resident = User.objects.filter(username="jumin").first()
    if resident is None or actions.repair_categories() == []:
        return
    try:
        actions.report_repair(
            resident, category=actions.repair_categories()[0].pk, description="厨房水管漏水，请尽快上门维修。"
        )
    except ValidationError:
        return


def _staff_for(company, department, password, number):
    # Named by the company's place in the demo, never by its id (ids differ between databases).
    username = "wuye" if number == 0 else f"wuye_{number + 1}"
    user = User.objects.filter(username=username).first()
    if user is None:
        from civicgrid.accounts.actions import create_user

        # A phone of its own (demo logins sign in by phone): 1390009 + the company's place.
        user = create_user(
            username=username, password=password, name=f"{company.name[:10]}物业员", phone=f"1390009{number:04d}"
        )
    if not RoleAssignment.objects.active().filter(user=user, role=Role.PROPERTY_STAFF).exists():
        grant_role(user, Role.PROPERTY_STAFF, department=department)
    return user


def seed_demo(run):
    admin = _admin()
    if admin is None:
        return
    password = DEMO_PASSWORD
    actions.ensure_repair_categories()
    made = 0
    with events.quiet():
        companies = PropertyCompany.objects.filter(compounds__isnull=False).distinct().order_by("pk")[:10]
        for company in companies:
            department = actions.link_company(admin, company)
            _staff_for(company, department, password, made)
            made += 1
        _demo_repair()
        for compound in Compound.objects.filter(property_company__isnull=False).order_by("pk")[:5]:
            houses = House.objects.filter(building__compound=compound).order_by("pk")[:20]
            for index, house in enumerate(houses):
                status = BillStatus.PAID if index % 3 else BillStatus.UNPAID
                if index == 4:
                    status = BillStatus.DISPUTED
                Bill.objects.update_or_create(
                    house=house,
                    kind=FeeKind.PROPERTY,
                    period="2026",
                    defaults={
                        "compound": compound,
                        "region_code": house.region_code,
                        "amount": Decimal("1200.00") + index * 10,
                        "status": status,
                        "note": "对公摊面积有异议" if status == BillStatus.DISPUTED else "",
                    },
                )
        for street in Region.objects.filter(level=Level.STREET, is_active=True).order_by("code")[:3]:
            if RatingPeriod.objects.filter(street=street).exists():
                continue
            period = actions.create_period(admin, street=street, name="2026 年度")
            for number, rating in enumerate(period.ratings.all()):
                actions.set_marks(admin, period.pk, rating.company_id, street_score=95 - number * 17, expert_score=88)
    run.made["property_companies"] = made
    return f"property: {made} companies with repair departments and staff (wuye / {DEMO_PASSWORD})"

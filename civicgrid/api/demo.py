"""Demo data for the open APIs: an Open311 application whose key is the published, demo-only
`demo-open311-key` (README), a 12345 hotline application with `demo-hotline-key` (docs/api.md), and extra fields on two categories so `services/{code}` shows
attributes. Never use the demo key outside a demo: anyone can read it in the README.

The demo key holds the intake integration role (least privilege): it files cases and reads the
cases of the demo district, exactly what the Open311 example needs — no base data, no tags."""

from civicgrid.accounts.models import Role
from civicgrid.api import actions
from civicgrid.api.models import ApiKey, Application
from civicgrid.cases.models import Category

DEMO_KEY = "demo-open311-key"
DEMO_APPLICATION = "演示 Open311 应用"
# The 12345 hotline example of docs/api.md: a 热线对接 key (registers orders, takes dispatcher steps).
DEMO_HOTLINE_KEY = "demo-hotline-key"
DEMO_HOTLINE_APPLICATION = "演示 12345 热线"

DEMO_EXTRA_FIELDS = {
    "01008": [  # 路灯
        {"code": "pole_no", "description": "灯杆编号", "datatype": "string", "required": False, "order": 1},
        {
            "code": "fault",
            "description": "故障现象",
            "datatype": "singlevaluelist",
            "required": True,
            "order": 2,
            "values": [
                {"key": "dark", "name": "不亮"},
                {"key": "flicker", "name": "闪烁"},
                {"key": "day", "name": "白天常亮"},
            ],
        },
    ],
    "06010": [  # 暴露垃圾
        {
            "code": "amount",
            "description": "估计数量（袋）",
            "datatype": "number",
            "required": False,
            "order": 1,
            "datatype_description": "整数",
        }
    ],
}


def seed_api(district):
    """Returns the raw demo keys (idempotent: a second run changes nothing)."""
    for code, fields in DEMO_EXTRA_FIELDS.items():
        Category.objects.filter(code=code, extra_fields=[]).update(extra_fields=fields)
    for name, role, raw in (
        (DEMO_APPLICATION, Role.INTEGRATION, DEMO_KEY),
        (DEMO_HOTLINE_APPLICATION, Role.HOTLINE_INTEGRATION, DEMO_HOTLINE_KEY),
    ):
        application = Application.objects.filter(name=name).first()
        if application is None:
            application = actions.create_application(name, description="演示用，密钥公开，切勿用于生产。")
        if not ApiKey.objects.filter(application=application).exists():
            actions.issue_key(
                application,
                region=district,
                role=role,
                rate_per_minute=600,
                name="demo",
                raw=raw,
                suggest_category=True,
            )
    return DEMO_KEY, DEMO_HOTLINE_KEY


def seed_demo(run):
    """Seeder (civicgrid.core.demo): the Open311 demo application and its published key (README)."""
    open311, hotline = seed_api(run.made["district"])
    return f"demo API keys: {open311} (Open311 intake), {hotline} (12345 hotline)"

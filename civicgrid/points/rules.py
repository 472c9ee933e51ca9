"""The default rules (a data migration loads them; staff with the admin site change them through
actions.save_rule). Points are per occurrence, or per hour for the hour triggers."""

DEFAULT_RULES = [
    # code, name, trigger, kind, points, daily cap, monthly cap
    ("case-valid", "上报问题核实结案", "case_valid", "hongde", 5, 10, 50),
    ("activity-checkin", "参加社区活动签到", "check_in", "hongde", 2, 6, 30),
    ("volunteer-hour", "志愿服务每小时", "volunteer_hour", "youai", 10, 80, None),
    ("team-hour", "团队志愿服务每小时", "team_hour", "youai", 2, None, None),
    ("wish-fulfilled", "实现微心愿", "wish", "youai", 10, 30, None),
    ("good-feedback", "获得服务好评", "feedback", "youai", 3, 9, None),
    ("garbage-streak", "垃圾分类坚持一个月", "garbage_streak", "hongde", 20, None, 20),
    ("sponsorship", "企业赞助社区", "sponsorship", "shanzhi", 50, None, 200),
]


def load_defaults(Rule):
    for code, name, trigger, kind, points, daily, monthly in DEFAULT_RULES:
        Rule.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "trigger": trigger,
                "kind": kind,
                "points": points,
                "daily_cap": daily,
                "monthly_cap": monthly,
            },
        )

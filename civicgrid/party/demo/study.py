"""Demo data of party building's study: a dozen micro-lessons of the first street's 党工委 (small
generated files: a PDF, a silent WAV, an MP4 header), this month's required study with partial
completion, a bank of 30 questions on 党章, 党史 and 基层治理, a quiz open now and some attempts."""

from datetime import timedelta

from django.utils import timezone

from civicgrid.party.actions import study as actions
from civicgrid.party.testing.study import lesson_file, right_answers

LESSONS = (
    ("document", "学习新修订的《中国共产党章程》", "逐条解读党章总纲与党员的义务和权利。", 15),
    ("video", "党课开讲啦：红船精神", "从嘉兴南湖红船讲起，理解开天辟地、敢为人先的首创精神。", 20),
    ("audio", "微党课：“三会一课”怎么开", "支部党员大会、支委会、党小组会和党课的规范流程。", 12),
    ("document", "党员发展工作细则要点", "入党申请人、积极分子、发展对象到预备党员的全过程。", 10),
    ("video", "网格党支部书记谈接诉即办", "网格支部如何把群众诉求“接得住、办得好”。", 18),
    ("audio", "重温入党誓词", "誓词逐句讲解，重温入党初心。", 5),
    ("document", "基层党组织“五优”建设指引", "组织体系、党员队伍、阵地建设、服务群众和工作机制。", 12),
    ("video", "一支部一项目：红色物业的故事", "小区党支部领办物业服务的实践。", 15),
    ("audio", "党史故事：遵义会议", "伟大转折中的实事求是。", 10),
    ("document", "党费收缴、使用和管理规定", "党费交纳标准与按月交纳的要求。", 8),
    ("video", "双报到：在职党员进社区", "在职党员如何认领社区任务、参加志愿服务。", 12),
    ("audio", "党的二十大精神学习辅导", "中国式现代化的本质要求与基层实践。", 25),
)

S, M, T = "single", "multiple", "truefalse"
QUESTIONS = (
    (
        S,
        "中国共产党的根本宗旨是什么？",
        ["全心全意为人民服务", "实现共同富裕", "发展社会生产力", "建设现代化国家"],
        [0],
        "党章",
    ),
    (
        S,
        "党的最高理想和最终目标是？",
        ["实现共产主义", "全面建成小康社会", "实现国家统一", "建设法治国家"],
        [0],
        "党章",
    ),
    (S, "预备党员的预备期为多长时间？", ["一年", "半年", "两年", "三个月"], [0], "党章"),
    (S, "党的组织原则是？", ["民主集中制", "集体领导", "少数服从多数", "个人分工负责"], [0], "党章"),
    (
        S,
        "党员如果没有正当理由，连续几个月不参加党的组织生活，就被认为是自行脱党？",
        ["六个月", "三个月", "一年", "两个月"],
        [0],
        "党章",
    ),
    (S, "党支部党员大会一般每几个月召开一次？", ["一个季度", "一个月", "半年", "一年"], [0], "党章"),
    (M, "党的纪律主要包括哪些？", ["政治纪律", "组织纪律", "廉洁纪律", "娱乐纪律"], [0, 1, 2], "党章"),
    (M, "“三会一课”中的“三会”是指？", ["支部党员大会", "支部委员会", "党小组会", "居民代表大会"], [0, 1, 2], "党章"),
    (
        M,
        "党员享有下列哪些权利？",
        ["参加党的有关会议", "在党内选举中有表决权、选举权", "对党的工作提出建议", "不受党纪约束"],
        [0, 1, 2],
        "党章",
    ),
    (T, "党员必须按照规定交纳党费。", None, [0], "党章"),
    (T, "预备党员享有表决权、选举权和被选举权。", None, [1], "党章"),
    (
        S,
        "中国共产党第一次全国代表大会最后一天的会议在哪里召开？",
        ["嘉兴南湖红船上", "上海法租界", "北京大学", "广州农讲所"],
        [0],
        "党史",
    ),
    (S, "确立毛泽东在党中央和红军的领导地位的会议是？", ["遵义会议", "古田会议", "八七会议", "洛川会议"], [0], "党史"),
    (S, "党的十一届三中全会召开于哪一年？", ["1978年", "1976年", "1982年", "1992年"], [0], "党史"),
    (S, "“三湾改编”确立了什么原则？", ["党指挥枪", "农村包围城市", "统一战线", "土地革命"], [0], "党史"),
    (
        M,
        "以下属于伟大建党精神内涵的是？",
        ["坚持真理、坚守理想", "践行初心、担当使命", "不怕牺牲、英勇斗争", "随遇而安、顺其自然"],
        [0, 1, 2],
        "党史",
    ),
    (
        M,
        "下列会议中，在党的历史上具有转折意义的有？",
        ["遵义会议", "十一届三中全会", "古田会议", "某次例行会议"],
        [0, 1, 2],
        "党史",
    ),
    (T, "中国共产党成立于1921年。", None, [0], "党史"),
    (T, "长征胜利结束的标志是红军三大主力在会宁会师。", None, [0], "党史"),
    (T, "《共产党宣言》第一个完整中文译本的译者是李大钊。", None, [1], "党史"),
    (
        S,
        "“支部建在网格上”的主要目的是？",
        ["把党的组织覆盖到基层治理最末梢", "增加网格数量", "减少党员人数", "替代居委会"],
        [0],
        "基层治理",
    ),
    (S, "在职党员到居住地社区报到，通常称为？", ["双报到", "双培养", "双联系", "双述职"], [0], "基层治理"),
    (
        S,
        "群众反映的问题应当？",
        ["及时受理、限时办结、结果反馈", "先搁置再说", "只记录不处理", "转给群众自己解决"],
        [0],
        "基层治理",
    ),
    (
        S,
        "“三合一”在小区治理中通常是指哪三者融合？",
        ["小区党支部、居民小组、网格", "物业、业委会、开发商", "商户、居民、游客", "学校、医院、派出所"],
        [0],
        "基层治理",
    ),
    (
        M,
        "网格党支部书记的主要工作包括？",
        ["联系服务网格内党员群众", "收集和反映群众诉求", "组织党员参与志愿服务", "代替政府部门执法"],
        [0, 1, 2],
        "基层治理",
    ),
    (M, "“一支部一项目”的推进环节包括？", ["立项", "推进", "督导", "验收"], [0, 1, 2, 3], "基层治理"),
    (
        M,
        "第一书记在社区可以做的工作有？",
        ["接单服务社区需求", "协调派出单位资源", "带领党员解决基层难题", "决定居民个人事务"],
        [0, 1, 2],
        "基层治理",
    ),
    (T, "“五优”评定中，支部星级会按季度得分自动升降。", None, [0], "基层治理"),
    (T, "党员的个人信息可以在公开榜单上完整展示。", None, [1], "基层治理"),
    (T, "社区派单后，接单单位完成任务应提交证明材料供街道审核赋分。", None, [0], "基层治理"),
)


def seed(ctx):
    """Add the study demo; `ctx` is the namespace demo/__init__.py builds (organisations, posts, members)."""
    if not ctx.committees or ctx.street_secretary is None:
        return
    committee, publisher = ctx.committees[0], ctx.street_secretary
    lessons = [
        actions.publish_lesson(
            publisher, committee.pk, title=title, summary=summary, kind=kind, minutes=minutes, upload=lesson_file(kind)
        )
        for kind, title, summary, minutes in LESSONS
    ]
    plan = actions.create_plan(
        publisher,
        committee.pk,
        month=ctx.today,
        title=f"{ctx.today:%Y年%m月}必学：党章与“三会一课”",
        lesson_ids=[lessons[0].pk, lessons[2].pk, lessons[5].pk, lessons[6].pk],
    )
    actions.publish_plan(publisher, plan.pk)
    for kind, text, options, answer, topic in QUESTIONS:
        actions.save_question(
            publisher, committee.pk, kind=kind, text=text, options=options, answer=answer, topic=topic
        )
    now = timezone.now()
    quiz = actions.create_quiz(
        publisher,
        committee.pk,
        title=f"{ctx.today:%m}月党章党史知识测试",
        opens_at=now - timedelta(days=3),
        closes_at=now + timedelta(days=14),
        question_count=10,
        time_limit_minutes=15,
        pass_score=60,
        attempts_allowed=2,
    )
    audience = [
        (member, ctx.member_users[member.pk])
        for member in ctx.members
        if member.pk in ctx.member_users and member.organisation.path.startswith(committee.path)
    ]
    for n, (_member, user) in enumerate(audience):
        # About two thirds study; every other one finishes the whole plan.
        for lesson in plan.lessons.all()[: 4 if n % 2 == 0 else 2] if n % 3 != 2 else []:
            actions.open_lesson(user, lesson.pk)
            if lesson.kind == "document" or n % 2 == 0:
                actions.complete_lesson(user, lesson.pk, ended=True)
        if n % 3 == 0:
            attempt = actions.start_attempt(user, quiz.pk)
            answers = right_answers(attempt)
            for key in list(answers)[: n % 4]:
                answers[key] = [] if len(answers[key]) > 1 else [(answers[key][0] + 1) % 2]
            actions.submit_attempt(user, attempt.pk, {k: v for k, v in answers.items() if v})

"""The urgency and moderation rules on their own (civicgrid.suggest.urgency)."""

import pytest

from civicgrid.suggest.urgency import Urgency, assess, moderation_codes, moderation_reasons


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("3号楼楼道里一股很浓的煤气味，大家快来看看", ("燃气泄漏",)),
        ("小区门口的天然气管道燃气泄漏了", ("燃气泄漏",)),
        ("菜市场后面的仓库起火了，浓烟很大", ("起火",)),
        ("对面楼顶着火，一直在冒烟", ("起火",)),
        ("幸福路和建设路路口路面塌了个大坑，车过不去", ("路面塌陷",)),
        ("5号楼电梯困人，有人被困在里面半小时了", ("有人被困",)),
        ("老人困在电梯里出不来", ("有人被困",)),
        ("电线掉落在人行道上，有小孩差点触电", ("触电",)),
        ("早上听到一声巨响，像是爆炸了", ("爆炸",)),
        ("有个孩子落水了，快来人", ("溺水",)),
        ("着火了！楼道里还有煤气味", ("起火", "燃气泄漏")),  # in the order they appear
        ("不停地冒烟", ("起火",)),
    ],
)
def test_emergencies_are_urgent(text, terms):
    assert assess(text) == Urgency(True, terms)


@pytest.mark.parametrize(
    "text",
    [
        "",
        None,
        "路灯不亮，晚上黑漆漆的",
        "没有闻到煤气味，只是想问问燃气表怎么换",
        "检查过了，不是燃气泄漏，是下水道的味道",
        "是不是着火了？远处好像有光",
        "会不会爆炸啊？",
        "社区组织消防演练，模拟起火逃生",
        "请加强防火宣传，预防起火",
        "电梯没有困人，就是按钮坏了",
        "未发现塌陷，只是有条裂缝",
    ],
)
def test_negations_and_questions_are_not_urgent(text):
    assert assess(text) == Urgency(False, ())


def test_a_term_stated_plainly_counts_even_when_asked_about_elsewhere():
    assert assess("是不是着火了？确实着火了，快来").terms == ("起火",)


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("物业就是一群废物", ["abusive"]),
        ("你个傻逼，天天乱停车", ["abusive"]),
        ("有事打我电话13812345678", ["phone"]),
        ("电话 139-1234-5678 找老王", ["phone"]),
        ("他的身份证号是11010119900307123X", ["id_number"]),
        ("车牌京A12345天天堵在门口", ["plate"]),
        ("豫A·8B2C9 这辆车占了消防通道", ["plate"]),
        ("草泥马，又是你京N12345", ["abusive", "plate"]),
    ],
)
def test_board_texts_with_abuse_or_personal_data_have_reasons(text, codes):
    assert moderation_codes(text) == codes
    assert len(moderation_reasons(text)) == len(codes)


@pytest.mark.parametrize(
    "text",
    ["同意，这个问题很久了", "usb 充电口坏了", "3号楼2单元1201", "2024年3月15日报修过", "编号 410103001001", ""],
)
def test_ordinary_board_texts_have_none(text):
    assert moderation_codes(text) == []

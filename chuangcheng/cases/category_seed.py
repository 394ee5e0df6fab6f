"""The default category trees, in the shape of the national digital city management scheme.

部件 (components) and 事件 (events), 大类 → 小类, with time limits, routing rule and the
line department (属主) by name; the office edits all of it afterwards.
Tuple: (小类 name, limit, unit, owner department name or "", auto-dispatch).
"""

from __future__ import annotations

WH, WD, NH = "work_hours", "work_days", "natural_hours"

COMPONENTS: list[tuple[str, str, list[tuple[str, float, str, str, bool]]]] = [
    (
        "01",
        "公用设施",
        [
            ("井盖破损", 4, WH, "县住房和城乡建设局", True),
            ("上水井盖缺失", 2, WH, "县自来水公司", True),
            ("消防栓损坏", 1, WD, "县消防救援大队", False),
            ("电力设施损坏", 1, WD, "县供电公司", False),
            ("路灯不亮", 2, WD, "县城市管理综合执法局", True),
        ],
    ),
    (
        "02",
        "道路交通",
        [
            ("交通信号灯故障", 4, WH, "县公安局交警大队", True),
            ("交通标志牌损坏", 2, WD, "县公安局交警大队", False),
            ("道路护栏损坏", 2, WD, "县交通运输局", False),
            ("公交站亭损坏", 2, WD, "县交通运输局", False),
            ("人行道板破损", 3, WD, "县住房和城乡建设局", False),
        ],
    ),
    (
        "03",
        "市容环境",
        [
            ("公厕设施损坏", 1, WD, "县城市管理综合执法局", False),
            ("垃圾箱破损", 2, WD, "县城市管理综合执法局", True),
            ("广告牌匾破损", 3, WD, "县城市管理综合执法局", False),
        ],
    ),
    (
        "04",
        "园林绿化",
        [
            ("行道树缺株死亡", 5, WD, "县住房和城乡建设局", False),
            ("绿地护栏损坏", 3, WD, "县住房和城乡建设局", False),
            ("花坛花箱损坏", 3, WD, "县住房和城乡建设局", False),
        ],
    ),
    (
        "05",
        "房屋土地",
        [
            ("危房", 1, WD, "县住房和城乡建设局", False),
        ],
    ),
    (
        "06",
        "其他设施",
        [
            ("健身器材损坏", 3, WD, "县文化广电和旅游局", False),
        ],
    ),
    (
        "99",
        "扩展部件",
        [
            ("文明宣传栏破损", 3, WD, "县文明办", False),
        ],
    ),
]

EVENTS: list[tuple[str, str, list[tuple[str, float, str, str, bool]]]] = [
    (
        "01",
        "市容环境",
        [
            ("暴露垃圾", 2, WH, "", True),
            ("道路不洁", 2, WH, "", True),
            ("绿地脏乱", 4, WH, "", False),
            ("公厕脏乱", 2, WH, "", False),
            ("乱堆乱放", 4, WH, "", False),
            ("乱贴乱画", 1, WD, "", False),
            ("乱拉乱挂", 1, WD, "", False),
            ("积存垃圾渣土", 1, WD, "", False),
        ],
    ),
    (
        "02",
        "宣传广告",
        [
            ("非法小广告", 1, WD, "", False),
            ("违规户外广告", 3, WD, "县城市管理综合执法局", False),
        ],
    ),
    (
        "03",
        "施工管理",
        [
            ("施工扬尘", 4, WH, "县住房和城乡建设局", False),
            ("道路遗撒", 2, WH, "县城市管理综合执法局", False),
            ("违法建设", 5, WD, "县城市管理综合执法局", False),
            ("乱搭乱建", 3, WD, "", False),
        ],
    ),
    (
        "04",
        "突发事件",
        [
            ("路面塌陷", 2, NH, "县住房和城乡建设局", False),
            ("道路积水", 4, NH, "县住房和城乡建设局", False),
            ("井盖丢失伤人隐患", 2, NH, "县住房和城乡建设局", False),
        ],
    ),
    (
        "05",
        "街面秩序",
        [
            ("占道经营", 2, WH, "", False),
            ("乱摆乱卖", 2, WH, "", False),
            ("店外经营", 4, WH, "", False),
            ("乱停乱放", 2, WH, "县公安局交警大队", False),
            ("露天烧烤", 2, WH, "", False),
        ],
    ),
    (
        "99",
        "扩展事件",
        [
            ("门前五包不落实", 1, WD, "", False),
            ("公益广告缺失", 3, WD, "县文明办", False),
        ],
    ),
]

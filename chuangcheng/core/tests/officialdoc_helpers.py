"""A realistic 月度考核通报 for the officialdoc tests: sections, a ranking table, a chart, photos."""

from __future__ import annotations

import datetime as dt
import io

from PIL import Image as PILImage
from PIL import ImageDraw

from chuangcheng.core.charts import bar_chart_png
from chuangcheng.core.officialdoc import Image, ImagePair, OfficialDocument, Section, Table

TOWNS = [
    ("城关镇", 96.42),
    ("东城街道", 95.18),
    ("西城街道", 94.75),
    ("南湖镇", 93.60),
    ("北山镇", 92.33),
    ("青石镇", 91.08),
    ("白沙镇", 90.52),
    ("桃源乡", 89.17),
    ("柳河镇", 87.94),
    ("金牛镇", 86.21),
    ("石门乡", 84.66),
    ("龙泉镇", 82.09),
]


def photo(color: str, label: str, *, size: tuple[int, int] = (640, 480)) -> bytes:
    """A stand-in site photo: a coloured scene with a few shapes, as JPEG bytes."""
    image = PILImage.new("RGB", size, color)
    draw = ImageDraw.Draw(image)
    width, height = size
    draw.rectangle([0, height * 2 // 3, width, height], fill="#7F7F7F")  # the road
    draw.rectangle([width // 8, height // 4, width // 2, height * 2 // 3], fill="#C9B79C")  # a shop
    if label == "before":
        for i in range(6):  # litter
            x = 60 + i * 90
            draw.ellipse([x, height * 3 // 4, x + 40, height * 3 // 4 + 24], fill="#3B3B3B")
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()


def sample_bulletin(*, extra_paragraphs: int = 0) -> OfficialDocument:
    """The county office's 通报 on the November appraisal of the towns."""
    ranking = Table(
        columns=["排名", "镇（街道）", "得分", "较上月", "问题数", "整改率"],
        rows=[
            [str(i), name, f"{score:.2f}", f"{(-1) ** i * (i % 4) * 0.37:+.2f}", str(3 + i * 2), f"{99 - i * 1.5:.1f}%"]
            for i, (name, score) in enumerate(TOWNS, start=1)
        ],
        widths_mm=[16, 36, 26, 26, 24, 28],
        caption="表1  2026年11月各镇（街道）创建工作考核得分排名",
    )
    chart = bar_chart_png(
        [name for name, _ in TOWNS],
        [score for _, score in TOWNS],
        title="各镇（街道）考核得分",
        colors=["#2F5597"] * 9 + ["#C00000"] * 3,
    )
    filler = [
        "各镇（街道）要对照考核反馈的问题清单，逐条制定整改措施，明确责任人和整改时限，"
        "确保问题动态清零。县创建办将适时组织“回头看”，对整改不力的单位予以通报。"
    ] * extra_paragraphs
    return OfficialDocument(
        issuer="县创建工作领导小组办公室",
        doc_number="县创建办〔2026〕12号",
        title="关于2026年11月份全县创建全国文明城市\n工作考核情况的通报",
        recipients="各镇人民政府、街道办事处，县创建工作领导小组各成员单位",
        intro=[
            "为深入推进全国文明城市创建工作，按照《全县创建全国文明城市工作考核办法》，"
            "县创建办于2026年11月对各镇（街道）创建工作开展了月度考核。现将考核情况通报如下。"
        ],
        sections=[
            Section(
                heading="一、总体情况",
                blocks=[
                    "本月共组织实地检查312次，发现问题1046个，已整改973个，整改率93.0%。"
                    "全县平均得分90.33分，较上月提高1.27分，城关镇、东城街道、西城街道位列前三。",
                    ranking,
                ],
            ),
            Section(
                heading="二、考核结果",
                blocks=[
                    Image(png=chart, width_mm=150, caption="图1  各镇（街道）考核得分"),
                    "从考核结果看，柳河镇、金牛镇、石门乡、龙泉镇得分低于全县平均水平，其中龙泉镇连续两个月排名末位。",
                ],
            ),
            Section(
                heading="三、存在问题",
                blocks=["对照测评体系，本月考核发现的问题主要集中在以下两个方面。"],
            ),
            Section(
                heading="（一）背街小巷环境卫生反弹。",
                level=2,
                blocks=[
                    "部分背街小巷存在垃圾乱堆乱放、牛皮癣小广告清理不及时等问题。",
                    ImagePair(
                        left=photo("#9DB7D5", "before"),
                        right=photo("#9DB7D5", "after"),
                        left_caption="整改前",
                        right_caption="整改后",
                        caption="图2  龙泉镇新华路背街小巷整改前后对比",
                    ),
                ],
            ),
            Section(
                heading="（二）农贸市场管理不规范。",
                level=2,
                blocks=["个别农贸市场存在占道经营、生熟不分、公示牌信息未及时更新等问题。"],
            ),
            Section(
                heading="四、下一步工作要求",
                blocks=[
                    "各镇（街道）要高度重视考核反馈问题，举一反三，建立长效管理机制。",
                    *filler,
                ],
            ),
        ],
        signature="县创建工作领导小组办公室",
        date=dt.date(2026, 12, 5),
        cc="县委办公室，县人大常委会办公室，县政府办公室，县政协办公室",
        printer="县创建工作领导小组办公室",
    )

from django.db import models
from django.utils.translation import gettext_lazy as _


class RoadClass(models.TextChoices):
    MAIN = "main", _("主干道")
    SECONDARY = "secondary", _("次干道")
    BACK_STREET = "back_street", _("背街小巷")
    COMMERCIAL = "commercial", _("商业大街")


class PledgeStatus(models.TextChoices):
    UNSIGNED = "unsigned", _("未签订")
    SIGNED = "signed", _("已签订")
    WARNED = "warned", _("履约警示")
    REVOKED = "revoked", _("已撤销")


# The evaluation's point types (测评点位), seeded into the editable SiteType table.
DEFAULT_SITE_TYPES = [
    ("main_road", "主次干道"),
    ("back_street", "背街小巷"),
    ("commercial_street", "商业大街"),
    ("market", "集贸市场/农贸市场"),
    ("public_toilet", "室外公厕"),
    ("square", "公共广场"),
    ("park", "公园"),
    ("residential", "居民小区"),
    ("community", "社区"),
    ("school", "中小学校"),
    ("hospital", "医院"),
    ("bus_stop", "公交站点"),
    ("intersection", "主要交通路口"),
    ("construction", "建筑工地"),
    ("service_window", "窗口单位"),
    ("gov_hall", "政务大厅"),
    ("bank", "银行网点"),
    ("hotel", "宾馆酒店"),
    ("mall", "商场超市"),
    ("scenic", "景区"),
    ("culture", "公共文化设施"),
    ("urban_fringe", "城乡接合部"),
    ("civilization_center", "新时代文明实践中心"),
    ("township", "乡镇"),
    ("other", "其他"),
]

DEFAULT_PLEDGE_ITEMS = [
    ("hygiene", "包卫生", "门前及周边地面干净，无垃圾杂物、无污水"),
    ("order", "包秩序", "不出店经营、不占道堆放、车辆有序停放"),
    ("greening", "包绿化", "爱护门前树木花草，不损坏绿化设施"),
    ("facilities", "包设施", "爱护门前公共设施，发现损坏及时报告"),
    ("civility", "包文明", "文明经营、诚信待客，劝阻不文明行为"),
]

"""The seeded checklists (检查表) for field inspections: one per point type, one per road class.

Written from the published field-evaluation standards: the 实地考察 points of the
全国文明城市测评体系 (and its 操作手册 for each 点位), the 国家卫生城市（县城）标准 and its
评审办法 (环境卫生, 病媒生物防制, 公共场所), and GB 50449《城市容貌标准》 for streets and
facilities. Each item is what must hold, how to check it, the deduction when it fails, whether a
failure needs a photo and the case category (小类 name in ``cases/category_seed.py``) a failure
opens, or "" when it is the unit's own matter rather than a street case. The office edits all of
it afterwards; items shared by several checklists are named module constants.
"""

from __future__ import annotations

# Families (code, UI name), in the evaluation's order.
FAMILIES: list[tuple[str, str]] = [
    ("publicity", "公益宣传"),
    ("sanitation", "环境卫生"),
    ("order", "公共秩序"),
    ("facilities", "基础设施"),
    ("service", "行业规范与服务"),
]

# One item: (family code, text, how to check, deduction, photo required on failure, case category 小类 name or "").
Item = tuple[str, str, str, float, bool, str]

PUB, SAN, ORD, FAC, SVC = "publicity", "sanitation", "order", "facilities", "service"

# ---- Items several checklists share -------------------------------------------------------

LITTER: Item = (SAN, "地面干净，无暴露垃圾", "步行查看地面、角落、绿地有无垃圾杂物", 1.0, True, "暴露垃圾")
BINS: Item = (SAN, "果皮箱设置合理，完好无破损", "查看果皮箱数量、间距及外观", 0.5, True, "垃圾箱")
BINS_FULL: Item = (SAN, "果皮箱无满溢，周边无散落垃圾", "查看果皮箱内及周边", 0.5, True, "暴露垃圾")
TOILET: Item = (SAN, "公厕干净，无明显异味", "进入公厕查看保洁情况，闻有无异味", 2.0, True, "公厕脏乱")
PESTS: Item = (SAN, "无鼠迹、蟑迹，无蚊蝇孳生积水", "查看角落、下水道口、积水容器，有无鼠洞鼠粪", 1.0, True, "")
PEST_PROOF: Item = (SAN, "防鼠防蝇设施齐全有效", "查看挡鼠板、纱门纱窗、灭蝇灯是否齐全完好", 1.0, True, "")
INDOOR_CLEAN: Item = (SAN, "室内环境整洁，无杂物、无积尘", "查看大厅、走廊、楼梯间及卫生间", 1.0, True, "")
INDOOR_TOILET: Item = (SAN, "卫生间干净，无明显异味", "进入卫生间查看地面、便器及洗手设施", 1.0, True, "")
PARKING: Item = (ORD, "机动车、非机动车停放有序", "查看车辆是否在泊位内停放，有无乱停乱放", 1.0, True, "乱停乱放")
POSTERS: Item = (ORD, "无乱贴乱画、非法小广告", "查看墙面、电杆、配电箱等处有无张贴涂画", 1.0, True, "非法小广告")
HAWKERS: Item = (ORD, "无占道经营、流动摊贩", "查看路面、人行道、出入口有无摆摊设点", 2.0, True, "占道经营")
UNCIVIL: Item = (ORD, "无随地吐痰、乱扔杂物等不文明行为", "现场观察往来人员言行", 1.0, False, "")
QUEUE: Item = (ORD, "设置一米线，排队办理有序", "查看窗口前一米线及排队情况", 0.5, True, "")
LAMPS: Item = (FAC, "路灯、照明设施完好，无不亮", "查看灯杆、灯具，核对夜间亮灯情况", 1.0, True, "路灯")
MANHOLES: Item = (FAC, "井盖齐全完好，无缺失、破损", "查看路面及人行道各类井盖", 2.0, True, "污水井盖")
ACCESS: Item = (FAC, "无障碍通道畅通，设施完好", "查看出入口坡道、扶手、无障碍卫生间", 1.0, True, "")
AMENITIES: Item = (FAC, "设置座椅、饮水、老花镜等便民设施", "查看休息区及便民服务台", 0.5, True, "")
FIRE: Item = (FAC, "消防设施完好，安全通道畅通", "查看灭火器、消防栓、疏散指示及安全出口", 1.0, True, "消防栓")
INDOOR_ADS: Item = (PUB, "显著位置设置核心价值观公益广告", "查看大厅、电子屏、宣传栏等处公益广告", 2.0, True, "")
SCREEN_ADS: Item = (PUB, "电子屏滚动播放讲文明树新风公益广告", "查看电子显示屏、电视屏播放内容", 1.0, False, "")
VOLUNTEERS: Item = (PUB, "设置志愿服务站（岗），有志愿者在岗", "查看志愿服务站点、标识及在岗情况", 1.0, True, "")
NO_SMOKING: Item = (SVC, "醒目位置张贴禁烟标识，无人吸烟", "查看入口、大厅、卫生间禁烟标识及有无烟头", 1.0, True, "")
BADGES: Item = (SVC, "工作人员佩戴工作牌，挂牌上岗", "抽查在岗人员是否佩戴工作牌", 0.5, True, "")
COMPLAINTS: Item = (SVC, "公示投诉监督电话或设置意见箱", "查看服务场所投诉电话、意见箱", 0.5, True, "")
LICENCES: Item = (SVC, "亮证经营，证照齐全有效", "查看营业执照及行业许可证是否悬挂、在有效期内", 1.0, True, "")
PRICES: Item = (SVC, "商品和服务明码标价", "抽查商品价签、服务价目表", 1.0, True, "")
COURTESY: Item = (SVC, "服务热情，使用文明用语", "以办事人身份体验服务，观察服务态度", 1.0, False, "")
FIVE_DUTIES: Item = (SVC, "沿街单位门前五包责任落实", "抽查门前卫生、秩序、设施、绿化", 1.0, True, "门前五包不落实")

# Units that serve the public at a counter: window units, the government hall, bank branches.
COUNTER_BASICS: list[Item] = [INDOOR_ADS, INDOOR_CLEAN, QUEUE, ACCESS, AMENITIES, NO_SMOKING, BADGES, COMPLAINTS]

# ---- Roads and streets ----------------------------------------------------------------------

ROAD_COMMON_ITEMS: list[Item] = [
    (PUB, "沿街每 200 米至少有 1 处公益广告", "沿路计量距离，查看公益广告设置", 2.0, True, "公益广告缺失"),
    (PUB, "公益广告画面完好，无破损褪色", "查看公益广告、宣传栏画面及框架", 0.5, True, "文明宣传栏"),
    (SAN, "路面、人行道干净，无暴露垃圾", "沿路步行查看路面、人行道、树穴", 1.0, True, "暴露垃圾"),
    (SAN, "无卫生死角，无积存垃圾渣土", "查看路边角落、桥下、拐角有无积存垃圾", 2.0, True, "积存垃圾渣土"),
    BINS,
    BINS_FULL,
    (SAN, "绿化带、树穴内无垃圾杂物", "查看绿化带、花坛、树穴", 0.5, True, "绿地脏乱"),
    HAWKERS,
    (ORD, "沿街门店无店外经营", "查看门店是否超出门窗摆放商品、作业", 1.0, True, "店外经营"),
    PARKING,
    POSTERS,
    (ORD, "行人、非机动车遵守交通信号", "观察有无闯红灯、逆行、不走斑马线", 1.0, False, ""),
    (FAC, "盲道连续畅通，无破损、无占用", "沿人行道查看盲道是否连续、破损、被占用", 1.0, True, "人行道"),
    (FAC, "人行道板平整，无松动破损", "沿人行道查看铺装", 1.0, True, "人行道"),
    LAMPS,
    MANHOLES,
    FIVE_DUTIES,
]

MAIN_ROAD_ITEMS: list[Item] = [
    *ROAD_COMMON_ITEMS,
    (ORD, "机动车礼让斑马线行人", "在斑马线处观察机动车是否停车让行", 1.0, False, ""),
    (ORD, "户外广告、门头牌匾设置规范", "查看牌匾是否一店一招、有无违规设置", 1.0, True, "违规户外广告"),
    (ORD, "架空线缆规整，无乱拉乱挂", "查看空中线缆、沿街横幅、晾晒物", 1.0, True, "乱拉乱挂"),
    (FAC, "交通标志标线清晰完好", "查看标志牌、标线有无缺损、模糊", 1.0, True, "交通标志牌"),
    (FAC, "道路护栏、隔离设施完好", "查看中央及机非隔离护栏", 1.0, True, "交通护栏"),
    (FAC, "行道树无缺株、死株", "查看行道树是否连续、成活", 0.5, True, "行道树"),
]

SECONDARY_ROAD_ITEMS: list[Item] = [
    *ROAD_COMMON_ITEMS,
    (SAN, "路面无积水，排水设施畅通", "查看路面低洼处、雨水箅子", 1.0, True, "道路积水"),
    (ORD, "无乱堆乱放建材、杂物", "查看路边、人行道有无堆放物", 1.0, True, "乱堆乱放"),
    (ORD, "沿街无露天烧烤", "查看餐饮门店门前及路边", 1.0, True, "露天烧烤"),
    (FAC, "交通标志、停车泊位标线清晰", "查看标志牌及泊位标线", 0.5, True, "交通标志牌"),
]

BACK_STREET_ITEMS: list[Item] = [
    (PUB, "每条背街小巷至少有 1 处公益广告", "走完全巷，查看墙面、宣传栏公益广告", 2.0, True, "公益广告缺失"),
    (SAN, "路面干净，无暴露垃圾", "走完全巷，查看路面、墙角", 1.0, True, "暴露垃圾"),
    (SAN, "无卫生死角，无积存垃圾渣土", "查看巷尾、拐角、空地有无积存垃圾", 2.0, True, "积存垃圾渣土"),
    (SAN, "垃圾收集容器加盖、无满溢", "查看垃圾桶、收集点及周边", 1.0, True, "暴露垃圾"),
    (SAN, "无污水横流，排水畅通", "查看路面、边沟、雨水口", 1.0, True, "道路积水"),
    PESTS,
    (ORD, "无乱堆乱放杂物", "查看墙根、门前、空地", 1.0, True, "乱堆乱放"),
    POSTERS,
    (ORD, "无乱拉乱挂、乱晾乱晒", "查看空中线缆、晾衣绳、横幅", 1.0, True, "乱拉乱挂"),
    (ORD, "无乱搭乱建", "查看有无私搭棚屋、违建", 2.0, True, "私搭乱建"),
    HAWKERS,
    PARKING,
    (FAC, "路面硬化平整，无坑洼", "走完全巷，查看路面", 1.0, True, ""),
    LAMPS,
    MANHOLES,
]

COMMERCIAL_STREET_ITEMS: list[Item] = [
    (PUB, "沿街每 200 米至少有 1 处公益广告", "沿街计量距离，查看公益广告设置", 2.0, True, "公益广告缺失"),
    (PUB, "商户电子屏、橱窗播放或张贴公益广告", "抽查沿街商户电子屏、橱窗", 1.0, True, ""),
    LITTER,
    BINS,
    (SAN, "餐饮门店油烟净化，餐厨垃圾规范收集", "查看餐饮门店排烟设施、泔水桶", 1.0, True, ""),
    (ORD, "无店外经营", "查看门店是否超出门窗摆放商品、作业", 2.0, True, "店外经营"),
    HAWKERS,
    (ORD, "无露天烧烤", "查看门店门前及路边", 1.0, True, "露天烧烤"),
    (ORD, "门头牌匾规范，一店一招", "查看门头牌匾设置、有无违规广告", 1.0, True, "违规户外广告"),
    (ORD, "牌匾完好，无破损、缺字", "查看牌匾画面、字体、亮化", 0.5, True, "广告牌匾"),
    (ORD, "无高音喇叭招揽、噪声扰民", "现场听取商户外放音响", 0.5, False, ""),
    PARKING,
    (FAC, "盲道连续畅通，无占用", "沿人行道查看盲道", 1.0, True, "人行道"),
    FIVE_DUTIES,
    PRICES,
    (SVC, "商户诚信经营，悬挂诚信承诺", "抽查商户诚信经营承诺、亮证情况", 1.0, True, ""),
]

# ---- Point types ----------------------------------------------------------------------------

MARKET_ITEMS: list[Item] = [
    (PUB, "市场内外显著位置公益广告不少于 2 处", "清点出入口及市场内公益广告数量", 2.0, True, "公益广告缺失"),
    (SAN, "地面干净，无积水、无垃圾", "巡查各交易区地面及通道", 1.0, True, "暴露垃圾"),
    (SAN, "垃圾日产日清，收集容器密闭", "查看垃圾收集点、容器是否加盖、满溢", 1.0, True, "暴露垃圾"),
    TOILET,
    PEST_PROOF,
    (SAN, "活禽区独立设置，无现场宰杀", "查看活禽经营区隔离及宰杀情况", 2.0, True, ""),
    (SAN, "水产区排水通畅，无污水横流", "查看水产区地面、排水沟", 1.0, True, ""),
    (ORD, "市场内外无占道经营", "查看通道、出入口及周边道路有无摆摊", 2.0, True, "占道经营"),
    (ORD, "划行归市，摊位商品摆放整齐", "查看各区是否分区经营、有无超出摊位", 1.0, True, "乱堆乱放"),
    PARKING,
    FIRE,
    (SVC, "入口处设置公平秤", "现场查看入口处是否有公平秤并能正常使用", 2.0, True, ""),
    (SVC, "诚信经营承诺上墙", "查看市场及商户诚信经营承诺、公约", 1.0, True, ""),
    LICENCES,
    PRICES,
    (SVC, "公示农残检测结果", "查看检测室及检测结果公示栏（屏）", 1.0, True, ""),
    COMPLAINTS,
]

PUBLIC_TOILET_ITEMS: list[Item] = [
    (PUB, "设置文明如厕提示或公益广告", "查看厕内外提示语、公益广告", 0.5, True, "公益广告缺失"),
    (SAN, "地面、墙面干净，无积水污物", "查看地面、墙面、隔板", 1.0, True, "公厕脏乱"),
    (SAN, "便器无积便积尿，无明显异味", "查看便器，闻有无异味", 2.0, True, "公厕脏乱"),
    (SAN, "防蝇设施完好，无蝇蛆", "查看纱窗、灭蝇灯，有无成蝇、蝇蛆", 1.0, True, "公厕脏乱"),
    (SAN, "周边无暴露垃圾", "查看公厕四周", 0.5, True, "暴露垃圾"),
    POSTERS,
    (FAC, "指示牌、男女标识清晰醒目", "查看周边指引牌及公厕标识", 0.5, True, ""),
    (FAC, "洗手、冲水、照明设施完好", "逐项试用洗手、冲水、照明设施", 1.0, True, "公共厕所"),
    (FAC, "设置无障碍厕位或第三卫生间", "查看无障碍厕位、扶手、呼叫装置", 1.0, True, "公共厕所"),
    (FAC, "配备洗手液、厕纸", "查看洗手液、厕纸配备", 0.5, True, ""),
    (SVC, "保洁制度上墙，保洁人员在岗", "查看保洁制度、保洁记录及人员在岗", 1.0, True, ""),
    (SVC, "按公示时间开放，公示监督电话", "核对开放时间、监督电话，查看是否开放", 2.0, True, ""),
]

SQUARE_ITEMS: list[Item] = [
    (PUB, "广场显著位置设置公益广告", "查看广场内公益广告、宣传栏、电子屏", 2.0, True, "公益广告缺失"),
    VOLUNTEERS,
    (PUB, "宣传栏完好，内容及时更新", "查看宣传栏画面、内容日期", 0.5, True, "文明宣传栏"),
    LITTER,
    BINS,
    (SAN, "绿地内无垃圾杂物", "查看绿地、花坛", 0.5, True, "绿地脏乱"),
    TOILET,
    (ORD, "无流动摊贩、乱摆乱卖", "查看广场及出入口有无摊点", 2.0, True, "乱摆乱卖"),
    (ORD, "无机动车驶入、乱停乱放", "查看广场内及出入口车辆", 1.0, True, "乱停乱放"),
    UNCIVIL,
    (ORD, "广场舞等活动音量适中，不扰民", "活动时段现场听取音量", 0.5, False, ""),
    (FAC, "健身器材完好，能安全使用", "逐一查看健身器材", 1.0, True, "健身设施"),
    LAMPS,
    (FAC, "花坛、花箱完好", "查看花坛、花箱有无破损", 0.5, True, "花架花钵"),
]

PARK_ITEMS: list[Item] = [
    (PUB, "园内主要位置设置公益广告", "查看出入口、主园路公益广告", 2.0, True, "公益广告缺失"),
    (PUB, "公示文明游园须知", "查看出入口游园须知", 0.5, True, ""),
    VOLUNTEERS,
    LITTER,
    BINS_FULL,
    (SAN, "水体清洁，无漂浮物、无异味", "查看湖面、水池、溪流", 1.0, True, "绿地脏乱"),
    TOILET,
    PESTS,
    (ORD, "无乱摆乱卖", "查看出入口、园路有无摊点", 1.0, True, "乱摆乱卖"),
    (ORD, "无攀折花木、践踏草坪、乱刻乱画", "现场观察游人行为，查看树木、设施", 1.0, True, ""),
    (FAC, "座椅、亭廊、健身器材完好", "查看园内设施有无破损", 1.0, True, "健身设施"),
    (FAC, "水域等危险处设置安全警示标识", "查看水边、假山等处警示牌、护栏", 1.0, True, ""),
    (FAC, "导览图、指示牌清晰", "查看导览图及园路指示牌", 0.5, True, ""),
    (FAC, "绿地护栏完好", "查看绿地护栏、围栏", 0.5, True, "绿地护栏"),
]

RESIDENTIAL_ITEMS: list[Item] = [
    (PUB, "出入口、主干道设置公益广告", "查看小区出入口、主干道、宣传栏", 2.0, True, "公益广告缺失"),
    (PUB, "宣传栏完好，公益内容及时更新", "查看宣传栏画面、内容", 0.5, True, "文明宣传栏"),
    (SAN, "楼道、楼梯间无杂物堆放", "抽查单元楼道、楼梯间", 1.0, True, "乱堆乱放"),
    LITTER,
    (SAN, "垃圾分类投放点规范，周边整洁", "查看投放点分类标识、桶体及周边", 1.0, True, "暴露垃圾"),
    (SAN, "绿地无毁绿种菜、无垃圾", "查看楼间绿地", 1.0, True, "绿地脏乱"),
    PESTS,
    PARKING,
    POSTERS,
    (ORD, "无私搭乱建", "查看楼顶、底层院落、公共空地", 2.0, True, "私搭乱建"),
    (ORD, "无飞线充电、乱拉乱挂", "查看楼道、窗外电线及晾晒", 1.0, True, "乱拉乱挂"),
    (ORD, "消防通道畅通，无占用", "查看消防通道、登高场地", 1.0, True, "乱停乱放"),
    LAMPS,
    (FAC, "健身器材完好", "查看小区健身器材", 0.5, True, "健身设施"),
    (SVC, "公示物业服务内容、收费标准", "查看物业服务公示栏", 0.5, True, ""),
]

COMMUNITY_ITEMS: list[Item] = [
    INDOOR_ADS,
    (PUB, "设置善行义举榜或好人榜", "查看榜单设置及更新", 1.0, True, ""),
    (PUB, "居民公约上墙", "查看居民公约公示", 0.5, True, ""),
    (PUB, "新时代文明实践站挂牌并开展活动", "查看标识牌、活动记录", 1.0, True, ""),
    (PUB, "公示志愿服务项目和志愿者队伍", "查看志愿服务站及公示", 1.0, True, ""),
    INDOOR_CLEAN,
    (SAN, "辖区公共区域无卫生死角", "抽查辖区背街、楼院", 1.0, True, "积存垃圾渣土"),
    ACCESS,
    (FAC, "未成年人活动场所正常开放", "查看四点半课堂、儿童之家等场所", 1.0, True, ""),
    (FAC, "图书阅览室正常开放", "查看阅览室开放时间、图书", 0.5, True, ""),
    (SVC, "服务事项、办事流程公示", "查看服务大厅公示栏", 0.5, True, ""),
    BADGES,
    NO_SMOKING,
]

SCHOOL_ITEMS: list[Item] = [
    (PUB, "校园显著位置设置核心价值观宣传", "查看校门、教学楼、操场宣传内容", 2.0, True, ""),
    (PUB, "校门口周边设置公益广告", "查看校门口及周边公益广告", 1.0, True, "公益广告缺失"),
    (SAN, "校园干净整洁，无卫生死角", "巡查校园、教学楼、厕所", 1.0, True, ""),
    (ORD, "校门口周边无占道经营", "查看校门口及周边摊点", 2.0, True, "占道经营"),
    (ORD, "周边 200 米内无网吧、歌舞娱乐场所", "沿校门口周边查看营业场所", 2.0, True, ""),
    (ORD, "上下学接送车辆停放有序", "放学时段查看校门口车辆", 1.0, True, "乱停乱放"),
    (ORD, "上下学时段设置护学岗", "上下学时段查看护学人员在岗", 1.0, False, ""),
    (FAC, "学校区域交通标志、减速设施齐全", "查看校门附近标志牌、减速带", 1.0, True, "交通标志牌"),
    (FAC, "设置心理健康辅导室", "查看辅导室设置及使用记录", 1.0, False, ""),
    (SVC, "无烟学校：禁烟标识醒目，校内无人吸烟", "查看禁烟标识，有无吸烟、烟头", 1.0, True, ""),
    (SVC, "食堂亮证经营，明厨亮灶", "查看食堂证照、后厨可视化", 1.0, True, ""),
    (SVC, "周边无售卖三无食品", "抽查校门口周边小卖部", 1.0, True, ""),
]

HOSPITAL_ITEMS: list[Item] = [
    (PUB, "门诊大厅设置公益广告", "查看门诊大厅、候诊区公益广告", 2.0, True, ""),
    SCREEN_ADS,
    VOLUNTEERS,
    INDOOR_CLEAN,
    INDOOR_TOILET,
    (SAN, "医疗废物分类收集，暂存规范", "查看医废收集容器、暂存点及交接记录", 2.0, True, ""),
    QUEUE,
    (ORD, "院内及门前车辆停放有序", "查看院内、大门口车辆", 1.0, True, "乱停乱放"),
    ACCESS,
    AMENITIES,
    (FAC, "导诊标识清晰", "查看楼层、科室指引标识", 0.5, True, ""),
    (SVC, "全面禁烟，禁烟标识醒目，无人吸烟", "查看禁烟标识，有无吸烟、烟头", 1.0, True, ""),
    (SVC, "公示医疗服务和药品价格", "查看价格公示屏、查询机", 1.0, True, ""),
    BADGES,
    (SVC, "老年人就医有绿色通道，保留人工窗口", "查看助老窗口、人工挂号服务", 1.0, False, ""),
    COMPLAINTS,
]

BUS_STOP_ITEMS: list[Item] = [
    (PUB, "站台设置公益广告", "查看候车亭广告位公益广告", 2.0, True, "公益广告缺失"),
    (SAN, "站台干净，无暴露垃圾", "查看站台地面、座椅、周边", 1.0, True, "暴露垃圾"),
    BINS,
    (ORD, "站亭无乱贴乱画、小广告", "查看站亭立柱、广告灯箱、站牌", 1.0, True, "非法小广告"),
    (ORD, "站台周边无摊点", "查看站台前后有无摆摊", 1.0, True, "占道经营"),
    (ORD, "站台无非机动车乱停乱放", "查看站台及通行区", 1.0, True, "乱停乱放"),
    (ORD, "乘客排队候车、有序上下车", "车辆到站时观察乘客", 0.5, False, ""),
    (FAC, "候车亭完好，无破损", "查看顶棚、座椅、立柱", 1.0, True, "公交站亭"),
    (FAC, "站牌线路信息清晰完整", "查看站牌线路、首末班时间", 0.5, True, "公交站亭"),
    (FAC, "盲道与站台衔接完好", "查看站台盲道及缘石坡道", 0.5, True, "人行道"),
    (FAC, "站台照明完好", "查看灯箱、照明", 0.5, True, "路灯"),
]

INTERSECTION_ITEMS: list[Item] = [
    (PUB, "路口设置文明交通公益广告", "查看路口四角公益广告", 1.0, True, "公益广告缺失"),
    (PUB, "高峰时段有文明交通劝导岗", "早晚高峰查看志愿者、协管员在岗", 1.0, False, ""),
    (SAN, "路口四角干净，无暴露垃圾", "查看路口四角、安全岛", 0.5, True, "暴露垃圾"),
    (ORD, "行人不闯红灯、走人行横道", "观察一个信号周期以上行人通行", 2.0, False, ""),
    (ORD, "非机动车不闯红灯、不逆行，骑乘佩戴头盔", "观察非机动车通行", 2.0, False, ""),
    (ORD, "机动车礼让斑马线，不越线停车", "观察机动车在斑马线前行为", 2.0, False, ""),
    (ORD, "路口无违停、无占道经营", "查看路口周边车辆、摊点", 1.0, True, "乱停乱放"),
    (FAC, "交通信号灯运行正常", "观察各方向信号灯", 2.0, True, "交通信号灯"),
    (FAC, "标志标线清晰完好", "查看停止线、人行横道线、导向标志", 1.0, True, "交通标志牌"),
    (FAC, "护栏、隔离设施完好", "查看路口护栏、隔离墩", 1.0, True, "交通护栏"),
    (FAC, "缘石坡道、盲道衔接完好", "查看人行横道两端坡道及盲道", 1.0, True, "人行道"),
]

CONSTRUCTION_ITEMS: list[Item] = [
    (PUB, "施工围挡设置公益广告", "沿围挡查看公益广告设置比例及画面", 2.0, True, "公益广告缺失"),
    (SAN, "裸土、物料覆盖到位", "查看裸土、砂石、渣土覆盖", 2.0, True, "施工扬尘"),
    (SAN, "场内道路硬化，洒水降尘", "查看出入口及主要道路硬化、湿法作业", 1.0, True, "施工扬尘"),
    (SAN, "出入口设置车辆冲洗设施并使用", "查看冲洗平台、出场车辆轮胎", 1.0, True, "道路遗撒"),
    (SAN, "生活区、食堂整洁，防蝇防鼠", "查看宿舍、食堂、厕所及防蝇防鼠设施", 1.0, True, ""),
    (SAN, "场内无积水，无蚊蝇孳生", "查看基坑、低洼处、废弃容器", 1.0, True, ""),
    (ORD, "围挡连续、封闭、完好", "沿工地四周查看围挡", 1.0, True, "施工扬尘"),
    (ORD, "渣土车密闭运输，无沿路遗撒", "查看出场车辆及工地周边道路", 2.0, True, "道路遗撒"),
    (ORD, "材料不出围挡堆放", "查看围挡外道路、人行道", 1.0, True, "乱堆乱放"),
    (ORD, "夜间施工有审批，无噪声扰民", "核对夜间施工许可，听取周边反映", 1.0, False, ""),
    (FAC, "设置五牌一图", "查看出入口工程概况牌等五牌一图", 0.5, True, ""),
    (SVC, "公示农民工维权告示牌", "查看维权告示、工资支付公示", 0.5, True, ""),
]

SERVICE_WINDOW_ITEMS: list[Item] = [
    *COUNTER_BASICS,
    VOLUNTEERS,
    (FAC, "设置爱心座椅或老年人优先窗口", "查看爱心座椅、优先窗口标识", 0.5, True, ""),
    (SVC, "公示服务承诺、服务公约", "查看服务承诺公示", 0.5, True, ""),
    (SVC, "公示收费项目和标准", "查看收费公示", 1.0, True, ""),
    COURTESY,
]

GOV_HALL_ITEMS: list[Item] = [
    *COUNTER_BASICS,
    SCREEN_ADS,
    (PUB, "设置帮办代办或志愿导办服务", "查看导办台、帮办人员在岗", 1.0, True, ""),
    (ORD, "窗口无空岗、脱岗", "巡查各窗口人员在岗", 1.0, True, ""),
    (SVC, "公示办事指南和服务事项", "查看办事指南、一次性告知单", 1.0, True, ""),
    (SVC, "落实首问负责、一次性告知", "以办事人身份咨询一项业务", 1.0, False, ""),
    (SVC, "设置好差评评价器并正常使用", "查看窗口评价器", 0.5, True, ""),
]

BANK_ITEMS: list[Item] = [
    *COUNTER_BASICS,
    SCREEN_ADS,
    (PUB, "开展反诈宣传", "查看反诈宣传资料、电子屏内容", 0.5, True, ""),
    (FAC, "设置爱心窗口或老年人优先服务", "查看爱心窗口标识及服务", 0.5, True, ""),
    (SVC, "公示服务价格和收费标准", "查看服务价格公示", 1.0, True, ""),
    (SVC, "不拒收现金", "以客户身份询问现金业务", 1.0, False, ""),
    COURTESY,
]

HOTEL_ITEMS: list[Item] = [
    INDOOR_ADS,
    (PUB, "大堂设置文明旅游提示", "查看大堂、电梯间文明提示", 0.5, True, ""),
    INDOOR_CLEAN,
    (SAN, "客房床上用品一客一换", "抽查客房布草及更换记录", 1.0, False, ""),
    (SAN, "公共用品用具清洗消毒", "查看杯具消毒间及消毒记录", 1.0, True, ""),
    PEST_PROOF,
    (ORD, "门前车辆停放有序", "查看酒店门前及停车场", 0.5, True, "乱停乱放"),
    FIRE,
    ACCESS,
    LICENCES,
    (SVC, "前台公示客房价格", "查看前台房价公示", 1.0, True, ""),
    (SVC, "禁烟标识醒目，设置无烟楼层或客房", "查看禁烟标识、无烟楼层", 1.0, True, ""),
    COURTESY,
]

MALL_ITEMS: list[Item] = [
    INDOOR_ADS,
    SCREEN_ADS,
    INDOOR_CLEAN,
    INDOOR_TOILET,
    (SAN, "生鲜区整洁，冷藏冷冻设施正常", "查看生鲜区卫生、冷柜温度", 1.0, True, ""),
    PEST_PROOF,
    (ORD, "门前无店外经营", "查看门前促销、堆放", 1.0, True, "店外经营"),
    (ORD, "门前车辆停放有序", "查看门前及停车场车辆", 0.5, True, "乱停乱放"),
    FIRE,
    (FAC, "设置无障碍设施和母婴室", "查看无障碍通道、母婴室", 1.0, True, ""),
    LICENCES,
    PRICES,
    (SVC, "无过期变质商品", "抽查食品保质期", 2.0, True, ""),
    (SVC, "设置复秤台，公示退换货承诺", "查看复秤台、放心消费承诺", 0.5, True, ""),
    NO_SMOKING,
]

SCENIC_ITEMS: list[Item] = [
    (PUB, "景区主要位置设置公益广告", "查看出入口、游览线路公益广告", 2.0, True, "公益广告缺失"),
    (PUB, "公示文明旅游公约和游客须知", "查看出入口、游客中心公示", 0.5, True, ""),
    (PUB, "游客中心设置志愿服务点", "查看游客中心志愿服务", 1.0, True, ""),
    LITTER,
    BINS_FULL,
    (SAN, "旅游厕所干净，无明显异味", "抽查景区厕所", 2.0, True, "公厕脏乱"),
    (ORD, "无强买强卖、拉客宰客", "观察商铺、摊点及导游行为", 2.0, False, ""),
    (ORD, "无乱摆乱卖", "查看游览线路及出入口摊点", 1.0, True, "乱摆乱卖"),
    (ORD, "无乱刻乱画、攀爬文物设施", "查看建筑、树木、设施", 1.0, True, ""),
    (ORD, "停车场车辆停放有序", "查看停车场", 0.5, True, "乱停乱放"),
    (FAC, "导览标识清晰规范", "查看导览图、指示牌", 0.5, True, ""),
    (FAC, "危险区域设置安全警示", "查看水边、崖边、台阶等处警示", 1.0, True, ""),
    ACCESS,
    (SVC, "公示门票价格和投诉电话", "查看售票处公示", 1.0, True, ""),
    (SVC, "讲解服务规范，无虚假宣传", "随团听取讲解", 0.5, False, ""),
]

CULTURE_ITEMS: list[Item] = [
    INDOOR_ADS,
    VOLUNTEERS,
    INDOOR_CLEAN,
    INDOOR_TOILET,
    (ORD, "公示参观须知，参观秩序良好", "查看参观须知，观察现场秩序", 0.5, True, ""),
    ACCESS,
    AMENITIES,
    FIRE,
    (SVC, "免费开放，公示开放时间和服务项目", "查看公示，核对是否按时开放", 1.0, True, ""),
    (SVC, "设置未成年人活动或阅览区", "查看少儿阅览区、活动室", 0.5, True, ""),
    BADGES,
    NO_SMOKING,
]

URBAN_FRINGE_ITEMS: list[Item] = [
    (PUB, "主要路段墙体设置公益广告", "查看进出通道、村口墙体", 2.0, True, "公益广告缺失"),
    (SAN, "无暴露垃圾、无积存垃圾", "查看路边、沟渠、空地", 2.0, True, "积存垃圾渣土"),
    (SAN, "垃圾收集点设置规范，及时清运", "查看收集点、容器及周边", 1.0, True, "暴露垃圾"),
    (SAN, "无污水横流", "查看路面、沟渠", 1.0, True, "道路积水"),
    (SAN, "无散养家禽家畜", "查看路边、空地", 0.5, True, ""),
    PESTS,
    (SAN, "无露天焚烧垃圾、秸秆", "查看空地、田边焚烧痕迹", 1.0, True, ""),
    (ORD, "无马路市场、占道经营", "查看路口、村口集市", 2.0, True, "占道经营"),
    (ORD, "无乱搭乱建", "查看沿路棚屋、违建", 2.0, True, "私搭乱建"),
    (ORD, "无乱堆乱放柴草、建材", "查看路边、房前屋后", 1.0, True, "乱堆乱放"),
    (ORD, "废品收购站点规范，不出院堆放", "查看废品站内外", 1.0, True, "乱堆乱放"),
    POSTERS,
    PARKING,
    (FAC, "主要道路硬化，路灯完好", "查看路面硬化及路灯", 1.0, True, "路灯"),
]

CIVILIZATION_CENTER_ITEMS: list[Item] = [
    (PUB, "悬挂统一标识牌", "查看新时代文明实践中心（所、站）标识", 1.0, True, ""),
    INDOOR_ADS,
    (PUB, "公示志愿服务队伍和服务项目", "查看队伍名单、项目清单", 1.0, True, ""),
    (PUB, "设置好人榜或善行义举榜", "查看榜单设置及更新", 0.5, True, ""),
    INDOOR_CLEAN,
    (FAC, "理论宣讲、文化、科普等活动场所齐全", "查看各功能室设置", 1.0, True, ""),
    (FAC, "场所专用，未挪作他用", "查看功能室实际用途", 1.0, True, ""),
    (SVC, "管理制度上墙", "查看管理制度、工作职责公示", 0.5, True, ""),
    (SVC, "公示活动计划，按计划开展活动", "查看活动计划及近期活动", 1.0, True, ""),
    (SVC, "活动台账完整，有图文记录", "查阅活动台账、照片", 1.0, False, ""),
    (SVC, "有群众点单、派单渠道", "查看点单渠道、服务记录", 0.5, False, ""),
    (SVC, "专人管理，按公示时间开放", "核对开放时间，查看管理人员在岗", 1.0, True, ""),
    NO_SMOKING,
]

TOWNSHIP_ITEMS: list[Item] = [
    (PUB, "镇区主街设置公益广告", "沿主街查看公益广告", 2.0, True, "公益广告缺失"),
    (PUB, "新时代文明实践所正常运行", "查看实践所标识、活动记录", 1.0, True, ""),
    (PUB, "村规民约或居民公约公示", "查看公示栏", 0.5, True, ""),
    (PUB, "开展移风易俗宣传，有红白理事会", "查看宣传内容及红白理事会章程", 0.5, False, ""),
    (SAN, "镇区无暴露垃圾、卫生死角", "沿主街、背街查看", 2.0, True, "积存垃圾渣土"),
    (SAN, "垃圾日产日清，中转设施整洁", "查看收集点、中转站", 1.0, True, "暴露垃圾"),
    TOILET,
    (ORD, "集市无马路市场、占道经营", "集日查看集市及周边道路", 2.0, True, "占道经营"),
    (ORD, "镇区无乱搭乱建", "查看主街沿线", 1.0, True, "私搭乱建"),
    POSTERS,
    PARKING,
    (ORD, "沿街门店无店外经营", "查看主街门店", 1.0, True, "店外经营"),
    LAMPS,
    FIVE_DUTIES,
]

OTHER_ITEMS: list[Item] = [
    (PUB, "显著位置设置公益广告", "查看出入口、宣传栏、电子屏", 2.0, True, ""),
    LITTER,
    (SAN, "无卫生死角", "查看角落、背面空地", 1.0, True, "积存垃圾渣土"),
    PESTS,
    (ORD, "无乱堆乱放", "查看出入口、通道", 1.0, True, "乱堆乱放"),
    POSTERS,
    PARKING,
    (FAC, "设施完好，无破损", "查看主要设施外观及使用", 1.0, True, ""),
    NO_SMOKING,
    FIVE_DUTIES,
]

_FAMILY_ORDER = {code: i for i, (code, _) in enumerate(FAMILIES)}


def _grouped(items: list[Item]) -> list[Item]:
    """The items in the families' order, each family's in the order written."""
    return sorted(items, key=lambda item: _FAMILY_ORDER[item[0]])


# Site-type checklists, keyed by the site type code of places.choices.DEFAULT_SITE_TYPES.
SITE_TYPE_ITEMS: dict[str, list[Item]] = {
    code: _grouped(items)
    for code, items in {
        "main_road": MAIN_ROAD_ITEMS,
        "back_street": BACK_STREET_ITEMS,
        "commercial_street": COMMERCIAL_STREET_ITEMS,
        "market": MARKET_ITEMS,
        "public_toilet": PUBLIC_TOILET_ITEMS,
        "square": SQUARE_ITEMS,
        "park": PARK_ITEMS,
        "residential": RESIDENTIAL_ITEMS,
        "community": COMMUNITY_ITEMS,
        "school": SCHOOL_ITEMS,
        "hospital": HOSPITAL_ITEMS,
        "bus_stop": BUS_STOP_ITEMS,
        "intersection": INTERSECTION_ITEMS,
        "construction": CONSTRUCTION_ITEMS,
        "service_window": SERVICE_WINDOW_ITEMS,
        "gov_hall": GOV_HALL_ITEMS,
        "bank": BANK_ITEMS,
        "hotel": HOTEL_ITEMS,
        "mall": MALL_ITEMS,
        "scenic": SCENIC_ITEMS,
        "culture": CULTURE_ITEMS,
        "urban_fringe": URBAN_FRINGE_ITEMS,
        "civilization_center": CIVILIZATION_CENTER_ITEMS,
        "township": TOWNSHIP_ITEMS,
        "other": OTHER_ITEMS,
    }.items()
}

# Road-segment checklists, keyed by places.choices.RoadClass value.
ROAD_CLASS_ITEMS: dict[str, list[Item]] = {
    "main": _grouped(MAIN_ROAD_ITEMS),
    "secondary": _grouped(SECONDARY_ROAD_ITEMS),
    "back_street": _grouped(BACK_STREET_ITEMS),
    "commercial": _grouped(COMMERCIAL_STREET_ITEMS),
}

"""The demo store's own catalog vocabulary, in English with Chinese names.

Everything here was written for uxlift: fictional brands, and the categories,
materials, styles, uses, colours and features a small general store would sell.
Materials and styles are the "text-only" attributes: the catalog puts them in
titles and descriptions but never in tags or structured attributes.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Category:
    """One product category and the words its items are composed from."""

    name: str
    name_zh: str
    nouns: tuple[tuple[str, str], ...]  # (english, chinese)
    median_price: float
    price_sigma: float
    brands: tuple[str, ...]
    materials: tuple[str, ...]
    styles: tuple[str, ...]
    uses: tuple[str, ...]
    features: tuple[str, ...]


MATERIALS_ZH: dict[str, str] = {
    "cotton": "棉",
    "linen": "亚麻",
    "wool": "羊毛",
    "silk": "真丝",
    "denim": "牛仔布",
    "fleece": "抓绒",
    "recycled polyester": "再生涤纶",
    "leather": "真皮",
    "suede": "麂皮",
    "canvas": "帆布",
    "mesh": "网面",
    "knit": "针织",
    "nylon": "尼龙",
    "cork": "软木",
    "bamboo": "竹",
    "stainless steel": "不锈钢",
    "cast iron": "铸铁",
    "ceramic": "陶瓷",
    "glass": "玻璃",
    "oak": "橡木",
    "walnut": "胡桃木",
    "pine": "松木",
    "rattan": "藤编",
    "steel": "钢",
    "velvet": "丝绒",
    "aluminium": "铝合金",
    "silicone": "硅胶",
    "recycled plastic": "再生塑料",
    "down": "羽绒",
    "natural rubber": "天然橡胶",
    "foam": "泡沫",
    "neoprene": "氯丁橡胶",
    "aloe": "芦荟",
    "shea butter": "乳木果",
    "green tea": "绿茶",
    "hyaluronic acid": "玻尿酸",
    "vitamin c": "维生素C",
    "rosehip oil": "玫瑰果油",
    "beech wood": "山毛榉木",
    "organic cotton": "有机棉",
    "cardboard": "纸板",
    "recycled paper": "再生纸",
    "brass": "黄铜",
    "felt": "毛毡",
    "sisal": "剑麻",
}

# Materials that make an item dearer (or cheaper) than its category median.
MATERIAL_PRICE_FACTOR: dict[str, float] = {
    "silk": 1.6,
    "leather": 1.5,
    "walnut": 1.5,
    "cast iron": 1.3,
    "wool": 1.3,
    "down": 1.5,
    "velvet": 1.3,
    "brass": 1.4,
    "rosehip oil": 1.3,
    "hyaluronic acid": 1.3,
    "recycled paper": 0.8,
    "cardboard": 0.7,
    "recycled plastic": 0.85,
    "foam": 0.8,
    "pine": 0.8,
}

STYLES_ZH: dict[str, str] = {
    "minimalist": "极简",
    "vintage": "复古",
    "classic": "经典",
    "sporty": "运动风",
    "bohemian": "波西米亚",
    "industrial": "工业风",
    "scandinavian": "北欧风",
    "modern": "现代",
    "rustic": "田园风",
    "playful": "童趣",
    "elegant": "优雅",
    "streetwear": "街头风",
}

USES_EN: dict[str, str] = {
    "everyday": "everyday use",
    "office": "long days at the office",
    "travel": "travel and weekends away",
    "outdoors": "time outdoors in any weather",
    "evening": "evenings out",
    "gym": "training at the gym or at home",
    "kids": "children and busy family homes",
    "gifting": "gifting to someone special",
    "small spaces": "small flats and tight corners",
    "home cooking": "everyday home cooking",
    "sleep": "a better night's sleep",
    "camping": "camping trips",
    "sensitive skin": "sensitive skin",
    "study": "study sessions and note taking",
    "new pets": "settling in a new pet",
}

USES_ZH: dict[str, str] = {
    "everyday": "日常",
    "office": "通勤",
    "travel": "旅行",
    "outdoors": "户外",
    "evening": "约会",
    "gym": "健身",
    "kids": "儿童",
    "gifting": "送礼",
    "small spaces": "小户型",
    "home cooking": "家庭烹饪",
    "sleep": "睡眠",
    "camping": "露营",
    "sensitive skin": "敏感肌",
    "study": "学习",
    "new pets": "新宠物",
}

COLORS: tuple[str, ...] = (
    "black",
    "white",
    "navy",
    "olive",
    "sand",
    "charcoal",
    "terracotta",
    "sage",
    "cream",
    "burgundy",
    "sky blue",
    "mustard",
)

# Brand tier: 0 budget, 1 mid-range, 2 premium (drives price and hidden quality).
BRAND_TIERS: dict[str, int] = {}

CATEGORIES: tuple[Category, ...] = (
    Category(
        "clothing",
        "服装",
        (
            ("shirt", "衬衫"),
            ("dress", "连衣裙"),
            ("jacket", "夹克"),
            ("sweater", "毛衣"),
            ("trousers", "长裤"),
            ("hoodie", "连帽卫衣"),
        ),
        45.0,
        0.45,
        ("Northvale", "Larkspur", "Tidewell", "Fernhollow", "Quillmoor"),
        ("cotton", "linen", "wool", "silk", "denim", "fleece", "recycled polyester"),
        ("minimalist", "vintage", "classic", "sporty", "bohemian", "elegant", "streetwear"),
        ("everyday", "office", "travel", "evening"),
        ("relaxed fit", "machine washable", "hidden pockets", "breathable weave", "tailored cut"),
    ),
    Category(
        "shoes",
        "鞋履",
        (
            ("sneakers", "运动鞋"),
            ("boots", "靴子"),
            ("loafers", "乐福鞋"),
            ("sandals", "凉鞋"),
            ("running shoes", "跑鞋"),
        ),
        80.0,
        0.4,
        ("Stridewell", "Copperfox", "Marlow Lane", "Pebblestep", "Ironbark"),
        ("leather", "suede", "canvas", "mesh", "knit", "natural rubber"),
        ("minimalist", "vintage", "classic", "sporty", "streetwear", "elegant"),
        ("everyday", "office", "travel", "outdoors", "gym"),
        ("cushioned sole", "waterproof lining", "wide fit", "slip resistant", "removable insole"),
    ),
    Category(
        "bags",
        "箱包",
        (
            ("backpack", "双肩包"),
            ("tote bag", "托特包"),
            ("crossbody bag", "斜挎包"),
            ("duffel bag", "旅行袋"),
            ("wallet", "钱包"),
        ),
        60.0,
        0.5,
        ("Harbourline", "Wrenfield", "Ashcombe", "Kitepath", "Ollery"),
        ("leather", "canvas", "nylon", "recycled polyester", "cork"),
        ("minimalist", "vintage", "classic", "bohemian", "industrial", "streetwear"),
        ("everyday", "office", "travel", "gifting"),
        (
            "padded laptop sleeve",
            "water resistant",
            "RFID blocking",
            "magnetic clasp",
            "adjustable strap",
        ),
    ),
    Category(
        "bedding",
        "家纺",
        (
            ("duvet cover", "被套"),
            ("sheet set", "床单套装"),
            ("pillow", "枕头"),
            ("throw blanket", "毯子"),
            ("towel set", "毛巾套装"),
        ),
        55.0,
        0.45,
        ("Driftmoor", "Sleepwell Row", "Linnet House", "Calmbrook", "Hearthloom"),
        ("cotton", "linen", "bamboo", "wool", "silk", "organic cotton"),
        ("minimalist", "vintage", "classic", "scandinavian", "bohemian", "rustic"),
        ("sleep", "everyday", "gifting", "kids"),
        ("oeko-tex certified", "hypoallergenic", "stonewashed", "deep pockets", "quick drying"),
    ),
    Category(
        "kitchen",
        "厨房用品",
        (
            ("frying pan", "平底锅"),
            ("chef's knife", "厨师刀"),
            ("kettle", "水壶"),
            ("mug set", "马克杯套装"),
            ("storage jars", "储物罐"),
            ("cutting board", "砧板"),
        ),
        35.0,
        0.55,
        ("Emberforge", "Saltmarsh", "Copperleaf", "Bramblewood", "Tinsmith & Daughters"),
        ("stainless steel", "cast iron", "ceramic", "glass", "bamboo", "oak"),
        ("minimalist", "vintage", "classic", "industrial", "scandinavian", "rustic"),
        ("home cooking", "small spaces", "gifting", "everyday"),
        (
            "dishwasher safe",
            "induction ready",
            "non-stick coating",
            "airtight lid",
            "ergonomic handle",
        ),
    ),
    Category(
        "furniture",
        "家具",
        (
            ("desk", "书桌"),
            ("bookshelf", "书架"),
            ("armchair", "扶手椅"),
            ("side table", "边几"),
            ("floor lamp", "落地灯"),
        ),
        180.0,
        0.55,
        ("Oakhaven", "Fjordline", "Tallow & Pine", "Greystone Works", "Nookery"),
        ("oak", "walnut", "pine", "rattan", "steel", "velvet"),
        ("minimalist", "vintage", "classic", "industrial", "scandinavian", "modern", "rustic"),
        ("office", "small spaces", "study", "everyday"),
        (
            "tool-free assembly",
            "cable management",
            "solid wood legs",
            "foldable",
            "adjustable height",
        ),
    ),
    Category(
        "audio",
        "数码配件",
        (
            ("headphones", "头戴式耳机"),
            ("earbuds", "无线耳机"),
            ("bluetooth speaker", "蓝牙音箱"),
            ("phone charger", "充电器"),
            ("phone case", "手机壳"),
        ),
        50.0,
        0.7,
        ("Soundhollow", "Voltwren", "Echofield", "Brightwire", "Lumacore"),
        ("aluminium", "silicone", "recycled plastic", "leather", "knit"),
        ("minimalist", "modern", "sporty", "classic", "streetwear"),
        ("travel", "office", "gym", "everyday"),
        (
            "noise cancelling",
            "fast charging",
            "30-hour battery",
            "splash proof",
            "multipoint pairing",
        ),
    ),
    Category(
        "outdoor",
        "户外",
        (
            ("tent", "帐篷"),
            ("sleeping bag", "睡袋"),
            ("daypack", "登山包"),
            ("camping stove", "露营炉"),
            ("water bottle", "水瓶"),
        ),
        70.0,
        0.6,
        ("Ridgeborn", "Summit & Sparrow", "Trailmere", "Cairnlight", "Wildhaven"),
        ("nylon", "aluminium", "stainless steel", "down", "recycled polyester"),
        ("minimalist", "classic", "sporty", "rustic", "modern"),
        ("camping", "outdoors", "travel", "everyday"),
        ("ultralight", "packs small", "storm tested", "insulated", "leakproof"),
    ),
    Category(
        "fitness",
        "健身",
        (
            ("yoga mat", "瑜伽垫"),
            ("dumbbells", "哑铃"),
            ("resistance bands", "弹力带"),
            ("jump rope", "跳绳"),
            ("foam roller", "泡沫轴"),
        ),
        30.0,
        0.5,
        ("Flexpoint", "Corewise", "Pulsewood", "Kinetta", "Ironlily"),
        ("natural rubber", "cork", "steel", "foam", "neoprene"),
        ("minimalist", "sporty", "modern", "classic"),
        ("gym", "small spaces", "travel", "everyday"),
        ("non-slip grip", "carry strap", "adjustable weight", "extra thick", "sweat resistant"),
    ),
    Category(
        "beauty",
        "美妆个护",
        (
            ("face cream", "面霜"),
            ("cleanser", "洁面乳"),
            ("serum", "精华"),
            ("lip balm", "润唇膏"),
            ("shampoo", "洗发水"),
        ),
        22.0,
        0.55,
        ("Petalworks", "Dewmarket", "Sable & Salt", "Clearbrook", "Honeyvale"),
        ("aloe", "shea butter", "green tea", "hyaluronic acid", "vitamin c", "rosehip oil"),
        ("minimalist", "classic", "elegant", "modern"),
        ("sensitive skin", "everyday", "travel", "gifting"),
        ("fragrance free", "vegan formula", "refillable", "dermatologist tested", "travel size"),
    ),
    Category(
        "toys",
        "玩具",
        (
            ("building blocks", "积木"),
            ("jigsaw puzzle", "拼图"),
            ("plush toy", "毛绒玩具"),
            ("wooden train set", "木制火车"),
            ("board game", "桌游"),
        ),
        28.0,
        0.5,
        ("Tumblewick", "Little Otter", "Puzzlemint", "Kiteberry", "Marbleroo"),
        ("beech wood", "recycled plastic", "organic cotton", "cardboard", "felt"),
        ("playful", "classic", "vintage", "scandinavian", "modern"),
        ("kids", "gifting", "travel", "everyday"),
        ("ages 3 and up", "non-toxic paint", "storage bag", "1000 pieces", "washable"),
    ),
    Category(
        "stationery",
        "文具",
        (
            ("notebook", "笔记本"),
            ("fountain pen", "钢笔"),
            ("planner", "手账本"),
            ("desk organizer", "桌面收纳"),
            ("sketchbook", "素描本"),
        ),
        18.0,
        0.5,
        ("Inkwell & Oak", "Papermoth", "Quietleaf", "Scrivenly", "Dotgrid Co"),
        ("recycled paper", "leather", "brass", "bamboo", "felt"),
        ("minimalist", "vintage", "classic", "elegant", "playful"),
        ("study", "office", "gifting", "travel"),
        (
            "dot grid pages",
            "lay-flat binding",
            "refillable",
            "fountain pen friendly",
            "elastic closure",
        ),
    ),
    Category(
        "pets",
        "宠物用品",
        (
            ("dog bed", "狗窝"),
            ("cat tree", "猫爬架"),
            ("leash", "牵引绳"),
            ("feeding bowl", "食盆"),
            ("pet carrier", "宠物包"),
        ),
        35.0,
        0.55,
        ("Pawfield", "Whiskerly", "Barkwell", "Tailspin", "Mosshound"),
        ("cotton", "nylon", "ceramic", "stainless steel", "sisal", "felt"),
        ("minimalist", "classic", "playful", "scandinavian", "rustic"),
        ("new pets", "travel", "everyday", "small spaces"),
        (
            "machine washable cover",
            "reflective stitching",
            "anti-slip base",
            "chew resistant",
            "airline approved",
        ),
    ),
)


def _tier(brand_index: int) -> int:
    """Spread tiers over each category's five brands: budget, mid, mid, premium, budget."""
    return (0, 1, 1, 2, 0)[brand_index % 5]


for _category in CATEGORIES:
    for _index, _brand in enumerate(_category.brands):
        BRAND_TIERS[_brand] = _tier(_index)

CATEGORY_NAMES: tuple[str, ...] = tuple(c.name for c in CATEGORIES)
BRANDS: tuple[str, ...] = tuple(b for c in CATEGORIES for b in c.brands)
MATERIALS: tuple[str, ...] = tuple(MATERIALS_ZH)
STYLES: tuple[str, ...] = tuple(STYLES_ZH)
USES: tuple[str, ...] = tuple(USES_EN)

# Materials that make no sense for a noun (a down water bottle, a velvet desk).
MATERIAL_EXCLUSIONS: dict[str, frozenset[str]] = {
    noun: frozenset(materials.split(","))
    for noun, materials in {
        "running shoes": "leather,suede",
        "chef's knife": "glass,bamboo,oak,cast iron,ceramic",
        "kettle": "bamboo,oak",
        "frying pan": "glass,bamboo,oak",
        "mug set": "cast iron,oak,bamboo",
        "cutting board": "cast iron,stainless steel,ceramic,glass",
        "storage jars": "cast iron",
        "desk": "velvet,rattan",
        "bookshelf": "velvet",
        "side table": "velvet",
        "floor lamp": "velvet",
        "phone charger": "leather,knit",
        "earbuds": "leather,knit",
        "phone case": "knit",
        "tent": "aluminium,stainless steel,down",
        "sleeping bag": "aluminium,stainless steel",
        "daypack": "aluminium,stainless steel,down",
        "camping stove": "nylon,down,recycled polyester",
        "water bottle": "nylon,down,recycled polyester",
        "yoga mat": "steel",
        "dumbbells": "cork,foam,natural rubber",
        "resistance bands": "cork,steel,foam",
        "jump rope": "cork",
        "foam roller": "steel",
        "building blocks": "organic cotton,felt",
        "jigsaw puzzle": "organic cotton,felt,recycled plastic",
        "plush toy": "beech wood,recycled plastic,cardboard",
        "wooden train set": "recycled plastic,organic cotton,cardboard,felt",
        "board game": "organic cotton",
        "fountain pen": "recycled paper,felt",
        "notebook": "brass",
        "planner": "brass",
        "sketchbook": "brass,bamboo",
        "dog bed": "ceramic,stainless steel,sisal",
        "cat tree": "ceramic,stainless steel,nylon",
        "leash": "ceramic,stainless steel,sisal,felt",
        "feeding bowl": "cotton,nylon,sisal,felt",
        "pet carrier": "ceramic,stainless steel,sisal",
    }.items()
}

# Nouns that are grammatically plural ("these earbuds", not "a earbuds").
PLURAL_NOUNS: frozenset[str] = frozenset(
    {
        "sneakers",
        "boots",
        "loafers",
        "sandals",
        "running shoes",
        "trousers",
        "earbuds",
        "headphones",
        "dumbbells",
        "resistance bands",
        "building blocks",
        "storage jars",
    }
)

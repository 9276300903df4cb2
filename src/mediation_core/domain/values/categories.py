"""Dispute categories (纠纷类型): data, in the Ministry's statistics order, extensible by hook.

The built-in list follows docs/legal-basis.md §5.2.1 (S26); counties add local categories through
the ``mediation_categories`` hook. Codes are stable identifiers stored on cases.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping

from attrs import frozen


class Jurisdiction(enum.Enum):
    """Whether people's mediation may take a dispute of this kind."""

    PEOPLES_MEDIATION = "peoples_mediation"
    RESERVED = "reserved"  # reserved by law to a specialised organ (docs/legal-basis.md §1.3.11 (a))


@frozen(kw_only=True)
class Category:
    """One dispute category; ``order`` places it in statistics tables."""

    code: str
    name_zh: str
    name_en: str
    order: int
    jurisdiction: Jurisdiction = Jurisdiction.PEOPLES_MEDIATION


MINISTRY_CATEGORIES: tuple[Category, ...] = tuple(
    Category(code=code, name_zh=zh, name_en=en, order=i)
    for i, (code, zh, en) in enumerate(
        [
            ("marriage_family", "婚姻家庭纠纷", "marriage and family"),
            ("neighbourhood", "邻里纠纷", "neighbourhood"),
            ("housing_homestead", "房屋宅基地纠纷", "housing and homestead"),
            ("contract", "合同纠纷", "contract"),
            ("production_business", "生产经营纠纷", "production and business"),
            ("damages", "损害赔偿纠纷", "damages"),
            ("forest_land", "山林土地纠纷", "forest and land"),
            ("land_requisition", "征地拆迁纠纷", "land requisition and demolition"),
            ("environment", "环境污染纠纷", "environmental pollution"),
            ("labour", "劳动争议纠纷", "labour"),
            ("medical", "医疗纠纷", "medical"),
            ("traffic_accident", "道路交通事故纠纷", "road traffic accident"),
            ("property_management", "物业纠纷", "property management"),
            ("wage_arrears", "拖欠农民工工资纠纷", "migrant workers' wage arrears"),
            ("consumer", "消费纠纷", "consumer"),
            ("other", "其他纠纷", "other"),
        ]
    )
)


def category_table(extra: Iterable[Category] = ()) -> Mapping[str, Category]:
    """The Ministry's list plus local categories; a clashing code is an error."""
    table: dict[str, Category] = {c.code: c for c in MINISTRY_CATEGORIES}
    for category in extra:
        if category.code in table:
            msg = f"category code {category.code!r} is defined twice"
            raise ValueError(msg)
        table[category.code] = category
    return dict(sorted(table.items(), key=lambda kv: (kv[1].order, kv[0])))

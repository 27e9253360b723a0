"""Documents to clients (对客文件发放): kinds, delivery methods, who a letter goes to and how it gets there.

The seed (§三) gives the rules: every document in the company envelope; occupied units may
be served together with security (who must first know what it says); key clients get it
from the butler in person, with an explanation; owners who have not moved in get it by
post at the address they left; anything not collected after two weeks means a phone call.

Decisions taken here (the services and the printed register rely on them):

* **Audience.** Outage and activity notices and the special-service price list concern the
  people who live in the unit (tenants of a let unit, otherwise the owner who lives
  there); statements, payment demands and lawyer's letters concern the owner, who owes
  the fee. A unit nobody lives in is still written to, addressed to its owner: the owner
  answers for the empty flat (taps, gas valve, leaks).
* **Which owner.** Of several owners, the first one recorded who lives in the unit, else
  the first one recorded; one letter per household.
* **Who lives there.** A vacant, handed-over or renovating unit has no residents. A let
  unit's residents are its tenants and their family. In an occupied unit, owners with a
  move-in date live there; when no owner has one, all owners are taken to (the status says
  someone lives there; the date was never recorded); family and tenants too.
* **Delivery.** Key client → 管家亲送; one who lives elsewhere is met by appointment, and the
  envelope carries their mailing address and postcode (posted mail always goes there). Addressee lives there → by hand: 管家派送 for documents
  naming amounts owed (statements, demands, lawyer's letters: not for a security guard's
  hands), 随安防派送 for notices. Addressee lives elsewhere with a mailing address → 邮寄;
  without one → 管家派送 with a note to record the address.
* **Uncollected.** Counted from the day sent; posted letters give no receipt, so only a
  returned letter brings them back onto the butler's list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from butler_desk.domain.enums import LabelledEnum, PartyRole, UnitStatus

UNCOLLECTED_DAYS = 14  # seed §三: 超过两周仍无人领取的，电话告知客户


class DocumentKind(LabelledEnum):
    """What was sent (文件类别); the value is stored, the label printed."""

    STATEMENT = ("statement", "对帐单", "对账单", "账单")
    WATER_OUTAGE = ("water_outage", "停水通知")
    POWER_OUTAGE = ("power_outage", "停电通知")
    GAS_OUTAGE = ("gas_outage", "停气通知")
    PRICE_LIST = ("special_service_prices", "特约服务收费标准", "收费标准")
    ACTIVITY = ("activity", "活动通知")
    PAYMENT_DEMAND = ("payment_demand", "催缴通知书", "催缴通知", "催费通知")
    LAWYER_LETTER = ("lawyer_letter", "律师函")
    OTHER = ("other", "其他", "其它")

    @classmethod
    def kind_label(cls) -> str:
        return "文件类别"


class DeliveryMethod(LabelledEnum):
    """How one copy reaches its household (送达方式)."""

    WITH_SECURITY = ("with_security", "随安防派送", "安防派送", "随安防")
    IN_PERSON = ("in_person", "管家亲送", "亲送", "亲自送达")
    POST = ("post", "邮寄", "寄送", "邮递")
    BUTLER = ("butler", "管家派送", "派送")

    @classmethod
    def kind_label(cls) -> str:
        return "送达方式"

    @property
    def short_label(self) -> str:
        """At most four characters, for narrow columns of printed sheets."""
        return "安防派送" if self is DeliveryMethod.WITH_SECURITY else self.label


class Audience(LabelledEnum):
    """Whom a kind of document is written to."""

    OWNERS = ("owners", "业主")
    OCCUPANTS = ("occupants", "住户", "实际居住人")

    @classmethod
    def kind_label(cls) -> str:
        return "发放对象"


# Documents that name an amount owed: never handed to security to pass on.
CONFIDENTIAL_KINDS = frozenset({DocumentKind.STATEMENT, DocumentKind.PAYMENT_DEMAND, DocumentKind.LAWYER_LETTER})
OCCUPANT_KINDS = frozenset({DocumentKind.WATER_OUTAGE, DocumentKind.POWER_OUTAGE, DocumentKind.GAS_OUTAGE,
                            DocumentKind.ACTIVITY, DocumentKind.PRICE_LIST})
HAND_METHODS = frozenset({DeliveryMethod.WITH_SECURITY, DeliveryMethod.IN_PERSON, DeliveryMethod.BUTLER})
# forms/notices/<id>.toml → the register's kind.
TEMPLATE_KINDS = {
    "water-outage": DocumentKind.WATER_OUTAGE,
    "power-outage": DocumentKind.POWER_OUTAGE,
    "gas-outage": DocumentKind.GAS_OUTAGE,
    "activity": DocumentKind.ACTIVITY,
    "special-service-prices": DocumentKind.PRICE_LIST,
}
_NOBODY_LIVES = frozenset({UnitStatus.VACANT, UnitStatus.HANDED_OVER, UnitStatus.RENOVATING})


def audience_for(kind: DocumentKind) -> Audience:
    return Audience.OCCUPANTS if kind in OCCUPANT_KINDS else Audience.OWNERS


def kind_of_template(template_id: str) -> DocumentKind:
    return TEMPLATE_KINDS.get(template_id, DocumentKind.OTHER)


def default_hand_method(kind: DocumentKind) -> DeliveryMethod:
    return DeliveryMethod.BUTLER if kind in CONFIDENTIAL_KINDS else DeliveryMethod.WITH_SECURITY


@dataclass(frozen=True)
class Occupant:
    """A current owner, tenant or family member of a unit, as the delivery rules see them."""

    party_id: int
    name: str
    role: PartyRole
    moved_in: date | None = None
    key_client: bool = False
    mailing_address: str = ""
    postcode: str = ""


@dataclass(frozen=True)
class Delivery:
    """The decision for one household: who, whether they live there, how, and to which address."""

    addressee: Occupant
    resident: bool
    method: DeliveryMethod
    address: str  # the mailing address for 邮寄; "" for delivery by hand inside the estate
    postcode: str
    note: str = ""


def residents(status: UnitStatus, occupants: Sequence[Occupant]) -> list[Occupant]:
    """Who lives in the unit, in the order recorded (see the module's decisions)."""
    if status in _NOBODY_LIVES:
        return []
    if status is UnitStatus.LET:
        return [o for o in occupants if o.role is not PartyRole.OWNER]
    owners = [o for o in occupants if o.role is PartyRole.OWNER]
    dated = [o for o in owners if o.moved_in is not None]
    living_owners = dated or owners
    return [o for o in occupants if o.role is not PartyRole.OWNER or o in living_owners]


def choose_addressee(status: UnitStatus, occupants: Sequence[Occupant], audience: Audience) -> Occupant | None:
    """The one person a household's letter is addressed to; None when the unit has nobody on record."""
    living = residents(status, occupants)
    owners = [o for o in occupants if o.role is PartyRole.OWNER]
    if audience is Audience.OCCUPANTS:
        for role in (PartyRole.TENANT, PartyRole.OWNER, PartyRole.FAMILY):
            found = next((o for o in living if o.role is role), None)
            if found is not None:
                return found
    else:
        found = next((o for o in owners if o in living), None)
        if found is not None:
            return found
    return owners[0] if owners else None


def plan_delivery(status: UnitStatus, occupants: Sequence[Occupant], kind: DocumentKind,
                  hand_method: DeliveryMethod | None = None, audience: Audience | None = None) -> Delivery | None:
    """Addressee and method for one unit (``audience`` overrides the kind's); None when nobody is on record."""
    addressee = choose_addressee(status, occupants, audience or audience_for(kind))
    if addressee is None:
        return None
    lives_there = addressee in residents(status, occupants)
    by_hand = hand_method or default_hand_method(kind)
    if addressee.key_client:
        if lives_there:
            return Delivery(addressee, True, DeliveryMethod.IN_PERSON, "", "")
        # Handed over by appointment, or posted: either way the envelope carries the address they
        # left, since a letter addressed to the empty flat reaches nobody.
        address = addressee.mailing_address.strip()
        note = "重点客户不在本小区居住：请约时间面交，或电话说明后按通讯地址邮寄"
        if not address:
            note += "（台账中没有通讯地址：请补录）"
        elif not addressee.postcode.strip():
            note += "（缺邮政编码：请补录后再寄）"
        return Delivery(addressee, False, DeliveryMethod.IN_PERSON, address, addressee.postcode.strip(), note)
    if lives_there:
        return Delivery(addressee, True, by_hand, "", "")
    address = addressee.mailing_address.strip()
    if address:
        note = "" if addressee.postcode else "缺邮政编码：请补录后再寄"
        return Delivery(addressee, False, DeliveryMethod.POST, address, addressee.postcode.strip(), note)
    return Delivery(addressee, False, DeliveryMethod.BUTLER, "", "",
                    f"{addressee.name}不在本小区居住且没有通讯地址：请补录地址，或放服务中心待领")


SALUTATION_STYLES = {"name": "按姓名：尊敬的陈明博先生/女士", "room": "按房号：尊敬的 3-2-1101 业主"}


def salutation_for(addressee: Occupant, style: str = "name", room: str = "") -> str:
    """Whom a letter greets, as a property office writes it (what follows 尊敬的).

    ``name``: 陈明博先生/女士, the standard neutral form, since the gender is never guessed;
    ``room``: 3-2-1101 业主 (or 住户 for a tenant or family member), for offices that write
    to the flat rather than the person.
    """
    if style == "room" and room:
        return f"{room} {'业主' if addressee.role is PartyRole.OWNER else '住户'}"
    return f"{addressee.name}先生/女士"


def collect_by(sent_on: date, days: int = UNCOLLECTED_DAYS) -> date:
    """The day an uncollected document calls for a phone call."""
    return sent_on + timedelta(days=days)


def is_uncollected(method: DeliveryMethod, sent_on: date | None, received_on: date | None, returned: bool,
                   today: date, days: int = UNCOLLECTED_DAYS) -> bool:
    """Delivered by hand, not signed for or returned, and ``days`` or more since it was sent."""
    if method not in HAND_METHODS or sent_on is None or received_on is not None or returned:
        return False
    return collect_by(sent_on, days) <= today

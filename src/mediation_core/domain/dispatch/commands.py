"""110 dispatch commands. The station records the call and hands over or keeps the matter; the
room's mediator who went along records a settlement on the scene."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

from attrs import frozen

from mediation_core.domain.case.agreements import AgreementSubject
from mediation_core.domain.referral.letters import ConsentEvidence
from mediation_core.domain.values.parties import Party


class PoliceFinding(enum.Enum):
    """The officers' judgement on the scene: is the dispute itself a 治安 violation?"""

    CIVIL_ONLY = "civil_only"  # 不构成违反治安管理行为的民间纠纷
    PUBLIC_ORDER = "public_order"  # 涉嫌违反治安管理，由公安机关受案处理

    @property
    def title_zh(self) -> str:
        return "不构成违反治安管理行为的民间纠纷" if self is PoliceFinding.CIVIL_ONLY else "涉嫌违反治安管理行为"


@frozen(kw_only=True)
class DispatchCommand:
    """Base of every dispatch command; ``dispatch_id`` names the dispatch."""

    dispatch_id: str


@frozen(kw_only=True)
class RecordDispatch(DispatchCommand):
    """A 110 call the station's officers went out on; ``mediator_id`` when the room's mediator
    went with them (同步介入)."""

    station_id: str
    room_id: str
    incident_number: str
    call_received_at: dt.datetime
    place: str
    officers: tuple[str, ...]
    summary: str
    mediator_id: str = ""


@frozen(kw_only=True)
class SettleOnScene(DispatchCommand):
    """The mediator settled the dispute on the scene: the case is registered, accepted, mediated
    and concluded with an oral agreement, all on ``on``, in the same transaction. ``police_finding``
    is the officers' judgement that the dispute is no 治安 violation, made by ``finding_by`` (one
    of the officers who went): a 治安 matter goes the police route (``KeepAsPoliceMatter``)."""

    on: dt.date
    mediator_id: str
    category: str
    summary: str
    parties: tuple[Party, ...]
    content: str
    subject: AgreementSubject = AgreementSubject.CIVIL_RIGHTS
    amount_involved: Decimal = Decimal(0)
    case_id: str = ""
    police_finding: PoliceFinding | None = None
    finding_by: str = ""


@frozen(kw_only=True)
class HandDispatchToRoom(DispatchCommand):
    """Not settled on the scene, and the parties agree to people's mediation: a 移送函 to the room.
    Like a settlement on the scene, it needs the officers' judgement that it is no 治安 matter."""

    on: dt.date
    signed_by: str
    category: str
    cause: str
    facts: str
    parties: tuple[Party, ...]
    consents: tuple[ConsentEvidence, ...] = ()
    referral_id: str = ""
    letter_number: str = ""
    police_finding: PoliceFinding | None = None
    finding_by: str = ""


@frozen(kw_only=True)
class KeepAsPoliceMatter(DispatchCommand):
    on: dt.date
    reason: str
    police_reference: str = ""


COMMAND_TYPES: tuple[type[DispatchCommand], ...] = (
    RecordDispatch,
    SettleOnScene,
    HandDispatchToRoom,
    KeepAsPoliceMatter,
)

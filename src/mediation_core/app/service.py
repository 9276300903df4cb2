"""The service: commands, queries, jobs and files over one store, for one county.

``MediationService`` is the one object a county system holds; its parts live by concern in
:mod:`.commands`, :mod:`.queries`, :mod:`.jobs` and :mod:`.exporting`."""

from __future__ import annotations

import gc
from collections.abc import Sequence

from mediation_core.app import dashboard, exporting
from mediation_core.app.authorisation import authorise_report_read
from mediation_core.app.coordination import rooms_in
from mediation_core.app.jobs import Expired, Jobs
from mediation_core.app.ports import Document
from mediation_core.app.queries import CaseFile, replay_records
from mediation_core.app.runtime import event_of, query, utc_now
from mediation_core.domain.errors import AuthorisationError
from mediation_core.domain.kernel.context import DecisionContext
from mediation_core.domain.reporting.imports import IMPORT_BATCH_DOCUMENT, held_back
from mediation_core.domain.values.actors import Actor, Role
from mediation_core.domain.values.calendar import local_date
from mediation_core.domain.values.periods import Period
from mediation_core.exports.forms import DocumentForm
from mediation_core.exports.ledger import LedgerTable
from mediation_core.exports.screening import screening_table


class MediationService(Jobs):
    """Use cases over one store, with the county's policy, calendar and plugins: commands
    (:class:`~mediation_core.app.commands.Commands`), queries
    (:class:`~mediation_core.app.queries.Queries`), jobs
    (:class:`~mediation_core.app.jobs.Jobs`) and the files built from what a reader may read.

    ``channels`` are the configured notifiers the outbox is delivered through
    (:func:`mediation_core.app.delivery.open_channels`), ``delivery_policy`` how hard it tries.
    ``identity_key`` is the deployment's secret for the keyed digests of party identities
    that find repeat disputes. Without one, a random key lives as long as the service, which
    suits only a store that dies with the process (the memory store); a persistent store
    needs the same key on every start, or earlier cases stop matching. ``seal_keys`` are the
    keys every record is sealed (current) and verified (all) with, ``anchor_keys`` those that
    sign and check anchors (:class:`~mediation_core.records.SealKeys`; docs/adr/0013-keyed-seals.md);
    without seal keys records get a plain SHA-256 hash.
    """

    def ready(self) -> None:
        """Say the process has started: call it once in a long-running process (a server,
        a delivery or relay worker), after the service is open and warm. What start-up
        built (modules, plugins, the rulebook, templates, the registry) stays for the
        process's life, so it is collected once and frozen (``gc.freeze``): the collector's
        full passes then no longer walk it, and the pauses they cause in a command shrink
        to the objects made since. Tuning the collector further: docs/operations.md."""
        gc.collect()
        gc.freeze()

    # -- files for one reader -----------------------------------------------------------------
    @query("ledger_table")
    def ledger_table(self, actor: Actor, room_ids: Sequence[str] | None = None) -> LedgerTable:
        """The ledger (台账) the actor may read, with Chinese headers, masked for the actor."""
        rows = self.ledger(actor, room_ids)
        return exporting.table(
            rows,
            actor,
            registry=self.registry(),
            categories=self.categories,
            roles=self.policy.personal_data_roles,
            now=self.clock(),
        )

    @query("export_ledger")
    def export_ledger(self, actor: Actor, fmt: str = "xlsx", room_ids: Sequence[str] | None = None) -> bytes:
        """The ledger as a file: ``fmt`` is ``xlsx``, ``csv``, ``json`` or a plugin's format."""
        return exporting.render(self.plugins.renderers(), "ledger", fmt, self.ledger_table(actor, room_ids))

    @query("import_ledger")
    def import_ledger(
        self, data: bytes, fmt: str, actor: Actor, source: str = "", *, resume: str = ""
    ) -> exporting.ImportedBatch:
        """Import a ledger file (cases kept outside the system) as one batch: the file is checked
        whole first, with :class:`~mediation_core.exports.ledger.LedgerImportError` naming each
        bad cell by row and column, and nothing is written unless every row passes; then the rows
        are written a chunk at a time, the file read as it goes (memory does not grow with it).
        Only an administrator imports, and the rows count in evaluations and subsidies once
        another administrator approves the batch. An import interrupted while writing leaves its
        batch incomplete (never counted, not approvable): ``resume=<batch>`` with the same file
        writes the rest (docs/reports.md)."""
        now = self.clock()
        return exporting.import_ledger(
            self.store,
            self.plugins.ledger_readers(),
            data,
            fmt,
            actor,
            registry=self.registry(),
            categories=self.categories,
            context=DecisionContext(now=now, policy=self.policy, calendar=self.calendar),
            refused=lambda refusal: self.access_log.record(refusal, "import_ledger"),
            now=now,
            source=source,
            key=self.seal_keys.sealing,
            resume=resume,
        )

    @query("export_screening_ledger")
    def export_screening_ledger(self, period: Period, scope_id: str, actor: Actor, fmt: str = "xlsx") -> bytes:
        """The screening ledger (纠纷排查台账) of ``scope_id`` for ``period`` as a file: ``xlsx``,
        ``csv``, ``json`` or a plugin's format (renderers of subject ``screening``)."""
        lines = self.screening_ledger(period, scope_id, actor)
        registry = self.registry()
        rooms = sorted({line.room_id for line in lines})
        masked = not exporting.sees_personal_data(actor, rooms, registry, self.policy.personal_data_roles)
        scope = registry.org(scope_id)
        table = screening_table(
            lines, masked=masked, scope=scope.name if scope else scope_id, generated_at=self.clock()
        )
        return exporting.render(self.plugins.renderers(), "screening", fmt, table)

    @query("approve_import")
    def approve_import(self, batch: str, actor: Actor) -> Document:
        """A second administrator approves an imported batch (not the one who imported it):
        its rows then count in evaluations and subsidies. Returns the batch as it now stands."""
        return exporting.approve_import(self.store, batch, actor, now=self.clock(), key=self.seal_keys.sealing)

    @query("import_batches")
    def import_batches(self, actor: Actor) -> list[Document]:
        """Every imported batch, approved or not (an administrator's list)."""
        if actor.role is not Role.ADMINISTRATOR:
            msg = "the import batches are an administrator's list"
            raise AuthorisationError(msg, actor=actor, action="import_batches")
        return self.store.documents(IMPORT_BATCH_DOCUMENT)

    @query("held_back_imports")
    def held_back_imports(self, scope_id: str, actor: Actor) -> tuple[str, ...]:
        """The imported cases of ``scope_id`` an evaluation and the subsidy list leave out:
        their batch awaits a second administrator's approval."""
        registry = self.registry()
        authorise_report_read(actor, scope_id, registry)
        held = held_back(d.body for d in self.store.documents(IMPORT_BATCH_DOCUMENT, {"approved": "no"}))
        return tuple(sorted(r.case_id for r in self.store.ledger(rooms_in(registry, scope_id)) if r.case_id in held))

    @query("statistics_file")
    def statistics_file(self, period: Period, scope_id: str, actor: Actor, fmt: str = "xlsx") -> bytes:
        """The statistics report of ``scope_id`` as a file: ``xlsx`` (the coordination
        centre's workbook), ``html`` (the dashboard), ``json`` or ``csv``."""
        if fmt == "html":
            data = self.dashboard_data(period, scope_id, actor)
            return exporting.render(self.plugins.renderers(), "statistics", fmt, data)
        report = self.statistics(period, scope_id, actor)
        return exporting.render(self.plugins.renderers(), "statistics", fmt, report)

    @query("dashboard_data")
    def dashboard_data(self, period: Period, scope_id: str, actor: Actor) -> dashboard.DashboardData:
        """What the dashboard shows: the report, the previous period's and the same period a year
        before (环比、同比), the units' ranking and the alerts (no party names in any of them)."""
        report = self.statistics(period, scope_id, actor)
        now = self.clock()
        today = local_date(now)
        registry = self.registry()
        rows = list(self.store.ledger(rooms_in(registry, scope_id)))
        found = dashboard.alerts(
            self.store,
            registry,
            scope_id=scope_id,
            rows=rows,
            filings=self.filings(period, scope_id, actor, now),
            meetings=self.meeting_compliance(period, scope_id, actor, now),
            today=today,
        )
        return dashboard.DashboardData(
            report=report,
            previous=self.statistics(dashboard.previous_period(period), scope_id, actor),
            year_ago=self.statistics(dashboard.year_ago_period(period), scope_id, actor),
            alerts=found,
            ranking=dashboard.ranking(report, registry, rows, found),
            generated_at=now,
        )

    @query("dashboard")
    def dashboard(self, period: Period, scope_id: str, actor: Actor) -> bytes:
        """The dashboard: one self-contained HTML file with the figures and inline SVG charts."""
        return self.statistics_file(period, scope_id, actor, "html")

    @query("document")
    def document(self, case_id: str, form: DocumentForm, actor: Actor, fmt: str = "docx") -> bytes:
        """A case's document in the Ministry's form (受理登记表, 调解协议书 …) as a file."""
        filled = exporting.case_document(
            self.case_file(case_id, actor),
            form,
            actor,
            registry=self.registry(),
            categories=self.categories,
            roles=self.policy.personal_data_roles,
        )
        return exporting.render(self.plugins.renderers(), "document", fmt, filled)

    @query("referral_document")
    def referral_document(self, referral_id: str, form: DocumentForm, actor: Actor, fmt: str = "docx") -> bytes:
        """A referral's letter (移送/委托人民调解函) or the room's reply, as a file."""
        filled = exporting.referral_document(
            self.referral(referral_id, actor),
            form,
            actor,
            registry=self.registry(),
            categories=self.categories,
            roles=self.policy.personal_data_roles,
        )
        return exporting.render(self.plugins.renderers(), "document", fmt, filled)


__all__ = ["CaseFile", "Expired", "MediationService", "event_of", "replay_records", "utc_now"]

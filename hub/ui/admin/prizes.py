"""Prize pools: what a lottery stamp card, a delivery insert, a receipt QR or a campaign draws
from. Prizes with their odds, stock, picture and voucher validity, a "no prize" share, the live
odds and stock as a chart, and archiving. Live: every draw redraws the odds and the stock."""

from __future__ import annotations

from typing import Any

from nicegui import events, ui

from hub.domain import lottery_pools
from hub.errors import DomainError
from hub.ui.admin import uploads
from hub.ui.admin.designer import UPLOAD_CSS
from hub.ui.admin.frame import Debounced, Section, Session, frame, notifies_errors, show_error
from hub.ui.admin.owner_pages import admin_page
from hub.ui.admin.section import input_row, section
from hub.ui.live import subscribe

BLANK = "No prize"
EMPTY_PRIZE: dict[str, Any] = {
    "title": "",
    "weight": 1,
    "stock": None,
    "unlimited": True,
    "valid_days": None,
    "image_url": None,
}


def odds_chart(pool: lottery_pools.PoolOverview) -> dict[str, Any]:
    """Each prize's chance in the next draw and what is left of it, side by side."""
    names = [p.title for p in pool.prizes] + [BLANK]
    odds = [round(p.odds * 100, 1) for p in pool.prizes] + [round(pool.blank_odds * 100, 1)]
    stock = [p.stock if p.stock is not None else None for p in pool.prizes] + [None]
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": ["Odds (%)", "Left in stock"], "bottom": 0},
        "grid": {"left": 8, "right": 16, "top": 8, "bottom": 36, "containLabel": True},
        "yAxis": {
            "type": "category",
            "data": names,
            "inverse": True,
            "axisLabel": {"width": 90, "overflow": "truncate"},
        },
        "xAxis": {"type": "value", "minInterval": 1},
        "series": [
            {
                "name": "Odds (%)",
                "type": "bar",
                "data": odds,
                "itemStyle": {"color": "#e0a458"},
                "label": {"show": True, "position": "right", "formatter": "{c} %"},
            },
            {"name": "Left in stock", "type": "bar", "data": stock, "itemStyle": {"color": "#5b3a29"}},
        ],
    }


def stock_text(stock: int | None) -> str:
    return "unlimited" if stock is None else f"{stock:,} left"


@admin_page("/admin/prizes", "Prize pools")
async def prizes_page(session: Session) -> None:
    await PrizePools(session).build()


class PrizePools:
    """The list of pools is redrawn only when pools come or go; a draw or an edit redraws a pool's
    odds, stock and chart but never its forms, so an owner typing the next prize loses nothing."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.new_pool: dict[str, Any] = {"name": ""}
        self.forms: dict[int, dict[str, Any]] = {}
        self.blanks: dict[int, dict[str, Any]] = {}
        self.standings: dict[int, Section] = {}

    async def build(self) -> None:
        ui.add_css(UPLOAD_CSS)
        with frame(self.session, "Prize pools"):
            with section(
                "New prize pool",
                "A lottery stamp card, a delivery insert, a receipt QR or a campaign draws its prize from a pool.",
            ):
                with input_row():
                    ui.input("Pool name", placeholder="Spring draw").bind_value(self.new_pool, "name").props(
                        "outlined dense maxlength=120"
                    ).classes("w-full sm:w-72").mark("pool-name")
                    ui.button("Create pool", icon="add", on_click=self.create).mark("pool-create")
            self.pools = Section(self.load, self.draw, classes="w-full gap-4")
        await self.pools.reload()
        # Draws change stock and odds: the page follows them, at most every second.
        subscribe(f"business:{self.session.business_id}", Debounced(self.on_event, delay=1.0))

    async def on_event(self) -> None:
        live = [p.id for p in await lottery_pools.list_pools(self.session.business_id)]
        if live != list(self.standings):
            await self.pools.reload()
            return
        for standing in list(self.standings.values()):
            await standing.reload()

    async def load(self) -> tuple[list[lottery_pools.PoolOverview], list[Any]]:
        business_id = self.session.business_id
        live = [await lottery_pools.overview(business_id, p.id) for p in await lottery_pools.list_pools(business_id)]
        archived = await lottery_pools.list_pools(business_id, archived=True)
        return live, archived

    def draw(self, loaded: tuple[list[lottery_pools.PoolOverview], list[Any]]) -> None:
        live, archived = loaded
        self.standings = {}
        if not live:
            ui.label("No prize pools yet. Create one above, then add its prizes.").classes("text-stone-500").mark(
                "no-pools"
            )
        for pool in live:
            self.draw_pool(pool)
        if archived:
            with section("Archived pools", "They draw no more; the vouchers they gave stay valid."):
                for pool in archived:
                    ui.label(pool.name).classes("text-sm text-stone-600").mark(f"archived-{pool.id}")

    def draw_pool(self, pool: lottery_pools.PoolOverview) -> None:
        form = self.forms.setdefault(pool.id, dict(EMPTY_PRIZE))
        blank = self.blanks.setdefault(pool.id, {"weight": pool.blank_weight})
        with ui.card().classes("w-full gap-2 min-w-0").mark(f"pool-{pool.id}"):

            async def load_standing(pool_id: int = pool.id) -> lottery_pools.PoolOverview:
                return await lottery_pools.overview(self.session.business_id, pool_id)

            standing = Section(load_standing, self.draw_standing, classes="w-full gap-2")
            with standing.container:
                self.draw_standing(pool)
            self.standings[pool.id] = standing
            ui.label("Add a prize").classes("font-bold mt-2")
            with input_row():
                ui.input("Prize", placeholder="Free cake").bind_value(form, "title").props(
                    "outlined dense maxlength=120"
                ).classes("w-full sm:w-56").mark(f"prize-title-{pool.id}")
                ui.number("Weight (odds)", min=1, precision=0).bind_value(
                    form, "weight", forward=lambda x: int(x) if x is not None else None
                ).props("outlined dense").classes("w-32").mark(f"prize-weight-{pool.id}")
                ui.checkbox("Unlimited").bind_value(form, "unlimited").mark(f"prize-unlimited-{pool.id}")
                ui.number("Stock", min=0, precision=0).bind_value(
                    form, "stock", forward=lambda x: int(x) if x is not None else None
                ).props("outlined dense").classes("w-28").bind_visibility_from(
                    form, "unlimited", backward=lambda u: not u
                ).mark(f"prize-stock-{pool.id}")
                ui.number("Voucher valid (days, 0 = no expiry)", min=0, precision=0).bind_value(
                    form, "valid_days", forward=lambda x: int(x) if x is not None else None
                ).props("outlined dense clearable").classes("w-full sm:w-64").mark(f"prize-days-{pool.id}")
            self.picture_field(form)
            ui.button("Add prize", icon="add", on_click=lambda p=pool: self.add_prize(p)).mark(f"prize-add-{pool.id}")
            ui.label('"No prize" share').classes("font-bold mt-2")
            with input_row():
                ui.number("Weight of no prize", min=0, precision=0).bind_value(
                    blank, "weight", forward=lambda x: int(x) if x is not None else None
                ).props("outlined dense").classes("w-40").mark(f"blank-weight-{pool.id}")
                ui.button("Save", on_click=lambda p=pool, b=blank: self.save_blank(p, b)).props("outline").mark(
                    f"blank-save-{pool.id}"
                )
            with ui.row().classes("w-full justify-end"):
                ui.button("Archive pool", icon="archive", on_click=lambda p=pool: self.confirm_archive(p)).props(
                    "flat color=negative"
                ).mark(f"pool-archive-{pool.id}")

    def draw_standing(self, pool: lottery_pools.PoolOverview) -> None:
        """What moves with every draw and edit: version, odds, stock and the chart."""
        rewards = (
            f"rewards full cards of “{pool.template_name}”"
            if pool.template_name
            else "for inserts, receipts and campaigns"
        )
        ui.label(pool.name).classes("text-lg font-bold")
        ui.label(f"Version {pool.version} · {rewards} · {pool.draws:,} draws").classes("text-sm text-stone-600")
        if pool.prizes:
            ui.echart(odds_chart(pool)).classes("w-full h-56").mark(f"pool-chart-{pool.id}")
        for prize in pool.prizes:
            with ui.row().classes("w-full items-center gap-2 no-wrap border-b py-1").mark(f"prize-{prize.id}"):
                if prize.image_url:
                    ui.image(prize.image_url).classes("w-10 h-10 shrink-0 rounded").props("fit=cover")
                with ui.column().classes("gap-0 grow min-w-0"):
                    ui.label(prize.title).classes("font-medium truncate")
                    valid = (
                        "card's validity"
                        if prize.valid_days is None
                        else ("no expiry" if prize.valid_days == 0 else f"valid {prize.valid_days} days")
                    )
                    ui.label(
                        f"{prize.odds * 100:.1f} % · weight {prize.weight} · {stock_text(prize.stock)} · "
                        f"{prize.awarded} won · {valid}"
                    ).classes("text-xs text-stone-600").mark(f"prize-line-{prize.id}")
                ui.button(icon="edit", on_click=lambda p=prize, pl=pool: self.edit(pl, p)).props(
                    "flat round dense"
                ).tooltip("Edit prize").mark(f"prize-edit-{prize.id}")
                ui.button(icon="delete", on_click=lambda p=prize, pl=pool: self.retire(pl, p)).props(
                    "flat round dense"
                ).tooltip("Take out of the draw").mark(f"prize-retire-{prize.id}")
        ui.label(f"No prize: {pool.blank_odds * 100:.1f} %").classes("text-sm text-stone-600").mark(
            f"blank-odds-{pool.id}"
        )

    def picture_field(self, form: dict[str, Any]) -> None:
        @notifies_errors
        async def received(e: events.UploadEventArguments) -> None:
            form["image_url"] = await uploads.store_image(self.session.business_id, "prize", await e.file.read())
            ui.notify("Picture ready: it goes with the next prize you add.")

        ui.upload(
            label="Prize picture (optional, PNG or JPEG)",
            on_upload=received,
            on_rejected=lambda: ui.notify("Upload an image of up to 5 MB.", type="warning"),
            auto_upload=True,
            max_file_size=uploads.MAX_BYTES,
        ).props("accept=image/* flat bordered dense").classes("w-full sm:w-80 image-upload")

    async def run(self, action: Any, done: str, *, pool_id: int | None = None) -> bool:
        """Carry out an owner's change; a change inside one pool redraws only that pool's standing."""
        try:
            await action
        except DomainError as error:
            show_error(error)
            return False
        ui.notify(done, type="positive")
        standing = self.standings.get(pool_id) if pool_id is not None else None
        await (standing or self.pools).reload()
        return True

    async def create(self) -> None:
        if await self.run(
            lottery_pools.create_pool(self.session.business_id, self.new_pool["name"] or ""), "Prize pool created"
        ):
            self.new_pool["name"] = ""

    async def add_prize(self, pool: lottery_pools.PoolOverview) -> None:
        form = self.forms[pool.id]
        added = await self.run(
            lottery_pools.add_prize(
                self.session.business_id,
                pool.id,
                form["title"] or "",
                weight=form["weight"] if form["weight"] is not None else 0,
                stock=None if form["unlimited"] else (form["stock"] if form["stock"] is not None else -1),
                valid_days=form["valid_days"],
                image_url=form["image_url"],
            ),
            "Prize added: a new version of the pool is live",
            pool_id=pool.id,
        )
        if added:  # the inputs stay bound to this dict: clear it in place for the next prize
            form.update(EMPTY_PRIZE)

    async def save_blank(self, pool: lottery_pools.PoolOverview, blank: dict[str, Any]) -> None:
        weight = blank["weight"] if blank["weight"] is not None else -1
        await self.run(
            lottery_pools.update_pool(self.session.business_id, pool.id, blank_weight=weight),
            "No-prize share saved",
            pool_id=pool.id,
        )

    async def retire(self, pool: lottery_pools.PoolOverview, prize: lottery_pools.PrizeLine) -> None:
        await self.run(
            lottery_pools.retire_prize(self.session.business_id, pool.id, prize.id),
            f"{prize.title} is out of the draw; vouchers it gave stay valid",
            pool_id=pool.id,
        )

    def edit(self, pool: lottery_pools.PoolOverview, prize: lottery_pools.PrizeLine) -> None:
        values: dict[str, Any] = {
            "title": prize.title,
            "weight": prize.weight,
            "unlimited": prize.stock is None,
            "stock": prize.stock,
            "valid_days": prize.valid_days,
        }

        async def save() -> None:
            changed = await self.run(
                lottery_pools.update_prize(
                    self.session.business_id,
                    pool.id,
                    prize.id,
                    title=values["title"] or "",
                    weight=values["weight"] if values["weight"] is not None else 0,
                    stock=None if values["unlimited"] else (values["stock"] if values["stock"] is not None else -1),
                    valid_days=values["valid_days"],
                ),
                "Prize saved: a new version of the pool is live",
                pool_id=pool.id,
            )
            if changed:
                dialog.close()

        with ui.dialog() as dialog, ui.card().classes("w-96 gap-3").mark("prize-dialog"):
            ui.label(f"Edit {prize.title}").classes("text-lg font-bold")
            ui.label("Draws already decided keep the odds they were sealed with.").classes("text-sm text-stone-600")
            ui.input("Prize").bind_value(values, "title").props("outlined dense maxlength=120").classes("w-full").mark(
                "edit-title"
            )
            ui.number("Weight (odds)", min=1, precision=0).bind_value(
                values, "weight", forward=lambda x: int(x) if x is not None else None
            ).props("outlined dense").classes("w-full").mark("edit-weight")
            ui.checkbox("Unlimited").bind_value(values, "unlimited").mark("edit-unlimited")
            ui.number("Stock", min=0, precision=0).bind_value(
                values, "stock", forward=lambda x: int(x) if x is not None else None
            ).props("outlined dense").classes("w-full").bind_visibility_from(
                values, "unlimited", backward=lambda u: not u
            ).mark("edit-stock")
            ui.number("Voucher valid (days, 0 = no expiry)", min=0, precision=0).bind_value(
                values, "valid_days", forward=lambda x: int(x) if x is not None else None
            ).props("outlined dense clearable").classes("w-full").mark("edit-days")
            with ui.row().classes("w-full justify-end"):
                ui.button("Cancel", on_click=dialog.close).props("flat")
                ui.button("Save", on_click=save).mark("edit-save")
        dialog.open()

    def confirm_archive(self, pool: lottery_pools.PoolOverview) -> None:
        async def archive() -> None:
            if await self.run(
                lottery_pools.archive_pool(self.session.business_id, pool.id),
                f"{pool.name} archived; the vouchers it gave stay valid",
            ):
                dialog.close()

        with ui.dialog() as dialog, ui.card().classes("w-96 gap-3"):
            ui.label(f"Archive {pool.name}?").classes("text-lg font-bold")
            ui.label("It draws no more. Vouchers customers already won stay valid.").classes("text-sm")
            with ui.row().classes("w-full justify-end"):
                ui.button("Cancel", on_click=dialog.close).props("flat")
                ui.button("Archive", on_click=archive).props("color=negative").mark("archive-confirm")
        dialog.open()

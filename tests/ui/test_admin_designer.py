import base64
import io

from nicegui import ui
from nicegui.elements.upload_files import SmallFileUpload
from nicegui.testing import User
from PIL import Image
from rq.job import Job

from hub.models import Card, CardTemplate, CardTemplateDraft
from hub.realtime.redis import sync_redis
from hub.render import pass_images
from hub.wallet.apple import PRIMARY_BAND
from hub.workers import regenerate
from tests.conftest import eventually
from tests.factories import new_card
from tests.servers import server_env
from tests.ui.owner_steps import html_of, open_designer, sign_in
from tests.workers import run_burst_worker, settle_earlier_work


def preview_image(user: User, marker: str, name: str) -> Image.Image:
    """The picture a preview shows under `data-image="<name>"`, decoded."""
    tag = html_of(user, marker).split(f'data-image="{name}"', 1)[0].rsplit("<img", 1)[1]
    src = tag.split('src="', 1)[1].split('"', 1)[0]
    assert src.startswith("data:image/png;base64,")
    return Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1])))


def near(pixel: tuple[int, ...], colour: tuple[int, int, int]) -> bool:
    """The colour, give or take what JPEG compression moves it."""
    return all(abs(a - b) <= 6 for a, b in zip(pixel[:3], colour, strict=True))


async def test_the_stamp_cards_list_links_designer_and_posters(user: User, live, redis, shop):
    await sign_in(user, shop)
    await user.open("/admin/templates")
    await user.should_see("v1 · 1 issued cards")
    link = user.find(marker="poster-pdf").elements.pop()
    assert link.props["href"] == f"/admin/templates/{shop.template.id}/poster.pdf"


async def test_creating_a_stamp_card_opens_its_designer(user: User, live, redis, shop):
    await sign_in(user, shop)
    await user.open("/admin/templates")
    user.find(marker="new-name").type("Bagel card")
    user.find(marker="create-template").click()
    await user.should_see(marker="preview-apple", retries=50)
    assert await CardTemplate.exists(business_id=shop.business_id, name="Bagel card")


async def test_typing_changes_every_preview_without_saving(user: User, live, redis, shop):
    await open_designer(user, shop)
    assert "Coffee card" in html_of(user, "preview-google")
    user.find("Texts").click()
    user.find(marker="text-title").clear().type("Tea time")
    await eventually(lambda: "Tea time" in html_of(user, "preview-google"))
    assert "Tea time" in html_of(user, "preview-apple")
    await user.should_see(kind=ui.label, content="Tea time")  # the web card renderer
    user.find(marker="colour-background").clear().type("#123456")
    await eventually(lambda: "background:#123456" in html_of(user, "preview-apple"))
    assert (await CardTemplate.get(id=shop.template.id)).design["title"] == "Coffee card"
    assert not await CardTemplateDraft.exists(template_id=shop.template.id)


async def test_a_half_typed_colour_does_not_break_the_preview(user: User, live, redis, shop):
    await open_designer(user, shop)
    user.find(marker="colour-background").clear().type("#12")
    await eventually(lambda: "background:#3b2416" in html_of(user, "preview-apple"))


async def test_save_draft_keeps_issued_cards_on_the_live_version(user: User, live, redis, shop):
    await open_designer(user, shop)
    user.find(marker="reward-title").clear().type("Free muffin")
    user.find(marker="save-draft").click()
    await user.should_see("Draft saved", retries=50)
    draft = await CardTemplateDraft.get(template_id=shop.template.id)
    assert draft.values["reward_title"] == "Free muffin"
    assert (await CardTemplate.get(id=shop.template.id)).reward_title == "Free coffee"
    await user.open(f"/admin/templates/{shop.template.id}")
    await user.should_see(marker="preview-apple")
    assert "Free muffin" in html_of(user, "preview-apple")


async def test_an_invalid_value_is_explained_on_save(user: User, live, redis, shop):
    await open_designer(user, shop)
    user.find(marker="reward-title").clear()
    user.find(marker="save-draft").click()
    await user.should_see("Name the reward", retries=50)


async def test_changing_mechanics_of_a_live_card_warns(user: User, live, redis, shop):
    await open_designer(user, shop)
    await user.should_not_see(marker="mechanics-warning")
    with user:
        user.find(marker="stamps-required").elements.pop().value = 10
    await user.should_see(marker="mechanics-warning", retries=50)
    await user.should_see("1 issued cards")
    user.find(marker="regenerate").click()
    await user.should_see(marker="publish-dialog", retries=50)
    await user.should_see("may surprise them")
    await user.should_see("Update 1 issued card")


async def test_cancelling_regenerate_leaves_every_card_as_it_was(user: User, live, redis, shop):
    await open_designer(user, shop)
    user.find("Texts").click()
    user.find(marker="text-title").clear().type("Not yet")
    user.find(marker="regenerate").click()
    await user.should_see("Update the 1 issued card?", retries=50)
    user.find(marker="cancel-publish").click()
    await user.should_not_see("Published v2")
    assert (await CardTemplate.get(id=shop.template.id)).version == 1


async def test_choosing_a_lottery_reward(user: User, live, redis, shop):
    await open_designer(user, shop)
    user.find("Stamps & reward").click()
    user.find(marker="reward-type").click()
    with user:
        user.find(marker="reward-type").elements.pop().value = "lottery"
    await user.should_see("prize pool")
    user.find(marker="save-draft").click()
    await user.should_see("Draft saved", retries=50)
    assert (await CardTemplateDraft.get(template_id=shop.template.id)).values["reward_type"] == "lottery"


async def test_a_logo_upload_is_stored_and_previewed(user: User, live, redis, shop):
    await open_designer(user, shop)
    picture = io.BytesIO()
    Image.new("RGB", (900, 300), "#e0a458").save(picture, format="JPEG")
    upload = user.find(marker="upload-logo").elements.pop()
    await upload.handle_uploads([SmallFileUpload("logo.jpg", "image/jpeg", picture.getvalue())])
    # The Apple preview shows the pass's own logo image, drawn from the upload: the upload's
    # colour, no longer the lettered badge.
    await eventually(lambda: near(preview_image(user, "preview-apple", "logo").getpixel((4, 4)), (224, 164, 88)))
    uploaded = [e for e in user.find(kind=ui.image).elements if f"/uploads/{shop.business_id}/logo-" in e.source]
    response = await user.http_client.get(uploaded[0].source)
    assert response.status_code == 200
    with Image.open(io.BytesIO(response.content)) as stored:
        assert stored.format == "PNG" and stored.width <= 480 and stored.height <= 150


async def test_a_non_image_upload_is_refused(user: User, live, redis, shop):
    await open_designer(user, shop)
    upload = user.find(marker="upload-strip").elements.pop()
    await upload.handle_uploads([SmallFileUpload("x.png", "image/png", b"<script>alert(1)</script>")])
    await user.should_see("not an image we can read", retries=50)


async def test_regenerate_publishes_and_a_worker_pushes_it_with_a_progress_bar(user: User, live, redis, shop):
    await settle_earlier_work()
    for i in range(3):
        await new_card(shop, f"Guest {i}")
    await open_designer(user, shop)
    user.find("Texts").click()
    user.find(marker="text-title").clear().type("Winter card")
    user.find(marker="regenerate").click()
    await user.should_see(marker="publish-dialog", retries=50)
    await user.should_see("Update all 4 issued cards?")
    await user.should_see("Version v2 goes to 4 issued cards at once", retries=5)
    user.find(marker="confirm-publish").click()
    await user.should_see("Published v2", retries=50)
    await user.should_see("Updating issued cards to v2: 0 / 4 · 0%")
    queued = regenerate.job_id(shop.template.id, 2)
    await eventually(lambda: Job.exists(queued, connection=sync_redis(server_env()["REDIS_URL"])))
    await run_burst_worker()
    await user.should_see("All 4 issued cards show v2 · 100%", retries=100)
    progress = user.find(marker="regen-progress").elements.pop()
    assert progress.value == 1.0
    assert set(await Card.filter(template_id=shop.template.id).values_list("template_version", flat=True)) == {2}
    assert (await CardTemplate.get(id=shop.template.id)).design["title"] == "Winter card"
    await user.should_see("Live: v2 · 4 issued cards")


async def test_the_wallet_previews_show_the_passes_own_images(user: User, live, redis, shop):
    await open_designer(user, shop)
    template = await CardTemplate.get(id=shop.template.id)
    design = template.design
    band = PRIMARY_BAND if design.get("subtitle") else 0.0
    real_strip = Image.open(io.BytesIO(pass_images.strip(design, 3, template.stamps_required, 2, text_band=band)))
    assert preview_image(user, "preview-apple", "strip").tobytes() == real_strip.tobytes()
    real_logo = Image.open(io.BytesIO(pass_images.program_logo(design)))
    assert preview_image(user, "preview-google", "program-logo").tobytes() == real_logo.tobytes()
    # A colour typed in the designer is the strip's background before anything is saved.
    user.find(marker="colour-background").clear().type("#123456")
    await eventually(lambda: preview_image(user, "preview-apple", "strip").getpixel((2, 2))[:3] == (0x12, 0x34, 0x56))


async def test_a_lottery_card_publishes_only_once_a_prize_pool_is_chosen(user: User, live, redis, shop):
    from hub.domain import lottery_pools

    await Card.filter(template_id=shop.template.id).delete()  # no issued card: publishing asks nothing
    pool = await lottery_pools.create_pool(shop.business_id, "Spring draw")
    await lottery_pools.add_prize(shop.business_id, pool.id, "Free cake")
    await open_designer(user, shop)
    user.find("Stamps & reward").click()
    with user:
        user.find(marker="reward-type").elements.pop().value = "lottery"
    user.find(marker="regenerate").click()
    await user.should_see("A lottery card needs a prize pool", retries=50)
    assert (await CardTemplate.get(id=shop.template.id)).reward_type == "voucher"

    with user:
        user.find(marker="reward-pool").elements.pop().value = pool.id
    await user.should_see("Full cards of this stamp card draw from “Spring draw”", retries=50)
    user.find(marker="regenerate").click()
    await user.should_see("Published v2", retries=50)
    assert (await CardTemplate.get(id=shop.template.id)).reward_type == "lottery"
    await pool.refresh_from_db()
    assert pool.template_id == shop.template.id

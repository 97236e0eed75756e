"""The offline image encoder: OCR, screenshot -> runbook, near-duplicates, text -> image, failures, threads."""

from __future__ import annotations

import io
import itertools
import logging
import shutil
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytesseract
import pytest
from PIL import Image

from bot.find.base import ImageDescription
from bot.find.encoders import ocr
from bot.find.encoders.offline_encoder import DUPLICATE_SIMILARITY, OfflineImageEncoder
from bot.find.encoders.vision_model import to_rgb
from bot.kb.ingest import Ingestor
from bot.kb.manifest import Manifest
from bot.kb.stores.qdrant import ChunkStore
from tests.conftest import SAMPLE_KB, make_store
from tests.fakes.screens import as_upload, crossword, error_dialog, traffic_light

# The dialog quoted at the top of examples/kb/it/certificate-errors-runbook.md, as a user would screenshot it.
CERT = ("Northwind Secure Access", "Certificate not trusted: NW-CA-2024 expired",
        "The certificate for this server was issued by an authority that is no longer valid.")
# examples/kb/it/password-reset-sso.md, "Locked account".
LOCKED = ("Northwind ID", "Your account is locked.", "Contact your administrator. (NWID-423)")
# examples/kb/it/vpn-troubleshooting.md, "VPN error 809".
VPN_809 = ("Northwind Secure Access", "VPN error 809",
           ("The network connection between your computer and the VPN server could not be established because "
            "the remote server is not responding."))


@pytest.fixture(scope="module")
def encoder(local_embedder, request, tmp_path_factory) -> OfflineImageEncoder:
    """One encoder (one CNN, one label matrix) for the module; the label matrix is kept in pytest's cache."""
    cache = getattr(request.config, "cache", None)
    cache_dir = cache.mkdir("offline-vision-labels") if cache else tmp_path_factory.mktemp("labels")
    return OfflineImageEncoder(local_embedder, cache_dir=cache_dir)


@pytest.fixture(scope="module")
def text_kb(local_embedder, tmp_path_factory) -> ChunkStore:
    """The 20 text documents of the sample knowledge base, ingested with the shared MiniLM (its images are
    left out: they are not what these tests search, and the CNN would embed each one)."""
    from qdrant_client import QdrantClient

    root = tmp_path_factory.mktemp("text-kb") / "kb"
    shutil.copytree(SAMPLE_KB, root, ignore=shutil.ignore_patterns("images"))
    store = make_store(QdrantClient(":memory:"), local_embedder)
    manifest = Manifest(root.parent / "manifest.sqlite3")
    report = Ingestor(store, local_embedder, manifest, max_bytes=10_000_000).run([root])
    assert len(report.added) == 24 and not report.skipped
    yield store
    manifest.close()
    store.close()


def cosine(a, b) -> float:
    """Cosine of two vectors."""
    a, b = np.asarray(a), np.asarray(b)
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def visual(encoder: OfflineImageEncoder, image: Image.Image, fmt: str = "PNG", **save: object) -> list[float]:
    """The visual vector of `image` uploaded as `fmt` (no OCR needed for it)."""
    return encoder.embed(as_upload(image, "x", fmt, **save), ImageDescription("")).visual


@pytest.mark.parametrize("scale", [0.6, 1.0, 1.5])
def test_ocr_reads_the_error_text_in_a_screenshot(encoder, scale):
    described = encoder.describe(as_upload(error_dialog(*CERT, scale=scale), "error.png"))
    assert "Certificate not trusted: NW-CA-2024 expired" in described.text.splitlines()
    assert "no longer valid." in described.text
    assert described.caption.startswith("Looks like: ") and "website" in described.caption
    assert "NW-CA-2024" in described.as_text()


@pytest.mark.parametrize("dialog, runbook", [
    (CERT, "it/certificate-errors-runbook.md"),
    (LOCKED, "it/password-reset-sso.md"),
    (VPN_809, "it/vpn-troubleshooting.md"),
])
def test_a_screenshot_finds_the_runbook_that_quotes_it(encoder, text_kb, dialog, runbook):
    upload = as_upload(error_dialog(*dialog), "screenshot.png")
    described = encoder.describe(upload)
    vector = encoder.embed(upload, described, task="query").semantic
    assert len(vector) == 384
    hybrid = text_kb.search(vector, described.text, limit=3, modality="text")
    dense = text_kb.search(vector, "", limit=3, mode="dense", modality="text")
    assert hybrid[0].source.endswith(runbook)
    assert dense[0].source.endswith(runbook), "the semantic vector alone finds it too"


def test_the_users_words_steer_the_semantic_vector(encoder, local_embedder):
    upload = as_upload(traffic_light(), "light.png")
    question = "which Wi-Fi network should a guest phone join in the office"
    plain = encoder.embed(upload, ImageDescription("")).semantic
    steered = encoder.embed(upload, ImageDescription(""), text=question).semantic
    asked = local_embedder.embed_query(question)
    assert cosine(steered, asked) > cosine(plain, asked) + 0.3
    assert cosine(steered, local_embedder.embed_query("a traffic light")) > 0.3, "the picture still counts"


def augmented(image: Image.Image) -> dict[str, tuple[Image.Image, str, dict]]:
    """Copies of `image` as people re-share them: smaller, re-compressed, trimmed, and all three at once."""
    small = image.resize((round(image.width * 0.7), round(image.height * 0.7)), Image.Resampling.BILINEAR)
    dx, dy = round(image.width * 0.05), round(image.height * 0.05)
    cropped = image.crop((dx, dy, image.width - dx, image.height - dy))
    all_three = cropped.resize((round(cropped.width * 0.7), round(cropped.height * 0.7)))
    return {"resized 70%": (small, "PNG", {}), "JPEG q70": (image, "JPEG", {"quality": 70}),
            "5% crop": (cropped, "PNG", {}), "all three": (all_three, "JPEG", {"quality": 70})}


def test_copies_of_an_image_are_duplicates_and_different_images_are_not(encoder):
    originals = {"dialog": error_dialog(*CERT), "traffic light": traffic_light(), "crossword": crossword()}
    vectors = {name: visual(encoder, image) for name, image in originals.items()}
    for name, image in originals.items():
        assert len(vectors[name]) == encoder.visual_dimension == 1280
        assert np.linalg.norm(vectors[name]) == pytest.approx(1.0, abs=1e-4)
        for how, (copy, fmt, save) in augmented(image).items():
            similarity = cosine(vectors[name], visual(encoder, copy, fmt, **save))
            assert similarity >= DUPLICATE_SIMILARITY, f"{name}, {how}: {similarity:.3f}"
    for a, b in itertools.combinations(originals, 2):
        similarity = cosine(vectors[a], vectors[b])
        assert similarity < DUPLICATE_SIMILARITY - 0.3, f"{a} vs {b}: {similarity:.3f}"


def test_a_picture_is_closest_to_the_words_for_what_it_shows(encoder, local_embedder):
    choices = {
        "traffic light": "a traffic light at a street crossing",
        "crossword": "a crossword puzzle in the newspaper",
        "dialog": "an error saying a certificate expired",
        "coffee": "a cup of coffee on a table",
        "cat": "a cat asleep on the sofa",
    }
    texts = {key: local_embedder.embed_query(text) for key, text in choices.items()}
    pictures = {"traffic light": traffic_light(), "crossword": crossword(), "dialog": error_dialog(*CERT)}
    for expected, picture in pictures.items():
        upload = as_upload(picture, f"{expected}.png")
        semantic = encoder.embed(upload, encoder.describe(upload), task="document").semantic
        ranked = sorted(texts, key=lambda key: cosine(semantic, texts[key]), reverse=True)
        assert ranked[0] == expected, f"{expected}: ranked {ranked}"
    assert encoder.embed_text_visual("a traffic light") is None


def test_transparent_images_are_seen_on_white(encoder):
    rgba = Image.new("RGBA", (320, 320), (0, 0, 0, 0))  # transparent black: naive conversion makes it black
    rgba.paste(crossword(), (0, 0), crossword().convert("L").point(lambda v: 255 - v))  # the ink only
    gif = io.BytesIO()
    rgba.save(gif, format="GIF")
    palette = Image.open(gif)
    assert palette.mode == "P" and "transparency" in palette.info
    on_white = visual(encoder, crossword())
    for variant in (rgba, rgba.convert("LA"), palette):
        assert to_rgb(variant).getpixel((5, 5)) == (255, 255, 255)
        assert cosine(visual(encoder, variant), on_white) > 0.97, variant.mode
    assert cosine(visual(encoder, rgba.convert("RGB")), on_white) < 0.9, "flattening on black would differ"


def test_without_tesseract_images_are_still_described(encoder, monkeypatch, caplog):
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    monkeypatch.setattr(ocr, "_warned", False)
    assert not ocr.ocr_available()
    upload = as_upload(error_dialog(*CERT), "error.png")
    with caplog.at_level(logging.WARNING, logger="bot.find.encoders.ocr"):
        first, second = encoder.describe(upload), encoder.describe(upload)
    assert first == second and first.text == "" and first.caption.startswith("Looks like:")
    warnings = [r.getMessage() for r in caplog.records if r.name == "bot.find.encoders.ocr"]
    assert len(warnings) == 1 and "apt-get install tesseract-ocr" in warnings[0], "one warning, not one per image"
    assert len(encoder.embed(upload, first).semantic) == 384


def test_an_ocr_timeout_gives_no_text_instead_of_an_error(caplog):
    with caplog.at_level(logging.WARNING, logger="bot.find.encoders.ocr"):
        assert ocr.read_text(error_dialog(*CERT), timeout=0.001) == ""
    assert "gave up" in caplog.text


def test_the_label_matrix_is_cached_on_disk(encoder, local_embedder, tmp_path):
    class CountingEmbedder:
        """Hands out the already computed label matrix (fast) and counts how often it is asked."""

        model_id, dimension, calls = local_embedder.model_id, local_embedder.dimension, 0

        def embed_documents(self, texts, title=None):
            CountingEmbedder.calls += 1
            assert len(texts) == 1000 and texts[0].startswith("a photo of a ")
            return encoder.label_matrix().tolist()

    first = OfflineImageEncoder(CountingEmbedder(), cache_dir=tmp_path / "models").label_matrix()
    again = OfflineImageEncoder(CountingEmbedder(), cache_dir=tmp_path / "models").label_matrix()
    assert CountingEmbedder.calls == 1, "the second encoder read the file"
    assert [p.suffix for p in (tmp_path / "models").iterdir()] == [".npy"], "no temporary file is left"
    assert np.array_equal(first, again) and again.shape == (1000, 384)


def test_four_threads_get_the_same_vectors_as_one(encoder):
    uploads = [as_upload(img, f"{i}.png") for i, img in enumerate([traffic_light(), crossword(), error_dialog(*CERT)])]
    words = ["", "printer", "certificate expired"]

    def run(i: int):
        v = encoder.embed(uploads[i % 3], ImageDescription("", ""), text=words[i % 3])
        return v.semantic, v.visual

    serial = [run(i) for i in range(12)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        parallel = list(pool.map(run, range(12)))
    for (s_sem, s_vis), (p_sem, p_vis) in zip(serial, parallel, strict=True):
        assert np.allclose(s_sem, p_sem, atol=1e-5) and np.allclose(s_vis, p_vis, atol=1e-5)


def test_ocr_doubles_small_screenshots_and_bounds_huge_images():
    from bot.find.encoders.ocr import MAX_OCR_PIXELS, prepare

    assert prepare(Image.new("RGB", (900, 560))).size == (1800, 1120)
    huge = prepare(Image.new("RGB", (4032, 2688)))
    assert 0.99 * MAX_OCR_PIXELS <= huge.width * huge.height <= MAX_OCR_PIXELS * 1.001
    assert abs(huge.width / huge.height - 4032 / 2688) < 0.01, "the aspect ratio is kept"
    tall = prepare(Image.new("RGB", (1000, 20000)))  # short side small, but doubling would exceed the bound
    assert tall.width * tall.height <= MAX_OCR_PIXELS * 1.001

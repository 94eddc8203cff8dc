"""The gallery and the player in a real browser: headless Chromium.

Pages are served from 127.0.0.1, as a reader's browser would fetch them.
Every image, video and player must load at its natural size with no console
error, and the player must step when its keys are pressed. Chromium and its
driver are Debian packages (chromium, chromium-driver) that CI installs;
where they are missing these tests skip and say so.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import tempfile
import threading
import time
from pathlib import Path

import pytest

import convanim
from convanim.gallery import build_gallery

webdriver = pytest.importorskip("selenium.webdriver", reason="the browser tests need selenium (pip install selenium)")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver") or ("/usr/bin/chromedriver" if Path("/usr/bin/chromedriver").exists() else None)
if CHROMIUM is None or DRIVER is None:
    pytest.skip("headless Chromium is not installed (Debian: apt-get install chromium chromium-driver)", allow_module_level=True)

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
TEMPLATES = ("padding1", "groups2", "stride3")  # 1-D, groups, a short one: a small gallery


@pytest.fixture(scope="module")
def browser():
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="convanim-chromium-")
    options = webdriver.ChromeOptions()
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.binary_location = CHROMIUM
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A folder served on 127.0.0.1; yields (folder, base URL). Over HTTP, as
    a reader meets the page, and so that the page can look into its players."""
    root = tmp_path_factory.mktemp("site")
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # the test output is not the place for an access log
        pass


_MEDIA = """
const out = [];
// An <img> inside a <video> is the fallback for browsers without video: not shown here.
for (const i of document.images) if (!i.closest('video')) out.push({tag: 'img', src: i.currentSrc, done: i.complete,
  natural: [i.naturalWidth, i.naturalHeight], declared: [i.getAttribute('width'), i.getAttribute('height')]});
for (const v of document.querySelectorAll('video')) out.push({tag: 'video', src: v.currentSrc, done: v.readyState >= 1,
  natural: [v.videoWidth, v.videoHeight], declared: [v.getAttribute('width'), v.getAttribute('height')]});
for (const f of document.querySelectorAll('iframe')) {
  const c = f.contentDocument && f.contentDocument.querySelector('canvas');
  out.push({tag: 'iframe', src: f.src, done: !!c, natural: c ? [c.width, c.height] : [0, 0],
    declared: [f.getAttribute('width'), null]});
}
return out;
"""


def _open(browser, url: str, timeout: float = 60) -> list[dict]:
    """Open ``url``; wait until every image, video and player has loaded or
    ``timeout`` passes; return what each one reports."""
    browser.get(url)
    deadline = time.monotonic() + timeout
    # Scrolled past, as a reader would: lazy images load only when near the view.
    browser.execute_script("for (const m of document.querySelectorAll('img, video, iframe')) m.scrollIntoView();")
    while True:
        media = browser.execute_script(_MEDIA)
        if all(item["done"] for item in media) or time.monotonic() > deadline:
            return media
        time.sleep(0.2)


def _console_errors(browser) -> list[str]:
    return [entry["message"] for entry in browser.get_log("browser") if entry["level"] == "SEVERE" and "favicon.ico" not in entry["message"]]


def _check_media(media: list[dict]) -> None:
    assert media, "the page shows nothing"
    for item in media:
        assert item["done"], f"{item['tag']} {item['src']} did not load"
        width, height = item["natural"]
        assert width > 0 and height > 0, item
        declared_width, declared_height = item["declared"]
        if declared_width is not None:
            assert int(declared_width) == width, item  # the snippet's size is the file's
        if declared_height is not None:
            assert int(declared_height) == height, item


# What each gallery format shows: an <img> per figure (its own file, or the
# GIF a video falls back to), a <video>, or the player in an <iframe>.
SHOWN_AS = {"gif": "img", "webp": "img", "apng": "img", "mp4": "video", "webm": "video", "html": "iframe"}


@pytest.mark.parametrize("format", list(SHOWN_AS))
def test_the_gallery_page_loads_every_figure_at_its_natural_size(browser, served, format):
    if format in ("mp4", "webm"):
        pytest.importorskip("imageio_ffmpeg", reason="video needs imageio-ffmpeg (pip install imageio-ffmpeg)")
    root, base = served
    build_gallery(root / format, templates=TEMPLATES, jobs=1, width=480, format=format)
    media = _open(browser, f"{base}/{format}/index.html")
    _check_media(media)
    shown = [item for item in media if item["tag"] == SHOWN_AS[format]]
    assert len(shown) == len(TEMPLATES), media
    if SHOWN_AS[format] != "iframe":
        # The figure's own file plays (a video's WebM, the first source).
        suffix = ".webm" if format in ("mp4", "webm") else f".{format}"
        assert all(item["src"].endswith(suffix) for item in shown), shown
    assert _console_errors(browser) == []


_PLAYER_STATE = """
const f = document.querySelector('figure'), c = f.querySelector('canvas');
const pixels = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
let sum = 0; for (let i = 0; i < pixels.length; i += 97) sum = (sum * 31 + pixels[i]) % 1000000007;
return {caption: f.querySelector('figcaption').textContent, frame: f.querySelector('input').value, pixels: sum,
        playing: f.querySelector('[data-do=play]').getAttribute('aria-pressed')};
"""


def test_the_player_steps_when_its_keys_are_pressed(browser, served):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    root, base = served
    subject = convanim.conv([1, 2, 3, 4, 5, 6], [2, 2, 2], padding=1)
    convanim.render(subject, root / "player.html", width=480)
    media = _open(browser, f"{base}/player.html")
    assert _console_errors(browser) == []
    deadline = time.monotonic() + 30
    while not browser.execute_script(_PLAYER_STATE)["caption"] and time.monotonic() < deadline:
        time.sleep(0.1)  # pictures decoded, first one shown
    keys = ActionChains(browser)
    keys.send_keys(Keys.HOME).perform()
    first = browser.execute_script(_PLAYER_STATE)
    assert first["caption"].startswith("step 1 of 6") and first["playing"] == "false"
    keys.send_keys(Keys.ARROW_RIGHT).perform()
    second = browser.execute_script(_PLAYER_STATE)
    assert second["caption"].startswith("step 2 of 6: ") and second["caption"].endswith("= 12")
    assert second["pixels"] != first["pixels"] and second["frame"] != first["frame"]
    keys.send_keys(Keys.ARROW_LEFT).perform()
    assert browser.execute_script(_PLAYER_STATE) == first
    keys.send_keys(Keys.SPACE).perform()
    assert browser.execute_script(_PLAYER_STATE)["playing"] == "true"
    assert _console_errors(browser) == []

"""The pages in a real browser: Debian's Chromium, headless, driven by Playwright for Python.

Playwright's own browser download does not work here, so the executable is found
on PATH (``chromium``) and passed as ``executable_path``. Every request the page
makes is routed: anything but file:, data:, about: or blob: is recorded and
refused, and a test fails if there was one. Without Chromium or Playwright these
tests skip, unless the CI environment variable is set: then they fail.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from kg.build import build
from kg.viz import Page, load_model, make_page
from tests.chromium import chromium_path, launch
from tests.conftest import DATA

EKG = "https://w3id.org/essay-kg/ns#"
HOSTILE = DATA / "viz" / "hostile.ttl"
LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:")
# Records Content-Security-Policy violations: an injected script or handler would cause one.
WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


def _unavailable(problem: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{problem} (CI is set, so the browser tests must run)")
    pytest.skip(problem)


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed: pip install -e '.[test]'")
    executable = chromium_path()
    if executable is None:
        _unavailable("no chromium on PATH: apt-get install chromium")
    with sync_playwright() as playwright:
        context = launch(playwright, tmp_path_factory.mktemp("chromium-profile"), executable)
        yield context
        context.close()


@dataclass
class Site:
    folder: Path
    pages: dict[str, Page] = field(default_factory=dict)  # file name -> page


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """Every page `kg build` writes, and a focus view, in one folder."""
    folder = tmp_path_factory.mktemp("browser") / "outputs"
    build(folder)
    model = load_model()
    pages = [
        make_page(model, name)
        for name in ["overview", "stages", "challenges", "actors", "discussion", "essay"]
    ]
    pages.append(make_page(model, "focus", focus="Jeremiah Owyang", depth=2))
    pages.append(make_page(model, "query", query="neighbourhood"))
    pages.append(make_page(model, "query", query="stage-lane"))
    for page in pages[-3:]:
        page.write(folder / page.file_name)
    return Site(folder, {page.file_name: page for page in pages})


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The pages, with an extension whose labels, definitions and quotes are HTML and script."""
    folder = tmp_path_factory.mktemp("hostile") / "outputs"
    build(folder, [HOSTILE], queries=False)
    model = load_model([HOSTILE])
    pages = {
        p.file_name: p
        for p in (
            make_page(model, name)
            for name in ["overview", "stages", "challenges", "actors", "discussion", "essay"]
        )
    }
    titled = make_page(model, "query", query=str(DATA / "viz" / "hostile.rq"), extra=[HOSTILE])
    titled.write(folder / titled.file_name)
    pages[titled.file_name] = titled
    return Site(folder, pages)


@dataclass
class Opened:
    page: Any
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert self.errors == []
        assert self.requests == []  # nothing but the file itself
        assert self.dialogs == []
        assert self.page.evaluate("window.__csp") == []


def open_page(browser: Any, path: Path, fragment: str = "", *, ready: bool = True) -> Opened:
    page = browser.new_page()
    opened = Opened(page)
    page.on("pageerror", lambda error: opened.errors.append(f"page error: {error}"))
    page.on(
        "console",
        lambda m: opened.errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
    )

    def dialog(d: Any) -> None:
        opened.dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", dialog)

    def route(r: Any) -> None:
        url = r.request.url
        if url.startswith(LOCAL_SCHEMES):
            r.continue_()
        else:
            opened.requests.append(url)
            r.abort()

    page.route("**/*", route)
    page.add_init_script(WATCH)
    page.goto(path.resolve().as_uri() + fragment)
    if ready:
        page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    return opened


@pytest.fixture
def opened_pages() -> Iterator[list[Opened]]:
    pages: list[Opened] = []
    yield pages
    for opened in pages:
        opened.page.close()


def node_screen_position(page: Any, node_id: str) -> tuple[float, float]:
    return tuple(
        page.evaluate(
            """(id) => {
              const p = kg.network.canvasToDOM(kg.network.getPositions([id])[id]);
              const r = document.getElementById('graph').getBoundingClientRect();
              return [p.x + r.left, p.y + r.top];
            }""",
            node_id,
        )
    )


def png_ink(browser: Any, png: bytes, colour: tuple[int, int, int]) -> dict[str, int]:
    """Decode a PNG in the browser: how many pixels are not white, and how many are near ``colour``."""
    page = browser.new_page()
    try:
        return page.evaluate(
            """async ([b64, rgb]) => {
              const img = new Image();
              img.src = 'data:image/png;base64,' + b64;
              await img.decode();
              const c = document.createElement('canvas');
              c.width = img.width; c.height = img.height;
              const ctx = c.getContext('2d');
              ctx.drawImage(img, 0, 0);
              const d = ctx.getImageData(0, 0, c.width, c.height).data;
              let ink = 0, near = 0;
              for (let i = 0; i < d.length; i += 4) {
                if (d[i] < 235 || d[i + 1] < 235 || d[i + 2] < 235) ink++;
                const off = Math.abs(d[i] - rgb[0]) + Math.abs(d[i + 1] - rgb[1])
                  + Math.abs(d[i + 2] - rgb[2]);
                if (off < 30) near++;
              }
              return {pixels: c.width * c.height, ink: ink, near: near};
            }""",
            [base64.b64encode(png).decode("ascii"), list(colour)],
        )
    finally:
        page.close()


# ---- every page loads, offline, with the right counts ------------------------------------------------


def _all_pages() -> list[str]:
    return [
        "overview.html",
        "stages.html",
        "challenges.html",
        "actors.html",
        "discussion.html",
        "essay.html",
        "focus-ekg-JeremiahOwyang.html",
        "query-neighbourhood.html",
        "query-stage-lane.html",
    ]


@pytest.mark.parametrize("file_name", _all_pages())
def test_view_loads_offline_with_its_nodes(
    browser: Any, site: Site, opened_pages: list[Opened], file_name: str, tmp_path_factory
) -> None:
    opened = open_page(browser, site.folder / file_name)
    opened_pages.append(opened)
    page, expected = opened.page, site.pages[file_name]
    if file_name == "essay.html":
        assert page.evaluate("kg.spanCount") == expected.nodes
        assert page.evaluate("document.querySelectorAll('mark.ev').length") >= expected.nodes
    else:
        assert page.evaluate("kg.nodes.length") == expected.nodes
        assert page.evaluate("kg.edges.length") == expected.edges
        assert page.evaluate("kg.network.physics.options.enabled") is False  # settled, then stopped
        before = page.evaluate("JSON.stringify(kg.network.getPositions())")
        page.wait_for_timeout(250)
        assert page.evaluate("JSON.stringify(kg.network.getPositions())") == before  # not moving
    shots = Path(os.environ.get("KG_SCREENSHOTS") or tmp_path_factory.getbasetemp() / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / file_name.replace(".html", ".png")))
    opened.assert_clean()


def test_index_loads_offline_and_links_every_page(
    browser: Any, site: Site, opened_pages: list[Opened]
) -> None:
    opened = open_page(browser, site.folder / "index.html", ready=False)
    opened_pages.append(opened)
    links = opened.page.evaluate(
        "Array.from(document.querySelectorAll('a')).map(a => a.getAttribute('href'))"
    )
    for name in ["overview.html", "stages.html", "essay.html", "query-neighbourhood.html", "graph.gexf"]:
        assert name in links
    assert opened.page.evaluate("document.scripts.length") == 0
    opened.assert_clean()


def test_stages_screenshot_is_not_blank(browser: Any, site: Site, opened_pages: list[Opened]) -> None:
    opened = open_page(browser, site.folder / "stages.html")
    opened_pages.append(opened)
    png = opened.page.locator("#graph").screenshot()
    found = png_ink(browser, png, (0x2E, 0x9E, 0x4F))  # the stages' green
    assert found["ink"] > found["pixels"] * 0.005
    assert found["near"] > 400  # four stage hexagons are drawn


# ---- interaction -----------------------------------------------------------------------------------


def test_search_selects_and_zooms_to_the_node(browser: Any, site: Site, opened_pages: list[Opened]) -> None:
    opened = open_page(browser, site.folder / "overview.html")
    opened_pages.append(opened)
    page = opened.page
    scale = page.evaluate("kg.network.getScale()")
    page.fill("#search", "the awakening")
    page.press("#search", "Enter")
    page.wait_for_timeout(700)
    assert page.evaluate("kg.network.getSelectedNodes()") == [EKG + "TheAwakening"]
    assert page.evaluate("kg.network.getScale()") > scale
    assert page.text_content("#panel h2") == "The Awakening"
    assert "The Awakening. As customers rapidly adopt these tools" in page.text_content("#panel blockquote")
    page.fill("#search", "no such thing at all")
    page.press("#search", "Enter")
    assert page.text_content("#search-status") == "Nothing here is called “no such thing at all”."
    opened.assert_clean()


def test_filter_hides_a_class(browser: Any, site: Site, opened_pages: list[Opened]) -> None:
    opened = open_page(browser, site.folder / "overview.html")
    opened_pages.append(opened)
    page = opened.page
    total = page.evaluate("kg.nodes.length")
    page.click(f'input[data-group="{EKG}Stage"]')
    stage_ids = page.evaluate(f"kg.nodes.getIds({{filter: n => n.group === '{EKG}Stage'}})")
    assert len(stage_ids) == 4
    assert page.evaluate("kg.visibleCount()") == total - 4
    assert all(page.evaluate("(id) => kg.network.body.nodes[id].options.hidden", i) for i in stage_ids)
    assert "199 shown" in page.text_content("#counts")
    page.click(f'input[data-group="{EKG}Stage"]')
    assert page.evaluate("kg.visibleCount()") == total
    opened.assert_clean()


def test_click_highlights_the_neighbourhood(browser: Any, site: Site, opened_pages: list[Opened]) -> None:
    opened = open_page(browser, site.folder / "stages.html")
    opened_pages.append(opened)
    page = opened.page
    x, y = node_screen_position(page, EKG + "TheAwakening")
    page.mouse.click(x, y)
    assert page.evaluate("kg.network.getSelectedNodes()") == [EKG + "TheAwakening"]
    assert page.text_content("#panel h2") == "The Awakening"
    background = "(id) => kg.nodes.get(id).color.background"
    assert (
        page.evaluate(background, EKG + "AscensionOfTheCorporateSocialStrategist") == "#2e9e4f"
    )  # a neighbour
    assert page.evaluate(background, EKG + "CareerDecisionPoint") == "#eceef1"  # dimmed
    relations = page.locator("#panel .relation").all_text_contents()
    assert any("next stage" in r and "Ascension" in r for r in relations)
    page.mouse.click(
        5 + page.locator("#graph").bounding_box()["x"], 5 + page.locator("#graph").bounding_box()["y"]
    )
    assert page.evaluate(background, EKG + "CareerDecisionPoint") == "#2e9e4f"  # restored
    opened.assert_clean()


def test_essay_hover_names_the_facts_and_click_links_to_the_overview(
    browser: Any, site: Site, opened_pages: list[Opened]
) -> None:
    opened = open_page(browser, site.folder / "essay.html")
    opened_pages.append(opened)
    page = opened.page
    mark = page.locator("mark.ev", has_text="The Awakening. As customers rapidly adopt").first
    assert "The Awakening (stage)" in mark.get_attribute("title")
    mark.hover()
    assert "hover" in mark.get_attribute("class")
    mark.click()
    assert page.text_content("#panel h2") == "This passage supports 1 fact"
    link = page.locator("#panel a.to-graph")
    assert (
        link.get_attribute("href")
        == "overview.html#node=" + "https%3A%2F%2Fw3id.org%2Fessay-kg%2Fns%23TheAwakening"
    )
    link.click()
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    page.wait_for_timeout(600)
    assert page.url.split("#")[0].endswith("/overview.html")
    assert page.evaluate("kg.network.getSelectedNodes()") == [EKG + "TheAwakening"]
    opened.assert_clean()


def test_a_quote_in_the_graph_opens_its_span_in_the_essay(
    browser: Any, site: Site, opened_pages: list[Opened]
) -> None:
    opened = open_page(browser, site.folder / "overview.html", "#node=" + EKG + "MeasuringROI")
    opened_pages.append(opened)
    page = opened.page
    assert page.text_content("#panel h2") == "Measuring ROI"
    page.click("#panel a.quote-link")
    page.wait_for_selector("body[data-ready=true]")
    assert page.url.endswith("essay.html#span-4397-4413")
    assert page.evaluate("kg.state.active.map(m => m.textContent).join('')") == "2) Measuring ROI"
    opened.assert_clean()


# ---- hostile labels ---------------------------------------------------------------------------------


HOSTILE_NODES = {
    "overview.html": EKG + "HostileClaim",
    "stages.html": EKG + "HostileStage",
    "challenges.html": EKG + "HostileChallenge",
    "actors.html": EKG + "HostilePerson",
    "discussion.html": EKG + "hostileComment",
    "query-hostile.html": EKG + "HostileClaim",
}


@pytest.mark.parametrize("file_name", [*HOSTILE_NODES, "essay.html", "index.html"])
def test_hostile_labels_show_as_text_and_run_nothing(
    browser: Any, hostile_site: Site, opened_pages: list[Opened], file_name: str
) -> None:
    opened = open_page(browser, hostile_site.folder / file_name, ready=file_name != "index.html")
    opened_pages.append(opened)
    page = opened.page
    if file_name in HOSTILE_NODES:
        node = HOSTILE_NODES[file_name]
        label = page.evaluate("(id) => kg.data.details[id].label", node)
        assert "<" in label  # the payload, unchanged
        page.fill("#search", label)
        page.press("#search", "Enter")
        page.wait_for_timeout(600)
        assert page.evaluate("kg.network.getSelectedNodes()") == [node]
        assert page.text_content("#panel h2") == label  # shown as text
        # Centre the node without animation, then hover it: its tooltip shows the label as text.
        centre = "(id) => kg.network.moveTo({position: kg.network.getPositions([id])[id], scale: 2})"
        page.evaluate(centre, node)
        page.wait_for_timeout(100)
        x, y = node_screen_position(page, node)
        page.mouse.move(x - 3, y - 3)
        page.mouse.move(x, y)
        tooltip = page.locator("div.vis-tooltip")
        tooltip.wait_for(state="visible", timeout=5_000)
        assert label in tooltip.inner_text()
        page.hover("#legend")  # the legend holds the hostile class label
        if file_name == "query-hostile.html":
            assert page.title().startswith("<img src=x onerror=")
    elif file_name == "essay.html":
        mark = page.locator("mark.ev", has_text="Image Credit: Shutterstock").first
        mark.click()
        assert "<img src=x onerror=" in page.text_content("#panel")
    page.wait_for_timeout(200)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.querySelectorAll('img, svg, iframe, object, embed').length") == 0
    inline_scripts = {"index.html": 0, "essay.html": 3}.get(file_name, 4)
    assert page.evaluate("document.scripts.length") == inline_scripts
    opened.assert_clean()


# ---- kg docs ---------------------------------------------------------------------------------------


def test_docs_page_loads_offline_and_shows_hostile_text_as_text(
    browser: Any, tmp_path: Path, opened_pages: list[Opened]
) -> None:
    from kg.docs import document
    from kg.docs_html import DOCS_FILE, render_docs

    hostile_docs = DATA / "docs" / "hostile.ttl"
    docs = document([hostile_docs, HOSTILE], query_dirs=[DATA / "docs" / "queries"])
    (tmp_path / DOCS_FILE).write_text(render_docs(docs), encoding="utf-8")
    opened = open_page(browser, tmp_path / DOCS_FILE, "#class-ekg-HostileDocClass")
    opened_pages.append(opened)
    page = opened.page
    assert page.evaluate("document.querySelectorAll('article.term[id^=class-]').length") == len(docs.classes)
    heading = "#class-ekg-HostileDocClass h3 a.self"
    assert page.text_content(heading) == "<script>window.__pwned='class'</script>hostile class"
    assert "<img src=x onerror=" in page.text_content("#class-ekg-HostileDocClass .definition")
    assert "\\x1b[31m" in page.text_content("#class-ekg-HostileDocClass .definition")
    assert "<svg onload=" in page.text_content("#prop-ekg-hostileDocLink h3")
    assert "<script>window.__pwned='query'</script>" in page.text_content("#query-hostile-query")
    # The filter box (the page's one script) hides what does not match.
    page.fill("#filter", "hostile class")
    assert page.is_visible("#class-ekg-HostileDocClass")
    assert not page.is_visible("#class-ekg-Stage")
    assert "entries match" in page.text_content("#filter-status")
    page.click("#class-ekg-HostileDocClass a[href='#class-ekg-Claim']")  # a link to another term
    assert page.url.endswith("#class-ekg-Claim")
    page.wait_for_timeout(200)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.querySelectorAll('img, svg, iframe, object, embed').length") == 0
    assert page.evaluate("document.scripts.length") == 1
    hrefs = page.evaluate("Array.from(document.querySelectorAll('[href]')).map(a => a.getAttribute('href'))")
    assert all(h.startswith("#") for h in hrefs)
    opened.assert_clean()

"""End to end in headless Chromium, as a person uses the app: search, read, follow, query, look.

Runs on the seeds graph when ../shared is beside the checkout (the example corpus otherwise),
with Debian's chromium and chromium-driver through Selenium; skipped with the reason when
they are missing. Screenshots go to build/test-artefacts/.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from kg.graph import load_graph

from .conftest import (
    HOSTILE_DATASET,
    HOSTILE_METHOD,
    HOSTILE_SENTENCE,
    HOSTILE_TITLE,
    ROOT,
    SEEDS,
)

ARTEFACTS = ROOT / "build" / "test-artefacts"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1400,900",
)
PAINTED = """
let painted = 0;
for (const canvas of document.querySelectorAll('#cy canvas')) {
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  for (let i = 3; i < data.length; i += 64) { if (data[i] > 0) { painted++; } }
}
return painted;
"""


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    chromium, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    if not chromium or not driver_path:
        pytest.skip(
            "headless Chromium is not installed (apt-get install chromium chromium-driver; .ci/run does)"
        )
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.skip("selenium is not installed (it is in the dev extra: make setup)")
    from kg.explore.viz import VizError, vendored_library

    try:
        vendored_library()
    except VizError as err:
        pytest.skip(str(err))
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_page_load_timeout(60)
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def app_graph(request: pytest.FixtureRequest) -> Path:
    seeds = SEEDS.is_dir() and any(SEEDS.glob("*.txt"))
    return Path(request.getfixturevalue("seeds_built" if seeds else "example_graph"))


def errors(driver: Any) -> list[str]:
    """Console errors since the last call (reading the log empties it)."""
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def wait_for(driver: Any, css: str) -> Any:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, 30).until(ec.presence_of_element_located((By.CSS_SELECTOR, css)))


def leave(driver: Any, act: Any) -> None:
    """Do `act` (a click, a submit) that loads a new page, and wait until the old page is gone.

    Without the wait, a lookup right after a click can find the old page's element of the same
    id and go stale under the reader once the new page arrives.
    """
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    old = driver.find_element(By.TAG_NAME, "html")

    def gone(_: Any) -> bool:
        try:
            old.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as err:
            # ChromeDriver sometimes reports a node of a replaced page this way instead.
            if "does not belong to the document" in str(err):
                return True
            raise
        return False

    act()
    WebDriverWait(driver, 30).until(gone)


def shot(driver: Any, name: str) -> None:
    driver.save_screenshot(str(ARTEFACTS / f"{name}.png"))


def drawn_nodes(driver: Any) -> int:
    return int(wait_for(driver, "body[data-drawn]").get_attribute("data-drawn"))


def test_search_read_follow_query_and_look(browser: Any, app_graph: Path, serve_graph: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    from kg.explore.lookup import display_name
    from kg.explore.related import related_index, related_papers
    from kg.query.sparql import Table, query

    graph = load_graph(app_graph)
    paper = next(
        p
        for p in related_index(graph).papers
        if graph.nodes[p]["title"] and related_papers(graph, p)
    )
    title = graph.nodes[paper]["title"]
    url = serve_graph(app_graph)

    browser.get(url + "/")
    box = wait_for(browser, "#q")
    leave(browser, lambda: box.send_keys(title, Keys.ENTER))
    wait_for(browser, "#results")
    shot(browser, "1-search")
    link = browser.find_element(
        By.CSS_SELECTOR, f'#results a[href="/paper?id={paper.replace(":", "%3A")}"]'
    )
    leave(browser, link.click)
    assert wait_for(browser, "h1#title").text == title
    assert browser.find_elements(By.CSS_SELECTOR, "#entities mark")
    related = browser.find_elements(By.CSS_SELECTOR, "#related li.related a")
    explanations = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#related .why")]
    assert related and all(explanations)
    shot(browser, "2-paper")
    first = related_papers(graph, paper)[0]
    leave(browser, related[0].click)
    assert wait_for(browser, "h1#title").text == display_name(graph, first.paper)
    shot(browser, "3-related-paper")
    assert errors(browser) == []

    leave(browser, browser.find_element(By.LINK_TEXT, "SPARQL").click)
    leave(browser, browser.find_elements(By.CSS_SELECTOR, "a.example")[1].click)
    assert len(wait_for(browser, "#answer").find_elements(By.CSS_SELECTOR, "tbody tr")) > 0
    text = "SELECT ?name WHERE { ?b a kg:Benchmark ; skos:prefLabel ?name } ORDER BY ?name LIMIT 5"
    area = browser.find_element(By.ID, "query")
    area.clear()
    area.send_keys(text)
    leave(browser, browser.find_element(By.ID, "run").click)
    cells = [
        c.text for c in wait_for(browser, "#answer").find_elements(By.CSS_SELECTOR, "tbody td")
    ]
    expected = query(app_graph, text)
    assert isinstance(expected, Table) and cells == [str(r[0]) for r in expected.rows]
    shot(browser, "4-sparql")
    assert errors(browser) == []

    leave(browser, browser.find_element(By.LINK_TEXT, "Graph").click)
    assert drawn_nodes(browser) == graph.number_of_nodes()
    assert browser.execute_script(PAINTED) > 0
    search = browser.find_element(By.ID, "kg-search")
    search.send_keys(display_name(graph, first.paper)[:30], Keys.ENTER)
    assert "match" in browser.find_element(By.ID, "kg-count").text
    assert browser.find_element(By.CSS_SELECTOR, "#kg-details h2").text
    shot(browser, "5-graph")
    assert errors(browser) == []


def test_viz_file_opens_offline_and_draws(browser: Any, app_graph: Path, tmp_path: Path) -> None:
    from kg.explore.viz import write_viz

    out = tmp_path / "graph.html"
    written = write_viz(app_graph, out)
    browser.get(out.as_uri())
    assert drawn_nodes(browser) == written.nodes > 0
    assert browser.execute_script(PAINTED) > 0
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0
    shot(browser, "6-viz-file")
    assert errors(browser) == []


def test_hostile_names_stay_text_in_the_browser(
    browser: Any, hostile_graph: Path, serve_graph: Any, tmp_path: Path
) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    from kg.explore.viz import write_viz

    url = serve_graph(hostile_graph)
    graph = load_graph(hostile_graph)
    entities = [n for n, d in graph.nodes(data=True) if d["kind"] != "Paper"]
    method = next(e for e in entities if graph.nodes[e]["label"] == "METHOD")
    dataset = next(e for e in entities if graph.nodes[e]["label"] == "DATASET")
    out = tmp_path / "hostile.html"
    write_viz(hostile_graph, out)
    visits = [
        ("/search?q=script", [HOSTILE_METHOD]),
        ("/search?q=onmouseover", [HOSTILE_DATASET]),
        ("/paper?id=xss-0", [HOSTILE_TITLE, HOSTILE_SENTENCE, HOSTILE_METHOD, HOSTILE_DATASET]),
        ("/entity?id=" + quote(method, safe=""), [HOSTILE_METHOD]),
        ("/entity?id=" + quote(dataset, safe=""), [HOSTILE_DATASET]),
    ]
    for path, shown in visits:
        browser.get(url + path)
        wait_for(browser, "main")
        for element in browser.find_elements(By.CSS_SELECTOR, "main a, main li, main h1")[:30]:
            ActionChains(browser).move_to_element(element).perform()
        assert browser.execute_script("return window.__xss === undefined"), path
        text = browser.find_element(By.TAG_NAME, "main").text
        assert all(s in text for s in shown), path
    for address in (url + "/graph", out.as_uri()):
        browser.get(address)
        assert drawn_nodes(browser) == graph.number_of_nodes()
        for node in (method, dataset, "xss-0"):
            browser.execute_script("window.kgViz.getElementById(arguments[0]).emit('tap')", node)
            details = browser.find_element(By.ID, "kg-details")
            assert details.find_element(By.TAG_NAME, "h2").text == graph.nodes[node].get(
                "name", HOSTILE_TITLE
            )
            assert not details.find_elements(By.CSS_SELECTOR, "img, script")
        assert HOSTILE_SENTENCE in browser.find_element(By.ID, "kg-details").text
        assert browser.execute_script("return window.__xss === undefined")
    shot(browser, "7-hostile-graph")
    assert errors(browser) == []

"""`rarereg site`: a static website, checked as files and in a real headless browser."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest
from typer.testing import CliRunner

from rarereg.export.common import ExportError
from rarereg.loader import bundled_registry
from rarereg.model import load_registry
from rarereg.site import build
from tests.helpers import add_recorded_facts, run, set_diseases

DAY = dt.date(2025, 6, 1)
ARTEFACTS = Path(__file__).parent / "artefacts"
HOSTILE = '<img src=x onerror="window.pwned=1"></script><script>window.pwned=2</script> & "q"'


class Page(HTMLParser):
    """The links, ids and headings of one HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.h1 = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Collect links, ids and h1 headings."""
        found = dict(attrs)
        for name in ("href", "src"):
            if found.get(name):
                self.links.append(str(found[name]))
        if found.get("id"):
            self.ids.add(str(found["id"]))
        if tag == "h1":
            self.h1 += 1


def parse(path: Path) -> Page:
    """One page, parsed."""
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def broken_links(out: Path) -> list[str]:
    """Every internal link of every page that does not lead to a file (and id) of the site."""
    parsed = {p: parse(p) for p in sorted(out.rglob("*.html"))}
    broken = []
    for path, page in parsed.items():
        for link in page.links:
            if urlsplit(link).scheme in ("http", "https", "mailto"):
                continue
            target, fragment = urldefrag(link)
            target = target.split("?")[0]
            file = (path.parent / target).resolve() if target else path
            if not file.is_file() or (fragment and fragment not in parse(file).ids):
                broken.append(f"{path.relative_to(out)} -> {link}")
    return broken


def make_site(registry: Path, out: Path, reg_day: dt.date = DAY) -> Path:
    """Build the site of a registry into ``out``."""
    reg = load_registry(registry, registry.parent, None)
    build.write(build.render(reg, reg_day, registry / "sources"), out)
    return out


@pytest.fixture(scope="module")
def bundled_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site of the shipped registry, as of a fixed date."""
    return make_site(bundled_registry(), tmp_path_factory.mktemp("bundled") / "site")


def test_cli_builds_every_page(runner: CliRunner, registry: Path, tmp_path: Path) -> None:
    """A page per centre, hospital, network and campaign, lists, assets, search index."""
    out = tmp_path / "public"
    result = run(runner, "site", out, "-r", registry)
    assert result.exit_code == 0, result.output
    assert result.stderr == f"wrote 24 files to {out} (open {out / 'index.html'})\n"
    files = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert files == [
        ".nojekyll",
        ".rarereg-site",
        "assets/search-index.js",
        "assets/search.js",
        "assets/style.css",
        "campaigns/campaign-2023.html",
        "campaigns/index.html",
        "centres/ccmr-lupus-lille.html",
        "centres/cracmo.html",
        "centres/index.html",
        "centres/lupus.html",
        "hospitals/ap-hp.html",
        "hospitals/chu-lille.html",
        "hospitals/chu-reims.html",
        "hospitals/hopital-jeanne-de-flandre.html",
        "hospitals/hopital-pitie-salpetriere.html",
        "hospitals/index.html",
        "index.html",
        "networks/ern-reconnet.html",
        "networks/fai2r.html",
        "networks/fimatho.html",
        "networks/index.html",
        "search-index.json",
        "sources/page.txt",
    ]


def test_every_internal_link_resolves(registry: Path, tmp_path: Path) -> None:
    """Checked for every page: each href and src leads to a file, each #id exists."""
    out = make_site(registry, tmp_path / "site")
    assert broken_links(out) == []
    assert all(parse(p).h1 == 1 for p in out.rglob("*.html"))


def test_bundled_site_links_and_headings(bundled_site: Path) -> None:
    """The shipped registry's site: no broken link, one h1 per page."""
    assert broken_links(bundled_site) == []
    pages = list(bundled_site.rglob("*.html"))
    assert len(pages) > 150
    assert [p for p in pages if parse(p).h1 != 1] == []


def test_relations_are_linked_and_sources_shown(registry: Path, tmp_path: Path) -> None:
    """A centre links its sites, network, ERN and campaign, and lists its sources."""
    out = make_site(registry, tmp_path / "site")
    page = parse(out / "centres" / "lupus.html")
    assert {
        "../hospitals/hopital-pitie-salpetriere.html",
        "../hospitals/chu-reims.html",
        "../networks/fai2r.html",
        "../networks/ern-reconnet.html",
        "../campaigns/campaign-2023.html",
        "../centres/ccmr-lupus-lille.html",
        "../sources/page.txt",
    } <= set(page.links)
    hospital = parse(out / "hospitals" / "chu-lille.html")
    assert {"../centres/cracmo.html", "../centres/ccmr-lupus-lille.html"} <= set(hospital.links)
    assert "../networks/fai2r.html" in hospital.links  # hosted network


def test_registry_strings_are_escaped(
    make_registry: Any, base_data: dict[str, Any], tmp_path: Path
) -> None:
    """Markup in the registry shows as text, in pages and in their JSON-LD."""
    base_data["hospitals"]["chu-reims"]["name"] = HOSTILE
    base_data["hospitals"]["chu-reims"]["aliases"] = [HOSTILE]
    out = make_site(make_registry(base_data), tmp_path / "site")
    for path in out.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "<img src=x" not in text
        assert "<script>window.pwned" not in text
        assert "</script><script>" not in text
    page = (out / "hospitals" / "chu-reims.html").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=&quot;window.pwned=1&quot;&gt;" in page


def test_same_registry_same_site(registry: Path, tmp_path: Path) -> None:
    """Two builds give the same bytes."""
    reg = load_registry(registry, registry.parent, None)
    first = build.render(reg, DAY, registry / "sources")
    second = build.render(load_registry(registry, registry.parent, None), DAY, registry / "sources")
    assert first == second


def test_site_replaces_only_its_own_folder(registry: Path, tmp_path: Path) -> None:
    """A folder of other files is refused; an older site is replaced whole."""
    other = tmp_path / "other"
    other.mkdir()
    (other / "keep.txt").write_text("mine")
    with pytest.raises(ExportError, match="holds files that rarereg did not write"):
        make_site(registry, other)
    assert [p.name for p in other.iterdir()] == ["keep.txt"]
    out = make_site(registry, tmp_path / "site")
    (out / "stale.html").write_text("old")
    make_site(registry, out)
    assert not (out / "stale.html").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other", "registry", "site"]


def test_failed_build_keeps_the_old_site(
    registry: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure while writing leaves the previous site whole and no temporary folder."""
    out = make_site(registry, tmp_path / "site")
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    real = Path.write_bytes
    calls = []

    def flaky(self: Path, data: bytes) -> int:
        calls.append(self)
        if len(calls) > 3:
            raise OSError(28, "No space left on device")
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", flaky)
    with pytest.raises(OSError, match="No space"):
        make_site(registry, out)
    monkeypatch.undo()
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["registry", "site"]


def test_cli_refuses_a_folder_of_other_files(runner: CliRunner, registry: Path) -> None:
    """Exit 2 with one line; nothing touched."""
    result = run(runner, "site", registry, "-r", registry)
    assert result.exit_code == 2
    assert result.stderr == (
        f"rarereg: error: {registry} holds files that rarereg did not write; "
        "give an empty or new folder\n"
    )


# --- In a real browser -------------------------------------------------------------------------

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,1600",
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium driven by Selenium; skipped where either is missing."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.options import Options
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.skip("selenium is not installed: pip install -e '.[test]'")
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if binary is None or driver_path is None:
        pytest.skip(
            "no headless browser: install Debian's chromium and chromium-driver "
            "(apt-get install chromium chromium-driver)"
        )
    options = Options()
    options.binary_location = binary
    for flag in FLAGS:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(driver_path))
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def console_errors(driver: Any) -> list[str]:
    """Console messages of level error since the last call."""
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def test_browser_every_page_loads_cleanly(
    browser: Any, make_registry: Any, base_data: dict[str, Any], tmp_path: Path
) -> None:
    """Every page opens from file:// with no console error; hostile text runs nothing."""
    base_data["hospitals"]["chu-reims"]["name"] = HOSTILE
    out = make_site(make_registry(base_data), tmp_path / "site")
    for path in sorted(out.rglob("*.html")):
        browser.get(path.as_uri())
        assert browser.find_element("css selector", "h1").text
        assert console_errors(browser) == [], path
        assert browser.execute_script("return window.pwned") is None


def test_browser_search_finds_lille(browser: Any, bundled_site: Path) -> None:
    """Typing "Lille" lists CHU de Lille and its centres; a link leads to a real page."""
    browser.get((bundled_site / "index.html").as_uri())
    box = browser.find_element("id", "q")
    box.send_keys("Lille")
    results = browser.find_elements("css selector", "#results a")
    names = [r.text for r in results]
    assert "CHU de Lille" in names
    status = browser.find_element("id", "search-status").text
    assert status == f"{len(names)} results"
    first = results[names.index("CHU de Lille")]
    first.click()
    assert browser.current_url.endswith("/hospitals/chu-lille.html")
    assert browser.find_element("css selector", "h1").text == "CHU de Lille"
    assert console_errors(browser) == []


def test_browser_filters_and_query_string(browser: Any, bundled_site: Path) -> None:
    """Filters narrow the results; ?q= in the address runs the search on arrival."""
    browser.get((bundled_site / "index.html").as_uri() + "?q=lille&what=hospital")
    names = [r.text for r in browser.find_elements("css selector", "#results a")]
    assert names == [
        "CHU de Lille",
        "Hôpital Albert Calmette",
        "Hôpital Claude Huriez",
        "Hôpital Jeanne de Flandre",
        "Hôpital Salengro",
        "Institut Cœur Poumon",
    ]


def test_browser_accessibility_basics(browser: Any, bundled_site: Path) -> None:
    """The first Tab reaches the skip link; every field has a label; print hides the search."""
    from selenium.webdriver.common.keys import Keys

    browser.get((bundled_site / "index.html").as_uri())
    browser.find_element("css selector", "body").send_keys(Keys.TAB)
    assert browser.switch_to.active_element.text == "Skip to content"
    unlabelled = browser.execute_script(
        "return [...document.querySelectorAll('input, select')]"
        ".filter(e => e.labels.length === 0).map(e => e.id)"
    )
    assert unlabelled == []
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        shown = browser.execute_script(
            "return getComputedStyle(document.getElementById('search')).display"
        )
        assert shown == "none"
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def test_browser_phone_width_and_screenshot(browser: Any, bundled_site: Path) -> None:
    """On a phone-sized window nothing scrolls sideways; a screenshot is kept as an artefact."""
    browser.set_window_size(390, 844)
    try:
        for page in ("index.html", "centres/index.html", "hospitals/chu-lille.html"):
            browser.get((bundled_site / page).as_uri())
            overflow = browser.execute_script(
                "return document.documentElement.scrollWidth - window.innerWidth"
            )
            assert overflow <= 0, page
    finally:
        browser.set_window_size(1280, 1600)
    browser.get((bundled_site / "index.html").as_uri())
    ARTEFACTS.mkdir(exist_ok=True)
    shot = ARTEFACTS / "home.png"
    assert browser.save_screenshot(str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_disease_pages_when_centres_list_diseases(registry: Path, tmp_path: Path) -> None:
    """Diseases get pages and a menu entry, linked both ways with their centres."""
    reg = load_registry(registry, registry.parent, None)
    set_diseases(
        reg,
        "lupus",
        [
            {
                "name": "Lupus systémique",
                "orpha": "ORPHA:536",
                "age_group": "both",
                "sources": [{"url": "https://example.org/lupus", "retrieved": "2026-11-25"}],
            },
            {"name": "Maladie sans code"},
        ],
    )
    out = tmp_path / "site"
    build.write(build.render(reg, DAY, registry / "sources"), out)
    assert sorted(p.name for p in (out / "diseases").iterdir()) == [
        "index.html",
        "maladie-sans-code.html",
        "orpha-536.html",
    ]
    centre = parse(out / "centres" / "lupus.html")
    assert {"../diseases/orpha-536.html", "https://example.org/lupus"} <= set(centre.links)
    assert "../centres/lupus.html" in parse(out / "diseases" / "orpha-536.html").links
    assert "diseases/index.html" in parse(out / "index.html").links
    assert broken_links(out) == []
    ccmr = parse(out / "centres" / "ccmr-lupus-lille.html")
    assert {"../diseases/orpha-536.html", "../diseases/maladie-sans-code.html"} <= set(ccmr.links)
    ccmr_text = (out / "centres" / "ccmr-lupus-lille.html").read_text()
    assert "inherited from" in ccmr_text
    disease = parse(out / "diseases" / "orpha-536.html")
    assert {"../centres/ccmr-lupus-lille.html", "https://example.org/lupus"} <= set(disease.links)
    assert "inherited" in (out / "diseases" / "orpha-536.html").read_text()


def test_site_as_of_and_new_parent_folders(
    runner: CliRunner, registry: Path, tmp_path: Path
) -> None:
    """--as-of leaves out centres not labelled that day; missing parent folders are made."""
    out = tmp_path / "build" / "public"
    result = run(runner, "site", out, "-r", registry, "--as-of", "2028-01-01")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (out / "centres").iterdir()) == ["cracmo.html", "index.html"]
    assert "Centres labelled on 2028-01-01." in (out / "index.html").read_text(encoding="utf-8")
    assert broken_links(out) == []


def test_site_refuses_the_current_folder(
    registry: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Swapping out the folder the shell is in would strand it: refused."""
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    with pytest.raises(ExportError, match="holds the current folder"):
        make_site(registry, Path())
    assert list(here.iterdir()) == []


def test_source_documents_published_but_not_links_out(registry: Path, tmp_path: Path) -> None:
    """Documents in sources/ are copied; a symbolic link to a file elsewhere is not followed."""
    secret = tmp_path / "secret.txt"
    secret.write_text("private")
    (registry / "sources" / "leak.txt").symlink_to(secret)
    out = make_site(registry, tmp_path / "site")
    assert sorted(p.name for p in (out / "sources").iterdir()) == ["page.txt"]


def test_every_page_is_well_formed_html(
    bundled_site: Path, make_registry: Any, base_data: dict[str, Any], tmp_path: Path
) -> None:
    """An HTML5 parser reports no error on any page (hostile names included)."""
    import html5lib

    base_data["hospitals"]["chu-reims"]["name"] = HOSTILE
    out = make_site(make_registry(base_data), tmp_path / "site")
    for path in [*bundled_site.rglob("*.html"), *out.rglob("*.html")]:
        parser = html5lib.HTMLParser(strict=False)
        parser.parse(path.read_bytes())
        assert parser.errors == [], path


class Screen(io.StringIO):
    """A terminal that records what is written to it."""

    def isatty(self) -> bool:
        """A terminal."""
        return True


def test_site_progress_counts_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """On a terminal the site build shows pages done; the line is erased at the end."""
    from rarereg.cli import terminal

    for name in ("CI", "GITHUB_ACTIONS", "RAREREG_NO_PROGRESS"):
        monkeypatch.delenv(name, raising=False)
    clock = iter([0.0, 1.0, 2.0])
    monkeypatch.setattr(terminal.time, "monotonic", lambda: next(clock))
    screen = Screen()
    tell = terminal.progress("site", screen, unit="pages")
    assert tell is not None
    tell(100, 203)
    tell(203, 203)
    assert screen.getvalue() == "\rsite: 100/203 pages\r\x1b[K"


def test_recorded_facts_on_pages(
    make_registry: Any, base_data: dict[str, Any], tmp_path: Path
) -> None:
    """Reported ends, previous labels, contacts and coverage are shown, each with its source."""
    out = make_site(make_registry(add_recorded_facts(base_data)), tmp_path / "site")
    campaign = (out / "campaigns" / "campaign-2023.html").read_text()
    assert "Reported ends" in campaign and "2028" in campaign and "a year only" in campaign
    assert "https://example.org/ends" in parse(out / "campaigns" / "campaign-2023.html").links
    centre = (out / "centres" / "lupus.html").read_text()
    assert "Previous labels" in centre
    assert "../campaigns/campaign-2017.html" in parse(out / "centres" / "lupus.html").links
    assert "01 42 17 80 01" in centre and "47-83 boulevard de l&#x27;Hôpital" in centre
    assert "mailto:secretariat.mi2@aphp.fr" in parse(out / "centres" / "lupus.html").links
    hospital = (out / "hospitals" / "chu-lille.html").read_text()
    assert "1 of 4 centres published by CHU de Lille are in the registry" in hospital
    assert "https://example.org/counts" in parse(out / "hospitals" / "chu-lille.html").links
    assert broken_links(out) == []

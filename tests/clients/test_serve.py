"""Clients no one here wrote, against a running `planlint serve` (tests/serve_clients.rs
starts it with the sample city as `anyang`): OWSLib, and a person in headless Chromium.

PLANLINT_SERVER: the server's URL; PLANLINT_ROOT: the checkout; PLANLINT_CHROMEDRIVER and
PLANLINT_CHROMIUM: the system's driver and browser; PLANLINT_SCREENSHOT: where to keep a
screenshot of the job's page.
"""

import base64
import io
import os
import pathlib
import time
import zipfile

import pytest

SERVER = os.environ["PLANLINT_SERVER"]
ROOT = pathlib.Path(os.environ["PLANLINT_ROOT"])
SUBMISSION = ROOT / "data" / "submission"


def submission_zip() -> bytes:
    """data/submission zipped, its files at the top."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for f in sorted(SUBMISSION.iterdir()):
            if f.is_file():
                z.write(f, f.name)
    return out.getvalue()


def failing_compounds(report: dict) -> dict:
    """{compound id: deficit} of the findings failing at error."""
    return {
        f["subject"]["id"]: f["gap"]["deficit"]
        for f in report["findings"]
        if f["status"] == "fail" and f["severity"] == "error"
    }


def test_owslib_lists_describes_and_executes_check():
    from owslib.ogcapi.processes import Processes

    service = Processes(SERVER)
    assert [p["id"] for p in service.processes()] == ["check", "fix"]
    check = service.process("check")
    assert set(check["inputs"]) >= {"submission", "city", "profile", "as_of", "lang", "select"}
    assert check["inputs"]["city"]["schema"]["enum"] == ["anyang"]
    conformance = service.conformance()["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/core" in conformance
    assert service.api()["openapi"].startswith("3.0")

    inputs = {
        "submission": {
            "value": base64.b64encode(submission_zip()).decode(),
            "mediaType": "application/zip",
        },
        "city": "anyang",
        "lang": "en",
    }
    results = service.execute("check", inputs=inputs)
    report = results["report"]["value"]
    # Hand-worked (data/submission): SUB-1 has 320 m² for 1,200 households, 26.67 m² per
    # 100 where 30 are wanted; SUB-2 has none for 800.
    deficits = failing_compounds(report)
    assert sorted(deficits) == ["SUB-1", "SUB-2"]
    assert deficits["SUB-1"] == pytest.approx(30 - 320 / 12, abs=1e-4)
    assert deficits["SUB-2"] == pytest.approx(30)
    assert results["findings"]["value"]["type"] == "FeatureCollection"

    # Asynchronously: a job, then the same report from its results.
    job = service.execute("check", inputs=inputs, async_=True)
    assert job["status"] in ("accepted", "running", "successful")
    for _ in range(600):
        status = service._request(path=f"jobs/{job['jobID']}")
        if status["status"] not in ("accepted", "running"):
            break
        time.sleep(0.05)
    assert status["status"] == "successful"
    again = service._request(path=f"jobs/{job['jobID']}/results")
    assert again["report"]["value"]["findings"] == report["findings"]


def test_a_person_uploads_the_submission_and_sees_the_verdict(tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import Select, WebDriverWait

    upload = tmp_path / "新城花园.zip"
    upload.write_bytes(submission_zip())
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ["PLANLINT_CHROMIUM"]
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--lang=zh-CN",
                "--window-size=1200,1500", f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {"intl.accept_languages": "zh-CN,zh"})
    driver = webdriver.Chrome(
        service=Service(executable_path=os.environ["PLANLINT_CHROMEDRIVER"]),
        options=options,
    )
    try:
        driver.set_page_load_timeout(120)
        driver.get(SERVER + "/")
        assert "养老服务设施规划检查" in driver.find_element(By.TAG_NAME, "h1").text
        Select(driver.find_element(By.NAME, "city")).select_by_value("anyang")
        driver.find_element(By.NAME, "submission").send_keys(str(upload))
        driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        # The click returns before the job's page has loaded on a busy machine: wait for it.
        verdict = WebDriverWait(driver, 120).until(
            expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ".verdict"))
        ).text
        assert "不符合" in verdict
        subjects = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "td.subject")]
        assert len(subjects) == 2, subjects
        assert any("SUB-1" in s for s in subjects) and any("SUB-2" in s for s in subjects)
        shot = os.environ.get("PLANLINT_SCREENSHOT")
        if shot:
            driver.save_screenshot(shot)
        # The history lists it, newest first.
        driver.get(SERVER + "/jobs")
        first = driver.find_elements(By.CSS_SELECTOR, "tbody tr")[0].text
        assert "新城花园.zip" in first and "不符合" in first
    finally:
        driver.quit()

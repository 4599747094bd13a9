//! The syscall table page (`cargo xtask site`) in a real browser: Debian's headless Chromium,
//! driven through chromedriver (WebDriver) with fantoccini. It loads the page from file://,
//! types a search, toggles and reorders columns, opens a row, switches to the errno tab, and
//! checks every number it reads in the DOM against syscalls-sys's own tables.
//!
//! Artifacts in `target/site-test/`: `index.html`, `screenshot.png` (desktop),
//! `screenshot-phone-dark.png` (390 px wide, dark colour scheme) and `timings.json` (first
//! render and keystroke times, measured in the page with `performance.now()`; printed, not
//! asserted: timing claims are the closing note's, not a test's).
//!
//! Needs `chromium` and `chromedriver` (Debian: `apt-get install -y chromium chromium-driver`),
//! hence `#[ignore]`: `cargo xtask test` runs it with `--ignored`.

use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use syscalls_sys::ABIS;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "chromedriver";
const INSTALL: &str = "install Debian's chromium and chromium-driver \
                       (apt-get install -y chromium chromium-driver)";

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// chromedriver on a free local port, stopped when dropped.
struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    fn start() -> Driver {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free local port")
            .port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {CHROMEDRIVER} ({e}): {INSTALL}"));
        let driver = Driver { child, port };
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not listen");
            std::thread::sleep(Duration::from_millis(50));
        }
        driver
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A Chrome DevTools command sent through chromedriver (`Emulation.setEmulatedMedia`, …).
#[derive(Debug)]
struct Cdp(Value);

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/goog/cdp/execute",
            session.unwrap_or("")
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.0.to_string()))
    }
}

async fn js(client: &Client, script: &str) -> Value {
    client
        .execute(script, vec![])
        .await
        .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
}

/// Polls `condition` (a JS expression) until it is true.
async fn wait_until(client: &Client, condition: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if js(client, &format!("return !!({condition});")).await == json!(true) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {condition}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The table as the user sees it: the header cells and the cells of the rows in the DOM
/// (the table is virtual: only the rows in view and a margin are there).
async fn visible_table(client: &Client) -> (Vec<String>, Vec<Vec<String>>) {
    let v = js(
        client,
        "const t = document.getElementById('table');
         const head = Array.from(t.tHead.rows[0].cells, c => c.firstChild.textContent);
         const rows = Array.from(t.tBodies[0].rows)
           .filter(r => r.classList.contains('row'))
           .map(r => Array.from(r.cells, c => c.textContent));
         return [head, rows];",
    )
    .await;
    serde_json::from_value(v).expect("a header and rows")
}

/// Every row of the table, read by scrolling it from top to bottom as a user would.
async fn all_rows(client: &Client) -> Vec<Vec<String>> {
    let v = client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const scroll = document.getElementById('scroll');
             const seen = new Map();
             const frame = () => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
             (async () => {
               scroll.scrollTop = 0;
               for (;;) {
                 await frame();
                 for (const r of document.querySelectorAll('#table tbody tr.row'))
                   seen.set(Number(r.dataset.i), Array.from(r.cells, c => c.textContent));
                 if (scroll.scrollTop + scroll.clientHeight >= scroll.scrollHeight - 1) break;
                 scroll.scrollTop += scroll.clientHeight;
               }
               scroll.scrollTop = 0;
               done(Array.from(seen.keys()).sort((a, b) => a - b).map(k => seen.get(k)));
             })();",
            vec![],
        )
        .await
        .expect("scrolling the table");
    serde_json::from_value(v).expect("rows")
}

fn number_cell(n: Option<usize>) -> String {
    n.map_or("–".to_string(), |n| n.to_string())
}

async fn type_search(client: &Client, text: &str) {
    let before = js(client, "return window.sysnoTimings.keystrokes.length;")
        .await
        .as_u64()
        .unwrap();
    let q = client.find(Locator::Id("q")).await.unwrap();
    q.send_keys(text).await.unwrap();
    let want = before + text.chars().count() as u64;
    wait_until(
        client,
        &format!("window.sysnoTimings.keystrokes.length >= {want}"),
    )
    .await;
}

async fn hash(client: &Client) -> String {
    js(client, "return decodeURIComponent(location.hash);")
        .await
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test(flavor = "current_thread")]
#[ignore = "needs Debian's chromium and chromium-driver: `cargo xtask test` runs it"]
async fn the_page_in_headless_chromium() {
    let root = workspace();
    let out = root.join("target/site-test");
    let status = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["site", "--out"])
        .arg(&out)
        .status()
        .expect("xtask runs");
    assert!(status.success(), "cargo xtask site failed");
    let page = out.join("index.html");
    let bytes = std::fs::metadata(&page).unwrap().len();
    assert!(bytes <= 600 * 1024, "the page is {bytes} bytes");
    assert!(
        Path::new(CHROMIUM).exists(),
        "{CHROMIUM} is missing: {INSTALL}"
    );

    let profile = tempfile::tempdir().unwrap();
    let driver = Driver::start();
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": CHROMIUM,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,900",
                format!("--user-data-dir={}", profile.path().display()),
            ],
        }),
    );
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .unwrap_or_else(|e| panic!("no WebDriver session ({e}): {INSTALL}"));

    let result = exercise(&client, &page, &out).await;
    let _ = client.close().await;
    drop(driver);
    result.unwrap();
}

async fn exercise(client: &Client, page: &Path, out: &Path) -> Result<(), String> {
    let url = format!("file://{}", page.display());
    client.goto(&url).await.map_err(|e| e.to_string())?;
    wait_until(client, "window.sysnoTimings && window.sysnoTimings.painted").await;
    let first = js(client, "return window.sysnoTimings;").await;

    let abi_names: Vec<&str> = ABIS.iter().map(|abi| abi.name()).collect();
    // Type a search first, on the fresh page (the keystroke timings): the rows left are the
    // names that contain it, and the URL says so.
    type_search(client, "memfd").await;
    let (_, rows) = visible_table(client).await;
    let shown: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    let names: BTreeSet<&str> = ABIS
        .iter()
        .flat_map(|abi| abi.syscalls().map(|(name, _)| name))
        .collect();
    let expected: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| n.contains("memfd"))
        .collect();
    assert_eq!(shown, expected);
    wait_until(client, "location.hash.includes('q=memfd')").await;
    let keystrokes = js(client, "return window.sysnoTimings.keystrokes;").await;

    // Every syscall name of every ABI is one row; every ABI one column, in the crate's order.
    client.goto(&url).await.map_err(|e| e.to_string())?;
    wait_until(client, "window.sysnoTimings && window.sysnoTimings.painted").await;
    let (head, window) = visible_table(client).await;
    assert_eq!(head[0], "name");
    assert_eq!(head[1..], abi_names[..]);
    assert!(
        window.len() < names.len(),
        "the table renders only the rows in view"
    );
    let rows = all_rows(client).await;
    let listed: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(listed, names.iter().copied().collect::<Vec<_>>());
    for row in &rows {
        let name = row[0].as_str();
        for (cell, abi) in row[1..].iter().zip(ABIS) {
            assert_eq!(
                *cell,
                number_cell(abi.syscall_number(name)),
                "{name} on {}",
                abi.name()
            );
        }
    }

    // Highlights: on the memfd_create row, cells that differ from the first column (x86_64).
    client
        .goto(&format!("{url}#q=memfd"))
        .await
        .map_err(|e| e.to_string())?;
    wait_until(client, "window.sysnoTimings && window.sysnoTimings.painted").await;
    let classes = js(
        client,
        "const r = Array.from(document.querySelectorAll('#table tr.row')).find(r => r.cells[0].textContent === 'memfd_create');
         return Array.from(r.cells).slice(1).map(c => c.className);",
    )
    .await;
    let reference = ABIS[0].syscall_number("memfd_create");
    for (class, abi) in classes.as_array().unwrap().iter().zip(ABIS) {
        let expected = match abi.syscall_number("memfd_create") {
            None => "m",
            Some(n) if Some(n) != reference => "d",
            Some(_) => "",
        };
        assert_eq!(class, expected, "highlight of {}", abi.name());
    }

    // Toggle columns: hide x86, then move aarch64 up one place.
    client
        .find(Locator::Css("#cols summary"))
        .await
        .and_then_async_click()
        .await?;
    let x86 = ABIS.iter().position(|a| a.name() == "x86").unwrap();
    client
        .find(Locator::Id(&format!("col-{x86}")))
        .await
        .and_then_async_click()
        .await?;
    let aarch64 = ABIS.iter().position(|a| a.name() == "aarch64").unwrap();
    client
        .find(Locator::Css(&format!(
            "#cols-list li[data-c='{aarch64}'] button[data-move='-1']"
        )))
        .await
        .and_then_async_click()
        .await?;
    let (head, rows) = visible_table(client).await;
    let mut order: Vec<&str> = abi_names.iter().copied().filter(|n| *n != "x86").collect();
    let at = order.iter().position(|n| *n == "aarch64").unwrap();
    order.swap(at, at - 1);
    assert_eq!(head[1..], order[..]);
    for row in &rows {
        for (cell, abi) in row[1..].iter().zip(&order) {
            let abi = ABIS.iter().find(|a| a.name() == *abi).unwrap();
            assert_eq!(*cell, number_cell(abi.syscall_number(&row[0])));
        }
    }
    assert!(hash(client)
        .await
        .contains(&format!("abi={}", order.join(","))));
    client
        .find(Locator::Css("#cols summary"))
        .await
        .and_then_async_click()
        .await?;

    // The URL carries the view: a number search on two columns.
    client
        .goto(&format!("{url}#q=319&abi=amd64,ARM64"))
        .await
        .map_err(|e| e.to_string())?;
    wait_until(client, "document.getElementById('q').value === '319'").await;
    let (head, rows) = visible_table(client).await;
    assert_eq!(head, ["name", "x86_64", "aarch64"]);
    let shown: BTreeSet<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    let (x86_64, arm64) = (
        &syscalls_sys::abi::x86_64::ABI,
        &syscalls_sys::abi::aarch64::ABI,
    );
    let expected: BTreeSet<&str> = [x86_64.syscall_name(319), arm64.syscall_name(319)]
        .into_iter()
        .flatten()
        .collect();
    assert_eq!(shown, expected);

    // Open a row: every ABI's number is in its details, and the URL names it.
    client
        .goto(&format!("{url}#q=memfd"))
        .await
        .map_err(|e| e.to_string())?;
    wait_until(
        client,
        "document.getElementById('table').tHead.rows[0].cells.length === 32",
    )
    .await;
    let row = client
        .find(Locator::XPath(
            "//table[@id='table']//tr[contains(@class,'row')]/th[text()='memfd_create']",
        ))
        .await
        .map_err(|e| e.to_string())?;
    row.click().await.map_err(|e| e.to_string())?;
    let detail = client
        .find(Locator::Id("detail"))
        .await
        .map_err(|e| e.to_string())?
        .text()
        .await
        .map_err(|e| e.to_string())?;
    for abi in ABIS {
        let cell = match abi.syscall_number("memfd_create") {
            Some(n) => format!("{} {n} ({n:#x})", abi.name()),
            None => format!("{} –", abi.name()),
        };
        assert!(
            detail.contains(&cell),
            "{cell} not in the details:\n{detail}"
        );
    }
    assert!(hash(client).await.contains("open=memfd_create"));
    // The signature where the page's data has signatures (syscalls-sys's `signatures`
    // feature), else the note that it has none.
    let has_signatures = js(
        client,
        "return 'sigs' in JSON.parse(document.getElementById('data').textContent);",
    )
    .await;
    if has_signatures == json!(true) {
        assert!(
            detail.contains("memfd_create(const char *uname, unsigned int flags)"),
            "{detail}"
        );
    } else {
        assert!(
            detail.contains("Signatures are not in these tables"),
            "{detail}"
        );
    }
    let png = client.screenshot().await.map_err(|e| e.to_string())?;
    std::fs::write(out.join("screenshot.png"), png).unwrap();
    check_since(client, "memfd_create").await;

    // Since when each ABI has a few syscalls (issue 14's examples, and one an ABI lost),
    // against the crate's own Abi::introduced and Abi::removed.
    for name in [
        "futex_waitv",
        "cachestat",
        "fchroot",
        "clone3",
        "sync_file_range",
    ] {
        client
            .goto(&format!("{url}#q={name}&open={name}"))
            .await
            .map_err(|e| e.to_string())?;
        check_since(client, name).await;
    }
    client
        .goto(&format!("{url}#q=memfd&open=memfd_create"))
        .await
        .map_err(|e| e.to_string())?;
    wait_until(
        client,
        "document.querySelector('#detail h2') && document.querySelector('#detail h2').textContent === 'memfd_create'",
    )
    .await;
    let row = client
        .find(Locator::XPath(
            "//table[@id='table']//tr[contains(@class,'row')]/th[text()='memfd_create']",
        ))
        .await
        .map_err(|e| e.to_string())?;
    row.click().await.map_err(|e| e.to_string())?;
    wait_until(client, "document.getElementById('detail').hidden").await;
    row.click().await.map_err(|e| e.to_string())?;
    wait_until(client, "!document.getElementById('detail').hidden").await;

    // The keyboard closes it again (Enter on the focused name).
    row.send_keys("\u{E007}").await.map_err(|e| e.to_string())?;
    wait_until(client, "document.getElementById('detail').hidden").await;
    wait_until(client, "!location.hash.includes('open=')").await;

    // The errno tab: EDEADLK's code on every ABI.
    client
        .find(Locator::Id("tab-errno"))
        .await
        .and_then_async_click()
        .await?;
    client
        .find(Locator::Id("q"))
        .await
        .map_err(|e| e.to_string())?
        .clear()
        .await
        .map_err(|e| e.to_string())?;
    type_search(client, "EDEADLK").await;
    let (head, rows) = visible_table(client).await;
    assert_eq!(head[1], "description");
    let edeadlk = rows
        .iter()
        .find(|r| r[0] == "EDEADLK")
        .expect("an EDEADLK row");
    for (cell, abi) in edeadlk[2..].iter().zip(ABIS) {
        let code = abi.errno_number("EDEADLK").map(|c| c as usize);
        assert_eq!(*cell, number_cell(code), "EDEADLK on {}", abi.name());
    }
    wait_until(client, "location.hash.includes('q=EDEADLK')").await;
    assert!(hash(client).await.contains("tab=errno"));

    // The ABIs tab: every ABI with its Linux version, audit arches and other names.
    client
        .find(Locator::Id("tab-abis"))
        .await
        .and_then_async_click()
        .await?;
    let abis = js(
        client,
        "return Array.from(document.querySelectorAll('#table tbody tr'),
           r => [r.cells[0].textContent, r.cells[1].textContent, r.cells[4].innerHTML, r.cells[5].textContent]);",
    )
    .await;
    let expected: Vec<[String; 4]> = ABIS
        .iter()
        .map(|a| {
            let arches: Vec<String> = a
                .audit_arches()
                .map(|(name, value)| format!("{name} = {value:#x}"))
                .collect();
            [
                a.name().to_string(),
                a.linux_version().to_string(),
                arches.join("<br>"),
                a.other_names().join(", "),
            ]
        })
        .collect();
    assert_eq!(
        serde_json::from_value::<Vec<[String; 4]>>(abis).unwrap(),
        expected
    );
    // …and how far each one's history goes, with the sampled versions in the legend.
    let history = js(
        client,
        "return Array.from(document.querySelectorAll('#table tbody tr'), r => r.cells[6].textContent);",
    )
    .await;
    for (text, abi) in history.as_array().unwrap().iter().zip(ABIS) {
        let text = text.as_str().unwrap();
        let until = abi.history_until().expect("every ABI has a history");
        let span = text.split(',').next().unwrap();
        assert!(
            span.ends_with(&format!("\u{2013}{until}")),
            "{}: {text}",
            abi.name()
        );
        match abi.ends() {
            Some((_, gone)) => assert!(text.ends_with(&format!(", gone by {gone}")), "{text}"),
            None => assert!(!text.contains("gone"), "{text}"),
        }
    }
    let legend = js(
        client,
        "return document.getElementById('legend').textContent;",
    )
    .await;
    let samples: Vec<String> = syscalls_sys::history_samples()
        .map(|v| v.to_string())
        .collect();
    assert!(
        legend.as_str().unwrap().contains(&samples.join(", ")),
        "{legend}"
    );

    // Timings first, at the desktop size (31 columns).
    let timings = measure(client, &url, page, &first, &keystrokes).await?;
    println!("page timings (ms): {timings}");
    std::fs::write(
        out.join("timings.json"),
        serde_json::to_string_pretty(&timings).unwrap(),
    )
    .unwrap();

    // A phone's width in the dark colour scheme.
    client
        .issue_cmd(Cdp(json!({
            "cmd": "Emulation.setEmulatedMedia",
            "params": {"features": [{"name": "prefers-color-scheme", "value": "dark"}]},
        })))
        .await
        .map_err(|e| e.to_string())?;
    client
        .issue_cmd(Cdp(json!({
            "cmd": "Emulation.setDeviceMetricsOverride",
            "params": {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": true},
        })))
        .await
        .map_err(|e| e.to_string())?;
    client
        .goto(&format!("{url}#q=open&abi=x86_64,aarch64,x86"))
        .await
        .map_err(|e| e.to_string())?;
    wait_until(client, "document.getElementById('q').value === 'open'").await;
    let dark = js(
        client,
        "return matchMedia('(prefers-color-scheme: dark)').matches
             && document.documentElement.scrollWidth <= innerWidth;",
    )
    .await;
    assert_eq!(
        dark,
        json!(true),
        "dark, and no horizontal page scroll at 390 px"
    );
    let png = client.screenshot().await.map_err(|e| e.to_string())?;
    std::fs::write(out.join("screenshot-phone-dark.png"), png).unwrap();
    Ok(())
}

/// Loads to measure, besides the first: each is a fresh document, typing "memfd" once.
const MORE_LOADS: usize = 6;

/// The opened row `name`'s details: each ABI's "since" (or when the ABI lost the syscall) is
/// what syscalls-sys's history says.
async fn check_since(client: &Client, name: &str) {
    wait_until(
        client,
        &format!(
            "document.querySelector('#detail h2') && document.querySelector('#detail h2').textContent === '{name}'"
        ),
    )
    .await;
    let shown = js(
        client,
        "return Array.from(document.querySelectorAll('#detail .grid > span'),
           s => [s.dataset.abi, s.querySelector('.since') ? s.querySelector('.since').textContent : null]);",
    )
    .await;
    let shown: Vec<(String, Option<String>)> = serde_json::from_value(shown).unwrap();
    assert_eq!(shown.len(), ABIS.len(), "{name}: {shown:?}");
    let mut known = 0;
    for ((abi_name, since), abi) in shown.iter().zip(ABIS) {
        assert_eq!(abi_name, abi.name());
        let expected = match (abi.removed(name), abi.introduced(name)) {
            (Some((last, gone)), _) => Some(format!("last seen in {last}, gone by {gone}")),
            (None, Some(s)) => Some(format!("since {s}")),
            (None, None) => None,
        };
        assert_eq!(*since, expected, "{name} on {}", abi.name());
        if abi.syscall_number(name).is_some() {
            assert!(since.is_some(), "{name} on {} has a since", abi.name());
            known += 1;
        }
    }
    assert!(known > 0, "{name} exists somewhere");
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// The page's own timings (performance.now(), from navigation start for the first render;
/// from each keystroke's event time for a keystroke), over several loads: medians and maxima.
async fn measure(
    client: &Client,
    url: &str,
    page: &Path,
    first: &Value,
    keystrokes: &Value,
) -> Result<Value, String> {
    let mut rendered = vec![first["rendered"].as_f64().unwrap()];
    let mut painted = vec![first["painted"].as_f64().unwrap()];
    let mut handled: Vec<f64> = Vec::new();
    let mut key_painted: Vec<f64> = Vec::new();
    let mut add_keys = |keys: &Value| {
        for k in keys.as_array().unwrap() {
            handled.push(k["handled"].as_f64().unwrap());
            key_painted.push(k["painted"].as_f64().unwrap());
        }
    };
    add_keys(keystrokes);
    for run in 0..MORE_LOADS {
        // A query string makes each one a new document load.
        client
            .goto(&format!("{url}?load={run}"))
            .await
            .map_err(|e| e.to_string())?;
        wait_until(client, "window.sysnoTimings && window.sysnoTimings.painted").await;
        type_search(client, "memfd").await;
        let t = js(client, "return window.sysnoTimings;").await;
        rendered.push(t["rendered"].as_f64().unwrap());
        painted.push(t["painted"].as_f64().unwrap());
        add_keys(&t["keystrokes"]);
    }
    let max = |v: &[f64]| v.iter().copied().fold(0.0, f64::max);
    Ok(json!({
        "page_bytes": std::fs::metadata(page).unwrap().len(),
        "loads": rendered.len(),
        "first_render_median": median(rendered.clone()),
        "first_render_max": max(&rendered),
        "first_paint_median": median(painted.clone()),
        "keystrokes": handled.len(),
        "keystroke_median": median(handled.clone()),
        "keystroke_max": max(&handled),
        "keystroke_to_paint_median": median(key_painted.clone()),
        "keystroke_to_paint_max": max(&key_painted),
        "first_load": first,
    }))
}

/// `find(..).await` then click, with errors as text.
trait ClickFound {
    async fn and_then_async_click(self) -> Result<(), String>;
}

impl ClickFound for Result<fantoccini::elements::Element, fantoccini::error::CmdError> {
    async fn and_then_async_click(self) -> Result<(), String> {
        self.map_err(|e| e.to_string())?
            .click()
            .await
            .map_err(|e| e.to_string())
    }
}

//! report.html in a real browser: Debian's Chromium, headless, with no network. The page must
//! render (the DOM has every control and the diagrams), paint, and neither log to the console
//! nor load anything: it is one self-contained file a validator opens offline.
//!
//! Chromium is `RDS_EVIDENCE_CHROMIUM`, else `chromium` on PATH; without it these tests fail
//! (`apt-get install chromium`) rather than skip, so that a missing browser is never a pass.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rds_evidence_bundle::{diagram, read_snapshot, report, Contents, REPORT_HTML_FILE};
use rds_evidence_controls::{evaluate, Attestations, Profile};

/// One browser run may take this long before it is killed and the test fails.
const TIMEOUT: Duration = Duration::from_secs(60);

/// Requests Chromium makes on its own (updates, sign-in, clock), whatever the page: the proxy
/// posture fails them, and they are not the page's doing.
const BROWSER_BACKGROUND_HOSTS: &[&str] = &[
    "update.googleapis.com",
    "accounts.google.com",
    "clients2.google.com",
    "redirector.gvt1.com",
    // Chromium 148 asks for its new-tab page's "async" features at start-up.
    "www.google.com",
];

/// Chromium 148's own requests to hosts a page could also name: matched by URL prefix.
const BROWSER_BACKGROUND_URLS: &[&str] = &["https://www.google.com/async/folae?"];

fn chromium() -> PathBuf {
    if let Some(path) = std::env::var_os("RDS_EVIDENCE_CHROMIUM") {
        return PathBuf::from(path);
    }
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join("chromium"))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| {
            panic!(
                "Chromium not found: `apt-get install chromium`, or set RDS_EVIDENCE_CHROMIUM \
                 to the browser's path"
            )
        })
}

struct Run {
    stdout: String,
    stderr: String,
}

/// Runs headless Chromium on `page` with no network: every host resolves to nothing and
/// every request goes to a closed loopback port. `--vmodule` makes it log each file it opens
/// and each request it starts, so that loads can be asserted on.
fn run_chromium(page: &Path, extra: &[&str]) -> Run {
    let profile = tempfile::tempdir().expect("temporary browser profile");
    let mut child = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--enable-logging=stderr",
            "--v=0",
            "--vmodule=network_delegate=1,file_url_loader_factory=1",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--disable-default-apps",
            "--proxy-server=127.0.0.1:9",
            "--host-resolver-rules=MAP * ~NOTFOUND",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(file_url(page))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start Chromium ({e}): `apt-get install chromium`"));
    let mut stdout_pipe = child.stdout.take().expect("piped stdout");
    let mut stderr_pipe = child.stderr.take().expect("piped stderr");
    let stdout = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout_pipe.read_to_string(&mut text);
        text
    });
    let stderr = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr_pipe.read_to_string(&mut text);
        text
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for Chromium") {
            break status;
        }
        if started.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("Chromium did not finish within {TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let run = Run {
        stdout: stdout.join().expect("stdout reader"),
        stderr: stderr.join().expect("stderr reader"),
    };
    assert!(
        status.success(),
        "Chromium failed ({status}):\n{}",
        run.stderr
    );
    run
}

fn file_url(path: &Path) -> String {
    let path = path.canonicalize().expect("page exists");
    format!("file://{}", path.display())
}

/// What in Chromium's stderr shows the page misbehaving: any console message (the report has
/// no script, so any message is an error: a failed load, a CSP refusal, an exception), any
/// file opened besides the page itself, any network request that is not the browser's own.
fn page_problems(stderr: &str, page_url: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for line in stderr.lines() {
        if line.contains(":CONSOLE") {
            let message = line.split_once("] ").map_or(line, |(_, message)| message);
            problems.push(format!("console: {message}"));
        } else if let Some((_, url)) = line.split_once("FileURLLoader::Start: ") {
            if url.trim() != page_url {
                problems.push(format!("loads a file: {}", url.trim()));
            }
        } else if let Some((_, url)) = line.split_once("NotifyBeforeURLRequest: ") {
            let url = url.trim();
            let host = url.split_once("://").map_or("", |(_, rest)| {
                rest.split(['/', ':', '?']).next().unwrap_or("")
            });
            let own = BROWSER_BACKGROUND_HOSTS.contains(&host)
                || BROWSER_BACKGROUND_URLS.iter().any(|u| url.starts_with(u));
            if !own {
                problems.push(format!("network request: {url}"));
            }
        }
    }
    problems
}

fn fixture(name: &str) -> PathBuf {
    // At run time: a shared target directory may hold this test built from another checkout.
    std::path::PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into()),
    )
    .join("../../fixtures")
    .join(name)
}

/// A snapshot evaluated with the built-in profile, and its diagrams, handed to `render`.
fn rendered<T>(snapshot: &str, render: impl FnOnce(Contents, &[diagram::Diagram]) -> T) -> T {
    let snapshot = read_snapshot(&fixture(snapshot)).expect("a fixture snapshot");
    let profile = Profile::builtin();
    let attestations = Attestations::default();
    let evaluation = evaluate(&snapshot, &profile, &attestations);
    let contents = Contents {
        snapshot: &snapshot,
        evaluation: &evaluation,
        profile: &profile,
        attestations: &attestations,
    };
    render(contents, &diagram::diagrams(contents))
}

fn demo_report(dir: &Path) -> PathBuf {
    let path = dir.join(REPORT_HTML_FILE);
    let page = rendered("emulator-demo-snapshot.json", report::html);
    std::fs::write(&path, page).expect("write report.html");
    path
}

#[test]
fn the_demo_report_renders_offline_without_errors() {
    let dir = tempfile::tempdir().unwrap();
    let page = demo_report(dir.path());
    let page_url = file_url(&page);

    let dom = run_chromium(&page, &["--dump-dom"]);
    for control in &Profile::builtin().controls {
        assert!(
            dom.stdout
                .contains(&format!("id=\"control-{}\"", control.id)),
            "control {} missing from the rendered DOM",
            control.id
        );
    }
    assert!(dom.stdout.contains("<svg"), "the diagrams are in the DOM");
    assert!(dom.stdout.contains("What could not be collected"));
    assert_eq!(page_problems(&dom.stderr, &page_url), Vec::<String>::new());

    let screenshot = dir.path().join("report.png");
    let shot = run_chromium(
        &page,
        &[
            &format!("--screenshot={}", screenshot.display()),
            "--window-size=1280,2000",
        ],
    );
    assert_eq!(page_problems(&shot.stderr, &page_url), Vec::<String>::new());
    let png = std::fs::read(&screenshot).expect("Chromium wrote the screenshot");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG");
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
    assert_eq!((width, height), (1280, 2000));
    // A blank page of that size compresses to a few kilobytes; text and colour do not.
    assert!(
        png.len() > 50_000,
        "little was painted: {} bytes",
        png.len()
    );
}

/// Measures, in the page Chromium laid out, every text of every diagram against the box that
/// holds it (a `<g data-id>`'s first rectangle) and against the diagram: the layout sizes boxes
/// from font metrics, and this is where a wrong metric would show.
const OVERFLOW_SCRIPT: &str = r#"
const problems = [];
let measured = 0;
const outside = (b, r) => b.x < r.x - 0.5 || b.y < r.y - 0.5 ||
    b.x + b.width > r.x + r.width + 0.5 || b.y + b.height > r.y + r.height + 0.5;
const show = (b) => `${b.x.toFixed(1)},${b.y.toFixed(1)} ${b.width.toFixed(1)}x${b.height.toFixed(1)}`;
for (const svg of document.querySelectorAll('svg')) {
  const page = svg.viewBox.baseVal;
  for (const text of svg.querySelectorAll('text')) {
    if (outside(text.getBBox(), page)) problems.push(`off the page: ${text.textContent}`);
  }
  for (const box of svg.querySelectorAll('g[data-id]')) {
    const frame = box.querySelector('rect').getBBox();
    for (const text of box.querySelectorAll('tspan, text:not(:has(tspan))')) {
      const extent = text.getBBox();
      measured += 1;
      if (outside(extent, frame)) {
        problems.push(`${box.dataset.id}: "${text.textContent}" ${show(extent)} outside ${show(frame)}`);
      }
    }
  }
}
document.body.dataset.measured = measured;
document.body.dataset.problems = JSON.stringify(problems);
"#;

#[test]
fn no_diagram_text_overflows_its_box() {
    let dir = tempfile::tempdir().unwrap();
    for snapshot in ["demo-snapshot.json", "emulator-demo-snapshot.json"] {
        let svgs: Vec<String> = rendered(snapshot, |_, diagrams| {
            diagrams.iter().map(|d| d.svg.clone()).collect()
        });
        assert!(!svgs.is_empty(), "{snapshot} has diagrams");
        let page = dir.path().join("diagrams.html");
        std::fs::write(
            &page,
            format!(
                "<!DOCTYPE html><html><body>{}<script>{OVERFLOW_SCRIPT}</script></body></html>",
                svgs.concat()
            ),
        )
        .unwrap();
        let run = run_chromium(&page, &["--dump-dom"]);
        let attribute = |name: &str| {
            let start = run
                .stdout
                .find(&format!("data-{name}=\""))
                .unwrap_or_else(|| panic!("the script ran and set data-{name}"))
                + name.len()
                + 7;
            let end = start + run.stdout[start..].find('"').unwrap();
            run.stdout[start..end]
                .replace("&quot;", "\"")
                .replace("&amp;", "&")
        };
        let measured: usize = attribute("measured").parse().unwrap();
        assert!(measured > 100, "{snapshot}: only {measured} texts measured");
        let problems: Vec<String> = serde_json::from_str(&attribute("problems")).unwrap();
        assert_eq!(problems, Vec::<String>::new(), "{snapshot}");
    }
}

#[test]
fn a_broken_page_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("broken.html");
    std::fs::write(
        &page,
        "<!DOCTYPE html><html><head><link rel=\"stylesheet\" href=\"https://cdn.example.com/x.css\">\
         </head><body><img src=\"missing.png\">\
         <script>console.error(\"deliberate\"); undefinedFunction();</script></body></html>",
    )
    .unwrap();
    let run = run_chromium(&page, &["--dump-dom"]);
    let problems = page_problems(&run.stderr, &file_url(&page));
    let found = |needle: &str| problems.iter().any(|p| p.contains(needle));
    assert!(found("console: \"deliberate\""), "{problems:#?}");
    assert!(found("undefinedFunction is not defined"), "{problems:#?}");
    assert!(
        found("network request: https://cdn.example.com/x.css"),
        "{problems:#?}"
    );
    assert!(
        found("loads a file: file://") && found("missing.png"),
        "{problems:#?}"
    );
}

#[test]
fn stderr_lines_of_chromium_are_read() {
    // As Chromium 156 prints them; the browser's own update check is not the page's doing.
    let stderr = "\
[1:2:1129/015911.541498:VERBOSE1:net/base/network_delegate.cc:38] NetworkDelegate::NotifyBeforeURLRequest: https://update.googleapis.com/service/update2/json?x=1
[3:4:1129/015911.705900:VERBOSE1:content/browser/loader/file_url_loader_factory.cc:477] FileURLLoader::Start: file:///tmp/b/report.html
[3:4:1129/015911.809842:VERBOSE1:content/browser/loader/file_url_loader_factory.cc:477] FileURLLoader::Start: file:///tmp/b/logo.png
[1:2:1129/015911.812045:VERBOSE1:net/base/network_delegate.cc:38] NetworkDelegate::NotifyBeforeURLRequest: https://cdn.example.com/x.css
[3:3:1129/015911.832509:INFO:CONSOLE:3] \"Uncaught ReferenceError: f is not defined\", source: file:///tmp/b/report.html (3)
[3:3:1129/015911.832509:ERROR:dbus/bus.cc:405] Failed to connect to the bus
";
    assert_eq!(
        page_problems(stderr, "file:///tmp/b/report.html"),
        [
            "loads a file: file:///tmp/b/logo.png",
            "network request: https://cdn.example.com/x.css",
            "console: \"Uncaught ReferenceError: f is not defined\", source: file:///tmp/b/report.html (3)",
        ]
    );
}

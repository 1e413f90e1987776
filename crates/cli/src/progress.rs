use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};
use rds_evidence_collector::Progress;

/// A region counter on stderr when it is a terminal; nothing otherwise (cron, CI, pipes).
pub struct TerminalProgress {
    bar: ProgressBar,
}

impl TerminalProgress {
    pub fn new() -> Self {
        let bar = if std::io::stderr().is_terminal() {
            let bar = ProgressBar::new_spinner();
            bar.set_message("connecting");
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            bar
        } else {
            ProgressBar::hidden()
        };
        TerminalProgress { bar }
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Progress for TerminalProgress {
    fn regions_resolved(&self, regions: &[String]) {
        self.bar.set_length(regions.len() as u64);
        self.bar.set_style(
            ProgressStyle::with_template("{spinner} collecting regions {pos}/{len} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        self.bar.set_message(String::new());
    }

    fn region_collected(&self, region: &str) {
        self.bar.inc(1);
        self.bar.set_message(format!("({region} done)"));
    }
}

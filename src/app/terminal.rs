//! What the terminal can show: colour, width and hyperlinks.

use crate::cli::ColorWhen;

/// Whether to colour a stream. `auto` follows the conventions users set once for every tool:
/// NO_COLOR (no-color.org) turns it off; FORCE_COLOR (force-color.org) and CLICOLOR_FORCE turn
/// it on where there is no terminal (CI logs); CLICOLOR=0 turns it off; otherwise a terminal
/// that is not `TERM=dumb`. The variables are read by anstyle-query, as clap and cargo do.
pub(crate) fn color(when: ColorWhen, is_terminal: bool) -> bool {
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => {
            if anstyle_query::no_color() {
                false
            } else if force_color() || anstyle_query::clicolor_force() {
                true
            } else if anstyle_query::clicolor() == Some(false) {
                false
            } else {
                is_terminal && anstyle_query::term_supports_color()
            }
        }
    }
}

/// FORCE_COLOR set to anything but empty, `0` or `false` (as Node and Python tools read it).
fn force_color() -> bool {
    std::env::var("FORCE_COLOR").is_ok_and(|v| !matches!(v.as_str(), "" | "0" | "false"))
}

/// OSC-8 hyperlinks: terminals known to support them (FORCE_HYPERLINK=1/0 overrides).
pub(super) fn supports_hyperlinks() -> bool {
    let var = |k: &str| std::env::var(k).unwrap_or_default();
    match var("FORCE_HYPERLINK").as_str() {
        "1" => return true,
        "0" => return false,
        _ => {}
    }
    if std::env::var_os("CI").is_some() {
        return false;
    }
    let vte = var("VTE_VERSION").parse::<u32>().unwrap_or(0);
    matches!(
        var("TERM_PROGRAM").as_str(),
        "iTerm.app" | "WezTerm" | "vscode" | "ghostty" | "Hyper"
    ) || std::env::var_os("WT_SESSION").is_some()
        || std::env::var_os("KONSOLE_VERSION").is_some()
        || std::env::var_os("DOMTERM").is_some()
        || vte >= 5000
        || ["kitty", "alacritty", "foot", "wezterm"].iter().any(|t| var("TERM").contains(t))
}

/// `COLUMNS` when exported, else the terminal's own width (shells rarely export `COLUMNS`).
pub(super) fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .or_else(|| terminal_size::terminal_size().map(|(w, _)| usize::from(w.0)))
        .unwrap_or(100)
        .clamp(60, 200)
}

//! What the terminal can show: width and hyperlinks.

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

//! Starts `actuator-lint server` from the PATH of the worktree's shell.

use zed_extension_api::{self as zed, LanguageServerId, Result};

struct ActuatorLint;

impl zed::Extension for ActuatorLint {
    fn new() -> Self {
        ActuatorLint
    }

    fn language_server_command(&mut self, _id: &LanguageServerId, worktree: &zed::Worktree) -> Result<zed::Command> {
        let command = worktree
            .which("actuator-lint")
            .ok_or("actuator-lint is not on PATH: install it with `cargo install --path .` in its repository")?;
        Ok(zed::Command {
            command,
            args: vec!["server".to_string()],
            env: Vec::new(),
        })
    }
}

zed::register_extension!(ActuatorLint);

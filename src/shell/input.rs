//! The inputs of shell sessions, checked before the engine sees them.

use async_graphql::{ID, InputObject};

use crate::error::{Error, Result};

/// The most a terminal may measure either way.
const MAX_DIMENSION: i32 = 1000;
/// The most one `sendShellInput` may carry (a paste).
pub const MAX_INPUT_BYTES: usize = 64 * 1024;

#[derive(Debug, InputObject)]
pub struct StartContainerShellInput {
    pub server_id: ID,
    /// The container's id or name; it must be running.
    pub container_id: ID,
    /// What to run, as an argument list; `["/bin/sh"]` when left out.
    pub command: Option<Vec<String>>,
    /// The terminal's size in characters.
    #[graphql(default = 80)]
    pub cols: i32,
    #[graphql(default = 24)]
    pub rows: i32,
}

#[derive(Debug, InputObject)]
pub struct SendShellInputInput {
    pub session_id: ID,
    /// Keystrokes or pasted text, as the terminal sends them.
    pub data: String,
}

#[derive(Debug, InputObject)]
pub struct ResizeShellInput {
    pub session_id: ID,
    pub cols: i32,
    pub rows: i32,
}

#[derive(Debug, InputObject)]
pub struct CloseShellInput {
    pub session_id: ID,
}

/// A terminal size, each side 1 to 1000 characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TerminalSize {
    pub cols: u16,
    pub rows: u16,
}

impl TerminalSize {
    pub fn parse(cols: i32, rows: i32) -> Result<TerminalSize> {
        let side = |value: i32, name: &str| {
            u16::try_from(value)
                .ok()
                .filter(|value| (1..=MAX_DIMENSION as u16).contains(value))
                .ok_or_else(|| {
                    Error::bad_input(
                        &["input", name],
                        format!("{name} must be between 1 and {MAX_DIMENSION}"),
                    )
                })
        };
        Ok(TerminalSize {
            cols: side(cols, "cols")?,
            rows: side(rows, "rows")?,
        })
    }
}

impl StartContainerShellInput {
    /// The command (default `/bin/sh`) and size, checked.
    pub fn parse(&self) -> Result<(Vec<String>, TerminalSize)> {
        let command = match &self.command {
            None => vec!["/bin/sh".to_string()],
            Some(command) => {
                let valid = !command.is_empty()
                    && command.len() <= 64
                    && !command[0].trim().is_empty()
                    && command
                        .iter()
                        .all(|arg| arg.len() <= 4096 && !arg.contains('\0'));
                if !valid {
                    return Err(Error::bad_input(
                        &["input", "command"],
                        "a command is 1 to 64 arguments of at most 4096 bytes, without NUL, and names a program first",
                    ));
                }
                command.clone()
            }
        };
        Ok((command, TerminalSize::parse(self.cols, self.rows)?))
    }
}

/// Input data, within [`MAX_INPUT_BYTES`].
pub fn input_data(data: &str) -> Result<&[u8]> {
    if data.is_empty() || data.len() > MAX_INPUT_BYTES {
        return Err(Error::bad_input(
            &["input", "data"],
            format!("input is 1 to {MAX_INPUT_BYTES} bytes per call"),
        ));
    }
    Ok(data.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn start(command: Option<Vec<&str>>, cols: i32, rows: i32) -> StartContainerShellInput {
        StartContainerShellInput {
            server_id: ID("s".into()),
            container_id: ID("c".into()),
            command: command.map(|c| c.into_iter().map(str::to_string).collect()),
            cols,
            rows,
        }
    }

    #[test]
    fn a_shell_without_a_command_runs_sh() {
        let (command, size) = start(None, 120, 40).parse().expect("valid");
        assert_eq!(command, ["/bin/sh"]);
        assert_eq!(
            size,
            TerminalSize {
                cols: 120,
                rows: 40
            }
        );
    }

    #[test]
    fn bad_commands_and_sizes_are_refused_at_their_field() {
        let field = |input: StartContainerShellInput| match input.parse() {
            Err(Error::BadInput { field, .. }) => field,
            other => panic!("not refused: {other:?}"),
        };
        assert_eq!(field(start(Some(vec![]), 80, 24)), ["input", "command"]);
        assert_eq!(field(start(Some(vec![" "]), 80, 24)), ["input", "command"]);
        assert_eq!(
            field(start(Some(vec!["sh", "a\0b"]), 80, 24)),
            ["input", "command"]
        );
        assert_eq!(field(start(None, 0, 24)), ["input", "cols"]);
        assert_eq!(field(start(None, 80, 1001)), ["input", "rows"]);
        assert!(input_data("").is_err());
        assert!(input_data(&"x".repeat(MAX_INPUT_BYTES + 1)).is_err());
    }
}

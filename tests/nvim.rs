//! `actuator-lint server` under a real editor client: Neovim's built-in LSP client (headless,
//! `vim.lsp.start_client`, present since 0.5) opens the commerce scenario's order-service
//! build file, sees the registry finding at its line, applies the code action and sees the
//! finding and the hint on the Prometheus job that scrapes it go away before saving.
//!
//! Needs `nvim` on PATH. `.ci/run` installs it where it can and sets
//! `ACTUATOR_LINT_REQUIRE_NVIM=1` when it is present, so that CI cannot skip this; elsewhere a
//! missing `nvim` is reported on stderr and the test does nothing else.

use std::path::Path;
use std::process::Command;

const SCRIPT: &str = r#"
local function fail(msg)
  io.stderr:write('FAIL: ' .. msg .. '\n')
  vim.cmd('cquit 1')
end
local function main()
local root = os.getenv('ROOT')
local client = vim.lsp.start_client({ name = 'actuator-lint', cmd = { os.getenv('BIN'), 'server' }, root_dir = root })
if not client then fail('the client did not start') end
vim.cmd('edit ' .. root .. '/services/order-service/build.gradle.kts')
local buf = vim.api.nvim_get_current_buf()
vim.lsp.buf_attach_client(buf, client)

local function registry(bufnr)
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.code == 'prometheus-registry-missing' then return d end
  end
end
local function on_scrape()
  for _, d in ipairs(vim.diagnostic.get()) do
    if d.code == 'prometheus-registry-missing' and vim.api.nvim_buf_get_name(d.bufnr):match('prometheus%.yml$') then return d end
  end
end

if not vim.wait(60000, function() return registry(buf) ~= nil and on_scrape() ~= nil end, 50) then
  fail('no registry finding on the build file and the scrape: ' .. vim.inspect(vim.diagnostic.get()))
end
local d = registry(buf)
if d.lnum ~= 5 or d.severity ~= vim.diagnostic.severity.ERROR then fail('finding at the wrong place: ' .. vim.inspect(d)) end
io.stdout:write('finding: ' .. d.lnum + 1 .. ':' .. d.col + 1 .. ' ' .. d.message:gsub('\n.*', '') .. '\n')

local params = {
  textDocument = { uri = vim.uri_from_bufnr(buf) },
  range = { start = { line = d.lnum, character = d.col }, ['end'] = { line = d.end_lnum, character = d.end_col } },
  -- The server finds the findings by range; the client's copies are not needed.
  context = { diagnostics = {} },
}
local results = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', params, 10000)
local action
for _, r in pairs(results or {}) do
  for _, a in ipairs(r.result or {}) do
    if a.isPreferred then action = a end
  end
end
if not action then fail('no preferred code action: ' .. vim.inspect(results)) end
vim.lsp.util.apply_workspace_edit(action.edit, 'utf-16')
local inserted = false
for _, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
  if line:match('runtimeOnly%("io%.micrometer:micrometer%-registry%-prometheus"%)') then inserted = true end
end
if not inserted then fail('the action did not insert the runtimeOnly line') end
if not vim.bo[buf].modified then fail('the buffer should be unsaved') end

if not vim.wait(60000, function() return registry(buf) == nil and on_scrape() == nil end, 50) then
  fail('the finding did not go away: ' .. vim.inspect(vim.diagnostic.get()))
end
io.stdout:write('cleared before saving by: ' .. action.title .. '\n')
vim.lsp.stop_client(client)
end

local ok, err = pcall(main)
if not ok then fail(tostring(err)) end
vim.cmd('qa!')
"#;

#[test]
#[cfg(unix)]
fn neovim_shows_the_finding_and_applies_its_fix() {
    let required = std::env::var_os("ACTUATOR_LINT_REQUIRE_NVIM").is_some_and(|v| v == "1");
    let version = Command::new("nvim").arg("--version").output().ok();
    let Some(version) = version.filter(|o| o.status.success()) else {
        assert!(!required, "ACTUATOR_LINT_REQUIRE_NVIM=1 but `nvim` does not run");
        eprintln!("SKIPPED neovim_shows_the_finding_and_applies_its_fix: `nvim` is not installed (`.ci/run` installs it)");
        return;
    };
    eprintln!("{}", String::from_utf8_lossy(&version.stdout).lines().next().unwrap_or(""));
    let dir = std::env::temp_dir().join(format!("actuator-lint-nvim-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let script = dir.join("test.lua");
    std::fs::write(&script, SCRIPT).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/scenarios/commerce/repo");
    let (out_path, err_path) = (dir.join("stdout"), dir.join("stderr"));
    let mut child = Command::new("nvim")
        .args(["--headless", "--clean", "-n", "-i", "NONE"])
        .arg("-c")
        .arg(format!("luafile {}", script.display()))
        .env("ROOT", &root)
        .env("BIN", env!("CARGO_BIN_EXE_actuator-lint"))
        .env("XDG_STATE_HOME", &dir)
        .env("XDG_CACHE_HOME", &dir)
        .stdin(std::process::Stdio::null())
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .unwrap();
    // The script gives up after its own waits; this only guards against Neovim itself hanging.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(180);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let stdout = std::fs::read_to_string(&out_path).unwrap_or_default();
    let stderr = std::fs::read_to_string(&err_path).unwrap_or_default();
    let _ = std::fs::remove_dir_all(&dir);
    let status = status.unwrap_or_else(|| panic!("nvim hung; it wrote:\n{stdout}\n{stderr}"));
    assert!(status.success(), "nvim failed ({status}):\n{stdout}\n{stderr}");
    assert!(
        stdout.contains("finding: 6:1") && stdout.contains("cleared before saving"),
        "{stdout}\n{stderr}"
    );
}

//! A real editor: Neovim, headless, with a minimal config that starts `plumb server` through
//! its built-in LSP client (`vim.lsp`), opens a bad Dockerfile and reports what
//! `vim.diagnostic.get()` collected. Without `nvim` on the PATH the test says SKIPPED and
//! why, and passes (`.ci/run` installs the Debian package `neovim` first).

use std::path::Path;
use std::process::Command;
use std::time::Duration;

const DOCKERFILE: &str = "FROM python:3.12-slim\nRUN pip install flask\nUSER app\n";

/// The Lua config: works with Neovim 0.7 (Debian 12) and later.
const INIT: &str = r#"
local bin, file, out = os.getenv("PLUMB_BIN"), os.getenv("PLUMB_FILE"), os.getenv("PLUMB_OUT")
local root = vim.fn.fnamemodify(file, ":h")
vim.cmd("edit " .. vim.fn.fnameescape(file))
local client = vim.lsp.start_client({ name = "plumb", cmd = { bin, "server" }, root_dir = root })
vim.lsp.buf_attach_client(0, client)
vim.wait(20000, function() return #vim.diagnostic.get(0) > 0 end, 50)
local list = {}
for _, d in ipairs(vim.diagnostic.get(0)) do
  local lsp = (d.user_data or {}).lsp or {}
  table.insert(list, {
    lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
    severity = d.severity, source = d.source, message = d.message,
    code = d.code or lsp.code,
  })
end
local f = io.open(out, "w")
f:write(vim.fn.json_encode(list))
f:close()
vim.lsp.stop_client(client)
vim.wait(2000, function() return vim.lsp.get_client_by_id(client) == nil end, 50)
vim.cmd("qa!")
"#;

fn nvim() -> Option<String> {
    let out = Command::new("nvim").arg("--version").output().ok()?;
    out.status.success().then(|| {
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .unwrap_or("")
            .to_string()
    })
}

#[test]
fn neovim_collects_plumb_diagnostics() {
    let Some(version) = nvim() else {
        println!("SKIPPED: nvim is not on the PATH (install the Debian package `neovim`)");
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::create_dir(root.join(".git")).expect("git");
    std::fs::write(root.join(".plumb.yml"), "select: [docker/pip-no-cache]\n").expect("config");
    let file = root.join("Dockerfile");
    std::fs::write(&file, DOCKERFILE).expect("write");
    let init = root.join("init.lua");
    std::fs::write(&init, INIT).expect("init.lua");
    let out = root.join("diagnostics.json");
    let mut child = Command::new("nvim")
        .args(["--headless", "-n", "-i", "NONE", "-u"])
        .arg(&init)
        .env("PLUMB_BIN", env!("CARGO_BIN_EXE_plumb"))
        .env("PLUMB_FILE", &file)
        .env("PLUMB_OUT", &out)
        .env("HOME", root)
        .env("XDG_CONFIG_HOME", root.join("config"))
        .env("XDG_DATA_HOME", root.join("data"))
        .env("XDG_STATE_HOME", root.join("state"))
        .env("XDG_CACHE_HOME", root.join("cache"))
        .current_dir(root)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("start nvim");
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("nvim did not finish within 60 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "nvim exited with {status}");
    let got = read(&out);
    println!("{version}: {got}");
    let list = got.as_array().cloned().unwrap_or_default();
    assert_eq!(list.len(), 1, "{got}");
    let d = &list[0];
    assert_eq!(d["code"], "docker/pip-no-cache", "{d}");
    assert_eq!(d["source"], "plumb");
    assert_eq!((d["lnum"].as_u64(), d["col"].as_u64()), (Some(1), Some(8)));
    assert_eq!(
        (d["end_lnum"].as_u64(), d["end_col"].as_u64()),
        (Some(1), Some(15))
    );
    // vim.diagnostic.severity.INFO
    assert_eq!(d["severity"], 3);
    assert!(
        d["message"]
            .as_str()
            .is_some_and(|m| m.contains("--no-cache-dir")),
        "{d}"
    );
}

fn read(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).expect("nvim wrote no diagnostics file");
    serde_json::from_str(&text).expect("JSON from nvim")
}

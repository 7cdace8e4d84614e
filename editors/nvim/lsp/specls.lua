---@brief
---
--- https://github.com/specls/specls
---
--- Language server and checker for spec Markdown: specifications written as Markdown with
--- YAML frontmatter and template sections. Install the `specls` binary with
--- `cargo install --path server/specls` from a specls checkout.
---
--- With this folder (editors/nvim) on 'runtimepath', `vim.lsp.enable("specls")` starts it
--- for Markdown buffers (Neovim 0.11+); `vim.lsp.config("specls", {...})` overrides a field,
--- e.g. `init_options = { severity = { ["missing-section"] = "warning" } }`.

---@type vim.lsp.Config
return {
  cmd = { "specls" },
  filetypes = { "markdown" },
  -- `.specls.yaml` ranks before `.git`: a specs folder with its own configuration inside a
  -- larger repository is a workspace of its own.
  root_markers = { ".specls.yaml", ".git" },
}

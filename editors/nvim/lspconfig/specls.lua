-- specls for nvim-lspconfig's `lua/lspconfig/configs/` (the `require("lspconfig").specls.setup{}`
-- form). Neovim 0.11+ users need only ../lsp/specls.lua.
local util = require("lspconfig.util")

return {
  default_config = {
    cmd = { "specls" },
    filetypes = { "markdown" },
    root_dir = util.root_pattern(".specls.yaml", ".git"),
    single_file_support = true,
  },
  docs = {
    description = [[
https://github.com/specls/specls

specls is a language server and checker for spec Markdown: engineering specifications
written as Markdown with YAML frontmatter and template sections. It reports missing and
misordered sections, invalid frontmatter values and broken references between specs, and
offers quick fixes, completion, snippets and navigation between specs.

Install the `specls` binary with `cargo install --path server/specls` from a checkout.

Diagnostic severities can be overridden per code through `init_options`:
```lua
require("lspconfig").specls.setup({
  init_options = { severity = { ["missing-section"] = "warning" } },
})
```
]],
  },
}

-- End-to-end test of specls in a real Neovim, through Neovim's own LSP client and the
-- unchanged editors/nvim/lsp/specls.lua.
--
--   nvim --headless -u NONE -i NONE -n -l nvim_e2e.lua WORKSPACE NVIM_CONFIG_DIR
--
-- WORKSPACE is a scratch copy of tests/e2e/workspace (edits and new files land there),
-- NVIM_CONFIG_DIR is editors/nvim. `specls` is whatever PATH finds first: the runner puts
-- target/debug in front. Each step prints `PASS name` or `FAIL name: why` on stdout and the
-- next step runs regardless, so a step waiting for a server feature does not hide the others;
-- the exit status is the number of failed steps (capped), 0 when all passed.

local workspace = assert(arg[1], "usage: nvim_e2e.lua WORKSPACE NVIM_CONFIG_DIR")
local config_dir = assert(arg[2], "usage: nvim_e2e.lua WORKSPACE NVIM_CONFIG_DIR")
workspace = vim.fs.normalize(vim.fn.fnamemodify(workspace, ":p")):gsub("/$", "")
config_dir = vim.fs.normalize(vim.fn.fnamemodify(config_dir, ":p")):gsub("/$", "")

-- Short waits for answers, a longer one for the first start; a missing feature costs seconds.
local START_MS = 20000
local ANSWER_MS = 5000

local SESSIONS = workspace .. "/specs/auth/sessions.md" -- AUTH-1, clean
local INVOICES = workspace .. "/specs/payments/invoices.md" -- PAY-2, depends on AUTH-1
local RECEIPTS = workspace .. "/specs/payments/receipts.md" -- PAY-3, broken on purpose
local AUTH_TITLE = "Team sign-in with magic links"

local function say(line)
  io.stdout:write(line, "\n")
  io.stdout:flush()
end

local passed, failed = 0, 0

--- Runs one named step. `body` returns nothing when the step holds, or raises (error/assert)
--- with the reason it does not.
local function step(name, body)
  local ok, err = xpcall(body, function(e)
    return type(e) == "string" and e:gsub("^[^:]*:%d+: ", "") or vim.inspect(e)
  end)
  if ok then
    passed = passed + 1
    say("PASS " .. name)
  else
    failed = failed + 1
    say("FAIL " .. name .. ": " .. tostring(err):gsub("\n", " "))
  end
end

local function check(cond, message, ...)
  if not cond then
    error(string.format(message, ...), 0)
  end
end

-- Editor set-up as a user's init.lua would do it: the config folder on 'runtimepath',
-- file type detection on, and the server enabled by name.
vim.o.hidden = true
vim.o.swapfile = false
vim.opt.runtimepath:prepend(config_dir)
vim.cmd("filetype on")
vim.lsp.enable("specls")

local function specls_client(buf)
  return vim.lsp.get_clients({ bufnr = buf, name = "specls" })[1]
end

--- Opens a file in the current window and waits until specls is attached to it.
local function open(path)
  vim.cmd.edit(vim.fn.fnameescape(path))
  local buf = vim.api.nvim_get_current_buf()
  local attached = vim.wait(START_MS, function()
    local client = specls_client(buf)
    return client ~= nil and client.initialized == true
  end, 20)
  check(attached, "specls did not attach to %s within %d ms", vim.fs.basename(path), START_MS)
  return buf, specls_client(buf)
end

--- Puts the cursor on the first occurrence of `text` in the current buffer, `offset` bytes in.
local function cursor_on(text, offset, from_line)
  local lines = vim.api.nvim_buf_get_lines(0, 0, -1, false)
  for i = from_line or 1, #lines do
    local col = lines[i]:find(text, 1, true)
    if col then
      vim.api.nvim_win_set_cursor(0, { i, col - 1 + (offset or 0) })
      return i
    end
  end
  error(string.format("%q is not in %s", text, vim.fs.basename(vim.api.nvim_buf_get_name(0))), 0)
end

-- The arguments of check() are evaluated before it runs, so this accepts no error too.
local function rpc_error(err)
  if not err then
    return "no error"
  end
  return string.format("%s (code %s)", tostring(err.message), tostring(err.code))
end

--- One request to specls about the current buffer at the cursor, answered within ANSWER_MS.

local function request_here(method, extra)
  local buf = vim.api.nvim_get_current_buf()
  local client = specls_client(buf)
  check(client, "specls is not attached to the current buffer")
  check(
    client:supports_method(method, buf),
    "the server does not announce %s in its capabilities",
    method
  )
  local params = vim.lsp.util.make_position_params(0, client.offset_encoding)
  for k, v in pairs(extra or {}) do
    params[k] = v
  end
  local response, err = client:request_sync(method, params, ANSWER_MS, buf)
  check(response, "%s got no answer: %s", method, tostring(err))
  check(not response.err, "%s failed: %s", method, rpc_error(response.err))
  return response.result, client
end

local function completion_items(result)
  local items = result and (result.items or result) or {}
  return items
end

local function labels(items)
  local out = {}
  for _, item in ipairs(items) do
    out[#out + 1] = item.label
  end
  return out
end

local function buffer_text(buf)
  return table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), "\n")
end

local function markup_text(contents)
  if type(contents) == "string" then
    return contents
  end
  if contents.value then
    return contents.value
  end
  local parts = {}
  for _, part in ipairs(contents) do
    parts[#parts + 1] = type(part) == "string" and part or part.value
  end
  return table.concat(parts, "\n")
end

-- Steps -------------------------------------------------------------------------------------

local receipts_buf

step("attach: lsp/specls.lua starts specls for Markdown at the .specls.yaml root", function()
  local found = vim.api.nvim_get_runtime_file("lsp/specls.lua", true)
  check(
    found[1] == config_dir .. "/lsp/specls.lua",
    "runtimepath finds %s, not the repository's",
    vim.inspect(found)
  )
  local client
  receipts_buf, client = open(RECEIPTS)
  check(vim.bo[receipts_buf].filetype == "markdown", "filetype is %q", vim.bo[receipts_buf].filetype)
  check(vim.deep_equal(client.config.cmd, { "specls" }), "cmd is %s", vim.inspect(client.config.cmd))
  check(client.root_dir == workspace, "root_dir is %s, expected %s", tostring(client.root_dir), workspace)
  local info = client.server_info or {}
  check(info.name == "specls", "serverInfo is %s", vim.inspect(info))
end)

step("diagnostics: invalid-value and missing-section arrive from source specls", function()
  check(receipts_buf, "no buffer")
  local want = { ["invalid-value"] = false, ["missing-section"] = false }
  local seen = {}
  local arrived = vim.wait(START_MS, function()
    seen = vim.diagnostic.get(receipts_buf)
    for code in pairs(want) do
      want[code] = false
    end
    for _, d in ipairs(seen) do
      if want[d.code] ~= nil and d.source == "specls" then
        want[d.code] = true
      end
    end
    return want["invalid-value"] and want["missing-section"]
  end, 50)
  local got = {}
  for _, d in ipairs(seen) do
    got[#got + 1] = string.format("%s@%d", tostring(d.code), d.lnum + 1)
  end
  check(arrived, "diagnostics were %s", table.concat(got, ", "))
  for _, d in ipairs(seen) do
    if d.code == "invalid-value" then
      check(d.lnum == 5, "invalid-value is on line %d, expected 6 (priority: urgent)", d.lnum + 1)
      check(d.severity == vim.diagnostic.severity.ERROR, "invalid-value severity %s", tostring(d.severity))
    end
  end
end)

step("completion: status values in frontmatter", function()
  vim.api.nvim_set_current_buf(receipts_buf)
  local line = cursor_on("status: ")
  -- As typed by a user: the value is deleted, the cursor stays after `status: `.
  vim.api.nvim_buf_set_lines(receipts_buf, line - 1, line, false, { "status: " })
  vim.api.nvim_win_set_cursor(0, { line, #"status: " })
  local result = request_here("textDocument/completion", { context = { triggerKind = 1 } })
  local got = labels(completion_items(result))
  for _, value in ipairs({ "draft", "review", "approved", "in-progress", "deprecated" }) do
    check(vim.tbl_contains(got, value), "%q is not offered; got %s", value, vim.inspect(got))
  end
  vim.api.nvim_buf_set_lines(receipts_buf, line - 1, line, false, { "status: draft" })
end)

step("snippet: a missing section expands to its heading with vim.snippet", function()
  vim.api.nvim_set_current_buf(receipts_buf)
  -- Success Criteria belongs before Dependencies: an empty line there, cursor on it.
  local line = cursor_on("## Dependencies")
  vim.api.nvim_buf_set_lines(receipts_buf, line - 1, line - 1, false, { "" })
  vim.api.nvim_win_set_cursor(0, { line, 0 })
  local result = request_here("textDocument/completion", { context = { triggerKind = 1 } })
  local items = completion_items(result)
  local item
  for _, candidate in ipairs(items) do
    local text = candidate.textEdit and candidate.textEdit.newText or candidate.insertText or ""
    if (candidate.label .. "\n" .. text):find("Success Criteria", 1, true) then
      item = candidate
      break
    end
  end
  check(item, "no completion item for Success Criteria; got %s", vim.inspect(labels(items)))
  check(item.insertTextFormat == 2, "insertTextFormat is %s, expected 2 (snippet)", tostring(item.insertTextFormat))
  local body = item.textEdit and item.textEdit.newText or item.insertText or item.label
  if item.textEdit then
    -- The edit's range is replaced by the snippet: clear it, expand at its start.
    local range = item.textEdit.range or item.textEdit.insert
    vim.api.nvim_buf_set_text(
      receipts_buf,
      range.start.line,
      range.start.character,
      range["end"].line,
      range["end"].character,
      {}
    )
    vim.api.nvim_win_set_cursor(0, { range.start.line + 1, range.start.character })
  end
  vim.snippet.expand(body)
  if vim.snippet.active() then
    vim.snippet.stop()
  end
  local text = buffer_text(receipts_buf)
  check(text:find("\n## Success Criteria\n", 1, true), "no `## Success Criteria` line after expanding %q", body)
  check(not text:find("${", 1, true) and not text:find("$0", 1, true), "snippet syntax left in the buffer")
end)

local invoices_buf

step("hover: an id shows the title of the spec that defines it", function()
  invoices_buf = open(INVOICES)
  cursor_on("through AUTH-1", #"through " + 2)
  local result = request_here("textDocument/hover")
  check(result and result.contents, "no hover for AUTH-1")
  local text = markup_text(result.contents)
  check(text:find(AUTH_TITLE, 1, true), "hover text is %q", text)
end)

step("definition: an id jumps to the other spec's spec-id line", function()
  vim.api.nvim_set_current_buf(invoices_buf or open(INVOICES))
  cursor_on("through AUTH-1", #"through " + 2)
  local client = specls_client(0)
  check(client and client:supports_method("textDocument/definition", 0), "the server does not announce definition")
  vim.lsp.buf.definition()
  local moved = vim.wait(ANSWER_MS, function()
    return vim.api.nvim_buf_get_name(0) == SESSIONS
  end, 20)
  check(moved, "the cursor stayed in %s", vim.fs.basename(vim.api.nvim_buf_get_name(0)))
  local current = vim.api.nvim_get_current_line()
  check(current:find("^spec%-id:"), "the cursor is on %q, not the spec-id line", current)
  local col = vim.api.nvim_win_get_cursor(0)[2]
  check(current:sub(col + 1):find("^AUTH%-1"), "the cursor is at column %d of %q, not on the id", col, current)
end)

step("rename: renaming an id edits the defining spec's loaded buffer", function()
  -- Both specs loaded, as a user who has them open in buffers has.
  local sessions_buf = open(SESSIONS)
  vim.api.nvim_set_current_buf(invoices_buf or open(INVOICES))
  cursor_on("through AUTH-1", #"through " + 2)
  local client = specls_client(0)
  check(client and client:supports_method("textDocument/rename", 0), "the server does not announce rename")
  vim.lsp.buf.rename("AUTH-9")
  local renamed = vim.wait(ANSWER_MS, function()
    return buffer_text(sessions_buf):find("\nspec%-id: AUTH%-9\n") ~= nil
  end, 20)
  check(renamed, "sessions.md still has %q", vim.api.nvim_buf_get_lines(sessions_buf, 2, 3, false)[1])
  local invoices = buffer_text(vim.api.nvim_get_current_buf())
  check(invoices:find("depends-on: [AUTH-9]", 1, true), "invoices.md's depends-on was not renamed")
  check(not invoices:find("AUTH-1", 1, true), "invoices.md still mentions AUTH-1")
end)

step("execute-command: specls.listTemplates lists the built-in templates", function()
  local client = specls_client(receipts_buf)
  check(client, "specls is not attached")
  local response, err = client:request_sync(
    "workspace/executeCommand",
    { command = "specls.listTemplates", arguments = {} },
    ANSWER_MS,
    receipts_buf
  )
  check(response, "no answer: %s", tostring(err))
  check(not response.err, "failed: %s", rpc_error(response.err))
  local names = {}
  for _, template in ipairs(response.result or {}) do
    names[#names + 1] = template.name
    check(type(template.description) == "string", "%s has no description", tostring(template.name))
  end
  for _, name in ipairs({ "feature-spec", "design-doc" }) do
    check(vim.tbl_contains(names, name), "%s is not listed; got %s", name, vim.inspect(names))
  end
end)

step("execute-command: specls.newSpec creates the file through workspace/applyEdit", function()
  local client = specls_client(receipts_buf)
  check(client, "specls is not attached")
  local path = workspace .. "/specs/payments/new-spec.md"
  local response, err = client:request_sync("workspace/executeCommand", {
    command = "specls.newSpec",
    arguments = { { template = "feature-spec", uri = vim.uri_from_fname(path) } },
  }, ANSWER_MS, receipts_buf)
  check(response, "no answer: %s", tostring(err))
  check(not response.err, "failed: %s", rpc_error(response.err))
  local created = vim.wait(ANSWER_MS, function()
    local buf = vim.fn.bufnr(path)
    return buf ~= -1 and vim.api.nvim_buf_is_loaded(buf) and buffer_text(buf):find("## Overview", 1, true) ~= nil
  end, 20)
  check(created, "no buffer for new-spec.md with the template's sections")
  check(buffer_text(vim.fn.bufnr(path)):find("^%-%-%-\n"), "the new spec does not open with frontmatter")
end)

step("spec sets: a spec-kit set is traced without configuration", function()
  -- The repository's spec-kit fixture, copied into the workspace as specs/001-photo-albums.
  local repo = vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h:h:h")
  local from = repo .. "/tests/fixtures/spec-kit/specs/001-photo-albums"
  local set = workspace .. "/specs/001-photo-albums"
  vim.fn.mkdir(set, "p")
  for _, name in ipairs({ "spec.md", "plan.md", "tasks.md" }) do
    check(vim.fn.writefile(vim.fn.readfile(from .. "/" .. name, "b"), set .. "/" .. name, "b") == 0, "copying %s", name)
  end
  -- Both open, one right after the other: an editor that does not watch files still tells
  -- the server of each. Neovim 0.11 pulls only on its own buffer's edits
  -- and cannot be asked to pull again, so specls pushes to it: spec.md's findings follow
  -- tasks.md without a keystroke.
  local tasks_buf = open(set .. "/tasks.md")
  local spec_buf = open(set .. "/spec.md")
  local function codes(buf)
    local got = {}
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      got[#got + 1] = string.format("%s@%d", tostring(d.code), d.lnum + 1)
    end
    table.sort(got)
    return got
  end
  local want_spec = { "needs-clarification@33", "uncovered-requirement@22", "uncovered-requirement@33" }
  local arrived = vim.wait(START_MS, function()
    return vim.deep_equal(codes(spec_buf), want_spec)
  end, 50)
  check(arrived, "spec.md diagnostics were %s", table.concat(codes(spec_buf), ", "))
  local want_tasks = { "task-status@14", "unknown-requirement@19", "unknown-task@19" }
  vim.wait(START_MS, function()
    return vim.deep_equal(codes(tasks_buf), want_tasks)
  end, 50)
  local got = codes(tasks_buf)
  check(
    vim.deep_equal(got, want_tasks),
    "tasks.md diagnostics were %s",
    table.concat(got, ", ")
  )
  -- Definition of a cited requirement jumps to where spec.md defines it.
  vim.api.nvim_set_current_buf(tasks_buf)
  cursor_on("FR-001", 1)
  local result = request_here("textDocument/definition")
  local location = vim.islist(result) and result[1] or result
  check(location, "no definition of FR-001")
  local target = location.uri or location.targetUri
  check(vim.uri_to_fname(target) == set .. "/spec.md", "FR-001 is defined in %s", tostring(target))
end)

step("spec sets: code lenses count a requirement's tasks and a task list's done", function()
  local set = workspace .. "/specs/001-photo-albums"
  for name, want in pairs({ ["spec.md"] = "no task cites it", ["tasks.md"] = "/8 done" }) do
    vim.api.nvim_set_current_buf(vim.fn.bufnr(set .. "/" .. name))
    local result = request_here("textDocument/codeLens")
    local titles = {}
    for _, lens in ipairs(result or {}) do
      titles[#titles + 1] = lens.command and lens.command.title or "?"
    end
    local found = false
    for _, title in ipairs(titles) do
      found = found or title:find(want, 1, true) ~= nil
    end
    check(found, "%s: no lens with %q in %s", name, want, vim.inspect(titles))
  end
end)

step("spec sets: an inlay hint follows a cited requirement id", function()
  local buf = vim.fn.bufnr(workspace .. "/specs/001-photo-albums/tasks.md")
  vim.api.nvim_set_current_buf(buf)
  local lines = vim.api.nvim_buf_line_count(buf)
  local result = request_here("textDocument/inlayHint", {
    range = { start = { line = 0, character = 0 }, ["end"] = { line = lines, character = 0 } },
  })
  local labels_found = {}
  for _, hint in ipairs(result or {}) do
    local label = type(hint.label) == "string" and hint.label or "?"
    labels_found[#labels_found + 1] = label
  end
  check(#labels_found > 0, "no inlay hints in tasks.md")
end)

step("spec sets: bold metadata values complete like frontmatter", function()
  local spec_buf = vim.fn.bufnr(workspace .. "/specs/001-photo-albums/spec.md")
  vim.api.nvim_set_current_buf(spec_buf)
  cursor_on("**Status**: Dr", #"**Status**: Dr")
  local result = request_here("textDocument/completion", { context = { triggerKind = 1 } })
  local got = labels(completion_items(result))
  for _, value in ipairs({ "Review", "Approved" }) do
    check(vim.tbl_contains(got, value), "%q is not offered; got %s", value, vim.inspect(got))
  end
end)

say(string.format("nvim: %d passed, %d failed", passed, failed))
for _, client in ipairs(vim.lsp.get_clients()) do
  client:stop(true)
end
os.exit(math.min(failed, 100))

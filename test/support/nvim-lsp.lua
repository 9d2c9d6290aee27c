-- Neovim's built-in LSP client attached to `leakhound lsp` (run by test/neovim.test.ts):
-- opens a Go file, waits for the diagnostics the server publishes, then edits the buffer and
-- waits for them to change, and writes both lists as JSON to $LEAKHOUND_RESULT.
-- Written for the Neovim 0.7 API (Debian 12's) and works on newer ones.
local cmd = vim.fn.json_decode(os.getenv('LEAKHOUND_LSP_CMD'))
local file = os.getenv('LEAKHOUND_FILE')
local result = os.getenv('LEAKHOUND_RESULT')

vim.cmd('edit ' .. vim.fn.fnameescape(file))
local buf = vim.api.nvim_get_current_buf()
local client = vim.lsp.start_client({ name = 'leakhound', cmd = cmd, root_dir = vim.fn.fnamemodify(file, ':p:h') })
vim.lsp.buf_attach_client(buf, client)

local function list()
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local lsp = (d.user_data and d.user_data.lsp) or {}
    table.insert(out, {
      lnum = d.lnum,
      col = d.col,
      severity = d.severity,
      message = d.message,
      source = d.source,
      code = d.code or lsp.code,
      href = lsp.codeDescription and lsp.codeDescription.href or vim.NIL,
    })
  end
  return out
end

local opened = vim.wait(20000, function() return #vim.diagnostic.get(buf) > 0 end, 20)
local first = list()

-- The fix, typed into the buffer: `defer <var>.Close()` after the line given.
local after = tonumber(os.getenv('LEAKHOUND_INSERT_AFTER'))
vim.api.nvim_buf_set_lines(buf, after, after, false, { os.getenv('LEAKHOUND_INSERT') })
local cleared = vim.wait(20000, function() return #vim.diagnostic.get(buf) == 0 end, 20)

local f = io.open(result, 'w')
f:write(vim.fn.json_encode({ opened = opened, first = first, cleared = cleared, after = list() }))
f:close()
vim.lsp.stop_client(client)
vim.cmd('qa!')

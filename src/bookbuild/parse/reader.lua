-- Parse stage, inside pandoc: bookbuild's custom reader.
--
-- pandoc is started once for a batch of chapter files. Each file is parsed on its own (so
-- footnote labels only need to be unique within a file), its citations are resolved by citeproc
-- on their own (so "ibid." and short forms never reach across a chapter break), and its blocks
-- are wrapped in a Div that names the file. Settings come from reader.json beside this script.

local function read_file(path)
  local handle = assert(io.open(path, 'r'))
  local text = handle:read('a')
  handle:close()
  return text
end

local script_dir = pandoc.path.directory(PANDOC_SCRIPT_FILE)
local config = pandoc.json.decode(read_file(pandoc.path.join({script_dir, 'reader.json'})), false)

local references = nil
if config.references then
  references = pandoc.read(read_file(config.references), 'csljson').meta.references
end

local function has_citations(doc)
  local found = false
  doc:walk({ Cite = function() found = true end })
  return found
end

local function resolve_citations(doc)
  doc.meta = pandoc.Meta({
    references = references,
    csl = config.csl,
    lang = config.lang,
    ['suppress-bibliography'] = true,
    ['link-citations'] = false,
  })
  return pandoc.utils.citeproc(doc)
end

function Reader(sources, opts)
  local chapters = pandoc.List()
  for _, source in ipairs(sources) do
    local doc = pandoc.read(source.text, config.format, opts)
    if references and has_citations(doc) then
      doc = resolve_citations(doc)
    end
    chapters:insert(pandoc.Div(doc.blocks, pandoc.Attr('', { 'bookbuild-chapter' }, { file = source.name })))
  end
  return pandoc.Pandoc(chapters)
end

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

-- pandoc carries some inline content twice: a figure's caption is also its image's description
-- (alt text), and a figure or table may have a short caption beside the long one. A citation or
-- footnote in the second copy would become a second note with no call, so copies keep words
-- only. A footnote or citation in the description of an image that is not a figure (its only
-- copy) moves out to follow the image, where a reader can see its call.
local function is_note_or_cite(inline)
  return inline.t == 'Note' or inline.t == 'Cite'
end

local function strip_notes(inlines)
  local kept = pandoc.Inlines({})
  for _, inline in ipairs(inlines) do
    if is_note_or_cite(inline) then
      if #kept > 0 and kept[#kept].t == 'Space' then kept:remove(#kept) end
    else
      kept:insert(inline)
    end
  end
  return kept
end

local function words_only(inlines)
  return strip_notes(inlines:walk({ Inlines = strip_notes }))
end

local function notes_out_of(inlines)
  local moved = pandoc.Inlines({})
  local function take(inline)
    moved:insert(inline)
    return inline, false          -- a note inside a citation (or the reverse) moves with it
  end
  inlines:walk({ traverse = 'topdown', Note = take, Cite = take })
  return moved
end

local function one_copy(doc)
  doc = doc:walk({
    Figure = function(figure)
      if figure.caption.short then figure.caption.short = words_only(figure.caption.short) end
      return figure:walk({ Image = function(image)
        image.caption = words_only(image.caption)
        return image
      end })
    end,
    Table = function(tbl)
      if tbl.caption.short then tbl.caption.short = words_only(tbl.caption.short) end
      return tbl
    end,
  })
  -- Figures are done, so an image that still holds a note is inline: the note follows it.
  return doc:walk({ Image = function(image)
    local moved = notes_out_of(image.caption)
    if #moved == 0 then return nil end
    image.caption = words_only(image.caption)
    moved:insert(1, image)
    return moved
  end })
end

-- A cross-reference uses Quarto's citation syntax (@fig-map, [-@tbl-wages], @sec-terror,
-- @page-terror): pandoc reads it as a citation, which citeproc must never see. A Cite whose
-- every key has a cross-reference prefix becomes one Span of class `crossref` per key, keeping
-- the key (`target`), the form (`number`: [-@fig-map], the number alone) and the words around it.
local CROSSREF = { fig = true, tbl = true, sec = true, page = true }

local function is_crossref(citation)
  local prefix = citation.id:match('^(%a+)%-.')
  return prefix ~= nil and CROSSREF[prefix] == true
end

local function crossref(cite)
  for _, citation in ipairs(cite.citations) do
    if not is_crossref(citation) then return nil end
  end
  local spans = pandoc.Inlines({})
  for index, citation in ipairs(cite.citations) do
    if index > 1 then spans:extend({ pandoc.Str(';'), pandoc.Space() }) end
    if #citation.prefix > 0 then spans:extend(citation.prefix); spans:insert(pandoc.Space()) end
    local form = citation.mode == 'SuppressAuthor' and 'number' or 'label'
    spans:insert(pandoc.Span({ pandoc.Str('@' .. citation.id) },
                             pandoc.Attr('', { 'crossref' }, { target = citation.id, form = form })))
    if #citation.suffix > 0 then spans:extend(citation.suffix) end
  end
  return spans
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
    -- Only an image or a table caption can carry a second copy ('![' or ': caption'); walking
    -- every chapter for them would double pandoc's time on a long book.
    if source.text:find('![', 1, true) or source.text:find('\n:', 1, true) then
      doc = one_copy(doc)
    end
    if source.text:find('@', 1, true) then
      doc = doc:walk({ Cite = crossref })
    end
    if references and has_citations(doc) then
      doc = resolve_citations(doc)
    end
    chapters:insert(pandoc.Div(doc.blocks, pandoc.Attr('', { 'bookbuild-chapter' }, { file = source.name })))
  end
  return pandoc.Pandoc(chapters)
end

; Block grammar. Blocks whose contents are never structure: no headings, links or ids.
(fenced_code_block) @code
(indented_code_block) @code
(html_block) @code

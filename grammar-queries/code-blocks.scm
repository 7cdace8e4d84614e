; Block grammar. Blocks whose contents are never structure: no headings, links or ids.
(fenced_code_block) @code
(indented_code_block) @code
; HTML blocks are also read for the anchors their `id` and `name` attributes make.
(html_block) @code @html

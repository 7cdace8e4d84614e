; Inline grammar. Spans whose text is literal: no spec ids are read inside them.
(code_span) @literal
(uri_autolink) @literal
(email_autolink) @literal
; HTML tags are also read for the anchors their `id` and `name` attributes make.
(html_tag) @literal @html
(latex_block) @literal
(link_destination) @literal

; Inline grammar. Spans whose text is literal: no spec ids are read inside them.
(code_span) @literal
(uri_autolink) @literal
(email_autolink) @literal
(html_tag) @literal
(latex_block) @literal
(link_destination) @literal

; Block grammar. Every heading, ATX (`## Title`) and setext (`Title` over `---`).
; Headings inside code blocks are code_fence_content, never atx_heading, so they never match.
(atx_heading
  [(atx_h1_marker) (atx_h2_marker) (atx_h3_marker)
   (atx_h4_marker) (atx_h5_marker) (atx_h6_marker)] @marker
  heading_content: (inline)? @content) @heading

(setext_heading
  heading_content: (paragraph (inline) @content)
  [(setext_h1_underline) (setext_h2_underline)] @marker) @heading

; Inline grammar. Links and images with their destination or reference label.
(inline_link
  (link_text)? @text
  (link_destination)? @destination) @link
(image
  (image_description)? @text
  (link_destination)? @destination
  (link_label)? @label) @link
(full_reference_link
  (link_text) @text
  (link_label) @label) @link
(collapsed_reference_link
  (link_text) @text) @link
(shortcut_link
  (link_text) @text) @link

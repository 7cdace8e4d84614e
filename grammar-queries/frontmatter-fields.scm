; YAML grammar, run on the frontmatter's text. Top-level `key: value` pairs.
(stream
  (document
    (block_node
      (block_mapping
        (block_mapping_pair
          key: (_) @key
          value: (_)? @value) @pair))))

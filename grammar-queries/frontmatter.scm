; Block grammar. The YAML frontmatter: a `---` block that starts on the first line.
(document (minus_metadata) @frontmatter)

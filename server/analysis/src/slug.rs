//! Heading anchors as GitHub writes them: the rendered text lowercased, punctuation
//! dropped, spaces turned into hyphens, and `-1`, `-2`... on repeats.

use std::collections::HashMap;

use specls_syntax::LinkDefinition;

/// The slug of one heading's title as written, before repeats are numbered: GitHub
/// builds it from the rendered text (markup gives its text only), in which reference
/// links are links when `definitions` (the document's) define their labels.
pub fn slug(title: &str, definitions: &[LinkDefinition]) -> String {
    // The title is trimmed as written; what rendering drops (an image) leaves the white
    // space around it, which GitHub keeps (`![logo](l.png) Title` is `-title`).
    let text = specls_syntax::model::rendered_text(title.trim(), definitions);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_alphanumeric() || c == '_' || c == '-' {
            out.extend(c.to_lowercase());
        } else if c == ' ' {
            out.push('-');
        }
        // Everything else is punctuation or a symbol; GitHub drops it (emoji included).
    }
    out
}

/// Slugs of headings in document order, numbering repeats as GitHub does.
pub fn unique_slugs<'a>(
    titles: impl IntoIterator<Item = &'a str>,
    definitions: &[LinkDefinition],
) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    titles
        .into_iter()
        .map(|title| {
            let base = slug(title, definitions);
            match seen.get_mut(&base) {
                None => {
                    seen.insert(base.clone(), 0);
                    base
                }
                Some(count) => {
                    *count += 1;
                    let numbered = format!("{base}-{count}");
                    seen.insert(numbered.clone(), 0);
                    numbered
                }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_follow_github() {
        assert_eq!(slug("Technical Design", &[]), "technical-design");
        assert_eq!(slug("1. Tenant-aware ledger", &[]), "1-tenant-aware-ledger");
        assert_eq!(slug("What's `new` (v2)?", &[]), "whats-new-v2");
        assert_eq!(slug("Données & Café 🚀", &[]), "données--café-");
        assert_eq!(slug("snake_case API", &[]), "snake_case-api");
        assert_eq!(slug("[logcheck](https://x.io/a)", &[]), "logcheck");
        assert_eq!(
            slug("The _exec-style_ __bold__ **x** <code>c</code>", &[]),
            "the-exec-style-bold-x-c"
        );
        assert_eq!(slug("An ![icon](i.png) image", &[]), "an--image");
        assert_eq!(slug("![logo](l.png) Title", &[]), "-title");
        assert_eq!(slug("With ![an image](http://y)", &[]), "with-");
    }

    #[test]
    fn reference_links_are_links_when_their_label_is_defined() {
        let definitions = ["lc", "img"].map(|label| LinkDefinition {
            label: label.to_string(),
            destination: "https://x".to_string(),
            range: 0..0,
        });
        assert_eq!(slug("[logcheck][lc]", &definitions), "logcheck");
        assert_eq!(slug("[logcheck][LC]", &definitions), "logcheck");
        assert_eq!(slug("![pic][img] Two", &definitions), "-two");
        assert_eq!(slug("[lc] and [img][]", &definitions), "lc-and-img");
        // Undefined, GitHub shows the brackets, which are punctuation.
        assert_eq!(slug("[logcheck][nolabel]", &definitions), "logchecknolabel");
        assert_eq!(slug("[logcheck][lc]", &[]), "logchecklc");
    }

    #[test]
    fn repeats_are_numbered() {
        assert_eq!(
            unique_slugs(["Notes", "Notes", "Notes-1", "Notes"], &[]),
            ["notes", "notes-1", "notes-1-1", "notes-2"]
        );
    }
}

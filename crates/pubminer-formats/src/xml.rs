//! Small helpers shared by the XML readers (PubMed, BioC) on top of quick-xml.

use std::borrow::Cow;

use quick_xml::XmlVersion;
use quick_xml::events::{BytesRef, BytesStart};

/// An attribute's value with entities resolved, or `None` when absent.
pub(crate) fn attr(e: &BytesStart<'_>, name: &str) -> Result<Option<String>, String> {
    match e.try_get_attribute(name) {
        Ok(Some(a)) => a
            .normalized_value(XmlVersion::Implicit1_0)
            .map(|v| Some(v.into_owned()))
            .map_err(|err| format!("attribute {name:?} of <{}>: {err}", e.name().0)),
        Ok(None) => Ok(None),
        Err(err) => Err(format!("attributes of <{}>: {err}", e.name().0)),
    }
}

/// Resolves a general reference (`&amp;`, `&#x3b1;`) to its text. XML defines only five
/// named entities; PubMed and BioC declare no others, so any other name is an error that
/// names the entity.
pub(crate) fn resolve_ref(r: &BytesRef<'_>) -> Result<Cow<'static, str>, String> {
    match r.resolve_char_ref() {
        Ok(Some(c)) => return Ok(Cow::Owned(c.to_string())),
        Ok(None) => {}
        Err(err) => return Err(format!("bad character reference &{};: {err}", &**r)),
    }
    let text = match &**r {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        other => {
            return Err(format!(
                "unknown entity &{other}; (XML defines only &amp; &lt; &gt; &quot; &apos; and \
                 numeric character references)"
            ));
        }
    };
    Ok(Cow::Borrowed(text))
}

/// Appends `text` to `out`, turning any run of whitespace that contains a line break or tab
/// into a single space (XML pretty-printing inside text fields), and keeping other
/// characters as they are.
pub(crate) fn push_normalized(out: &mut String, text: &str) {
    if !text.contains(['\n', '\r', '\t']) {
        out.push_str(text);
        return;
    }
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_whitespace() {
            let mut run_has_break = matches!(c, '\n' | '\r' | '\t');
            let mut run = String::from(c);
            while let Some(&next) = chars.peek() {
                if !next.is_ascii_whitespace() {
                    break;
                }
                run_has_break |= matches!(next, '\n' | '\r' | '\t');
                run.push(next);
                chars.next();
            }
            if run_has_break {
                out.push(' ');
            } else {
                out.push_str(&run);
            }
        } else {
            out.push(c);
        }
    }
}

/// Trims ASCII whitespace at both ends in place.
pub(crate) fn trim_in_place(s: &mut String) {
    let end = s.trim_end().len();
    s.truncate(end);
    let start = s.len() - s.trim_start().len();
    if start > 0 {
        s.drain(..start);
    }
}

/// Escapes text for XML element content and attribute values.
pub(crate) fn escape(text: &str) -> Cow<'_, str> {
    quick_xml::escape::escape(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_runs_with_breaks_collapse() {
        let mut s = String::new();
        push_normalized(&mut s, "a\n   b  c\t\td");
        assert_eq!(s, "a b  c d");
    }

    #[test]
    fn unknown_entities_are_named() {
        let err = resolve_ref(&BytesRef::new("nbsp")).unwrap_err();
        assert!(err.contains("&nbsp;"), "{err}");
        assert_eq!(resolve_ref(&BytesRef::new("#x3B1")).unwrap(), "α");
        assert_eq!(resolve_ref(&BytesRef::new("#128512")).unwrap(), "😀");
        assert_eq!(resolve_ref(&BytesRef::new("quot")).unwrap(), "\"");
    }
}

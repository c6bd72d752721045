//! Response headers and trailers as ordered name and value pairs.

/// Header or trailer pairs with lowercase names, in the order received. A name may repeat.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Metadata {
    entries: Vec<(String, String)>,
}

impl Metadata {
    /// Appends a pair, lowercasing the name.
    pub fn append(&mut self, name: &str, value: impl Into<String>) {
        self.entries.push((name.to_ascii_lowercase(), value.into()));
    }

    /// Replaces every value of `name` with one value.
    pub fn insert(&mut self, name: &str, value: impl Into<String>) {
        self.remove(name);
        self.append(name, value);
    }

    /// Returns the first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// Removes every value of `name`.
    pub fn remove(&mut self, name: &str) {
        self.entries.retain(|(key, _)| key != name);
    }

    /// Appends every pair of `other`.
    pub fn extend(&mut self, other: Metadata) {
        self.entries.extend(other.entries);
    }

    /// Returns the pairs in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
    }

    /// True when there are no pairs.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Number of pairs.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Returns the pairs with repeated names joined by ", ", as `Headers.get` joins them.
    pub fn joined(&self) -> Vec<(String, String)> {
        let mut joined: Vec<(String, String)> = Vec::with_capacity(self.entries.len());
        for (name, value) in &self.entries {
            match joined.iter_mut().find(|(key, _)| key == name) {
                Some((_, existing)) => {
                    existing.push_str(", ");
                    existing.push_str(value);
                }
                None => joined.push((name.clone(), value.clone())),
            }
        }
        joined
    }
}

/// Checks a header name: a non-empty HTTP token (RFC 9110, section 5.6.2).
pub fn is_valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte))
}

/// Checks a header value: visible ASCII, spaces and tabs, with no line breaks.
pub fn is_valid_value(value: &str) -> bool {
    value
        .bytes()
        .all(|byte| byte == b'\t' || (0x20..0x7f).contains(&byte))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_repeated_names() {
        let mut metadata = Metadata::default();
        metadata.append("X-A", "1");
        metadata.append("x-b", "2");
        metadata.append("x-a", "3");
        assert_eq!(
            metadata.joined(),
            vec![("x-a".into(), "1, 3".into()), ("x-b".into(), "2".into())]
        );
        assert_eq!(metadata.get("x-a"), Some("1"));
    }

    #[test]
    fn validates_names_and_values() {
        assert!(is_valid_name("x-request-id"));
        assert!(!is_valid_name("bad name"));
        assert!(!is_valid_name(""));
        assert!(is_valid_value("Bearer abc.def"));
        assert!(!is_valid_value("a\r\nb"));
        assert!(!is_valid_value("caf\u{e9}"));
    }
}

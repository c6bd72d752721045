//! Rewrites pbjson's serializers so that an enum number the schema does not define is
//! printed as that number, as the proto3 JSON mapping prescribes, instead of failing the
//! whole message. Servers add enum values before clients learn them.

/// Rewrites every pbjson enum field serializer in `code`. Returns the rewritten code and
/// the number of fields rewritten.
pub fn print_unknown_enum_values_as_numbers(code: &str) -> (String, usize) {
    let lines: Vec<&str> = code.lines().collect();
    let mut out = String::with_capacity(code.len() + 1024);
    let mut rewritten = 0;
    let mut index = 0;
    while index < lines.len() {
        if let Some(replacement) = rewrite_at(&lines, index) {
            out.push_str(&replacement);
            rewritten += 1;
            index += 3;
            continue;
        }
        out.push_str(lines[index]);
        out.push('\n');
        index += 1;
    }
    (out, rewritten)
}

/// Matches the three lines pbjson writes for an enum field:
///
/// ```text
/// let v = sort_by::Field::try_from(self.sort_by)
///     .map_err(|_| serde::ser::Error::custom(format!("Invalid variant {}", self.sort_by)))?;
/// struct_ser.serialize_field("sortBy", &v)?;
/// ```
fn rewrite_at(lines: &[&str], index: usize) -> Option<String> {
    let first = lines.get(index)?.trim_start();
    let second = lines.get(index + 1)?.trim_start();
    let third = lines.get(index + 2)?.trim_start();

    let conversion = first.strip_prefix("let v = ")?;
    let (enum_type, field) = conversion.split_once("::try_from(")?;
    let field = field.strip_suffix(')')?;
    if !second.starts_with(".map_err(|_| serde::ser::Error::custom(format!(\"Invalid variant {}\"")
    {
        return None;
    }
    let json_name = third
        .strip_prefix("struct_ser.serialize_field(")?
        .strip_suffix(", &v)?;")?;

    let indent = &lines[index][..lines[index].len() - first.len()];
    Some(format!(
        "{indent}match {enum_type}::try_from({field}) {{\n\
         {indent}    Ok(v) => struct_ser.serialize_field({json_name}, &v)?,\n\
         {indent}    Err(_) => struct_ser.serialize_field({json_name}, &{field})?,\n\
         {indent}}}\n"
    ))
}

//! Writes TypeScript declarations of proto messages in their proto3 JSON form, with the
//! schema's comments as doc comments.
//!
//! Only the messages and enums reachable from the given roots are written. Messages that
//! callers pass to the JS API (inputs) and messages that it returns (outputs) differ in
//! two ways. int64 fields are `number | string` in inputs, because the client also takes
//! numbers, and `string` in outputs, as proto3 JSON prints them. An enum field of an output
//! may also be a number, which proto3 JSON prints for a value that the schema does not
//! name. Every field is optional, because proto3 JSON omits fields that hold their default
//! value.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

use prost_types::field_descriptor_proto::{Label, Type};
use prost_types::{DescriptorProto, EnumDescriptorProto, FieldDescriptorProto, FileDescriptorSet};

/// Field numbers from `google/protobuf/descriptor.proto`, which make up the paths of
/// `SourceCodeInfo.Location`.
const FILE_MESSAGE_TYPE: i32 = 4;
const FILE_ENUM_TYPE: i32 = 5;
const MESSAGE_FIELD: i32 = 2;
const MESSAGE_NESTED_TYPE: i32 = 3;
const MESSAGE_ENUM_TYPE: i32 = 4;
const MESSAGE_ONEOF_DECL: i32 = 8;
const ENUM_VALUE: i32 = 2;

/// Which way a message travels through the JS API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Direction {
    /// Passed by the caller, such as a request.
    Input,
    /// Returned to the caller, such as a response.
    Output,
}

/// A message or enum of the descriptor set, with what the generator needs to write it.
struct Definition<'a> {
    kind: Kind<'a>,
    /// The TypeScript name: nested names joined with `_`, as protobuf-es does, such as
    /// `Status_Phase` for `Status.Phase`.
    ts_name: String,
    /// Comments of the declaration and its parts, by `SourceCodeInfo` path relative to it.
    comments: HashMap<Vec<i32>, String>,
}

enum Kind<'a> {
    Message(&'a DescriptorProto),
    Enum(&'a EnumDescriptorProto),
}

/// Generates declarations for `roots` (fully qualified names with a leading dot, such as
/// `.public.portworx.pds.backup.v1.Backup`) and everything they reference.
pub fn generate(
    descriptors: &FileDescriptorSet,
    roots: &[(&str, Direction)],
) -> Result<String, String> {
    let definitions = index(descriptors);
    check_unique_names(&definitions)?;
    let order = reachable(&definitions, roots)?;

    let mut out = String::new();
    out.push_str(HEADER);
    for (full_name, directions) in &order {
        let definition = &definitions[full_name.as_str()];
        out.push('\n');
        match definition.kind {
            Kind::Enum(descriptor) => write_enum(&mut out, definition, descriptor),
            Kind::Message(descriptor) => {
                let direction = single_direction(full_name, descriptor, directions)?;
                write_message(&mut out, &definitions, definition, descriptor, direction)?;
            }
        }
    }
    Ok(out)
}

const HEADER: &str = "\
// Message types in their proto3 JSON form, generated from proto/ by build.rs: field names
// in lowerCamelCase, timestamps as RFC 3339 strings, enums by name, int64 as decimal
// strings. Responses omit every field that holds its default value (\"\", 0, false, the
// first enum value, an empty list or map), so every field is optional.
";

/// Collects every message and enum of the set by its fully qualified name.
fn index(descriptors: &FileDescriptorSet) -> HashMap<String, Definition<'_>> {
    let mut definitions = HashMap::new();
    for file in &descriptors.file {
        let comments = file_comments(file);
        let package = file.package();
        let prefix = if package.is_empty() {
            String::new()
        } else {
            format!(".{package}")
        };
        for (index, message) in file.message_type.iter().enumerate() {
            let path = vec![FILE_MESSAGE_TYPE, index as i32];
            index_message(&mut definitions, &comments, &prefix, "", path, message);
        }
        for (index, descriptor) in file.enum_type.iter().enumerate() {
            let path = vec![FILE_ENUM_TYPE, index as i32];
            let definition = Definition {
                kind: Kind::Enum(descriptor),
                ts_name: descriptor.name().to_owned(),
                comments: comments_under(&comments, &path),
            };
            definitions.insert(format!("{prefix}.{}", descriptor.name()), definition);
        }
    }
    definitions
}

fn index_message<'a>(
    definitions: &mut HashMap<String, Definition<'a>>,
    comments: &HashMap<Vec<i32>, String>,
    scope: &str,
    ts_scope: &str,
    path: Vec<i32>,
    message: &'a DescriptorProto,
) {
    let full_name = format!("{scope}.{}", message.name());
    let ts_name = format!("{ts_scope}{}", message.name());
    for (index, nested) in message.nested_type.iter().enumerate() {
        let mut nested_path = path.clone();
        nested_path.extend([MESSAGE_NESTED_TYPE, index as i32]);
        let nested_scope = format!("{ts_name}_");
        index_message(
            definitions,
            comments,
            &full_name,
            &nested_scope,
            nested_path,
            nested,
        );
    }
    for (index, descriptor) in message.enum_type.iter().enumerate() {
        let mut enum_path = path.clone();
        enum_path.extend([MESSAGE_ENUM_TYPE, index as i32]);
        let definition = Definition {
            kind: Kind::Enum(descriptor),
            ts_name: format!("{ts_name}_{}", descriptor.name()),
            comments: comments_under(comments, &enum_path),
        };
        definitions.insert(format!("{full_name}.{}", descriptor.name()), definition);
    }
    let definition = Definition {
        kind: Kind::Message(message),
        ts_name,
        comments: comments_under(comments, &path),
    };
    definitions.insert(full_name, definition);
}

/// The leading and trailing comments of a file's declarations, by path.
fn file_comments(file: &prost_types::FileDescriptorProto) -> HashMap<Vec<i32>, String> {
    let mut comments = HashMap::new();
    let Some(info) = &file.source_code_info else {
        return comments;
    };
    for location in &info.location {
        let parts: Vec<String> = [location.leading_comments(), location.trailing_comments()]
            .iter()
            .map(|text| clean_comment(text))
            .filter(|text| !text.is_empty())
            .collect();
        if !parts.is_empty() {
            comments.insert(location.path.clone(), parts.join("\n\n"));
        }
    }
    comments
}

/// The comments below `prefix`, keyed by the rest of their path.
fn comments_under(
    comments: &HashMap<Vec<i32>, String>,
    prefix: &[i32],
) -> HashMap<Vec<i32>, String> {
    comments
        .iter()
        .filter(|(path, _)| path.starts_with(prefix))
        .map(|(path, text)| (path[prefix.len()..].to_vec(), text.clone()))
        .collect()
}

/// Removes the space after `//` that every comment line keeps, and blank edges.
fn clean_comment(text: &str) -> String {
    let lines: Vec<&str> = text
        .lines()
        .map(|line| line.strip_prefix(' ').unwrap_or(line).trim_end())
        .collect();
    lines.join("\n").trim_matches('\n').to_owned()
}

/// Rejects two definitions that would get the same TypeScript name, which happens when
/// two packages declare a message of the same name.
fn check_unique_names(definitions: &HashMap<String, Definition<'_>>) -> Result<(), String> {
    let mut by_name: HashMap<&str, Vec<&str>> = HashMap::new();
    for (full_name, definition) in definitions {
        if full_name.starts_with(".google.") {
            continue;
        }
        by_name
            .entry(&definition.ts_name)
            .or_default()
            .push(full_name);
    }
    for (ts_name, mut full_names) in by_name {
        if full_names.len() > 1 {
            full_names.sort_unstable();
            return Err(format!(
                "{} would all be written as the TypeScript type {ts_name}; rename one in the protos",
                full_names.join(", ")
            ));
        }
    }
    Ok(())
}

/// Walks the definitions that the roots reference, depth first in field order, and notes
/// each one's directions. Well-known types are written inline, so they are not listed.
fn reachable(
    definitions: &HashMap<String, Definition<'_>>,
    roots: &[(&str, Direction)],
) -> Result<Vec<(String, BTreeSet<Direction>)>, String> {
    let mut order: Vec<(String, BTreeSet<Direction>)> = Vec::new();
    let mut stack: Vec<(String, Direction)> = roots
        .iter()
        .rev()
        .map(|(name, direction)| ((*name).to_owned(), *direction))
        .collect();
    while let Some((full_name, direction)) = stack.pop() {
        if is_inline_well_known_type(&full_name) {
            continue;
        }
        let definition = definitions
            .get(&full_name)
            .ok_or_else(|| format!("{full_name} is not defined in the compiled protos"))?;
        if let Some((_, directions)) = order.iter_mut().find(|(name, _)| *name == full_name) {
            if !directions.insert(direction) {
                continue;
            }
        } else {
            order.push((full_name.clone(), BTreeSet::from([direction])));
        }
        let Kind::Message(message) = definition.kind else {
            continue;
        };
        for field in message.field.iter().rev() {
            // A map field is written as an object type, so its entry message is skipped
            // and only the value's type is walked.
            let field = match map_entry(definitions, field) {
                Some(entry) => &entry.field[1],
                None => field,
            };
            if matches!(field.r#type(), Type::Message | Type::Enum) {
                stack.push((field.type_name().to_owned(), direction));
            }
        }
    }
    Ok(order)
}

/// The one direction a message is written for. A message that is both passed and
/// returned is written once, so it must not have int64 or enum fields, whose types differ
/// between the two.
fn single_direction(
    full_name: &str,
    message: &DescriptorProto,
    directions: &BTreeSet<Direction>,
) -> Result<Direction, String> {
    let differs = message
        .field
        .iter()
        .any(|field| is_64_bit(field.r#type()) || field.r#type() == Type::Enum);
    match directions.iter().collect::<Vec<_>>().as_slice() {
        [direction] => Ok(**direction),
        _ if !differs => Ok(Direction::Output),
        _ => Err(format!(
            "{full_name} is both passed and returned and has int64 or enum fields, whose types \
             differ between the two; the TypeScript generator in build/typescript.rs writes one \
             type per message"
        )),
    }
}

fn is_64_bit(kind: Type) -> bool {
    matches!(
        kind,
        Type::Int64 | Type::Uint64 | Type::Sint64 | Type::Fixed64 | Type::Sfixed64
    )
}

/// Whether a type is a well-known type that fields spell out inline as a string.
fn is_inline_well_known_type(full_name: &str) -> bool {
    matches!(
        full_name,
        ".google.protobuf.Timestamp" | ".google.protobuf.Duration"
    )
}

fn write_enum(out: &mut String, definition: &Definition<'_>, descriptor: &EnumDescriptorProto) {
    let mut doc = definition
        .comments
        .get(&Vec::new())
        .cloned()
        .unwrap_or_default();
    let values: Vec<String> = descriptor
        .value
        .iter()
        .enumerate()
        .map(|(index, value)| {
            let comment = definition.comments.get(&vec![ENUM_VALUE, index as i32]);
            match comment {
                Some(text) => format!("- `\"{}\"`: {}", value.name(), text.replace('\n', " ")),
                None => format!("- `\"{}\"`", value.name()),
            }
        })
        .collect();
    if !doc.is_empty() {
        doc.push_str("\n\n");
    }
    doc.push_str(&values.join("\n"));
    write_doc(out, "", &doc);

    let names: Vec<String> = descriptor
        .value
        .iter()
        .map(|value| format!("\"{}\"", value.name()))
        .collect();
    let _ = writeln!(
        out,
        "export type {} = {};",
        definition.ts_name,
        names.join(" | ")
    );
}

fn write_message(
    out: &mut String,
    definitions: &HashMap<String, Definition<'_>>,
    definition: &Definition<'_>,
    message: &DescriptorProto,
    direction: Direction,
) -> Result<(), String> {
    // Fields of real oneofs go to one union type per oneof; proto3 `optional` fields sit
    // in synthetic oneofs and stay plain optional fields.
    let oneofs: Vec<usize> = (0..message.oneof_decl.len())
        .filter(|index| {
            message
                .field
                .iter()
                .any(|field| field.oneof_index == Some(*index as i32) && !field.proto3_optional())
        })
        .collect();
    let in_oneof = |field: &FieldDescriptorProto| {
        field
            .oneof_index
            .is_some_and(|index| oneofs.contains(&(index as usize)) && !field.proto3_optional())
    };

    if let Some(doc) = definition.comments.get(&Vec::new()) {
        write_doc(out, "", doc);
    }
    let mut plain = String::new();
    for (index, field) in message.field.iter().enumerate() {
        if !in_oneof(field) {
            write_field(
                &mut plain,
                definitions,
                definition,
                index,
                field,
                direction,
                "  ",
            )?;
        }
    }
    if oneofs.is_empty() {
        let _ = write!(
            out,
            "export interface {} {{\n{plain}}}\n",
            definition.ts_name
        );
        return Ok(());
    }

    let oneof_names: Vec<String> = oneofs
        .iter()
        .map(|oneof| oneof_type_name(definition, message, *oneof))
        .collect();
    let _ = write!(
        out,
        "export type {} = {{\n{plain}}} & {};\n",
        definition.ts_name,
        oneof_names.join(" & ")
    );
    for (oneof, name) in oneofs.into_iter().zip(oneof_names) {
        out.push('\n');
        write_oneof(
            out,
            definitions,
            definition,
            message,
            oneof,
            &name,
            direction,
        )?;
    }
    Ok(())
}

/// The TypeScript name of a oneof: the message's name, `_` and the oneof's name in
/// UpperCamelCase, such as `ListBackupsRequest_ListBy` for `list_by`.
fn oneof_type_name(definition: &Definition<'_>, message: &DescriptorProto, oneof: usize) -> String {
    let camel = lower_camel_case(message.oneof_decl[oneof].name());
    let mut characters = camel.chars();
    let upper: String = characters
        .next()
        .map(|first| first.to_uppercase().chain(characters).collect())
        .unwrap_or_default();
    format!("{}_{upper}", definition.ts_name)
}

/// Writes a union with one variant per field of the oneof, in which that field may be
/// set and the others are `never`, so setting two of them is a type error.
fn write_oneof(
    out: &mut String,
    definitions: &HashMap<String, Definition<'_>>,
    definition: &Definition<'_>,
    message: &DescriptorProto,
    oneof: usize,
    name: &str,
    direction: Direction,
) -> Result<(), String> {
    let members: Vec<(usize, &FieldDescriptorProto)> = message
        .field
        .iter()
        .enumerate()
        .filter(|(_, field)| field.oneof_index == Some(oneof as i32))
        .collect();

    let mut doc = definition
        .comments
        .get(&vec![MESSAGE_ONEOF_DECL, oneof as i32])
        .cloned()
        .unwrap_or_default();
    if !doc.is_empty() {
        doc.push_str("\n\n");
    }
    let names: Vec<String> = members
        .iter()
        .map(|(_, field)| format!("`{}`", json_name(field)))
        .collect();
    let _ = write!(
        doc,
        "The oneof `{}`: at most one of {} is set.",
        message.oneof_decl[oneof].name(),
        join_with_and(&names)
    );
    write_doc(out, "", &doc);

    let _ = write!(out, "export type {name} =");
    for (chosen, chosen_field) in &members {
        out.push_str("\n| {\n");
        write_field(
            out,
            definitions,
            definition,
            *chosen,
            chosen_field,
            direction,
            "  ",
        )?;
        for (_, other) in members.iter().filter(|(index, _)| index != chosen) {
            let _ = writeln!(out, "  {}?: never;", json_name(other));
        }
        out.push('}');
    }
    out.push_str(";\n");
    Ok(())
}

fn write_field(
    out: &mut String,
    definitions: &HashMap<String, Definition<'_>>,
    definition: &Definition<'_>,
    index: usize,
    field: &FieldDescriptorProto,
    direction: Direction,
    indent: &str,
) -> Result<(), String> {
    let (ts_type, note) = field_type(definitions, field, direction)?;
    let mut doc = definition
        .comments
        .get(&vec![MESSAGE_FIELD, index as i32])
        .cloned()
        .unwrap_or_default();
    if let Some(note) = note {
        if !doc.is_empty() {
            doc.push_str("\n\n");
        }
        doc.push_str(note);
    }
    if !doc.is_empty() {
        write_doc(out, indent, &doc);
    }
    let _ = writeln!(out, "{indent}{}?: {ts_type};", json_name(field));
    Ok(())
}

/// Joins `["a", "b", "c"]` as `"a, b and c"`.
fn join_with_and(items: &[String]) -> String {
    match items.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => items.concat(),
    }
}

fn json_name(field: &FieldDescriptorProto) -> String {
    match &field.json_name {
        Some(name) => name.clone(),
        None => lower_camel_case(field.name()),
    }
}

/// The proto3 JSON name of a field: underscores removed and the letter after each one
/// upper-cased.
fn lower_camel_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper_next = false;
    for character in name.chars() {
        if character == '_' {
            upper_next = true;
        } else if upper_next {
            out.extend(character.to_uppercase());
            upper_next = false;
        } else {
            out.push(character);
        }
    }
    out
}

/// The TypeScript type of a field and a note on its JSON form for the doc comment.
fn field_type(
    definitions: &HashMap<String, Definition<'_>>,
    field: &FieldDescriptorProto,
    direction: Direction,
) -> Result<(String, Option<&'static str>), String> {
    if let Some(entry) = map_entry(definitions, field) {
        let value = &entry.field[1];
        let (value_type, note) = field_type(definitions, value, direction)?;
        return Ok((format!("{{ [key: string]: {value_type} }}"), note));
    }
    let (element, note) = element_type(definitions, field, direction)?;
    if field.label() == Label::Repeated {
        let element = if element.contains(' ') {
            format!("({element})")
        } else {
            element
        };
        return Ok((format!("{element}[]"), note));
    }
    Ok((element, note))
}

/// The map entry message of a `map<K, V>` field.
fn map_entry<'a>(
    definitions: &'a HashMap<String, Definition<'_>>,
    field: &FieldDescriptorProto,
) -> Option<&'a DescriptorProto> {
    if field.label() != Label::Repeated || field.r#type() != Type::Message {
        return None;
    }
    match definitions.get(field.type_name())?.kind {
        Kind::Message(message)
            if message
                .options
                .as_ref()
                .is_some_and(|options| options.map_entry()) =>
        {
            Some(message)
        }
        _ => None,
    }
}

fn element_type(
    definitions: &HashMap<String, Definition<'_>>,
    field: &FieldDescriptorProto,
    direction: Direction,
) -> Result<(String, Option<&'static str>), String> {
    let simple = |ts: &str| Ok((ts.to_owned(), None));
    match field.r#type() {
        Type::String => simple("string"),
        Type::Bool => simple("boolean"),
        Type::Int32 | Type::Uint32 | Type::Sint32 | Type::Fixed32 | Type::Sfixed32 => {
            simple("number")
        }
        Type::Double | Type::Float => Ok((
            "number | \"NaN\" | \"Infinity\" | \"-Infinity\"".to_owned(),
            None,
        )),
        Type::Bytes => Ok(("string".to_owned(), Some("Bytes, as a base64 string."))),
        kind if is_64_bit(kind) => Ok(match direction {
            Direction::Input => (
                "number | string".to_owned(),
                Some("A 64-bit integer: a number, or a decimal string such as `\"42\"`."),
            ),
            Direction::Output => (
                "string".to_owned(),
                Some("A 64-bit integer, as a decimal string such as `\"42\"`."),
            ),
        }),
        Type::Message | Type::Enum => {
            let type_name = field.type_name();
            match type_name {
                ".google.protobuf.Timestamp" => Ok((
                    "string".to_owned(),
                    Some("An RFC 3339 date-time in UTC, such as `\"2024-05-01T12:30:00Z\"`."),
                )),
                ".google.protobuf.Duration" => Ok((
                    "string".to_owned(),
                    Some("A duration in seconds with an `s` suffix, such as `\"1.5s\"`."),
                )),
                name if name.starts_with(".google.protobuf.") => Err(format!(
                    "field {} has type {name}, whose proto3 JSON form build/typescript.rs does not \
                     write yet; add it to is_inline_well_known_type and element_type",
                    field.name()
                )),
                name => {
                    let definition = definitions.get(name).ok_or_else(|| {
                        format!("field {} has the unknown type {name}", field.name())
                    })?;
                    let is_enum = matches!(definition.kind, Kind::Enum(_));
                    Ok(match direction {
                        // proto3 JSON prints a value that the schema does not name, such as
                        // one added to the server's schema later, as its number.
                        Direction::Output if is_enum => (
                            format!("{} | number", definition.ts_name),
                            Some("A value missing from this client's copy of the schema is given as its number."),
                        ),
                        _ => (definition.ts_name.clone(), None),
                    })
                }
            }
        }
        other => Err(format!(
            "field {} has type {other:?}, which has no proto3 JSON form",
            field.name()
        )),
    }
}

/// Writes a `/** ... */` doc comment. `*/` in the text is broken up so it cannot end the
/// comment early.
fn write_doc(out: &mut String, indent: &str, text: &str) {
    let text = text.replace("*/", "*\\/");
    let lines: Vec<&str> = text.lines().collect();
    if let [line] = lines.as_slice() {
        let _ = writeln!(out, "{indent}/** {line} */");
        return;
    }
    let _ = writeln!(out, "{indent}/**");
    for line in lines {
        if line.is_empty() {
            let _ = writeln!(out, "{indent} *");
        } else {
            let _ = writeln!(out, "{indent} * {line}");
        }
    }
    let _ = writeln!(out, "{indent} */");
}

// A strict RFC 4180 parser for checking exported CSV. It is written apart from the
// dashboard's serializer, so a quoting bug in one does not hide in the other.

/**
 * Parses CSV text into records of fields. Requires CRLF after every record and throws
 * on a bare quote inside an unquoted field or an unterminated quoted field.
 */
export function parseCsv(text) {
  const records = [];
  let record = [];
  let field = "";
  let index = 0;

  while (index < text.length) {
    if (text[index] === '"') {
      index += 1;
      for (;;) {
        if (index >= text.length) throw new Error("unterminated quoted field");
        if (text[index] === '"') {
          if (text[index + 1] === '"') {
            field += '"';
            index += 2;
            continue;
          }
          index += 1;
          break;
        }
        field += text[index];
        index += 1;
      }
    }
    const char = text[index];
    if (char === ",") {
      record.push(field);
      field = "";
      index += 1;
    } else if (char === "\r" && text[index + 1] === "\n") {
      record.push(field);
      records.push(record);
      record = [];
      field = "";
      index += 2;
    } else if (char === '"' || char === "\n" || char === "\r") {
      throw new Error(`unexpected ${JSON.stringify(char)} at offset ${index}`);
    } else if (index < text.length) {
      field += char;
      index += 1;
    }
  }
  if (field !== "" || record.length > 0) throw new Error("last record does not end with CRLF");
  return records;
}

// grpc-web framing for the recording and fixture server, following the grpc-web protocol
// (PROTOCOL-WEB.md in grpc/grpc): each frame is a flags byte, a 4-byte big-endian length
// and the payload. Flags 0x00 mark a message, 0x80 the trailers.

const MESSAGE_FLAGS = 0x00;
const TRAILER_FLAGS = 0x80;

/** Encodes one frame. */
export function frame(flags, payload) {
  const header = Buffer.alloc(5);
  header[0] = flags;
  header.writeUInt32BE(payload.length, 1);
  return Buffer.concat([header, Buffer.from(payload)]);
}

/** Splits a grpc-web body into `{ flags, payload }` frames; throws on a truncated frame. */
export function parseFrames(body) {
  const frames = [];
  let offset = 0;
  while (offset < body.length) {
    if (body.length - offset < 5) throw new Error(`truncated frame header at offset ${offset}`);
    const length = body.readUInt32BE(offset + 1);
    const end = offset + 5 + length;
    if (end > body.length) throw new Error(`frame at offset ${offset} declares ${length} bytes, ${body.length - offset - 5} remain`);
    frames.push({ flags: body[offset], payload: body.subarray(offset + 5, end) });
    offset = end;
  }
  return frames;
}

/** Writes a 200 grpc-web response with one message frame and an OK trailer frame. */
export function sendMessage(response, message) {
  response.writeHead(200, { "content-type": "application/grpc-web+proto" });
  response.end(Buffer.concat([frame(MESSAGE_FLAGS, message), frame(TRAILER_FLAGS, Buffer.from("grpc-status: 0\r\n"))]));
}

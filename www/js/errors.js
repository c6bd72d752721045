// Turns a GrpcError rejection from the package into a message an operator can act on.

// Standard gRPC status codes. The package exports the same numbers as `Code`.
const CODE = {
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  PERMISSION_DENIED: 7,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
};

// When CORS hides the grpc-status header and there is no trailer frame, the package
// rejects with UNKNOWN and a message stating that the response has no grpc-status in
// its headers or trailers.
// NOTE: the package has no distinct code for this case, so this matches its message.
const MISSING_STATUS = /no grpc-status in its headers/i;

/**
 * Describes an error for the status area. Returns `{ title, hint, code, codeName,
 * message }`: `title` and `hint` are sentences for people, `code` and `codeName` come
 * from the GrpcError (null for other errors), `message` is the server's raw message.
 */
export function describeError(error, endpoint) {
  const code = typeof error?.code === "number" ? error.code : null;
  const codeName = error?.codeName ?? null;
  const message = error?.rawMessage ?? error?.message ?? String(error);
  const base = { code, codeName, message };

  if (error?.name === "AbortError") {
    return { ...base, title: "The request was canceled.", hint: "" };
  }
  switch (code) {
    case CODE.UNAVAILABLE:
      return {
        ...base,
        title: `Cannot reach the endpoint ${endpoint}.`,
        hint:
          "Check the URL and that the server is running. A server on another origin must also " +
          "allow this page's origin with CORS (Access-Control-Allow-Origin), or the browser blocks the request.",
      };
    case CODE.UNAUTHENTICATED:
      return {
        ...base,
        title: "The endpoint requires a valid bearer token.",
        hint: "Enter a valid token under Connection and select Connect.",
      };
    case CODE.PERMISSION_DENIED:
      return {
        ...base,
        title: "The token is valid but not allowed to do this.",
        hint: "Check the account ID and the token's role bindings.",
      };
    case CODE.DEADLINE_EXCEEDED:
      return { ...base, title: "The request timed out.", hint: "Try again, or choose a smaller page size." };
    case CODE.NOT_FOUND:
      return { ...base, title: "Not found.", hint: "The backup may have been deleted. Reload the list." };
    case CODE.INVALID_ARGUMENT:
      return { ...base, title: "The request was rejected as invalid.", hint: "" };
    default:
      break;
  }
  if (code === CODE.UNKNOWN && MISSING_STATUS.test(message)) {
    return {
      ...base,
      title: "The endpoint answered, but the browser could not read the gRPC status.",
      hint:
        "A cross-origin grpc-web server must expose its status headers: " +
        "Access-Control-Expose-Headers: grpc-status, grpc-message. Without that, CORS hides them from this page.",
    };
  }
  return { ...base, title: "The request failed.", hint: "" };
}

/** Formats the code part of a description: "UNAVAILABLE (14)", or "" for non-gRPC errors. */
export function formatCode(description) {
  if (description.code === null) return "";
  return `${description.codeName ?? "code"} (${description.code})`;
}

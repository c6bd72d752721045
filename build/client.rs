//! Generates a grpc-web client for each service: two async methods per unary RPC, one
//! returning the decoded response and one returning its proto3 JSON text, each sending the
//! request through a `crate::transport::UnaryTransport` to the RPC's path.
//!
//! This stands in for tonic's client codegen: tonic's runtime is built for HTTP/2 and
//! adds tens of kilobytes to the wasm module for work the grpc-web transport does itself.

use std::fmt::Write;

use prost_build::{Method, Service, ServiceGenerator};

/// Writes one client struct per service into the module of its package.
pub struct ClientGenerator;

impl ServiceGenerator for ClientGenerator {
    fn generate(&mut self, service: Service, buf: &mut String) {
        let client = format!("{}Client", service.name);
        let module = format!("{}_client", to_snake_case(&service.name));

        let _ = writeln!(
            buf,
            "/// Generated grpc-web client of `{}.{}`.",
            service.package, service.proto_name
        );
        let _ = writeln!(buf, "pub mod {module} {{");
        write_comments(buf, &service.comments.leading);
        let _ = writeln!(buf, "    #[derive(Clone, Debug)]");
        let _ = writeln!(buf, "    pub struct {client}<T> {{");
        let _ = writeln!(buf, "        transport: T,");
        let _ = writeln!(buf, "    }}\n");
        let _ = writeln!(
            buf,
            "    impl<T: crate::transport::UnaryTransport> {client}<T> {{"
        );
        let _ = writeln!(
            buf,
            "        /// Creates a client that sends every call through `transport`."
        );
        let _ = writeln!(buf, "        pub fn new(transport: T) -> Self {{");
        let _ = writeln!(buf, "            Self {{ transport }}");
        let _ = writeln!(buf, "        }}");
        for method in &service.methods {
            write_method(buf, &service, method);
        }
        let _ = writeln!(buf, "    }}");
        let _ = writeln!(buf, "}}");
    }
}

fn write_method(buf: &mut String, service: &Service, method: &Method) {
    assert!(
        !method.client_streaming && !method.server_streaming,
        "{}.{} streams, but grpc-web clients here support unary calls only",
        service.proto_name,
        method.proto_name
    );
    let path = format!(
        "/{}.{}/{}",
        service.package, service.proto_name, method.proto_name
    );
    let input = qualify(&method.input_type);
    let output = qualify(&method.output_type);

    buf.push('\n');
    write_comments(buf, &method.comments.leading);
    let _ = writeln!(
        buf,
        "        pub async fn {}(&self, request: {input}) -> Result<{output}, crate::status::Status> {{",
        method.name
    );
    let _ = writeln!(
        buf,
        "            self.transport.unary(\"{path}\", request).await"
    );
    let _ = writeln!(buf, "        }}");

    buf.push('\n');
    let _ = writeln!(
        buf,
        "        /// Like [`Self::{}`], but returns the response as proto3 JSON text.",
        method.name
    );
    let _ = writeln!(
        buf,
        "        pub async fn {}_json(&self, request: {input}) -> Result<String, crate::status::Status> {{",
        method.name
    );
    let _ = writeln!(
        buf,
        "            let payload = self.transport.send(\"{path}\", crate::transport::encode_frame(&request)).await?;"
    );
    let _ = writeln!(
        buf,
        "            crate::transcode::to_json::<{output}>(&payload)"
    );
    let _ = writeln!(buf, "        }}");
}

/// Types generated in the service's own module are named relative to it; the client
/// lives one module deeper.
fn qualify(rust_type: &str) -> String {
    if rust_type.starts_with("::") || rust_type.starts_with("crate::") {
        rust_type.to_owned()
    } else {
        format!("super::{rust_type}")
    }
}

fn write_comments(buf: &mut String, lines: &[String]) {
    for line in lines {
        let _ = writeln!(buf, "    ///{line}");
    }
}

fn to_snake_case(name: &str) -> String {
    let mut snake = String::new();
    for (index, character) in name.chars().enumerate() {
        if character.is_ascii_uppercase() {
            if index > 0 {
                snake.push('_');
            }
            snake.push(character.to_ascii_lowercase());
        } else {
            snake.push(character);
        }
    }
    snake
}

//! Links the addon as napi-rs requires (Node-API symbols resolved at load).

fn main() {
    napi_build::setup();
}

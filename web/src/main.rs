fn main() {
    #[cfg(target_arch = "wasm32")]
    yew::Renderer::<indexsmith_web::app::App>::new().render();
}

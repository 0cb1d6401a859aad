//! The Switchyard proxy: serves a routing bundle and hot-reloads it.

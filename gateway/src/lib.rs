//! Renders a Switchyard bundle as Kubernetes Gateway API resources (HTTPRoute).

//! Dockerfile parser (to be written).

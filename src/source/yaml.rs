//! YAML layer (to be written).

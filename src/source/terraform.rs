//! Terraform parser (to be written).

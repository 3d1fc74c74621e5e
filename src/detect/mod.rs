//! Detectors several rules share: what a secret looks like (names, values, token formats)
//! and what switches TLS verification off. They judge text and parsed scripts and return
//! spans; rules turn what they find into findings.

pub mod secrets;
pub mod tls;

pub mod missing_healthcheck;

pub mod missing_resource_limits;

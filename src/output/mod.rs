//! Output writers: one file per format, each reading the report and rule metadata only.

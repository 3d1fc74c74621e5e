//! The data table of gha/deprecated-action: action majors that are retired, one row each
//! with its source and the date it took effect. Keep it sorted by action.

/// One retired range: every major below `first_supported`.
pub struct Retired {
    pub action: &'static str,
    /// The first major that is still supported.
    pub first_supported: u32,
    /// Why, for the message.
    pub reason: &'static str,
    /// Where this is announced.
    pub source: &'static str,
    /// When it took effect (YYYY-MM-DD).
    pub date: &'static str,
}

pub const TABLE: &[Retired] = &[
    Retired {
        action: "actions/cache",
        first_supported: 4,
        reason: "v1-v2 stopped working when the cache service moved; v3 runs on Node 16",
        source: "GitHub changelog: Notice of upcoming deprecations and breaking changes for GitHub Actions (actions/cache v1-v2 closing down)",
        date: "2025-02-01",
    },
    Retired {
        action: "actions/checkout",
        first_supported: 4,
        reason: "v1-v3 run on Node 12/16, which GitHub retired from runners",
        source: "GitHub changelog: Transitioning from Node 16 to Node 20",
        date: "2024-06-30",
    },
    Retired {
        action: "actions/download-artifact",
        first_supported: 4,
        reason: "v1-v3 of the artifact actions were removed from GitHub.com",
        source: "GitHub changelog: Deprecation notice: v3 of the artifact actions",
        date: "2025-01-30",
    },
    Retired {
        action: "actions/setup-go",
        first_supported: 5,
        reason: "v1-v4 run on Node 12/16, which GitHub retired from runners",
        source: "GitHub changelog: Transitioning from Node 16 to Node 20",
        date: "2024-06-30",
    },
    Retired {
        action: "actions/setup-java",
        first_supported: 4,
        reason: "v1-v3 run on Node 12/16, which GitHub retired from runners",
        source: "GitHub changelog: Transitioning from Node 16 to Node 20",
        date: "2024-06-30",
    },
    Retired {
        action: "actions/setup-node",
        first_supported: 4,
        reason: "v1-v3 run on Node 12/16, which GitHub retired from runners",
        source: "GitHub changelog: Transitioning from Node 16 to Node 20",
        date: "2024-06-30",
    },
    Retired {
        action: "actions/setup-python",
        first_supported: 5,
        reason: "v1-v4 run on Node 12/16, which GitHub retired from runners",
        source: "GitHub changelog: Transitioning from Node 16 to Node 20",
        date: "2024-06-30",
    },
    Retired {
        action: "actions/upload-artifact",
        first_supported: 4,
        reason: "v1-v3 of the artifact actions were removed from GitHub.com",
        source: "GitHub changelog: Deprecation notice: v3 of the artifact actions",
        date: "2025-01-30",
    },
    Retired {
        action: "codecov/codecov-action",
        first_supported: 4,
        reason: "v1-v3 run on Node 12/16 (v1 on the retired bash uploader)",
        source: "codecov-action release notes for v4; GitHub changelog: Transitioning from Node 16 to Node 20",
        date: "2024-06-30",
    },
];

//! The data table of compose/dangerous-device: host devices that hand a container the host's
//! memory, I/O ports or disks. Each row with its source and the date it was taken. There is
//! no machine-readable public list to regenerate it from; the device numbers are the
//! kernel's (Documentation/admin-guide/devices.txt).

/// One kind of dangerous device.
pub struct DangerousDevice {
    /// An exact path, or a prefix that a device number follows (`/dev/sd`).
    pub path: &'static str,
    pub prefix: bool,
    pub what: &'static str,
    /// An error (else a warning).
    pub error: bool,
    pub source: &'static str,
    pub date: &'static str,
}

const DEVICES_TXT: &str = "Linux kernel Documentation/admin-guide/devices.txt";

#[rustfmt::skip]
pub const TABLE: &[DangerousDevice] = &[
    DangerousDevice { path: "/dev/mem", prefix: false, what: "the host's physical memory", error: true, source: DEVICES_TXT, date: "2026-12-01" },
    DangerousDevice { path: "/dev/kmem", prefix: false, what: "the host kernel's virtual memory", error: true, source: DEVICES_TXT, date: "2026-12-01" },
    DangerousDevice { path: "/dev/port", prefix: false, what: "the host's I/O ports", error: true, source: DEVICES_TXT, date: "2026-12-01" },
    DangerousDevice { path: "/dev/sd", prefix: true, what: "a host disk (SCSI/SATA), raw", error: false, source: DEVICES_TXT, date: "2026-12-01" },
    DangerousDevice { path: "/dev/hd", prefix: true, what: "a host disk (IDE), raw", error: false, source: DEVICES_TXT, date: "2026-12-01" },
    DangerousDevice { path: "/dev/vd", prefix: true, what: "a host disk (virtio), raw", error: false, source: DEVICES_TXT, date: "2026-12-01" },
    DangerousDevice { path: "/dev/xvd", prefix: true, what: "a host disk (Xen), raw", error: false, source: DEVICES_TXT, date: "2026-12-01" },
    DangerousDevice { path: "/dev/nvme", prefix: true, what: "a host disk (NVMe), raw", error: false, source: DEVICES_TXT, date: "2026-12-01" },
    DangerousDevice { path: "/dev/mmcblk", prefix: true, what: "a host disk (MMC/SD), raw", error: false, source: DEVICES_TXT, date: "2026-12-01" },
    DangerousDevice { path: "/dev/dm-", prefix: true, what: "a host device-mapper volume, raw", error: false, source: DEVICES_TXT, date: "2026-12-01" },
    DangerousDevice { path: "/dev/md", prefix: true, what: "a host RAID volume, raw", error: false, source: DEVICES_TXT, date: "2026-12-01" },
    DangerousDevice { path: "/dev/disk/", prefix: true, what: "a host disk, raw", error: false, source: "udev persistent storage links (/dev/disk/by-id, by-uuid, by-path)", date: "2026-12-01" },
];

/// The table row for a host device path, if it is dangerous.
pub fn lookup(path: &str) -> Option<&'static DangerousDevice> {
    TABLE.iter().find(|d| {
        if !d.prefix {
            return d.path == path;
        }
        let Some(rest) = path.strip_prefix(d.path) else {
            return false;
        };
        if d.path == "/dev/disk/" {
            return !rest.is_empty();
        }
        // a device name: letters and digits after the prefix (sda, sda1, nvme0n1p2, dm-0)
        !rest.is_empty() && rest.chars().all(|c| c.is_ascii_alphanumeric())
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn lookups() {
        use super::lookup;
        assert!(lookup("/dev/mem").is_some_and(|d| d.error));
        assert!(lookup("/dev/sda").is_some());
        assert!(lookup("/dev/nvme0n1p2").is_some());
        assert!(lookup("/dev/disk/by-id/ata-X").is_some());
        assert!(lookup("/dev/snd").is_none());
        assert!(lookup("/dev/dri").is_none());
        assert!(lookup("/dev/memory_bandwidth").is_none());
        assert!(lookup("/dev/ttyUSB0").is_none());
        for d in super::TABLE {
            assert_eq!(d.date.len(), 10);
            assert!(!d.source.is_empty());
        }
    }
}

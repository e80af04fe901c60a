// The fixtures share the machine's two cores and one artifacts/ folder; collections run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

// Boards, sshd, systemd and qemu-user are Linux; so are these tests.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

// The shipper is a bash script for Linux hosts (systemd, /proc/meminfo, inodes): so are its tests.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

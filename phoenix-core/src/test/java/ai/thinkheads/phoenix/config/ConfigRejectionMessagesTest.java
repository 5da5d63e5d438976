package ai.thinkheads.phoenix.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every rejection of the config language with its exact message, one bad value each, for the rules
 * {@link ConfigViewsTest} and {@link DiskSizeTest} do not already pin. The texts follow pve-common's
 * {@code parse_property_string} / {@code check_prop} wording where Proxmox has one.
 */
class ConfigRejectionMessagesTest {

    static Stream<Arguments> rejections() {
        return Stream.of(
                // PropertyString: pve-common parse_property_string / print_property_string
                rejects("a bare value where the format has no default key",
                        "value without key, but schema does not define a default key",
                        () -> PropertyString.parse("local-lvm:1", null)),
                rejects("a part with '=' but no key", "missing key in comma-separated list property",
                        () -> PropertyString.parse("local-lvm:1,=on", "file")),
                rejects("a key with '='", "invalid key in comma-separated list property: 'a=b'",
                        () -> new PropertyString(null, Map.of("a=b", "1"))),
                rejects("an empty value", "empty value for discard",
                        () -> new PropertyString(null, Map.of("discard", ""))),
                rejects("a value with a comma", "illegal value with commas for tag",
                        () -> new PropertyString(null, Map.of("tag", "1,2"))),
                rejects("a default-key value that would not read back", "illegal value for default key file: 'a=b'",
                        () -> new PropertyString("file", Map.of("file", "a=b"))),
                // agent
                rejects("agent without enabled", "enabled: property is missing and it is not optional",
                        () -> AgentConfig.parse("fstrim_cloned_disks=1")),
                rejects("agent with an unknown key", "invalid key in comma-separated list property: type",
                        () -> AgentConfig.parse("1,type=virtio")),
                // boot
                rejects("a boot device listed twice", "order: duplicate boot device 'scsi0'",
                        () -> BootOrder.parse("order=scsi0;scsi0")),
                rejects("the legacy boot letters", "legacy boot order 'cdn' is not supported; use order=",
                        () -> BootOrder.parse("cdn")),
                rejects("boot with an unknown key", "invalid key in comma-separated list property: menu",
                        () -> BootOrder.parse("order=scsi0,menu=1")),
                // memory
                rejects("memory without current", "memory: current is missing",
                        () -> ConfigView.of(Map.of("memory", "max=4096")).memoryMiB()),
                // drives
                rejects("file given as an option", "file is the drive's volume, not an option",
                        () -> new DriveConfig("local-lvm:1", Map.of("volume", "local-lvm:2"))),
                rejects("a drive option without a value", "empty value for discard",
                        () -> new DriveConfig("local-lvm:1", nullValue("discard"))),
                rejects("a drive size that is no size", "size: not a disk size: 'big' (expected e.g. 32G, 512M, 1T)",
                        () -> DriveConfig.parse("local-lvm:vm-100-disk-0,size=big")),
                rejects("a new volume under 1 GiB", "size of a new volume must be at least 1 GiB, got 0",
                        () -> DriveConfig.newVolume("local-lvm", 0)),
                rejects("a new volume on a bad storage ID",
                        "storage ID 'l' is not valid (letters, digits, - _ .; at least 2 characters)",
                        () -> DriveConfig.newVolume("l", 1)),
                rejects("a disk size beyond 63 bits", "disk size too large: '99999999T'",
                        () -> DiskSize.parse("99999999T")),
                rejects("a zero disk size", "disk size must be positive, got 0 bytes", () -> new DiskSize(0)),
                rejects("a drive index beyond the bus", "16 is outside 0..15 for virtio", () -> DriveBus.VIRTIO.key(16)),
                // NICs
                rejects("a NIC option without a value", "empty value for bridge",
                        () -> new NetConfig("virtio", null, nullValue("bridge"))),
                rejects("a model name as an option", "e1000: not an option (use the model/macaddr components)",
                        () -> new NetConfig("virtio", null, Map.of("e1000", "BC:24:11:00:00:01"))),
                // nameservers
                rejects("no nameserver", "nameserver: no address given", () -> new NameserverList(List.of())),
                rejects("a nameserver that is a host name", "nameserver: 'dns.example.com' is not an IP address",
                        () -> NameserverList.parse("dns.example.com")),
                // sshkeys
                rejects("a key line without its base64 part", "sshkeys: not an OpenSSH public key line: 'ssh-rsa'",
                        () -> SshKeys.of("ssh-rsa")),
                rejects("a stored value that is not URL-encoded", "invalid urlencoded string: ssh-rsa AAAA",
                        () -> SshKeys.parse("ssh-rsa AAAA")),
                // startup
                rejects("startup with nothing in it", "startup: unable to parse startup options",
                        () -> new StartupOrder(null, null, null)),
                rejects("startup with an unknown key", "startup: unable to parse startup options: 'order=1,later=2'",
                        () -> StartupOrder.parse("order=1,later=2")),
                rejects("a negative startup delay", "up: -5 is negative", () -> new StartupOrder(1, -5, null)),
                // hostpci
                rejects("a hostpci mapping that is no ID", "mapping: invalid configuration ID 'a b'",
                        () -> HostPciConfig.mapping("a b")),
                rejects("hostpci with an unknown key", "invalid key in comma-separated list property: vga",
                        () -> HostPciConfig.parse("01:00.0,vga=1")),
                // the option table guards its own entries
                rejects("a table entry whose default key is not a sub-key", "vga: default key type is not a sub-key",
                        () -> new ConfigKey("vga", ConfigKey.Type.STRING, null, null, List.of(), -1, null, "type", Map.of())),
                rejects("an indexed table entry without maxIndex", "net[n]: maxIndex must be set exactly for indexed keys",
                        () -> new ConfigKey("net[n]", ConfigKey.Type.STRING, null, null, List.of(), -1, null, Map.of())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejections")
    void rejectsWithItsMessage(String what, String message, Executable call) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, call).getMessage());
    }

    private static Arguments rejects(String what, String message, Executable call) {
        return Arguments.of(what, message, call);
    }

    private static Map<String, String> nullValue(String key) {
        Map<String, String> options = new HashMap<>();
        options.put(key, null);
        return options;
    }
}

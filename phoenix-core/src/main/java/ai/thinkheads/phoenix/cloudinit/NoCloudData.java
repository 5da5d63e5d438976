package ai.thinkheads.phoenix.cloudinit;

import ai.thinkheads.phoenix.config.IpConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;

/**
 * The three documents of a NoCloud datasource ({@code user-data}, {@code meta-data},
 * {@code network-config}), for a VM that gets its cloud-init data from an ISO Phoenix builds
 * instead of Proxmox's own cloud-init drive (the HTTP API cannot write snippets).
 *
 * <p>{@code meta-data} and {@code network-config} are written the way qemu-server writes them for
 * its own NoCloud drive ({@code PVE/QemuServer/Cloudinit.pm}: {@code nocloud_gen_metadata} and
 * {@code nocloud_network}, network config version 1 with one {@code physical} entry per NIC,
 * matched by MAC, and a {@code nameserver} entry). The {@code instance-id} is the SHA-1 of
 * user-data and network-config together, as qemu-server derives it from the generated files, so
 * changing either makes cloud-init run its once-per-instance modules again on the next boot.
 *
 * @param userData the {@code #cloud-config} document
 * @param metaData the meta-data document
 * @param networkConfig the network-config document
 * @param instanceId the instance-id written into meta-data
 */
public record NoCloudData(String userData, String metaData, String networkConfig, String instanceId) {

    public NoCloudData {
        Objects.requireNonNull(userData, "userData");
        Objects.requireNonNull(metaData, "metaData");
        Objects.requireNonNull(networkConfig, "networkConfig");
        Objects.requireNonNull(instanceId, "instanceId");
    }

    /**
     * The NoCloud documents for a VM.
     *
     * @param hostname the VM's name (meta-data {@code local-hostname})
     * @param userData the user-data document
     * @param nics NIC index → its MAC address, for every NIC the VM has
     * @param ipConfigs NIC index → IP configuration (NICs without one are left unconfigured)
     * @param nameservers DNS servers (may be empty)
     * @param searchDomain DNS search domain or null
     */
    public static NoCloudData of(String hostname, String userData, SortedMap<Integer, String> nics,
                                 SortedMap<Integer, IpConfig> ipConfigs, List<String> nameservers, String searchDomain) {
        String network = networkConfig(nics, ipConfigs, nameservers, searchDomain);
        String instanceId = sha1(userData + "\n" + network);
        String meta = "instance-id: " + instanceId + "\nlocal-hostname: " + CloudConfig.q(hostname) + "\n";
        return new NoCloudData(userData, meta, network, instanceId);
    }

    /** The files of the ISO by name. */
    public Map<String, String> files() {
        return Map.of("user-data", userData, "meta-data", metaData, "network-config", networkConfig);
    }

    private static String networkConfig(SortedMap<Integer, String> nics, SortedMap<Integer, IpConfig> ipConfigs,
                                        List<String> nameservers, String searchDomain) {
        StringBuilder n = new StringBuilder("version: 1\nconfig:\n");
        nics.forEach((index, mac) -> {
            IpConfig ip = ipConfigs.get(index);
            n.append("  - type: physical\n    name: ").append(CloudConfig.q("eth" + index)).append('\n');
            n.append("    mac_address: ").append(CloudConfig.q(mac.toLowerCase(java.util.Locale.ROOT))).append('\n');
            if (ip == null) {
                return;
            }
            n.append("    subnets:\n");
            if (ip.ip() != null) {
                if (ip.isDhcp()) {
                    n.append("      - type: dhcp4\n");
                } else {
                    String[] cidr = ip.ip().split("/");
                    n.append("      - type: static\n        address: ").append(CloudConfig.q(cidr[0])).append('\n');
                    n.append("        netmask: ").append(CloudConfig.q(netmask(Integer.parseInt(cidr[1])))).append('\n');
                    if (ip.gw() != null) {
                        n.append("        gateway: ").append(CloudConfig.q(ip.gw())).append('\n');
                    }
                }
            }
            if (ip.ip6() != null) {
                switch (ip.ip6()) {
                    case "dhcp" -> n.append("      - type: dhcp6\n");
                    case "auto" -> n.append("      - type: ipv6_slaac\n");
                    default -> {
                        n.append("      - type: static6\n        address: ").append(CloudConfig.q(ip.ip6())).append('\n');
                        if (ip.gw6() != null) {
                            n.append("        gateway: ").append(CloudConfig.q(ip.gw6())).append('\n');
                        }
                    }
                }
            }
        });
        if (!nameservers.isEmpty() || searchDomain != null) {
            n.append("  - type: nameserver\n");
            if (!nameservers.isEmpty()) {
                n.append("    address:\n");
                nameservers.forEach(a -> n.append("      - ").append(CloudConfig.q(a)).append('\n'));
            }
            if (searchDomain != null) {
                n.append("    search:\n      - ").append(CloudConfig.q(searchDomain)).append('\n');
            }
        }
        return n.toString();
    }

    static String netmask(int prefix) {
        long mask = prefix == 0 ? 0 : (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
        return ((mask >> 24) & 255) + "." + ((mask >> 16) & 255) + "." + ((mask >> 8) & 255) + "." + (mask & 255);
    }

    /** SHA-1 hex of {@code text} (UTF-8). */
    public static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

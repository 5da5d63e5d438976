package ai.thinkheads.phoenix.testkit.model;

import ai.thinkheads.phoenix.config.PropertyString;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * What the cluster generates from its seeded random source: MAC addresses under the datacenter's
 * {@code mac_prefix} and UUIDs ({@code smbios1}, {@code vmgenid}), so runs with one seed repeat.
 */
final class Identifiers {

    private final Random random;
    private final String macPrefix;

    Identifiers(Random random, String macPrefix) {
        this.random = random;
        this.macPrefix = macPrefix;
    }

    /** qemu-server PVE::QemuServer::Network::add_random_macs with datacenter.cfg's default mac_prefix BC:24:11. */
    void addRandomMacs(Map<String, String> params) {
        for (Map.Entry<String, String> e : params.entrySet()) {
            if (e.getKey().matches("net\\d+")) {
                PropertyString net = ConfigSchema.parseNet(e.getValue());
                if (!net.has("macaddr")) {
                    net = net.with("macaddr", randomMac());
                }
                e.setValue(ConfigSchema.printNet(net));
            }
        }
    }

    /** pve-common PVE::Tools::random_ether_addr: locally administered unicast bytes under the prefix. */
    String randomMac() {
        byte[] b = new byte[6];
        random.nextBytes(b);
        b[0] = (byte) ((b[0] & 0xFE) | 2);
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            if (sb.length() > 0) {
                sb.append(':');
            }
            sb.append(String.format("%02X", x & 0xFF));
        }
        String addr = sb.toString();
        return macPrefix.toUpperCase(Locale.ROOT) + addr.substring(macPrefix.length());
    }

    String uuid() {
        return new UUID(random.nextLong(), random.nextLong()).toString();
    }
}

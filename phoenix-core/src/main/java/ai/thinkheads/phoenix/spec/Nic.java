package ai.thinkheads.phoenix.spec;

import ai.thinkheads.phoenix.config.ConfigKeys;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One network device of a {@link VmSpec} ({@code net[n]}). Immutable; each {@code with...} method
 * validates its argument and names the field ({@code nics[1].vlan: 5000 is outside 1..4094}).
 *
 * <pre>{@code
 * Nic.virtio(0, "vmbr0").withVlan(10).withFirewall(true)
 * }</pre>
 *
 * @param index NIC index, 0–31 ({@code QemuServer.pm $MAX_NETS = 32})
 * @param model NIC model ({@link ConfigKeys#NIC_MODELS})
 * @param bridge bridge to attach to ({@code vmbr0})
 * @param vlan VLAN tag 1–4094, or null for untagged
 * @param mac unicast MAC, or null to let Proxmox generate one
 * @param firewall enable the Proxmox firewall on this NIC, or null for the default (off)
 * @param mtu MTU 1–65520, virtio only (1 means "the bridge's MTU"), or null
 * @param rate rate limit in MB/s, or null
 * @param queues packet queues 0–64, or null
 */
public record Nic(int index, String model, String bridge, Integer vlan, String mac, Boolean firewall, Integer mtu,
                  Double rate, Integer queues) {

    // pve-common pve_verify_mac_addr: I/G bit clear
    private static final Pattern MAC = Pattern.compile("^[a-f0-9][02468ace](?::[a-f0-9]{2}){5}$", Pattern.CASE_INSENSITIVE);

    public Nic {
        SpecChecks.range("nics.index", index, 0, 31);
        String at = "nics[" + index + "]";
        if (model == null || !ConfigKeys.NIC_MODELS.contains(model)) {
            throw new InvalidValueException(at + ".model", "'" + model + "' is not one of " + ConfigKeys.NIC_MODELS);
        }
        SpecChecks.bridge(at + ".bridge", bridge);
        if (vlan != null) {
            SpecChecks.range(at + ".vlan", vlan, 1, 4094);
        }
        if (mac != null && !MAC.matcher(mac).matches()) {
            throw new InvalidValueException(at + ".mac", "'" + mac + "' is not a unicast MAC address (XX:XX:XX:XX:XX:XX, I/G bit clear)");
        }
        if (mtu != null) {
            SpecChecks.range(at + ".mtu", mtu, 1, 65520);
            if (!model.equals("virtio")) {
                // QemuServer.pm print_netdevice_full ignores mtu for other models
                throw new InvalidValueException(at + ".mtu", "only virtio NICs take an MTU (model is " + model + ")");
            }
            if (mtu != 1 && mtu < 576) {
                // QemuServer.pm print_netdevice_full: "MTU '$mtu' is smaller than the IP minimum MTU '576'"
                throw new InvalidValueException(at + ".mtu", mtu + " is smaller than the IP minimum MTU 576 (1 means the bridge MTU)");
            }
        }
        if (rate != null && (rate.isNaN() || rate.isInfinite() || rate < 0)) {
            throw new InvalidValueException(at + ".rate", rate + " is not a non-negative number");
        }
        if (queues != null) {
            SpecChecks.range(at + ".queues", queues, 0, 64);
        }
    }

    /** A virtio NIC on {@code bridge}. */
    public static Nic virtio(int index, String bridge) {
        return new Nic(index, "virtio", bridge, null, null, null, null, null, null);
    }

    public static Nic of(int index, String model, String bridge) {
        return new Nic(index, model, bridge, null, null, null, null, null, null);
    }

    /** The config key, e.g. {@code net0}. */
    public String key() {
        return "net" + index;
    }

    public Optional<String> macIfAny() {
        return Optional.ofNullable(mac);
    }

    public Nic withVlan(int tag) {
        return new Nic(index, model, bridge, tag, mac, firewall, mtu, rate, queues);
    }

    public Nic withMac(String value) {
        return new Nic(index, model, bridge, vlan, value, firewall, mtu, rate, queues);
    }

    public Nic withFirewall(boolean value) {
        return new Nic(index, model, bridge, vlan, mac, value, mtu, rate, queues);
    }

    public Nic withMtu(int value) {
        return new Nic(index, model, bridge, vlan, mac, firewall, value, rate, queues);
    }

    public Nic withRate(double mbps) {
        return new Nic(index, model, bridge, vlan, mac, firewall, mtu, mbps, queues);
    }

    public Nic withQueues(int value) {
        return new Nic(index, model, bridge, vlan, mac, firewall, mtu, rate, value);
    }
}

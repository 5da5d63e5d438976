package ai.thinkheads.phoenix.hypervisor;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Everything {@code POST /nodes/{node}/qemu} (or {@code qm create}) takes: the VM's options as
 * Proxmox config values, and the non-config parameters {@code pool} and {@code start}.
 */
public record CreateRequest(String node, int vmid, Map<String, String> config, String pool, boolean start) {

    public CreateRequest {
        Objects.requireNonNull(node, "node");
        new VmRef(node, vmid); // validates the vmid range
        config = Collections.unmodifiableMap(new TreeMap<>(config));
    }

    public static CreateRequest of(String node, int vmid, Map<String, String> config) {
        return new CreateRequest(node, vmid, config, null, false);
    }

    public CreateRequest withPool(String newPool) {
        return new CreateRequest(node, vmid, config, newPool, start);
    }

    public Optional<String> poolIfAny() {
        return Optional.ofNullable(pool);
    }

    public VmRef ref() {
        return new VmRef(node, vmid);
    }

    /** As the record's, but with secret values (the cloud-init password) masked: this text ends up in logs. */
    @Override
    public String toString() {
        return "CreateRequest[node=" + node + ", vmid=" + vmid + ", config=" + SensitiveValues.masked(config)
                + ", pool=" + pool + ", start=" + start + "]";
    }
}

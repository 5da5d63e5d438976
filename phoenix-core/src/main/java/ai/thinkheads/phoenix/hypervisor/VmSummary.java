package ai.thinkheads.phoenix.hypervisor;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One VM as the cluster-wide list shows it ({@code GET /cluster/resources?type=vm}).
 *
 * @param vmid cluster-wide id
 * @param node node it lives on
 * @param name its name; may be empty for a VM created without one
 * @param state run state
 * @param template whether it is a template
 * @param tags its tags, in Proxmox's order
 * @param lock the config lock it carries ({@code clone}, {@code create}...), or null
 */
public record VmSummary(int vmid, String node, String name, PowerState state, boolean template,
                        List<String> tags, String lock) {

    public VmSummary {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(state, "state");
        name = name == null ? "" : name;
        tags = List.copyOf(tags);
    }

    public VmRef ref() {
        return new VmRef(node, vmid);
    }

    public Optional<String> lockIfAny() {
        return Optional.ofNullable(lock);
    }
}

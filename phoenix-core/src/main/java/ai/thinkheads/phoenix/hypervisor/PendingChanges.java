package ai.thinkheads.phoenix.hypervisor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The config changes a VM holds pending until it restarts ({@code GET .../qemu/{vmid}/pending},
 * {@code qm pending}): Proxmox writes a change that cannot be hot-plugged into the config's
 * {@code [PENDING]} section, and {@code GET .../config} (without {@code current}) shows it as if
 * applied. A start, or a reboot, applies them (qemu-server {@code vmconfig_apply_pending}).
 *
 * @param vm the VM
 * @param changes one entry per key, in key order
 */
public record PendingChanges(VmRef vm, List<PendingChange> changes) {

    public PendingChanges {
        Objects.requireNonNull(vm, "vm");
        List<PendingChange> sorted = new ArrayList<>(changes);
        sorted.sort(Comparator.comparing(PendingChange::key));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).key().equals(sorted.get(i - 1).key())) {
                throw new IllegalArgumentException("VM " + vm.vmid() + ": key '" + sorted.get(i).key() + "' is pending twice");
            }
        }
        changes = List.copyOf(sorted);
    }

    /** No pending changes. */
    public static PendingChanges none(VmRef vm) {
        return new PendingChanges(vm, List.of());
    }

    public boolean isEmpty() {
        return changes.isEmpty();
    }

    /** The pending keys, in order. */
    public Set<String> keys() {
        Set<String> out = new TreeSet<>();
        changes.forEach(c -> out.add(c.key()));
        return out;
    }

    public Optional<PendingChange> get(String key) {
        return changes.stream().filter(c -> c.key().equals(key)).findFirst();
    }
}

package ai.thinkheads.phoenix.hypervisor;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One snapshot of a VM ({@code GET .../snapshot}, without the {@code current} pseudo-entry).
 *
 * @param name its name (pve-configid, at most 40 characters)
 * @param description free text, may be empty
 * @param parent the snapshot it was taken after, or null for the first
 * @param taken when it was taken, or null when Proxmox did not say
 * @param withRamState whether it includes the VM's RAM ({@code vmstate})
 */
public record Snapshot(String name, String description, String parent, Instant taken, boolean withRamState) {

    public Snapshot {
        Objects.requireNonNull(name, "name");
        description = description == null ? "" : description;
    }

    public Optional<String> parentIfAny() {
        return Optional.ofNullable(parent);
    }
}

package ai.thinkheads.phoenix.testkit.model;

import ai.thinkheads.phoenix.hypervisor.PowerState;
import java.util.Objects;

/**
 * One VM's state as {@code GET /nodes/{node}/qemu/{vmid}/status/current} reports it.
 *
 * @param vmid the VMID
 * @param node its node
 * @param name its name, or empty
 * @param state power state ({@code status} is {@code running} for both running and paused;
 *     {@code qmpstatus} tells them apart)
 * @param template whether it is a template
 * @param lock the config lock, or null
 * @param cpus virtual CPUs (sockets × cores)
 * @param maxmem memory in bytes
 * @param maxdisk size of the boot disk in bytes, 0 without one
 * @param uptimeSeconds seconds since it started, 0 when stopped
 * @param agent whether the config enables the guest agent
 */
public record VmStatus(int vmid, String node, String name, PowerState state, boolean template, String lock,
                       int cpus, long maxmem, long maxdisk, long uptimeSeconds, boolean agent) {

    public VmStatus {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(state, "state");
        name = name == null ? "" : name;
    }

    /** Proxmox's {@code status} field: {@code running} or {@code stopped}. */
    public String status() {
        return state == PowerState.STOPPED ? "stopped" : "running";
    }

    /** Proxmox's {@code qmpstatus} field: {@code running}, {@code paused} or {@code stopped}. */
    public String qmpstatus() {
        return state.proxmoxName();
    }
}
